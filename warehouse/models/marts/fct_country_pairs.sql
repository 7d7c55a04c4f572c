-- who met whom at country (or organisation) level, per month: one row per pair and month,
-- each participant counted for their own stated affiliation, else their person's at the
-- event's date (int_participant_affiliations)
with

participants as (
    select * from {{ ephemeral('int_participant_affiliations') }}
    where event_type in ('meeting', 'call', 'visit', 'conference', 'signing')
),

event_affiliations as (
    select distinct
        event_id,
        event_month,
        event_date,
        is_primary,
        counted_affiliation as affiliation
    from participants
),

pairs as (
    -- each unordered pair once: the alphabetically first side is affiliation_a
    select
        a.event_id,
        a.event_month,
        a.event_date,
        a.is_primary,
        a.affiliation as affiliation_a,
        b.affiliation as affiliation_b
    from event_affiliations as a
    join event_affiliations as b
        on a.event_id = b.event_id
        and a.affiliation < b.affiliation
),

final as (
    select
        event_month,
        affiliation_a,
        affiliation_b,
        count(*) as event_count,
        count(*) filter (where is_primary) as primary_event_count,
        min(event_date) as first_event_on,
        max(event_date) as last_event_on
    from pairs
    group by event_month, affiliation_a, affiliation_b
)

select * from final
