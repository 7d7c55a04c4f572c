"""The store's three backends in one run: local Parquet, Parquet on S3, DuckLake (PostgreSQL
catalog, data on S3). Write throughput and commit latency of loads of real documents and events
(the demo archive's 1,995 State Department releases, extracted once), then the marts' compute
time and the p50 of typical mart queries on each; ratios against local Parquet.

A load's write counts until its rows are visible to readers. Parquet: list the load in flight,
write its files, write a new publication version (the "commit"). DuckLake: stage the rows
locally, then `store.commit_run` re-reads the lake and commits them in one transaction (the
"commit"). S3 is moto's server on 127.0.0.1 and PostgreSQL a local cluster: the figures compare
the formats on one machine, not a cloud's latencies.

    .venv/bin/python benchmarks/bench_lake.py [--loads 10] [-o benchmarks/lake.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from bench_warehouse import QUERIES  # noqa: E402
from ingest import publication, store, warehouse  # noqa: E402
from ingest.backfill import backfill_feed  # noqa: E402
from ingest.config import Settings  # noqa: E402
from ingest.pipeline.archive import backfill  # noqa: E402
from support.lakehosts import credentials, lake_servers, new_lake  # noqa: E402

QUERY_RUNS = 3
ARCHIVE = ROOT / "config" / "demo" / "archive"
Load = tuple[pa.Table, pa.Table]  # one load's documents and events


def real_loads(workdir: Path, loads: int) -> list[Load]:
    """The demo archive extracted once, its documents cut into `loads` loads (events follow
    their documents)."""
    settings = Settings(
        data_root=str(workdir / "source" / "data"),
        serving_path=str(workdir / "source" / "ingest.duckdb"),
        state_path=str(workdir / "source" / "state" / "feeds.json"),
    )
    backfill(settings, backfill_feed(), str(next(ARCHIVE.iterdir())))
    documents = store.read_table(settings, "documents")
    events = store.read_table(settings, "events")
    doc_ids = sorted(set(documents.column("doc_id").to_pylist()))
    cut = [set(doc_ids[number::loads]) for number in range(loads)]
    return [
        (
            documents.filter(pa.array([d in part for d in documents.column("doc_id").to_pylist()])),
            events.filter(pa.array([d in part for d in events.column("doc_id").to_pylist()])),
        )
        for part in cut
    ]


def relabelled(table: pa.Table, load_id: str) -> pa.Table:
    index = table.schema.get_field_index("load_id")
    return table.set_column(index, "load_id", pa.array([load_id] * table.num_rows, pa.string()))


def write_load(settings: Settings, rows: Load, load_id: str) -> None:
    documents, events = rows
    store.write_documents_table(settings, relabelled(documents, load_id), load_id)
    store.write_events_table(settings, relabelled(events, load_id), load_id)


def parquet_load(settings: Settings, rows: Load, load_id: str) -> tuple[float, float]:
    """(seconds until visible, seconds of the publication replacement)."""
    began = time.perf_counter()
    publication.begin(settings, load_id, datetime.now(UTC))
    write_load(settings, rows, load_id)
    written = time.perf_counter()
    with publication.locked(settings) as current:
        publication.write(settings, current.without([load_id]))
    done = time.perf_counter()
    return done - began, done - written


def lake_load(settings: Settings, rows: Load, load_id: str) -> tuple[float, float]:
    """(seconds until visible, seconds of the DuckLake commit)."""
    began = time.perf_counter()
    write_load(settings, rows, load_id)
    written = time.perf_counter()
    store.commit_run(settings, load_id)
    done = time.perf_counter()
    return done - began, done - written


def bench_backend(
    name: str,
    settings: Settings,
    load: Callable[[Settings, Load, str], tuple[float, float]],
    loads: list[Load],
) -> dict[str, Any]:
    totals, commits = [], []
    for rows in loads:
        load_id = store.new_load_id(datetime.now(UTC))
        total, commit = load(settings, rows, load_id)
        totals.append(total)
        commits.append(commit)
    began = time.perf_counter()
    warehouse.refresh_serving_file(settings)
    marts_seconds = time.perf_counter() - began
    queries = {}
    for query_name, sql in QUERIES.items():
        timings = []
        for _ in range(QUERY_RUNS):
            began = time.perf_counter()
            warehouse.query(settings, sql)
            timings.append(time.perf_counter() - began)
        queries[query_name] = round(statistics.median(timings), 4)
    events = sum(rows.num_rows for _, rows in loads)
    result = {
        "backend": name,
        "loads": len(loads),
        "documents_written": sum(documents.num_rows for documents, _ in loads),
        "events_written": events,
        "write_events_per_second": round(events / sum(totals), 1),
        "commit_seconds_p50": round(statistics.median(commits), 4),
        "commit_seconds_max": round(max(commits), 4),
        "marts_and_serving_file_seconds": round(marts_seconds, 3),
        "query_seconds_p50": queries,
        "query_seconds_p50_sum": round(sum(queries.values()), 4),
    }
    print(json.dumps(result), flush=True)
    return result


def ratios(result: dict[str, Any], base: dict[str, Any]) -> dict[str, float]:
    keys = (
        "write_events_per_second",
        "commit_seconds_p50",
        "marts_and_serving_file_seconds",
        "query_seconds_p50_sum",
    )
    return {key: round(result[key] / base[key], 2) for key in keys if base[key]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loads", type=int, default=10)
    parser.add_argument("-o", "--output", default=str(ROOT / "benchmarks" / "lake.json"))
    args = parser.parse_args()
    load_average = os.getloadavg()[0]  # the machine is shared: say how busy it was
    workdir = Path(tempfile.mkdtemp(prefix="bench-lake-"))
    try:
        loads = real_loads(workdir, args.loads)
        with lake_servers() as servers:
            os.environ.update(credentials(servers))
            found = new_lake(servers, "bench")

            def settings(name: str, data_root: str, catalog: str = "") -> Settings:
                return Settings(
                    data_root=data_root,
                    serving_path=str(workdir / name / "ingest.duckdb"),
                    state_path=str(workdir / name / "state" / "feeds.json"),
                    s3_endpoint=servers.s3_endpoint,
                    catalog=catalog,
                )

            local = settings("local", str(workdir / "local" / "data"))
            s3 = settings("s3", f"{found.data_root}-parquet")
            lake = settings("lake", found.data_root, found.catalog)
            results = [
                bench_backend("local_parquet", local, parquet_load, loads),
                bench_backend("s3_parquet", s3, parquet_load, loads),
                bench_backend("ducklake_pg_s3", lake, lake_load, loads),
            ]
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    output = {
        "benchmark": "lake",
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.python_version()}",
        "load_average_at_start": load_average,
        "command": "python benchmarks/bench_lake.py " + " ".join(sys.argv[1:]),
        "results": results,
        "ratios_to_local_parquet": {r["backend"]: ratios(r, results[0]) for r in results[1:]},
    }
    Path(args.output).write_text(json.dumps(output, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(output["ratios_to_local_parquet"], indent=2))


if __name__ == "__main__":
    main()
