-- the current-version view holds one row per event_id
select event_id, count(*) as copies
from stg_events
group by event_id
having count(*) > 1
