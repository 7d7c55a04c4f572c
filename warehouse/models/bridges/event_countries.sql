-- bridge: one row per country a current event's release mentions
with

events as (
    select * from {{ ephemeral('int_event_records') }}
    where len(countries_mentioned) > 0
),

final as (
    select
        event_id,
        generate_subscripts(countries_mentioned, 1) as country_index,
        unnest(countries_mentioned) as country_code
    from events
)

select * from final
