-- one row per participant per current event, with a person id shared by spelling variants
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

final as (
    select
        event_id || ':' || participant_index as participant_id,
        event_id,
        doc_id,
        participant_index,
        -- case, accents, dots, spacing and middle initials do not make another person
        {{ person_id(participant.name) }} as person_id,
        participant.name as person_name,
        participant.title as person_title,
        participant.affiliation,
        participant.role,
        participant.name_status,
        is_primary,
        event_type,
        event_date,
        event_month,
        event_country_code
    from unnested
)

select * from final
