-- one row per current event: what happened, when, where, who took part (flat for BI tools)
with

events as (
    select * from stg_events
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
        [p.name for p in participants] as participant_names,
        list_distinct([p.affiliation for p in participants if p.affiliation is not null])
            as participant_affiliations,
        [p.name for p in mentioned_people] as mentioned_names,
        topics,
        countries_mentioned,
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
