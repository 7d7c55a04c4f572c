"""The who-met self-join (bench_warehouse.QUERIES) on the stg_participants mart in its former
layout (sorted by date, person, event; zstd) and in its current one (schema.toml: sorted by date
and event, lz4), written from the same rows. Prints JSON lines: per layout the CPU median with one
thread (steady on a loaded machine) and the wall p50 with all threads.

    .venv/bin/python benchmarks/bench_who_met.py \
        /work/bench-x21/1000000/data/_marts/stg_participants/snapshot=*/data.parquet
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from bench_warehouse import QUERIES
from ingest import warehouse

FORMER = (("event_date", "person_id", "event_id", "participant_index"), "zstd")
RUNS = 7


def current_layout() -> tuple[tuple[str, ...], str]:
    view = next(v for v in warehouse.load_views() if v.name == "stg_participants")
    return view.sort_by, view.compression or "zstd"


def timed(connection: duckdb.DuckDBPyConnection, sql: str, clock: str) -> float:
    timings = []
    for _ in range(RUNS):
        began = time.process_time() if clock == "cpu" else time.perf_counter()
        connection.sql(sql).fetchall()
        ended = time.process_time() if clock == "cpu" else time.perf_counter()
        timings.append(ended - began)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "mart_files", nargs="+", help="stg_participants mart files (the newest is read)"
    )
    args = parser.parse_args()
    rows = pq.read_table(max(args.mart_files, key=lambda path: Path(path).stat().st_mtime))
    with tempfile.TemporaryDirectory(prefix="who-met-") as folder:
        for name, (sort_by, codec) in (("former", FORMER), ("current", current_layout())):
            path = Path(folder, f"{name}.parquet")
            ordered = rows.sort_by([(column, "ascending") for column in sort_by])
            pq.write_table(ordered, path, compression=codec, row_group_size=100_000)
            sql = QUERIES["stg_participants_who_met"].replace(
                "stg_participants", f"read_parquet('{path}')"
            )
            one_thread = duckdb.connect()
            one_thread.execute("set threads = 1")
            result = {
                "name": f"who_met_{name}",
                "rows": rows.num_rows,
                "sort_by": list(sort_by),
                "compression": codec,
                "mb": round(path.stat().st_size / 1e6, 1),
                "cpu_median_one_thread_s": round(timed(one_thread, sql, "cpu"), 4),
                "wall_p50_s": round(timed(duckdb.connect(), sql, "wall"), 4),
            }
            print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
