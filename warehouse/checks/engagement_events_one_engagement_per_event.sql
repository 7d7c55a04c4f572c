-- each event record reports one engagement, and that engagement is in fct_engagements
select bridge.event_id, count(*) as engagements, bool_and(engagements.engagement_id is null) as is_missing
from engagement_events as bridge
left join fct_engagements as engagements using (engagement_id)
group by bridge.event_id
having count(*) > 1 or bool_or(engagements.engagement_id is null)
