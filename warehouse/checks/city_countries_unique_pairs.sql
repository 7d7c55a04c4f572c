-- one row per city and event country; a contradicting country is another country
select city, country_code, count(*) as copies
from city_countries
group by city, country_code
having count(*) > 1 or bool_or(city_country_code = country_code)
