"""Finding a run's events files: CPU seconds of the scan (doc_id and file name of every events
file, ingest.warehouse._scanned_run_event_files) against the store's index of which files hold
which documents (ingest.warehouse._run_event_files: two listings and the index files), in turn
on one warehouse, asserting both find the same files. The run: the newest load's documents (a
bench_incremental run: 1,000 new documents, 10 revised). A warehouse written before the index
is indexed first (timed apart). Prints JSON lines; --output also writes them to a JSON file.

    .venv/bin/python benchmarks/bench_run_files.py --workdir /work/bench-files10/100000 --pairs 5
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb

from ingest import store, warehouse
from ingest.config import Settings
from ingest.warehouse import _quote, render

HIDDEN: frozenset[str] = frozenset()  # every stored row: the warehouse is not being written
EVENTS = "{{ source('events') }}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", required=True, help="a bench_incremental warehouse folder")
    parser.add_argument("--pairs", type=int, default=5, help="before/after pairs run in turn")
    parser.add_argument("--output", help="also write the results to this JSON file")
    args = parser.parse_args()
    workdir = Path(args.workdir)
    settings = Settings(
        data_root=str(workdir / "data"), serving_path=str(workdir / "ingest.duckdb")
    )
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
    load = _quote(run)
    documents = f"""select doc_id from {EVENTS} where load_id = {load}
        union select doc_id from {{{{ source('documents') }}}} where load_id = {load}
        union select doc_id from {{{{ source('superseded') }}}} where superseded_by = {load}"""
    connection.execute(f"create temp table _run_documents as {render(documents, settings, HIDDEN)}")
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
