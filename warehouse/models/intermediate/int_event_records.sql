-- the current version of every event record, nested lists included: rows of the newest stored
-- version of each document. Ephemeral: inlined where a view names it, never listed by a BI tool
with

events as (
    select * exclude (month) from {{ source('events') }}
),

superseded as (
    select doc_id, load_id from {{ source('superseded') }}
),

current_events as (
    -- a document version's rows are written by one load, or by two when a crash split them
    -- (the re-run adds only the missing rows); when a newer version is written, the older
    -- loads of that doc_id are listed in `superseded` first
    select events.*
    from events
    anti join superseded using (doc_id, load_id)
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
        cast(date_trunc(
            'month', coalesce(event_date, cast(timezone('UTC', published_at) as date))
        ) as date) as event_month,
        date_basis,
        location_name,
        city,
        country_code,
        latitude,
        longitude,
        -- the fields extractor 0.9.0 added (name_status, rule) and affiliation_rule are null in
        -- older files; the casts give every file's structs the same fields, whichever files a
        -- warehouse holds
        cast(participants as struct(
            name varchar, title varchar, affiliation varchar, role varchar, name_status varchar,
            affiliation_rule varchar
        )[]) as participants,
        cast(mentioned_people as struct(
            name varchar, title varchar, affiliation varchar, role varchar, name_status varchar,
            affiliation_rule varchar
        )[]) as mentioned_people,
        quotes,
        topics,
        countries_mentioned,
        amounts,
        cast(evidence as struct(
            field varchar, "start" integer, "end" integer, rule varchar
        )[]) as evidence,
        confidence,
        coalesce(is_text_cut, false) as is_text_cut,
        extractor_version,
        extracted_at,
        load_id
    from current_events
)

select * from final
