-- bridge: one row per money amount of a current event
with

events as (
    select * from {{ ephemeral('int_event_records') }}
    where len(amounts) > 0
),

unnested as (
    select
        event_id,
        unnest(amounts) as amount,
        generate_subscripts(amounts, 1) as amount_index
    from events
),

final as (
    select
        event_id,
        amount_index,
        amount.value as amount_value,
        amount.currency,
        amount.text as amount_text
    from unnested
)

select * from final
