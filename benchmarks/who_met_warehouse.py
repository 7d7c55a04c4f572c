"""A synthetic warehouse in the store's own layout, fast enough to build at 10M events.

What `ingest` would leave after runs that stored these events: the event rows written by
`store.write_events_table` (month-partitioned Parquet files, one per load and month), a marts
snapshot under `_marts/<name>/snapshot=<id>/data.parquet` named by a publication version, and
the serving DuckDB file built by `warehouse.refresh_serving_file`. Events come from
`bench_warehouse.synthetic_events` (1-4 participants each, 2.5 on average, drawn from a Zipf(1)
population of 50,000 people: "Person 1" takes part in about 6% of them).

Two shortcuts keep 10M events in minutes rather than hours, and the who-met query reads neither:
- `participant_persons` is not resolved in Python (`ingest.persons` holds every spelling in
  memory: about 40 GB at 10M); each name is its own person, its id the views' `person_id(name)`.
  Resolution does not quite give that: in the 1M warehouse of bench_incremental its name index
  holds 49,921 names and 48,979 persons (942 "Person N" joined another by the typo rule, "Person
  10293" / "Person 10295" under a family-name-first affiliation with the same title), so the
  who-met figures are of a warehouse where those ~2% of names stay apart.
- the marts downstream of `stg_participants` that the who-met query does not read (dim_people,
  fct_country_pairs, agg_events_monthly, fct_quotes, the engagement marts) are written with their
  columns and no rows.
Every other mart is computed by its own SQL, sorted and compressed as schema.toml says.

The warehouse is kept and reused (`build`).
"""

from __future__ import annotations

import dataclasses
import json
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from bench_warehouse import CHUNK, synthetic_events
from ingest import files, publication, store, warehouse
from ingest.config import Settings
from ingest.schemas import EVENTS

COMPUTED_BY_SQL = {"participant_persons", "city_countries", "stg_participants"}
MEMORY_LIMIT = "4GB"
EVENTS_MARKER = "events.json"
# participant_persons without resolution: every spelling its own person
PERSONS_SQL = """
select
    participant_id,
    {{ person_id(person_name) }} as person_id,
    person_name as canonical_name,
    coalesce(name_status, 'full') as name_status,
    'canonical' as resolution_rule,
    null::varchar as resolution_evidence,
    null::varchar as name_problem,
    null::varchar as title_country_code
from participant_persons
where is_participant
"""


def settings_for(directory: Path) -> Settings:
    return Settings(
        data_root=str(directory / "data"), serving_path=str(directory / "ingest.duckdb")
    )


def build(directory: Path, size: int) -> dict[str, float]:
    """Build (or reuse) a warehouse of `size` synthetic events in `directory`; seconds per step.

    The events are written once (`events.json` marks them); the marts again whenever their SQL
    changed (the fingerprint `publish` compares), then the serving file if its views changed.
    """
    settings = settings_for(directory)
    seconds: dict[str, float] = {}
    marker = directory / EVENTS_MARKER
    if not marker.exists():
        directory.mkdir(parents=True, exist_ok=True)
        seconds["write_events_s"] = _write_events(settings, size)
        marker.write_text(json.dumps({"events": size, **seconds}))
    if _marts_stale(settings):
        began = time.perf_counter()
        _publish_marts(settings, directory)
        seconds["marts_s"] = time.perf_counter() - began
    began = time.perf_counter()
    warehouse.refresh_serving_file(settings)
    seconds["serving_file_s"] = time.perf_counter() - began
    return seconds


def _marts_stale(settings: Settings) -> bool:
    current = publication.read(settings)
    wanted = warehouse._marts_fingerprint(
        settings, warehouse.load_views(), current.hidden_except(None)
    )
    return current.marts_fingerprint != wanted


