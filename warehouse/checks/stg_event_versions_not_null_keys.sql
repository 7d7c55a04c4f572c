-- every stored event version carries its key
select event_id, doc_id, content_hash, extractor_version, load_id
from stg_event_versions
where event_id is null or doc_id is null or content_hash is null
    or extractor_version is null or load_id is null
