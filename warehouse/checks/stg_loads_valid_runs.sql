-- every run has an id, a known status and ends after it starts
select load_id, status, started_at, ended_at
from stg_loads
where load_id is null or status not in ('ok', 'partial', 'failed', 'running')
    or ended_at < started_at
