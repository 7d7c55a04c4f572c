"""Incremental marts benchmark: publish time of one 2,000-event run into warehouses of 1M and
10M synthetic events (bench_warehouse's events), their ratio, and a full rebuild for reference.

The big warehouses are built once under --workdir (events written in 1M-event loads through
store.write_events_table, compacted, published) and reused by later runs: each measured run adds
its 2,000 events (1,000 new documents, 10 of them new versions of stored ones) to them.
A run's publish is incremental (ingest.warehouse.INCREMENTAL_MARTS computed from the previous
snapshot and the run's rows) when the previous snapshot was computed from exactly the rows
visible before the run, by the same SQL: the first run after a change of the marts' SQL (or of
this code) computes every mart whole, and says so (`incremental: []`). participant_persons is
built on the previous snapshot when that has a name and a surname index
(ingest.warehouse.NAME_INDEX, SURNAME_INDEX: the first run after an upgrade writes them, resolving
whole); the median is taken over
the incremental runs when there are any. Prints JSON lines {"name", "value", "unit", ...};
--output also writes them to a JSON file. --lone-surnames: the share of participants named by a
lone surname (default the demo warehouse's, DEMO_LONE_SURNAMES; 0 gives the data of earlier
versions, so a warehouse built before keeps its workdir); the resolution logs what it re-resolved.

    .venv/bin/python benchmarks/bench_incremental.py --sizes 1000000,10000000 \
        --workdir /work/bench-x21i --output benchmarks/results/bench_incremental-DATE.json
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from ingest import publication, store, warehouse
from ingest.config import Settings
from ingest.schemas import EVENTS

sys.path.insert(0, str(Path(__file__).parent))
from bench_warehouse import CHUNK, synthetic_events

RUN_EVENTS = 2_000
# lone-surname participants of the demo warehouse: 271 of 4,095 (main's `make demo`, 2026-12-07)
DEMO_LONE_SURNAMES = 0.066
RESULTS: list[dict[str, Any]] = []
REVISED_DOCUMENTS = 10  # documents of the run that are new versions of stored ones
READY_FILE = "ready.json"


def emit(name: str, value: float, unit: str, **extra: Any) -> None:
    result = {"name": name, "value": round(value, 4), "unit": unit, **extra}
    RESULTS.append(result)
    print(json.dumps(result), flush=True)


def reset_peak_rss() -> None:
    """Start the kernel's peak resident set (VmHWM) again from the current one (Linux)."""
    Path("/proc/self/clear_refs").write_text("5")


def peak_rss_mb() -> float:
    """The process's peak resident set since the last reset_peak_rss, in MB (VmHWM)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def settings_for(workdir: Path, marts_memory_mb: int | None = None) -> Settings:
    """The warehouse's settings; marts_memory_mb None keeps the shipped default."""
    settings = Settings(
        data_root=str(workdir / "data"), serving_path=str(workdir / "ingest.duckdb")
    )
    if marts_memory_mb is None:
        return settings
    return dataclasses.replace(settings, marts_memory_mb=marts_memory_mb)


def with_load(table: pa.Table, load_id: str) -> pa.Table:
    index = EVENTS.get_field_index("load_id")
    return table.set_column(index, "load_id", pa.array([load_id] * table.num_rows))


def ensure_warehouse(
    size: int, workdir: Path, lone_surnames: float, marts_memory_mb: int | None
) -> Settings:
    """The warehouse of `size` events under workdir, built (and published) when missing."""
    settings = settings_for(workdir, marts_memory_mb)
    if (workdir / READY_FILE).exists():
        return settings
    workdir.mkdir(parents=True, exist_ok=True)
    generator = duckdb.connect()
    generator.execute("select setseed(0.42)").fetchall()
    began = time.perf_counter()
    for start in range(0, size, CHUNK):
        load_id = store.new_load_id(datetime.now(UTC))
        events = synthetic_events(generator, start, min(CHUNK, size - start), lone_surnames)
        table = with_load(events, load_id)
        store.write_events_table(settings, table, load_id)
    written = time.perf_counter() - began
    store.compact(settings)
    reset_peak_rss()
    began, cpu_began = time.perf_counter(), time.process_time()
    first = warehouse.publish(settings, force=True)
    published = time.perf_counter() - began
    built = {
        "size": size,
        "lone_surnames": lone_surnames,
        "marts_memory_mb": settings.marts_memory_mb,
        "write_seconds": written,
        "first_publish_seconds": published,
        "first_publish_cpu_seconds": round(time.process_time() - cpu_began, 3),
        "first_publish_peak_rss_mb": round(peak_rss_mb(), 1),
        "mart_seconds": dict(first.mart_seconds),
        "serving_seconds": first.serving_seconds,
    }
    (workdir / READY_FILE).write_text(json.dumps(built))
    emit(f"build_{size}", written + published, "s", **built)
    return settings


