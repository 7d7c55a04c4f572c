-- one row per person and title / affiliation, first seen no later than last seen
select 'title' as bridge, person_id, title as value, count(*) as copies
from person_titles
group by person_id, title
having count(*) > 1 or bool_or(first_seen_on > last_seen_on)
union all
select 'affiliation', person_id, affiliation, count(*)
from person_affiliations
group by person_id, affiliation
having count(*) > 1 or bool_or(first_seen_on > last_seen_on)
