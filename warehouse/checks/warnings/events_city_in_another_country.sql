-- an event whose city lies in another country than the event's country
select
    events.event_id,
    events.city,
    events.country_code,
    places.city_country_code,
    events.doc_id
from stg_events as events
join city_countries as places
    on places.city = events.city and places.country_code = events.country_code
where places.city_country_code is not null
order by events.event_id
