-- one row per canonical person: name, aliases, titles over time, affiliation, event counts
with

participants as not materialized (
    -- read again by each consumer: a scan of the few columns it needs costs far less than
    -- holding every column of every participant in memory
    select
        person_id,
        person_name,
        person_title,
        affiliation,
        event_id,
        doc_id,
        is_primary,
        event_date
    from stg_participants
    where person_name is not null
),

spellings as (
    select
        person_id,
        person_name,
        count(*) as mentions
    from participants
    group by person_id, person_name
),

names as (
    select
        person_id,
        -- ties go to the alphabetically first spelling (arg_max would pick by row order)
        first(person_name order by mentions desc, person_name) as person_name,
        list(person_name order by mentions desc, person_name) as aliases
    from spellings
    group by person_id
),

title_spans as (
    select
        person_id,
        person_title,
        min(event_date) as first_seen_on,
        max(event_date) as last_seen_on
    from participants
    where person_title is not null
    group by person_id, person_title
),

titles as (
    select
        person_id,
        arg_max(person_title, last_seen_on) as latest_title,
        list(
            {'title': person_title, 'first_seen_on': first_seen_on, 'last_seen_on': last_seen_on}
            order by first_seen_on nulls last, person_title
        ) as titles
    from title_spans
    group by person_id
),

affiliations as (
    select
        person_id,
        first(affiliation order by mentions desc, affiliation) as affiliation
    from (
        select person_id, affiliation, count(*) as mentions
        from participants
        where affiliation is not null
        group by person_id, affiliation
    )
    group by person_id
),

person_events as (
    -- one row per person and event (a person listed twice in an event counts once); an
    -- event_id is one row of stg_events (checked), so its document, flag and date are one value
    select
        person_id,
        event_id,
        any_value(doc_id) as doc_id,
        bool_or(is_primary) as is_primary,
        any_value(event_date) as event_date
    from participants
    group by person_id, event_id
),

activity as (
    -- counting rows per person is cheaper than count(distinct event_id) over every participant
    select
        person_id,
        count(*) as event_count,
        count(*) filter (where is_primary) as primary_event_count,
        count(distinct doc_id) as document_count,
        min(event_date) as first_event_on,
        max(event_date) as last_event_on
    from person_events
    group by person_id
),

final as (
    select
        activity.person_id,
        names.person_name,
        names.aliases,
        titles.latest_title,
        titles.titles,
        affiliations.affiliation,
        activity.event_count,
        activity.primary_event_count,
        activity.document_count,
        activity.first_event_on,
        activity.last_event_on
    from activity
    join names using (person_id)
    left join titles using (person_id)
    left join affiliations using (person_id)
)

select * from final
