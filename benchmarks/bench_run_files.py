"""Finding a run's events files: CPU seconds of the scan (doc_id and file name of every events
file, ingest.warehouse._scanned_run_event_files) against the store's index of which files hold
which documents (ingest.warehouse._run_event_files: two listings and the index files), in turn
on one warehouse, asserting both find the same files. The run: the newest load's documents (a
bench_incremental run: 1,000 new documents, 10 revised). A warehouse written before the index
is indexed first (timed apart). Prints JSON lines; --output also writes them to a JSON file.
--events N: when the workdir holds no warehouse, write one of N events (one load, as
bench_incremental writes it, not compacted) and --runs runs of bench_incremental's 2,000 events
after it, unpublished: finding files reads no mart.

    .venv/bin/python benchmarks/bench_run_files.py --workdir /work/bench-files10/100000 --pairs 5
    .venv/bin/python benchmarks/bench_run_files.py --workdir DIR --events 1000000 --runs 10
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from ingest import store, warehouse
from ingest.config import Settings
from ingest.warehouse import render

sys.path.insert(0, str(Path(__file__).parent))
from bench_incremental import DEMO_LONE_SURNAMES, run_events, with_load
from bench_warehouse import CHUNK, synthetic_events

HIDDEN: frozenset[str] = frozenset()  # every stored row: the warehouse is not being written
EVENTS = "{{ source('events') }}"


def build(settings: Settings, events: int, runs: int) -> None:
    """An events-only warehouse: `events` synthetic events, then `runs` runs of 2,000."""
    generator = duckdb.connect()
    generator.execute("select setseed(0.42)").fetchall()
    for start in range(0, events, CHUNK):
        load_id = store.new_load_id(datetime.now(UTC))
        table = synthetic_events(generator, start, min(CHUNK, events - start), DEMO_LONE_SURNAMES)
        store.write_events_table(settings, with_load(table, load_id), load_id)
    for number in range(runs):
        load_id = store.new_load_id(datetime.now(UTC))
        table = run_events(settings, events, 0.1 + number / 10, DEMO_LONE_SURNAMES)
        store.write_events_table(settings, with_load(table, load_id), load_id)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", required=True, help="a bench_incremental warehouse folder")
    parser.add_argument("--pairs", type=int, default=5, help="before/after pairs run in turn")
    parser.add_argument("--output", help="also write the results to this JSON file")
    parser.add_argument("--events", type=int, help="build an events-only warehouse of N events")
    parser.add_argument("--runs", type=int, default=10, help="2,000-event runs after --events")
    args = parser.parse_args()
    workdir = Path(args.workdir)
    settings = Settings(
        data_root=str(workdir / "data"), serving_path=str(workdir / "ingest.duckdb")
    )
    if args.events and not (workdir / "data" / "events").exists():
        build(settings, args.events, args.runs)
    store.ensure_schema_files(settings)  # a table no run wrote (documents) still has columns
    results: list[dict[str, Any]] = []
    index = store.event_file_index(settings)
    if index.uncovered:
        cpu = time.process_time()
        store.index_event_files(settings, index.uncovered)
        results.append(
            {
                "code": "index written",
                "files": len(index.uncovered),
                "cpu_seconds": round(time.process_time() - cpu, 3),
            }
        )
        print(json.dumps(results[-1]), flush=True)
    index = store.event_file_index(settings)
    connection = duckdb.connect()
    connection.execute("set enable_progress_bar = false")
    (run,) = connection.sql(
        render(f"select max(load_id) from {EVENTS}", settings, HIDDEN)
    ).fetchone() or ("",)
    warehouse.create_run_documents(connection, settings, HIDDEN, run)
    (doc_count,) = connection.sql("select count(*) from _run_documents").fetchone() or (0,)
    ways: tuple[tuple[str, Callable[[duckdb.DuckDBPyConnection, Settings], list[str]]], ...] = (
        ("before", warehouse._scanned_run_event_files),
        ("after", warehouse._run_event_files),
    )
    for _ in range(args.pairs):
        found = {}
        for code, find in ways:
            wall, cpu = time.perf_counter(), time.process_time()
            found[code] = find(connection, settings)
            results.append(
                {
                    "code": code,
                    "wall_seconds": round(time.perf_counter() - wall, 3),
                    "cpu_seconds": round(time.process_time() - cpu, 3),
                    "files_found": len(found[code]),
                    "events_files": len(index.data_files),
                    "index_files": len(index.index_files),
                    "run_documents": doc_count,
                    "load_average": round(os.getloadavg()[0], 2),
                }
            )
            print(json.dumps(results[-1]), flush=True)
        assert found["before"] == found["after"], "the two ways find different files"
    if args.output:
        Path(args.output).write_text(json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    main()
