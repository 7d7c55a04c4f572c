"""Counting a run's names (participant_persons built on the previous snapshot): CPU seconds of
the earlier way (the participant_persons source view filtered to the run's documents after it
unnested every event, a superseded version's names counted again over the same view) against
ingest.warehouse's (the view's SQL over the events files holding the run's documents, the
names counted again by a lean unnest), in turn on one warehouse, asserting both give the same
mentions and counts. The run: the newest load's documents (a bench_incremental run: 1,000 new
documents, 10 revised). Prints JSON lines; --output also writes them to a JSON file.

    .venv/bin/python benchmarks/bench_run_names.py --workdir /work/bench-x21i/1000000 --pairs 1
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

from ingest import warehouse
from ingest.config import Settings
from ingest.warehouse import NAME_USES_SQL, NAMED_MENTIONS_SQL, _quote, _quote_list, render

HIDDEN: frozenset[str] = frozenset()  # every stored row: the warehouse is not being written
EVENTS = "{{ source('events') }}"
Counted = tuple[int, list[str], list[str]]


def dropped_sql(run: str) -> str:
    """The names of the versions the run superseded (ingest.warehouse._changed_uses)."""
    return f"""with old as (
        select participants, mentioned_people from {EVENTS}
        semi join (
            select doc_id, load_id from {{{{ source('superseded') }}}}
            where superseded_by = {_quote(run)}
        ) using (doc_id, load_id)
    )
    select unnest(participants).name from old union select unnest(mentioned_people).name from old"""


def count_before(connection: duckdb.DuckDBPyConnection, settings: Settings, run: str) -> Counted:
    """The earlier code's statements (before 02b1338)."""
    connection.execute(
        render(
            "create or replace temp table _run_events as select distinct event_id from"
            f" {EVENTS} where doc_id in (select doc_id from _run_documents)",
            settings,
            HIDDEN,
        )
    )
    connection.execute(
        "create or replace temp table _run_mentions as select * from participant_persons"
        " where doc_id in (select doc_id from _run_documents)"
    )
    added = connection.sql(NAME_USES_SQL.format(mentions="_run_mentions")).fetchall()
    sql = render(dropped_sql(run), settings, HIDDEN)
    dropped = sorted({name for (name,) in connection.sql(sql).fetchall() if name})
    again = f"(select * from participant_persons where person_name in {_quote_list(dropped)})"
    counted = connection.sql(NAME_USES_SQL.format(mentions=again)).fetchall()
    return len(added), dropped, sorted(map(str, counted))


def count_after(connection: duckdb.DuckDBPyConnection, settings: Settings, run: str) -> Counted:
    """ingest.warehouse's statements."""
    files = warehouse._run_event_files(connection, settings)
    run_events = warehouse._run_sql(
        f"select distinct event_id from {EVENTS}", settings, HIDDEN, files
    )
    connection.execute(f"create or replace temp table _run_events as {run_events}")
    template = {view.name: view for view in warehouse.load_views()}["participant_persons"].template
    mentions = warehouse._run_sql(template, settings, HIDDEN, files)
    connection.execute(f"create or replace temp table _run_mentions as {mentions}")
    added = connection.sql(NAME_USES_SQL.format(mentions="_run_mentions")).fetchall()
    sql = warehouse._run_sql(dropped_sql(run), settings, HIDDEN, files)
    dropped = sorted({name for (name,) in connection.sql(sql).fetchall() if name})
    named = render(NAMED_MENTIONS_SQL.format(names=_quote_list(dropped)), settings, HIDDEN)
    counted = connection.sql(NAME_USES_SQL.format(mentions=f"({named})")).fetchall()
    return len(added), dropped, sorted(map(str, counted))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", required=True, help="a bench_incremental warehouse folder")
    parser.add_argument("--pairs", type=int, default=1, help="before/after pairs run in turn")
    parser.add_argument("--output", help="also write the results to this JSON file")
    args = parser.parse_args()
    workdir = Path(args.workdir)
    settings = Settings(
        data_root=str(workdir / "data"), serving_path=str(workdir / "ingest.duckdb")
    )
    connection = duckdb.connect()
    connection.execute("set enable_progress_bar = false")
    views = {view.name: view for view in warehouse.load_views()}
    source = render(views["participant_persons"].template, settings, HIDDEN)
    connection.execute(f"create view participant_persons as {source}")
    (run,) = connection.sql(
        render(f"select max(load_id) from {EVENTS}", settings, HIDDEN)
    ).fetchone() or ("",)
    warehouse.create_run_documents(connection, settings, HIDDEN, run)
    results: list[dict[str, Any]] = []
    ways: tuple[tuple[str, Callable[..., Counted]], ...] = (
        ("before", count_before),
        ("after", count_after),
    )
    for _ in range(args.pairs):
        counted = {}
        for code, count in ways:
            wall, cpu = time.perf_counter(), time.process_time()
            counted[code] = count(connection, settings, run)
            result = {
                "code": code,
                "wall_seconds": round(time.perf_counter() - wall, 2),
                "cpu_seconds": round(time.process_time() - cpu, 2),
                "name_uses": counted[code][0],
                "dropped_names": len(counted[code][1]),
                "load_average": round(os.getloadavg()[0], 2),
            }
            results.append(result)
            print(json.dumps(result), flush=True)
        assert counted["before"] == counted["after"], "the two ways count differently"
    if args.output:
        Path(args.output).write_text(json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    main()
