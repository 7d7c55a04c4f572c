-- every reject has its key, a known stage and a reason
select reject_id, stage, reason
from stg_rejects
where reject_id is null or reason is null or trim(reason) = ''
    or stage not in ('fetch', 'parse', 'article', 'extract', 'store', 'backfill')
