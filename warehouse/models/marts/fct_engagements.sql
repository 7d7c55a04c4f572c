-- one row per real-world engagement: its reports, publishers, and where their accounts differ
with

members as (
    select * from engagement_events
    -- an incremental publish computes only the engagements the run touches (ingest.warehouse)
    where {{ in_scope('engagements', engagement_id) }}
),

participants as (
    select
        members.engagement_id,
        participants.event_id,
        participants.participant_index,
        participants.person_name
    from stg_participants as participants
    join members using (event_id)
    where participants.person_name is not null
),

several_reports as (
    select engagement_id
    from members
    group by engagement_id
    having count(distinct doc_id) > 1
),

participant_keys as (
    select
        members.engagement_id,
        members.doc_id,
        keys.event_id,
        keys.participant_index,
        keys.person_key
    from int_engagement_person_keys as keys
    join members using (event_id)
    where members.engagement_id in (select engagement_id from several_reports)
),

key_reports as (
    -- how many releases of the engagement name someone under each key
    select
        engagement_id,
        person_key,
        count(distinct doc_id) as report_count
    from participant_keys
    group by engagement_id, person_key
),

confirmed as (
    -- participants another release names too (a key their release is not alone to give)
    select distinct
        participant_keys.event_id,
        participant_keys.participant_index
    from participant_keys
    join key_reports using (engagement_id, person_key)
    where key_reports.report_count > 1
),

unconfirmed as (
    -- participants that no other release reporting the engagement names
    select
        participants.engagement_id,
        participants.person_name
    from participants
    where participants.engagement_id in (select engagement_id from several_reports)
        and not exists (
            select 1
            from confirmed
            where confirmed.event_id = participants.event_id
                and confirmed.participant_index = participants.participant_index
        )
),

people as (
    select
        engagement_id,
        string_agg(distinct person_name, '; ' order by person_name) as participant_names
    from participants
    group by engagement_id
),

disputed_people as (
    select
        engagement_id,
        string_agg(distinct person_name, '; ' order by person_name) as participants_in_one_report
    from unconfirmed
    group by engagement_id
),

engagements as (
    select
        engagement_id,
        mode(event_type order by event_type) as engagement_type,
        min(event_date) as event_date,
        max(event_date) as last_event_date,
        string_agg(distinct cast(event_date as varchar), '; ' order by cast(event_date as varchar))
            as event_dates,
        mode(city order by city) as city,
        mode(country_code order by country_code) as country_code,
        string_agg(distinct city, '; ' order by city) as cities,
        string_agg(distinct country_code, '; ' order by country_code) as country_codes,
        count(distinct city) > 1 or count(distinct country_code) > 1 as is_place_disputed,
        count(*) as event_count,
        count(distinct doc_id) as source_count,
        count(distinct source_id) as publisher_count,
        string_agg(distinct source_id, '; ' order by source_id) as publishers,
        min(published_at) as first_reported_at,
        arg_min(source_id, (published_at is null, published_at, event_id)) as first_reported_by
    from members
    group by engagement_id
),

final as (
    select
        engagements.engagement_id,
        engagements.engagement_type,
        engagements.event_date,
        engagements.last_event_date,
        engagements.event_date <> engagements.last_event_date as is_date_disputed,
        engagements.event_dates,
        engagements.city,
        engagements.country_code,
        engagements.is_place_disputed,
        engagements.cities,
        engagements.country_codes,
        people.participant_names,
        engagements.source_count > 1 and disputed_people.engagement_id is not null
            as is_participants_disputed,
        case when engagements.source_count > 1 then disputed_people.participants_in_one_report end
            as participants_in_one_report,
        engagements.event_count,
        engagements.source_count,
        engagements.publisher_count,
        engagements.publishers,
        engagements.first_reported_at,
        engagements.first_reported_by
    from engagements
    left join people using (engagement_id)
    left join disputed_people using (engagement_id)
)

select * from final
