-- each (city, event country) pair of the current events: what ingest.quality.city_country
-- reads; the mart adds the country the city lies in when none of that name is in the event's
select distinct
    city,
    country_code
from stg_events
where city is not null and country_code is not null
