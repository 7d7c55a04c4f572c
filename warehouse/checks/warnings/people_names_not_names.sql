-- participant names that are words, months, datelines, titles or institutions, not people's names
select
    person_name,
    name_problem,
    count(*) as mentions,
    min(doc_id) as example_doc_id
from stg_participants
where name_problem is not null
group by person_name, name_problem
order by mentions desc, person_name
