-- every current event appears once
select event_id, count(*) as copies
from fct_events
group by event_id
having count(*) > 1
