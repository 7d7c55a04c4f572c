-- current event records, scalar columns only: their lists are in the event_* bridge views
with

events as (
    select * from {{ ephemeral('int_event_records') }}
),

final as (
    select
        event_id,
        doc_id,
        content_hash,
        source_id,
        source_url,
        title,
        published_at,
        is_primary,
        event_type,
        cameo_code,
        event_date,
        event_month,
        date_basis,
        location_name,
        city,
        country_code,
        latitude,
        longitude,
        len(participants) as participant_count,
        len(mentioned_people) as mentioned_count,
        len(quotes) as quote_count,
        len(topics) as topic_count,
        len(countries_mentioned) as country_mentioned_count,
        len(amounts) as amount_count,
        confidence,
        is_text_cut,
        extractor_version,
        extracted_at,
        load_id
    from events
)

select * from final
