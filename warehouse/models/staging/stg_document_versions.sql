-- every stored version of every document, oldest first, with the current one flagged (history)
with

documents as (
    select * exclude (month) from {{ source('documents') }}
),

versions as (
    -- a file merged by compaction can briefly coexist with its inputs: keep one row per version
    select *
    from documents
    qualify row_number() over (partition by doc_id, content_hash, load_id order by fetched_at) = 1
),

final as (
    select
        doc_id,
        content_hash,
        row_number() over (partition by doc_id order by fetched_at, load_id) as version_number,
        row_number() over (partition by doc_id order by fetched_at desc, load_id desc) = 1
            as is_current,
        source_id,
        url,
        title,
        published_at,
        published_local,
        fetched_at,
        load_id
    from versions
)

select * from final
