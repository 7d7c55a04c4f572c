-- the latest stored version of every document (one row per doc_id)
with

documents as (
    select * exclude (month) from {{ source('documents') }}
),

final as (
    select
        doc_id,
        source_id,
        url,
        guid,
        title,
        published_at,
        published_local,
        fetched_at,
        content_hash,
        text,
        summary,
        language,
        coalesce(is_text_cut, false) as is_text_cut,
        original_text_chars,
        load_id
    from documents
    qualify row_number() over (partition by doc_id order by fetched_at desc, load_id desc) = 1
)

select * from final
