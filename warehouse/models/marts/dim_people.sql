-- one row per person (resolved across documents): canonical name, main affiliation, activity;
-- flat for BI tools: spellings, titles and affiliations over time are in the person_* bridges.
-- Each per-person aggregate is materialized, computed whole before the next: computed side by
-- side their hash tables together ran out of memory under marts_memory_mb (a 300k-event
-- warehouse under 320 MB; issue 21) where each alone spills
with

participants as not materialized (
    -- read again by each consumer: a scan of the few columns it needs costs far less than
    -- holding every column of every participant in memory
    select
        person_id,
        person_name,
        person_title,
        affiliation,
        name_status,
        name_problem,
        event_id,
        doc_id,
        is_primary,
        event_date
    from stg_participants
    where person_id is not null
),

canonical as materialized (
    -- the most complete spelling, as resolution chose it (one per person; min() for safety)
    select person_id, min(canonical_name) as person_name
    from participant_persons
    group by person_id
),

spellings as materialized (
    select
        person_id,
        count(distinct person_name) as spelling_count,
        -- ids that are not one known person say so: names that are no names (warnings), and
        -- lone surnames no single known person fits
        case
            when bool_and(name_problem is not null) then 'not_a_name'
            when bool_and(name_status = 'surname_only') then 'unresolved_surname'
            else 'person'
        end as person_kind
    from participants
    group by person_id
),

titles as materialized (
    select
        person_id,
        arg_max(person_title, event_date) as latest_title,
        count(distinct person_title) as title_count
    from participants
    where person_title is not null
    group by person_id
),

affiliations as materialized (
    -- the best supported, a release stating it in the person's own words counting twice (a
    -- release's default counts once): person_affiliations shows the evidence of each
    select
        person_id,
        first(affiliation order by is_main desc) as affiliation,
        count(*) as affiliation_count
    from {{ ephemeral('int_person_affiliations') }}
    group by person_id
),

person_events as (
    -- one row per person and event (a person listed twice in an event counts once); an
    -- event_id is one row of stg_events (checked), so its document, flag and date are one value
    select
        person_id,
        event_id,
        any_value(doc_id) as doc_id,
        bool_or(is_primary) as is_primary,
        any_value(event_date) as event_date
    from participants
    group by person_id, event_id
),

activity as materialized (
    -- counting rows per person is cheaper than count(distinct event_id) over every participant
    select
        person_id,
        count(*) as event_count,
        count(*) filter (where is_primary) as primary_event_count,
        count(distinct doc_id) as document_count,
        min(event_date) as first_event_on,
        max(event_date) as last_event_on
    from person_events
    group by person_id
),

final as (
    select
        activity.person_id,
        canonical.person_name,
        spellings.person_kind,
        spellings.spelling_count,
        titles.latest_title,
        coalesce(titles.title_count, 0) as title_count,
        affiliations.affiliation,
        coalesce(affiliations.affiliation_count, 0) as affiliation_count,
        activity.event_count,
        activity.primary_event_count,
        activity.document_count,
        activity.first_event_on,
        activity.last_event_on
    from activity
    join canonical using (person_id)
    join spellings using (person_id)
    left join titles using (person_id)
    left join affiliations using (person_id)
)

select * from final
