-- one row per pipeline run: when, outcome and counts per stage
with

loads as (
    select * exclude (month) from {{ source('loads') }}
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
        message
    from loads
    qualify row_number() over (partition by load_id order by ended_at desc nulls last) = 1
)

select * from final
