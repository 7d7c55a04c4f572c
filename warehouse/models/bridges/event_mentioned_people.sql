-- bridge: one row per person a current event's release names without them taking part
with

events as (
    select * from {{ ephemeral('int_event_records') }}
    where len(mentioned_people) > 0
),

unnested as (
    select
        event_id,
        unnest(mentioned_people) as person,
        generate_subscripts(mentioned_people, 1) as mention_index
    from events
),

final as (
    select
        event_id,
        mention_index,
        -- the same id as stg_participants gives, so mentions join dim_people
        {{ person_id(person.name) }} as person_id,
        person.name as person_name,
        person.title as person_title,
        person.affiliation
    from unnested
)

select * from final
