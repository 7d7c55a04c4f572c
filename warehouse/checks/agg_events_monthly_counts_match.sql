-- the monthly aggregate adds up to the number of current events
select
    (select coalesce(sum(event_count), 0) from agg_events_monthly) as aggregated,
    (select count(*) from fct_events) as events
where aggregated <> events
