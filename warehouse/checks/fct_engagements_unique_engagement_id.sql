-- one row per engagement, with an id
select engagement_id, count(*) as copies
from fct_engagements
group by engagement_id
having count(*) > 1 or engagement_id is null
