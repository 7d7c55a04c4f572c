-- the reference lists hold each code once and only two-letter country codes
select country_code as code, count(*) as copies
from ref_countries
group by country_code
having count(*) > 1 or not regexp_full_match(country_code, '[A-Z]{2}')
union all
select organisation_id, count(*)
from ref_organisations
group by organisation_id
having count(*) > 1
