-- every document has exactly one current version
select doc_id, count(*) filter (where is_current) as current_versions
from stg_document_versions
group by doc_id
having count(*) filter (where is_current) <> 1
