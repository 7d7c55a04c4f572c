"""Who met whom at 1M and 10M events: the self-join of stg_participants on event_id (before)
against the same query on event_key (after), on one warehouse, in one run.

The warehouse is the store's own layout (benchmarks/who_met_warehouse.py builds it once per
size in --workdir and reuses it). Each query runs RUNS times, before and after alternately, each
on a new read-only connection to the serving file (what `ingest query` opens; p50 with the
connection's opening and without it, `query_only`), with DuckDB's
default threads and with one thread, for a heavy person ("Person 1", in about 6% of the
participant rows) and a typical one. Prints JSON lines and writes them all to
benchmarks/results/bench_who_met-<UTC time>.json.

    .venv/bin/python benchmarks/bench_who_met.py --workdir /work/bench-x21w
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from bench_warehouse import QUERIES
from who_met_warehouse import build, settings_for

RUNS = 11
# Zipf(1): Person k is in about 1 / (k ln 50,000) of the participant slots
PERSONS = {"heavy": "Person 1", "typical": "Person 1000"}
SINCE = "2025-01-01"
# bench_warehouse's two who-met queries, for any person
QUERIES_COMPARED = {
    "before": QUERIES["stg_participants_who_met"],
    "after": QUERIES["stg_participants_who_met_event_key"],
}
RESULTS = Path(__file__).parent / "results"
DEFAULT_THREADS = duckdb.sql("select current_setting('threads')").fetchall()[0][0]


def who_met(person: str, variant: str) -> str:
    sql = QUERIES_COMPARED[variant]
    if sql.count("'Person 1'") != 2:
        raise SystemExit("bench_who_met: bench_warehouse's who-met query changed shape")
    return sql.replace("'Person 1'", f"'{person}'")


def unlimited(sql: str) -> str:
    if not sql.rstrip().endswith("limit 10"):
        raise SystemExit("bench_who_met: bench_warehouse's who-met query changed shape")
    return sql.rstrip().removesuffix("limit 10")


@dataclass(frozen=True, slots=True)
class Timing:
    """One run: wall seconds with the connection's opening and without, CPU seconds."""

    wall: float
    query: float
    cpu: float


def run_once(serving_path: str, sql: str, threads: int | None) -> tuple[Timing, list[Any]]:
    """One query on a new read-only connection, and its rows."""
    config: dict[str, str | bool | int | float | list[str]] = {}
    if threads is not None:
        config["threads"] = threads
    began, began_cpu = time.perf_counter(), time.process_time()
    with duckdb.connect(serving_path, read_only=True, config=config) as connection:
        opened = time.perf_counter()
        rows = connection.sql(sql).fetchall()
        ended = time.perf_counter()
    return Timing(ended - began, ended - opened, time.process_time() - began_cpu), rows


def probe_rows(serving_path: str, sql: str) -> int:
    """Rows the probe side's scan returned (EXPLAIN ANALYZE): what the join filter left."""
    with duckdb.connect(serving_path, read_only=True) as connection:
        plan = json.loads(connection.sql(f"explain (analyze, format json) {sql}").fetchall()[0][1])
    found: list[int] = []

    def visit(node: dict[str, Any]) -> None:
        if "person_name!=" in str(node.get("extra_info", {}).get("Filters", "")):
            found.append(int(node["operator_cardinality"]))
        for child in node.get("children", []):
            visit(child)

    visit(plan)
    return found[0]


def p95(timings: list[float]) -> float:
    return statistics.quantiles(timings, n=20, method="inclusive")[18]


def bench_size(workdir: Path, size: int) -> list[dict[str, Any]]:
    directory = workdir / str(size)
    built = build(directory, size)
    serving_path = settings_for(directory).serving_path
    results: list[dict[str, Any]] = [{"name": f"warehouse_{size}", "build_s": built}]
    with duckdb.connect(serving_path, read_only=True) as connection:
        rows = connection.sql("select count(*) from stg_participants").fetchall()[0][0]
    for kind, person in PERSONS.items():
        with duckdb.connect(serving_path, read_only=True) as connection:
            events = connection.execute(
                "select count(*), count(*) filter (where event_date >= ?) "
                "from stg_participants where person_name = ?",
                [SINCE, person],
            ).fetchall()[0]
        for threads in (None, 1):
            timings: dict[str, list[Timing]] = {name: [] for name in QUERIES_COMPARED}
            answers = {}
            for _ in range(RUNS):
                for name in QUERIES_COMPARED:  # alternately: a load change hits both
                    timing, answer = run_once(serving_path, who_met(person, name), threads)
                    timings[name].append(timing)
                    answers[name] = answer
            # the top 10 of tied counts is any 10 of them: the counts must agree, and the
            # whole answers (without the limit) name the same people
            if [n for _, n in answers["before"]] != [n for _, n in answers["after"]]:
                raise SystemExit(f"bench_who_met: before and after differ for {person} at {size}")
            whole = {
                name: sorted(run_once(serving_path, unlimited(who_met(person, name)), None)[1])
                for name in QUERIES_COMPARED
            }
            if whole["before"] != whole["after"]:
                raise SystemExit(f"bench_who_met: before and after differ for {person} at {size}")
            for name in QUERIES_COMPARED:
                walls = [timing.wall for timing in timings[name]]
                queries = [timing.query for timing in timings[name]]
                result = {
                    "name": f"who_met_{name}_{size}_{kind}_threads_{threads or 'default'}",
                    "events": size,
                    "participant_rows": rows,
                    "person": person,
                    "person_rows": events[0],
                    f"person_rows_since_{SINCE}": events[1],
                    "join": "event_key" if name == "after" else "event_id",
                    "threads": threads or DEFAULT_THREADS,
                    "runs": RUNS,
                    "p50_s": round(statistics.median(walls), 4),
                    "p95_s": round(p95(walls), 4),
                    "query_only_p50_s": round(statistics.median(queries), 4),
                    "query_only_p95_s": round(p95(queries), 4),
                    "cpu_median_s": round(statistics.median(t.cpu for t in timings[name]), 4),
                    "probe_rows_read": probe_rows(serving_path, who_met(person, name)),
                    "load_average": os.getloadavg()[0],
                }
                print(json.dumps(result), flush=True)
                results.append(result)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000000,10000000", help="comma-separated event counts")
    parser.add_argument(
        "--workdir", default=None, help="where the warehouses are kept (default: a temp folder)"
    )
    args = parser.parse_args()
    stamp = datetime.now(UTC).strftime("%Y-%m-%d-%H%M")
    results: list[dict[str, Any]] = [
        {"name": "machine", "cpu_count": os.cpu_count(), "duckdb": duckdb.__version__}
    ]
    for size in (int(s) for s in args.sizes.split(",")):
        results += bench_size(Path(args.workdir or tempfile.mkdtemp(prefix="who-met-")), size)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"bench_who_met-{stamp}.json").write_text(json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    main()
