-- every bridge row belongs to a current event and has one position in it
with

bridges as (
    select 'event_participants' as bridge, event_id, participant_index as position
    from event_participants
    union all
    select 'event_mentioned_people', event_id, mention_index from event_mentioned_people
    union all
    select 'event_topics', event_id, topic_index from event_topics
    union all
    select 'event_countries', event_id, country_index from event_countries
    union all
    select 'event_amounts', event_id, amount_index from event_amounts
    union all
    select 'event_evidence', event_id, evidence_index from event_evidence
),

counted as (
    select bridge, event_id, position, count(*) as copies
    from bridges
    group by all
)

select bridge, event_id, position, copies
from counted
where copies > 1
    or position is null
    or event_id not in (select event_id from fct_events)
