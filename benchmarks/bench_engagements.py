"""Seconds each materialized mart's query takes over the configured warehouse (`make demo`'s by
default), engagement_events and fct_engagements beside the older marts; one JSON line per mart.

Each mart is computed in order in one in-memory DuckDB connection, and later marts read the
rows of earlier ones, as a publication computes them (nothing is written). Best of --repeat.
Usage: taskset -c 0 python benchmarks/bench_engagements.py [--repeat R]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import duckdb  # noqa: E402

from ingest import store, warehouse  # noqa: E402
from ingest.config import load_settings  # noqa: E402


def time_marts() -> dict[str, tuple[int, float]]:
    """Rows and seconds of every materialized view's query."""
    settings = load_settings()
    store.ensure_schema_files(settings)  # an empty warehouse reads as empty tables
    views = warehouse.load_views()
    timings: dict[str, tuple[int, float]] = {}
    with duckdb.connect() as connection:
        for view in views:
            sql = warehouse.render(view.template, settings)
            connection.execute(f"create view {view.name} as {sql}")
        for view in (v for v in views if v.materialized):
            started = time.perf_counter()
            table = connection.sql(f"select * from {view.name}").to_arrow_table()
            timings[view.name] = (table.num_rows, time.perf_counter() - started)
            connection.register(f"computed_{view.name}", table)
            connection.execute(
                f"create or replace view {view.name} as select * from computed_{view.name}"
            )
    return timings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    best: dict[str, tuple[int, float]] = {}
    for _ in range(args.repeat):
        for name, (rows, seconds) in time_marts().items():
            if name not in best or seconds < best[name][1]:
                best[name] = (rows, seconds)
    for name, (rows, seconds) in best.items():
        print(
            json.dumps({"bench": "marts", "mart": name, "rows": rows, "seconds": round(seconds, 3)})
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
