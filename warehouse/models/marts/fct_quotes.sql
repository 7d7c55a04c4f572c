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

final as (
    select
        event_id || ':' || quote_index as quote_id,
        event_id,
        doc_id,
        quote_index,
        quote.speaker as speaker_name,
        -- the same id as stg_participants gives, so quotes join dim_people
        {{ person_id(quote.speaker) }} as speaker_person_id,
        quote.text as quote_text,
        event_type,
        event_date,
        source_url
    from unnested
)

select * from final
