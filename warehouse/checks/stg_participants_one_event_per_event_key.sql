-- event_key names one event and an event has one event_key (the who-met self-join joins on it)
select event_key, count(distinct event_id) as events, min(event_id) as event_id
from stg_participants
group by event_key
having count(distinct event_id) <> 1
union all
select null as event_key, count(distinct event_key) as events, event_id
from stg_participants
group by event_id
having count(distinct event_key) <> 1
