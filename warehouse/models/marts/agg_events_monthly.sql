-- event counts per month, event type, country and source
with

events as (
    select * from fct_events
    -- an incremental publish computes only the months the run touches (ingest.warehouse)
    where {{ in_scope('event_months', event_month) }}
),

final as (
    select
        event_month,
        event_type,
        country_code,
        source_id,
        count(*) as event_count,
        count(*) filter (where is_primary) as primary_event_count,
        count(distinct doc_id) as document_count,
        sum(participant_count) as participant_count,
        -- rounded: a float sum depends on row order, which compaction changes
        round(avg(confidence), 6) as mean_confidence
    from events
    group by event_month, event_type, country_code, source_id
)

select * from final
