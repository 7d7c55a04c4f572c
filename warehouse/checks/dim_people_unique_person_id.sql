-- one row per person
select person_id, count(*) as copies
from dim_people
group by person_id
having count(*) > 1 or person_id is null
