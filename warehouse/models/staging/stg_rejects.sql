-- everything a stage refused, once per reject_id (its first sighting), with the reason
with

rejects as (
    select * exclude (month) from {{ source('rejects') }}
),

final as (
    select
        reject_id,
        source_id,
        item_id,
        stage,
        reason,
        excerpt,
        rejected_at,
        load_id
    from rejects
    qualify row_number() over (partition by reject_id order by rejected_at, load_id) = 1
)

select * from final
