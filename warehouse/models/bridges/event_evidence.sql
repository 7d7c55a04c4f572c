-- bridge: one row per piece of evidence of a current event (character offsets into the text)
with

events as (
    select * from {{ ephemeral('int_event_records') }}
    where len(evidence) > 0
),

unnested as (
    select
        event_id,
        doc_id,
        unnest(evidence) as evidence,
        generate_subscripts(evidence, 1) as evidence_index
    from events
),

final as (
    select
        event_id,
        doc_id,
        evidence_index,
        evidence.field as field_name,
        evidence."start" as start_offset,
        evidence."end" as end_offset
    from unnested
)

select * from final
