-- one row per current event: what happened, when, where, who took part; scalar columns only
-- (BI tools), the lists are in the event_* bridge views
with

events as (
    select * from {{ ephemeral('int_event_records') }}
),

final as (
    select
        event_id,
        doc_id,
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
        -- for reading in a table cell; filter and count with event_participants
        array_to_string([p.name for p in participants], '; ') as participant_list,
        len(mentioned_people) as mentioned_count,
        len(topics) as topic_count,
        len(countries_mentioned) as country_mentioned_count,
        len(quotes) as quote_count,
        len(amounts) as amount_count,
        confidence,
        -- under 0.5: the extractor's own estimate says the record is more likely wrong than right
        confidence < 0.5 as needs_review,
        is_text_cut,
        extractor_version,
        content_hash,
        extracted_at,
        load_id
    from events
)

select * from final
