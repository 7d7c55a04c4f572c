-- pairs of event records of different documents that report the same engagement
with

engagement_records as (
    -- kinds of events that are engagements between parties; a call never links an in-person meeting
    select
        events.event_id,
        events.doc_id,
        events.source_id,
        events.event_date,
        events.date_basis,
        events.city,
        events.countries_mentioned,
        case when events.event_type = 'call' then 'call' else 'in person' end as engagement_kind,
        try_cast(substr(documents.published_local, 1, 10) as date) as published_on
    -- the event records, not stg_events: the countries mentioned are a list (views are flat)
    from {{ ephemeral('int_event_records') }} as events
    left join stg_documents as documents using (doc_id)
    where events.event_type in ('meeting', 'call', 'visit', 'conference', 'signing')
        and events.event_date is not null
        -- an incremental publish computes only the days around the run's (ingest.warehouse)
        and {{ in_scope('engagement_days', events.event_date) }}
),

linkable as (
    -- a record dated more than a week before its release looks back ("we met in Washington on
    -- 16 February"): it reports no new engagement, and its date would pair it with that one
    select * from engagement_records
    where published_on is null or event_date >= published_on - 7
),

participant_counts as (
    select
        event_id,
        count(distinct participant_index) as participant_count
    from int_engagement_person_keys
    group by event_id
),

records as (
    -- what the pair rules read of a record, once per record
    select
        linkable.event_id,
        linkable.doc_id,
        linkable.source_id,
        linkable.event_date,
        linkable.date_basis,
        linkable.city,
        linkable.engagement_kind,
        participant_counts.participant_count
    from linkable
    join participant_counts using (event_id)
),

keyed as (
    -- each key with what the pair rules read of its record, so no pair joins back to it
    select
        keys.event_id,
        keys.participant_index,
        keys.person_key,
        records.doc_id,
        records.source_id,
        records.event_date,
        records.date_basis,
        records.city,
        records.engagement_kind,
        records.participant_count
    from int_engagement_person_keys as keys
    join records using (event_id)
),

nearby as (
    -- each key on the days within one of its record's date: time zones, and a publication
    -- date standing in for the event's (one equality join instead of a range per key)
    select
        *,
        unnest([event_date - 1, event_date, event_date + 1]) as near_date
    from keyed
),

shared_keys as materialized (
    -- each participant of one side with each of the other side sharing its person key
    select
        a.event_id as event_a,
        b.event_id as event_b,
        a.participant_index as index_a,
        b.participant_index as index_b
    from nearby as a
    join keyed as b
        on a.person_key = b.person_key
        and a.near_date = b.event_date
        and a.engagement_kind = b.engagement_kind
        and a.event_id < b.event_id
        and a.doc_id <> b.doc_id
),

matched_a as (
    -- distinct participants counted by plain group-bys, and each record's columns joined after:
    -- count(distinct) and any_value over every pair of records sharing a person (quadratic in a
    -- popular person's records of a day) held their states in memory and ran out under
    -- marts_memory_mb (300k events under 320 MB; issue 21), where group-bys and joins spill
    select event_a, event_b, count(*) as matched_a
    from (select distinct event_a, event_b, index_a from shared_keys)
    group by event_a, event_b
),

matched_b as (
    select event_a, event_b, count(*) as matched_b
    from (select distinct event_a, event_b, index_b from shared_keys)
    group by event_a, event_b
),

matches as (
    -- how many participants of each side the other side names too
    select
        matched_a.event_a,
        matched_a.event_b,
        matched_a.matched_a,
        matched_b.matched_b,
        a.participant_count as participant_count_a,
        b.participant_count as participant_count_b,
        a.doc_id as doc_a,
        b.doc_id as doc_b,
        a.source_id as source_a,
        b.source_id as source_b,
        a.event_date as date_a,
        b.event_date as date_b,
        a.date_basis as date_basis_a,
        b.date_basis as date_basis_b,
        a.city as city_a,
        b.city as city_b,
        a.engagement_kind
    from matched_a
    join matched_b using (event_a, event_b)
    join records as a on a.event_id = matched_a.event_a
    join records as b on b.event_id = matched_a.event_b
),

pairs as (
    select
        event_a,
        event_b,
        matched_a,
        matched_b,
        matched_a < participant_count_a as a_names_others,
        matched_b < participant_count_b as b_names_others,
        participant_count_a + participant_count_b - least(matched_a, matched_b) as people_named,
        date_a = date_b as is_same_day,
        source_a is not distinct from source_b as is_same_publisher,
        date_basis_a in ('published', 'none') or date_basis_b in ('published', 'none')
            as is_date_loose,
        engagement_kind,
        city_a,
        city_b,
        doc_a,
        doc_b
    from matches
),

candidates as (
    select
        event_a,
        event_b,
        doc_a,
        doc_b,
        is_same_day,
        least(matched_a, matched_b) as shared_participants
    from pairs
    -- two records naming one person (Blinken's schedule, day after day) say nothing of whom he met
    where people_named >= 2
        -- each side names someone the other does not: two meetings that share one person
        and not (a_names_others and b_names_others)
        -- a day apart is another publisher's clock; one publisher's two reports a day apart are
        -- two engagements (Blinken's calls with Kuleba on 2 and 3 March 2022)
        and (is_same_day or not is_same_publisher)
        -- one publisher naming its official alone, or a third person, in one release and not in
        -- another reports two engagements of the day (a roundtable, then a meeting; a trilateral,
        -- then a bilateral); another publisher leaves people out ("the Prime Minister met ...")
        and (not is_same_publisher or not (a_names_others or b_names_others))
        -- precise dates a day apart with different people: a trilateral the day before a bilateral
        and (is_same_day or is_date_loose or not (a_names_others or b_names_others))
        -- in person, two named cities must agree (each side of a call is in its own city)
        and (engagement_kind = 'call' or city_a is null or city_b is null or city_a = city_b)
),

partners as (
    select event_a as event_id, event_b as partner_id, doc_b as partner_doc_id, is_same_day
    from candidates
    union all
    select event_b as event_id, event_a as partner_id, doc_a as partner_doc_id, is_same_day
    from candidates
),

rivals as (
    -- two records one record fits that do not fit each other ("Hayashi" alone, the day Hayashi
    -- met Blinken and then Payne; a trip's record fitting each of its meetings): linking both
    -- would merge two engagements. Two records of one release are no rivals (a visit and the
    -- meeting held during it).
    select
        one.event_id,
        one.partner_id,
        one.is_same_day,
        other.is_same_day as is_rival_same_day
    from partners as one
    join partners as other
        on other.event_id = one.event_id
        and other.partner_id <> one.partner_id
        and other.partner_doc_id <> one.partner_doc_id
    where not exists (
        select 1
        from candidates as fitting
        where fitting.event_a = least(one.partner_id, other.partner_id)
            and fitting.event_b = greatest(one.partner_id, other.partner_id)
    )
),

outranked as (
    -- a record a day away loses to a rival on the same day
    select distinct
        least(event_id, partner_id) as event_a,
        greatest(event_id, partner_id) as event_b
    from rivals
    where not is_same_day and is_rival_same_day
),

ambiguous as (
    -- rivals on equal terms: the record belongs to neither
    select distinct event_id from rivals where is_same_day = is_rival_same_day
),

named_links as (
    select
        event_a,
        event_b,
        shared_participants
    from candidates
    where event_a not in (select event_id from ambiguous)
        and event_b not in (select event_id from ambiguous)
        and not exists (
            select 1
            from outranked
            where outranked.event_a = candidates.event_a and outranked.event_b = candidates.event_b
        )
),

unnamed_calls as (
    -- a call the extractor found nobody in, with each call of its day in another release
    select
        unnamed.event_id as unnamed_id,
        named.event_id as named_id,
        unnamed.countries_mentioned
    from linkable as unnamed
    join linkable as named
        on named.doc_id <> unnamed.doc_id
        and named.engagement_kind = unnamed.engagement_kind
        and named.event_date = unnamed.event_date
    where unnamed.engagement_kind = 'call'
        and unnamed.event_id not in (select event_id from int_engagement_person_keys)
),

affiliations as (
    -- of those calls alone: a list per record of the warehouse is an aggregate that cannot spill
    select
        event_id,
        list(distinct affiliation) as affiliations
    from stg_participants
    where affiliation is not null
        and event_id in (select named_id from unnamed_calls)
    group by event_id
),

country_fits as (
    -- a call the extractor found nobody in fits a call of its day, in another release, whose
    -- participants serve governments the unnamed record all mentions (in person, a record naming
    -- nobody is mostly a conference or a trip, which countries do not tell apart)
    select
        unnamed_calls.unnamed_id,
        unnamed_calls.named_id
    from unnamed_calls
    join affiliations on affiliations.event_id = unnamed_calls.named_id
    where len(affiliations.affiliations) >= 2
        and list_has_all(unnamed_calls.countries_mentioned, affiliations.affiliations)
),

country_links as (
    -- only when it fits exactly one: on a busy day the countries do not tell the calls apart
    select
        least(unnamed_id, named_id) as event_a,
        greatest(unnamed_id, named_id) as event_b,
        0 as shared_participants
    from country_fits
    where unnamed_id in (
        select unnamed_id from country_fits group by unnamed_id having count(*) = 1
    )
),

links as (
    select * from named_links
    union all
    select * from country_links
),

final as (
    -- with each record's date: an incremental publish replaces the links of the days it touches
    select
        links.event_a,
        links.event_b,
        links.shared_participants,
        a.event_date as date_a,
        b.event_date as date_b
    from links
    join linkable as a on a.event_id = links.event_a
    join linkable as b on b.event_id = links.event_b
)

select * from final
