-- the event country and the countries mentioned are ISO 3166-1 alpha-2 codes (XK allowed)
with codes as (
    select event_id, country_code as code from fct_events where country_code is not null
    union all
    select event_id, country_code as code from event_countries
)
select event_id, code
from codes
where code not in (select country_code from ref_countries)
