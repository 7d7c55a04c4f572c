-- one row per person and affiliation: the government or organisation served, over time
select
    person_id,
    affiliation,
    min(event_date) as first_seen_on,
    max(event_date) as last_seen_on,
    count(distinct event_id) as event_count
from stg_participants
where person_id is not null and affiliation is not null
group by person_id, affiliation
