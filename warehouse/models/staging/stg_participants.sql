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
        unnest(participants) as participant,
        generate_subscripts(participants, 1) as participant_index
    from events
),

persons as (
    select * from participant_persons
),

final as (
    select
        unnested.event_id || ':' || unnested.participant_index as participant_id,
        event_id,
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
        participant.role,
        is_primary,
        event_type,
        event_date,
        event_month,
        event_country_code
    from unnested
    left join persons
        on persons.participant_id = unnested.event_id || ':' || unnested.participant_index
)

select * from final
