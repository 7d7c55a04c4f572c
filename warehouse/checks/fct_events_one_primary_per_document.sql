-- exactly one current event per document is the primary (headline) event
select doc_id, count(*) filter (where is_primary) as primary_events
from fct_events
group by doc_id
having count(*) filter (where is_primary) <> 1
