-- one row per named participant of a current event: what person resolution (ingest.persons)
-- reads; the mart holds what it makes of them (person_id, rule, evidence, quality flags)
with

events as (
    select * from stg_events
),

unnested as (
    select
        event_id,
        doc_id,
        event_date,
        unnest(participants) as participant,
        generate_subscripts(participants, 1) as participant_index
    from events
),

final as (
    select
        event_id || ':' || participant_index as participant_id,
        participant.name as person_name,
        -- the extractor's field when its records carry it (read through JSON: older files
        -- have no such field), else persons derives it from the name's shape
        json_extract_string(to_json(participant), '$.name_status') as name_status,
        participant.title as person_title,
        participant.affiliation,
        event_date,
        doc_id
    from unnested
    where participant.name is not null
)

select * from final
