-- one row per person and office title: when it was first and last seen, in how many events
select
    person_id,
    person_title as title,
    min(event_date) as first_seen_on,
    max(event_date) as last_seen_on,
    count(distinct event_id) as event_count
from stg_participants
where person_id is not null and person_title is not null
group by person_id, person_title