def run_events(settings: Settings, size: int, seed: float, lone_surnames: float) -> pa.Table:
    """RUN_EVENTS events: new documents, and REVISED_DOCUMENTS new versions of stored ones."""
    generator = duckdb.connect()
    generator.execute(f"select setseed({seed})").fetchall()
    # numbered past every earlier run's events (each run moves the start by RUN_EVENTS)
    start = size * 10 + int(time.time() * 1000) % 10**9 * 2
    fresh = synthetic_events(generator, start, RUN_EVENTS - 2 * REVISED_DOCUMENTS, lone_surnames)
    revised = synthetic_events(generator, 0, 2 * REVISED_DOCUMENTS, lone_surnames)
    # same doc ids and event ids as the first stored documents, another text
    revised = revised.set_column(
        EVENTS.get_field_index("content_hash"),
        "content_hash",
        pc.binary_join_element_wise(revised.column("content_hash"), pa.scalar(str(start)), ""),
    )
    return pa.concat_tables([fresh, revised])


def measure_run(settings: Settings, size: int, seed: float, lone_surnames: float) -> dict[str, Any]:
    """Write one run's events as a pipeline run does (in flight, then published); timings."""
    load_id = store.new_load_id(datetime.now(UTC))
    publication.begin(settings, load_id, datetime.now(UTC))
    table = with_load(run_events(settings, size, seed, lone_surnames), load_id)
    began = time.perf_counter()
    written = store.write_events_table(settings, table, load_id)
    write_seconds = time.perf_counter() - began
    reset_peak_rss()
    began, cpu_began = time.perf_counter(), time.process_time()
    published = warehouse.publish(settings, load_id)
    publish_seconds = time.perf_counter() - began
    peak_rss = peak_rss_mb()
    return {
        "rows": written,
        "write_seconds": round(write_seconds, 3),
        "publish_seconds": round(publish_seconds, 3),
        # every thread's CPU seconds: on a shared machine, steadier than the wall time
        "publish_cpu_seconds": round(time.process_time() - cpu_began, 3),
        "load_average": [round(load, 2) for load in os.getloadavg()],
        "peak_rss_mb": round(peak_rss, 1),
        "marts_seconds": round(published.marts_seconds, 3),
        "mart_seconds": {name: round(s, 3) for name, s in published.mart_seconds},
        "serving_seconds": round(published.serving_seconds, 3),
        "serving_rebuilt": published.serving_rebuilt,
        "incremental": list(published.incremental),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000000,10000000", help="comma-separated event counts")
    parser.add_argument("--workdir", default="/work/bench-x21", help="where warehouses are kept")
    parser.add_argument("--runs", type=int, default=3, help="measured runs per size (median)")
    parser.add_argument("--full", action="store_true", help="also time a full rebuild")
    parser.add_argument("--output", help="also write the results to this JSON file")
    parser.add_argument(
        "--seed",
        type=float,
        default=0.1,
        help="the first run's random seed (each later run adds 0.1): another seed, other people"
        " and dates than earlier invocations' runs",
    )
    parser.add_argument(
        "--lone-surnames",
        type=float,
        default=DEMO_LONE_SURNAMES,
        help="share of participants named by a lone surname",
    )
    parser.add_argument(
        "--marts-memory-mb",
        type=int,
        help="DuckDB's memory while the marts are computed (the marts_memory_mb setting; default"
        " the shipped one)",
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    sizes = [int(s) for s in args.sizes.split(",")]
    medians: dict[int, float] = {}
    for size in sizes:
        settings = ensure_warehouse(
            size, Path(args.workdir) / str(size), args.lone_surnames, args.marts_memory_mb
        )
        timings = []
        for i in range(args.runs):
            seed = args.seed + i / 10
            timings.append(measure_run(settings, size, seed, args.lone_surnames))
            print(json.dumps({"size": size, "run": i, **timings[-1]}), flush=True)
        measured = [t for t in timings if t["incremental"]] or timings
        if not measured:
            continue
        seconds = sorted(t["publish_seconds"] for t in measured)[len(measured) // 2]
        medians[size] = seconds
        emit(f"publish_{RUN_EVENTS}_into_{size}", seconds, "s", runs=timings)
        if args.full:
            reset_peak_rss()
            began, cpu_began = time.perf_counter(), time.process_time()
            warehouse.publish(settings, force=True)
            emit(
                f"full_rebuild_{size}",
                time.perf_counter() - began,
                "s",
                cpu_seconds=round(time.process_time() - cpu_began, 3),
                peak_rss_mb=round(peak_rss_mb(), 1),
            )
    if len(sizes) == 2:
        small, big = sizes
        emit(f"publish_ratio_{big}_to_{small}", medians[big] / medians[small], "x")
    if args.output:
        Path(args.output).write_text(json.dumps(RESULTS, indent=1) + "\n")


if __name__ == "__main__":
    main()
