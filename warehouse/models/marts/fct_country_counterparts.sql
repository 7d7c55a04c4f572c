-- fct_country_pairs from both sides: one row per affiliation, counterpart and month, so that
-- `where affiliation = 'US'` finds every pair of the US (fct_country_pairs holds each pair once)
with

pairs as (
    select * from fct_country_pairs
),

both_sides as (
    select
        event_month,
        affiliation_a as affiliation,
        affiliation_b as counterpart,
        event_count,
        primary_event_count,
        first_event_on,
        last_event_on
    from pairs
    union all
    select
        event_month,
        affiliation_b as affiliation,
        affiliation_a as counterpart,
        event_count,
        primary_event_count,
        first_event_on,
        last_event_on
    from pairs
),

final as (
    select * from both_sides
)

select * from final
