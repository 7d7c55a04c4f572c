-- every superseded version has its replacement stored (else the document has no current events)
select superseded.doc_id, superseded.load_id, superseded.superseded_by
from stg_superseded as superseded
anti join stg_event_versions as versions
    on versions.doc_id = superseded.doc_id
    and versions.load_id = superseded.superseded_by
