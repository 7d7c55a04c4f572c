-- no person in two rows: one canonical name (up to case and accents) is one resolved person
select lower(strip_accents(person_name)) as folded_name, count(*) as rows
from dim_people
where person_kind = 'person'
group by folded_name
having count(*) > 1
