-- one current version per document, with its key
select doc_id, count(*) as copies
from stg_documents
group by doc_id
having count(*) > 1 or doc_id is null
