-- one row per participant per current event, with the person it names across documents
with

events as (
    select * from {{ ephemeral('int_event_records') }}
),

unnested as (
    select
        event_id,
        doc_id,
        is_primary,
        event_type,
        event_date,
        event_month,
        country_code as event_country_code,
        coalesce(event_date, event_month, date '1970-01-01') as event_day,
        unnest(participants) as participant,
        generate_subscripts(participants, 1) as participant_index
    from events
),

event_keys as (
    -- event_key: an integer per event that orders like (day, event_id). A self-join on it
    -- prunes: the join filter's min and max of the filtered side's keys skip the row groups of
    -- other dates, which hashed event ids cannot. Ranked over every event of the day, so a
    -- partial recompute must take whole days (a month partition does). 2^24 keys a day: a
    -- day of more events would repeat keys (check stg_participants_one_event_per_event_key).
    -- Ranked once per event, not per participant row (the window then carries two columns).
    select
        event_id,
        event_day,
        date_diff('day', date '1970-01-01', event_day)::bigint * 16777216
            + row_number() over (partition by event_day order by event_id) as event_key
    from (select distinct event_id, event_day from unnested)
),

persons as (
    select * from participant_persons
),

final as (
    select
        unnested.event_id || ':' || unnested.participant_index as participant_id,
        event_id,
        event_keys.event_key,
        doc_id,
        participant_index,
        -- resolved across documents (ingest.persons): spellings, short forms, name order
        persons.person_id,
        participant.name as person_name,
        persons.name_status,
        persons.resolution_rule,
        persons.name_problem,
        persons.title_country_code,
        participant.title as person_title,
        participant.affiliation,
        -- the rule that settled it (null in files written before it was recorded)
        participant.affiliation_rule,
        -- the rules that read the person's own words, not an inference from the release
        coalesce(participant.affiliation_rule in (
            'affiliation.stated', 'affiliation.office', 'affiliation.country_heading',
            'affiliation.own_phrase'
        ), false) as is_affiliation_stated,
        participant.role,
        is_primary,
        event_type,
        event_date,
        event_month,
        event_country_code
    from unnested
    join event_keys using (event_id, event_day)
    left join persons
        on persons.participant_id = unnested.event_id || ':' || unnested.participant_index
)

select * from final
