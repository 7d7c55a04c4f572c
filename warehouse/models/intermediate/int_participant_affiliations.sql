-- one row per participant with the affiliation they count for (fct_country_pairs): their own
-- words' in the record (a stated title, apposition, country adjective or heading:
-- is_affiliation_stated), else their person's at the event's date, else the record's. The
-- person's at the date: of their main affiliation and those their own words give somewhere
-- (not person_affiliations.is_default_only) whose span of events is within a year of the date,
-- the best ranked of those holding the date, else of the others. One release's inference
-- ("Secretary Blinken" tagged PA in a release about Panama, de Mistura EH in two releases on
-- Western Sahara, a guest given the host's country) gives way to the person's own words, a
-- move of office more than a year before stays apart, and a participant the record gives no
-- affiliation counts for the one their person has then.
with

participants as (
    select * from stg_participants
    -- an incremental publish computes only the months whose pairs the run can change: those
    -- it touches and those of its participants' persons (ingest.warehouse)
    where {{ in_scope('pair_months', event_month) }}
),

person_affiliations as (
    select person_id, affiliation, first_seen_on, last_seen_on, affiliation_rank
    from {{ ephemeral('int_person_affiliations') }}
    -- the main one stays a candidate: a title misread onto a name ("Lloyd J. Austin III" IN in
    -- two releases) must not make the publisher's US, given by five, default-only
    where not is_default_only or affiliation_rank = 1
),

person_dates as (
    -- the pick depends on the person and the date alone: computed once per (person, date), not
    -- per participant. A person in many events (the synthetic Person 1, 6% of slots) is on few
    -- distinct dates, so the join with their affiliations stops growing with their events: per
    -- participant it ran out of memory under marts_memory_mb (300k events under 320 MB; issue 21)
    select distinct
        person_id,
        coalesce(event_date, event_month) as on_date
    from participants
    where not is_affiliation_stated
),

candidates as (
    -- each (person, date) with each of the person's affiliations and how far the date is from
    -- its span: a column of the join's rows, not a lateral subquery, which DuckDB decorrelates
    -- by holding the join's rows (24.5M at 300k events) until it joins them back, and which
    -- spilled 3.3 GB and ran for more than 20 minutes under 1 GB
    select
        person_dates.person_id,
        person_dates.on_date,
        person_affiliations.affiliation,
        person_affiliations.affiliation_rank,
        greatest(
            date_diff('day', person_dates.on_date, person_affiliations.first_seen_on),
            date_diff('day', person_affiliations.last_seen_on, person_dates.on_date),
            0
        ) as days_away
    from person_dates
    join person_affiliations using (person_id)
),

person_at_date as (
    -- Lloyd J. Austin III, US from 2021-08 to 2022-04-24 (and UA once on 2022-04-25, a host's
    -- country), is US on 2022-05-18 when the record gives him none
    -- one row per person and date by an aggregate over its candidates, not a window: a window
    -- held every (participant, candidate) row in memory, 3.9 GB of a 100k-event warehouse's
    -- publish (a person of many affiliations in many events; issue 21). The ranks of one
    -- person are distinct, so the pick is the same.
    select
        person_id,
        on_date,
        arg_min(affiliation, {'away': days_away > 0, 'rank': affiliation_rank}) as affiliation
    from candidates
    where days_away <= 365
    group by person_id, on_date
),

final as (
    select
        participants.*,
        coalesce(
            case when participants.is_affiliation_stated then participants.affiliation end,
            -- a condition in the join's own terms made it a nested-loop join of every
            -- participant with every (person, date): equalities only, the hash join
            case when not participants.is_affiliation_stated then person_at_date.affiliation end,
            participants.affiliation
        ) as counted_affiliation
    from participants
    left join person_at_date
        on person_at_date.person_id = participants.person_id
        and person_at_date.on_date = coalesce(participants.event_date, participants.event_month)
)

select * from final