def _write_events(settings: Settings, size: int) -> float:
    generator = duckdb.connect()
    generator.execute("select setseed(0.42)").fetchall()
    began = time.perf_counter()
    for start in range(0, size, CHUNK):
        table = synthetic_events(generator, start, min(CHUNK, size - start))
        load_id = store.new_load_id(datetime.now(UTC))
        loads = pa.array([load_id] * table.num_rows)
        table = table.set_column(EVENTS.get_field_index("load_id"), "load_id", loads)
        store.write_events_table(settings, table, load_id)
    return time.perf_counter() - began


def _publish_marts(settings: Settings, workdir: Path) -> None:
    """One marts snapshot, published with the fingerprint `publish` checks (so a refresh of
    this warehouse finds its marts current and does not recompute them)."""
    views = warehouse.load_views()
    store.ensure_schema_files(settings)
    snapshot = store.new_load_id(datetime.now(UTC))
    with publication.locked(settings) as current, duckdb.connect() as connection:
        connection.execute("set enable_progress_bar = false")
        # sorts spill here instead of holding 25M participant rows in memory
        connection.execute(f"set temp_directory = '{workdir / 'spill'}'")
        connection.execute(f"set memory_limit = '{MEMORY_LIMIT}'")
        hidden = current.hidden_except(None)
        for view in views:
            sql = warehouse.render(view.template, settings, hidden)
            connection.execute(f"create view {view.name} as\n{sql}")
            if not view.materialized:
                continue
            target = Path(store.mart_path(settings, view.name, snapshot, for_duckdb=True))
            _write_mart(connection, view, settings, hidden, target, workdir / "sorted.parquet")
            connection.execute(
                f"create or replace view {view.name} as select * from read_parquet('{target}')"
            )
        fingerprint = warehouse._marts_fingerprint(settings, views, hidden)
        marts = {"marts_snapshot": snapshot, "marts_fingerprint": fingerprint}
        publication.write(settings, dataclasses.replace(current, **marts))


def _write_mart(
    connection: duckdb.DuckDBPyConnection,
    view: warehouse.View,
    settings: Settings,
    hidden: frozenset[str],
    target: Path,
    sorted_file: Path,
) -> None:
    """The mart's rows, sorted by DuckDB into `sorted_file`, then written as `store.write_mart`
    writes them (pyarrow, the view's codec, row groups of settings.row_group_size) a row group
    at a time: `warehouse.mart_table` would hold them all in memory (15 GB at 10M events)."""
    order = f" order by {', '.join(view.sort_by)}" if view.sort_by else ""
    if view.name == "participant_persons":
        rows = f"select * from ({warehouse.render(PERSONS_SQL, settings, hidden)}){order}"
    elif view.name == "city_countries":  # a few hundred rows, computed in Python
        table = warehouse.mart_table(connection, view, settings)
        store.write_mart(settings, view.name, target.parent.name.split("=")[1], table)
        return
    elif view.name in COMPUTED_BY_SQL:
        rows = f"select * from {view.name}{order}"
    else:
        rows = f"select * from {view.name} limit 0"
    connection.execute(f"copy ({rows}) to '{sorted_file}' (format parquet, compression zstd)")
    schema = warehouse.PARTICIPANT_PERSONS_SCHEMA if view.name == "participant_persons" else None
    target.parent.mkdir(parents=True, exist_ok=True)
    size = settings.row_group_size
    source = pq.ParquetFile(sorted_file)
    codec = view.compression or files.COMPRESSION
    with pq.ParquetWriter(
        target, schema or source.schema_arrow, compression=codec, write_statistics=True
    ) as writer:
        pending: list[pa.RecordBatch] = []
        for batch in source.iter_batches(batch_size=size):
            pending.append(batch if schema is None else batch.cast(schema))
            held = pa.Table.from_batches(pending)
            while held.num_rows >= size:
                writer.write_table(held.slice(0, size), row_group_size=size)
                held = held.slice(size)
            pending = held.to_batches()
        if pending:
            writer.write_table(pa.Table.from_batches(pending), row_group_size=size)
    sorted_file.unlink()
