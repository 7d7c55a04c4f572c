-- one row per person and spelling, each with a known rule; a full-name spelling names one person
select person_id, alias, count(*) as copies
from person_aliases
group by person_id, alias
having count(*) > 1 or bool_or(rule is null)
union all
select min(person_id), alias, count(distinct person_id)
from person_aliases
where rule not in ('surname', 'unresolved')
group by alias
having count(distinct person_id) > 1
