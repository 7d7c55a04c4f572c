-- bridge: one row per participant of a current event (join fct_events on event_id)
with

participants as (
    select * from stg_participants
),

final as (
    select
        event_id,
        participant_index,
        person_id,
        person_name,
        person_title,
        affiliation,
        role
    from participants
)

select * from final
