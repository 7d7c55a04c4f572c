-- which stored loads of a document hold versions that a newer load replaced (history bookkeeping)
with

superseded as (
    select * exclude (month) from {{ source('superseded') }}
),

final as (
    select
        doc_id,
        load_id,
        superseded_by,
        superseded_at
    from superseded
    qualify row_number() over (partition by doc_id, load_id order by superseded_at) = 1
)

select * from final
