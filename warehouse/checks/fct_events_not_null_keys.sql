-- the keys and required fields of an event are present
select event_id, doc_id, event_type, extractor_version, is_primary
from fct_events
where event_id is null or doc_id is null or event_type is null
    or extractor_version is null or is_primary is null
