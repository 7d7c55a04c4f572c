-- a person serving two governments or organisations on the same day (one is likely wrong)
select
    person_id,
    any_value(person_name) as person_name,
    event_date,
    string_agg(distinct affiliation, ', ' order by affiliation) as affiliations,
    min(doc_id) as example_doc_id
from stg_participants
where affiliation is not null
    and event_date is not null
    and name_status != 'surname_only'
group by person_id, event_date
having count(distinct affiliation) > 1
order by event_date, person_id
