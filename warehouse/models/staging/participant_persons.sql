-- one row per named participant, and per named mentioned person, of a current event: what
-- person resolution (ingest.persons) reads (mentioned people are known full names a lone
-- surname can resolve to); the mart holds what it makes of the participants (person_id, rule,
-- evidence, quality flags)
with

events as (
    select * from {{ ephemeral('int_event_records') }}
),

unnested as (
    select
        event_id,
        doc_id,
        event_date,
        true as is_participant,
        unnest(participants) as participant,
        generate_subscripts(participants, 1)::varchar as participant_index
    from events
    union all
    select
        event_id,
        doc_id,
        event_date,
        false as is_participant,
        unnest(mentioned_people) as participant,
        'm' || generate_subscripts(mentioned_people, 1) as participant_index
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
        doc_id,
        is_participant
    from unnested
    where participant.name is not null
)

select * from final
