-- one row per pipeline run: when, outcome and counts per stage, and whether its rows are visible
with

loads as (
    select * exclude (month) from {{ source('loads') }}
),

unpublished as (
    {{ unpublished_loads }}
),

final as (
    select
        load_id,
        flow,
        started_at,
        ended_at,
        status,
        feeds_ok,
        feeds_not_modified,
        feeds_failed,
        entries_parsed,
        documents_new,
        documents_revised,
        events_written,
        rejects_written,
        extractor_version,
        message,
        load_id not in (select load_id from unpublished) as is_published
    from loads
    qualify row_number() over (partition by load_id order by ended_at desc nulls last) = 1
)

select * from final
