-- one row per quote of a current event, with the speaker's person id
with

events as (
    select * from {{ ephemeral('int_event_records') }}
    where len(quotes) > 0
),

unnested as (
    select
        event_id,
        doc_id,
        event_type,
        event_date,
        source_url,
        unnest(quotes) as quote,
        generate_subscripts(quotes, 1) as quote_index
    from events
),

same_event as (
    -- the speaker as a participant of the same event
    select event_id, person_name, min(person_id) as person_id
    from stg_participants
    group by event_id, person_name
),

unique_aliases as (
    -- else a spelling that names one person only
    select alias, min(person_id) as person_id
    from person_aliases
    group by alias
    having count(distinct person_id) = 1
),

final as (
    select
        unnested.event_id || ':' || quote_index as quote_id,
        unnested.event_id,
        doc_id,
        quote_index,
        quote.speaker as speaker_name,
        -- the person stg_participants names, so quotes join dim_people; a speaker seen nowhere
        -- as a participant keeps an id from the spelling alone
        coalesce(
            same_event.person_id, unique_aliases.person_id, {{ person_id(quote.speaker) }}
        ) as speaker_person_id,
        quote.text as quote_text,
        event_type,
        event_date,
        source_url
    from unnested
    left join same_event
        on same_event.event_id = unnested.event_id
        and same_event.person_name = unnested.quote.speaker
    left join unique_aliases on unique_aliases.alias = unnested.quote.speaker
)

select * from final
