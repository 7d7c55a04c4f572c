-- event and publication dates fall between 1945 and two years from now
select event_id, event_date, published_at
from fct_events
where event_date < date '1945-01-01'
    or event_date > current_date + interval 2 year
    or published_at < timestamptz '1945-01-01 00:00:00+00'
    or published_at > now() + interval 2 day
