-- every stored version of every event (older document versions and extractor versions too);
-- scalar columns only: a version's participants are named in participant_list
with

events as (
    select * exclude (month) from {{ source('events') }}
),

superseded as (
    select distinct doc_id, load_id from {{ source('superseded') }}
),

final as (
    select
        versions.event_id,
        versions.doc_id,
        versions.content_hash,
        versions.extractor_version,
        versions.load_id,
        versions.extracted_at,
        superseded.load_id is null as is_current,
        versions.is_primary,
        versions.event_type,
        versions.event_date,
        versions.location_name,
        versions.city,
        versions.country_code,
        len(versions.participants) as participant_count,
        array_to_string([p.name for p in versions.participants], '; ') as participant_list,
        len(versions.quotes) as quote_count,
        versions.confidence
    from events as versions
    left join superseded
        on versions.doc_id = superseded.doc_id
        and versions.load_id = superseded.load_id
)

select * from final
