-- the monthly aggregate adds up to the number of current events
with

aggregated as (
    select coalesce(sum(event_count), 0) as aggregated from agg_events_monthly
),

events as (
    select count(*) as events from fct_events
)

select aggregated, events
from aggregated, events
where aggregated <> events
