"""Each materialized mart of a built warehouse computed under a DuckDB memory limit: seconds,
CPU seconds and peak RSS per mart, or DuckDB's out-of-memory error (issue 21). participant_persons
is read from the warehouse's current snapshot (its resolution is Python, bounded apart), every
other mart computed and written to a snapshot named `probe` (pruned by the next publish).

    .venv/bin/python benchmarks/bench_mart_memory.py /work/spill11-bench/300000 320 \
        [mart,mart,...]   # only these computed; the others read from the current snapshot
"""

from __future__ import annotations

import dataclasses
import json
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from ingest import objectstore, publication, store
from ingest import warehouse as w
from ingest.config import Settings

sys.path.insert(0, str(Path(__file__).parent))
from bench_incremental import peak_rss_mb, reset_peak_rss

PROBE_SNAPSHOT = "probe"


def main() -> int:
    workdir, cap = Path(sys.argv[1]), int(sys.argv[2])
    only = set(sys.argv[3].split(",")) if len(sys.argv) > 3 else None
    settings = dataclasses.replace(
        Settings(data_root=str(workdir / "data"), serving_path=str(workdir / "ingest.duckdb")),
        marts_memory_mb=cap,
    )
    current = publication.read(settings)
    hidden = current.hidden_except(None)
    with tempfile.TemporaryDirectory(prefix="ingest-marts-") as spill, duckdb.connect() as con:
        con.execute("set enable_progress_bar = false")
        w._bound_memory(con, settings, spill)
        objectstore.prepare(con, settings)
        for view in w.load_views():
            con.execute(f"create view {view.name} as {w.render(view.template, settings, hidden)}")
            if not view.materialized:
                continue
            snapshot = current.marts_snapshot
            if view.name != "participant_persons" and (only is None or view.name in only):
                reset_peak_rss()
                began, cpu_began = time.perf_counter(), time.process_time()
                error = None
                try:
                    if view.computed is None:
                        sql = f"select * from {view.name}"
                        rows = w._sorted_rows(con, sql, view.sort_by)
                    else:
                        rows = w.mart_table(con, view, settings)
                    store.write_mart(settings, view.name, PROBE_SNAPSHOT, rows, view.compression)
                    w._drop_mart_rows(con)
                except duckdb.Error as failure:
                    error = str(failure).split("\n")[0]
                result = {
                    "mart": view.name,
                    "marts_memory_mb": cap,
                    "seconds": round(time.perf_counter() - began, 2),
                    "cpu_seconds": round(time.process_time() - cpu_began, 2),
                    "peak_rss_mb": round(peak_rss_mb(), 1),
                    "error": error,
                }
                print(json.dumps(result), flush=True)
                if error:
                    return 1
                snapshot = PROBE_SNAPSHOT
            written = store.mart_path(settings, view.name, snapshot or "", for_duckdb=True)
            con.execute(
                f"create or replace view {view.name} as "
                f"select * from read_parquet({w._quote(written)})"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
