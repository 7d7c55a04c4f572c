-- each pair of linked records once, the smaller event id first
select event_a, event_b, count(*) as copies
from int_engagement_links
group by event_a, event_b
having count(*) > 1 or event_a >= event_b or event_a is null or event_b is null
