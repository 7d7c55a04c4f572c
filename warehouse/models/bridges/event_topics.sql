-- bridge: one row per subject discussed at a current event
with

events as (
    select * from {{ ephemeral('int_event_records') }}
    where len(topics) > 0
),

final as (
    select
        event_id,
        generate_subscripts(topics, 1) as topic_index,
        unnest(topics) as topic
    from events
)

select * from final
