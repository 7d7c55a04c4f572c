-- one row per canonical person: name, aliases, titles over time, affiliation, event counts
with

participants as (
    select * from stg_participants
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
        arg_max(person_name, mentions) as person_name,
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
        arg_max(affiliation, mentions) as affiliation
    from (
        select person_id, affiliation, count(*) as mentions
        from participants
        where affiliation is not null
        group by person_id, affiliation
    )
    group by person_id
),

activity as (
    select
        person_id,
        count(distinct event_id) as event_count,
        count(distinct event_id) filter (where is_primary) as primary_event_count,
        count(distinct doc_id) as document_count,
        min(event_date) as first_event_on,
        max(event_date) as last_event_on
    from participants
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
