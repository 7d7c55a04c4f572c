-- a lone surname that no single known person fits: kept apart, never merged by guess
select
    person_name,
    affiliation,
    count(*) as mentions,
    min(doc_id) as example_doc_id
from stg_participants
where resolution_rule = 'unresolved'
group by person_name, affiliation
order by mentions desc, person_name
