"""DuckDB views over the Parquet tables: publication, the serving file, checks and queries.

The serving file holds views only (over `read_parquet` globs with absolute paths), so new Parquet
files appear to every reader on its next query. It is rebuilt only when the rendered view SQL
changes (fingerprint kept in its `_meta` view), into a temporary file renamed over the old one:
readers that hold the old file keep reading it. It is written in the storage format of
STORAGE_VERSION so that BI tools bundling an older DuckDB can open it.

Every view reads only published rows: the rows of loads listed in flight in the current publication
(ingest.publication: the newest of its versions) are filtered out, and the materialized marts are
read from the snapshot the publication names. `publish` computes the marts with a run's rows and
then publishes both in one new publication version, so a reader sees a whole run, facts and marts
together, or none of it.

With a catalog (ingest.lake) the views read the data files of one DuckLake snapshot, listed by
name (a BI tool needs neither the catalog nor its extension), and the marts computed from that
snapshot: publishing commits the run, pins the new snapshot and rebuilds the file over it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import itertools
import logging
import os
import re
import tempfile
import time
import tomllib
import uuid
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.fs as pafs
import pyarrow.parquet as pq
import pycountry

from ingest import files, lake, objectstore, persons, publication, quality, sqlguard, store
from ingest.config import ORGANISATION_PUBLISHERS, Settings
from ingest.errors import StoreError
from ingest.extract.gazetteer import organisation_codes
from ingest.schemas import EVENTS, PARTITION_COLUMN, TABLES, WRITER_COLUMNS

log = logging.getLogger(__name__)

# package data (src/ingest/sql links warehouse/models and warehouse/checks): found the same way
# in a source checkout, an editable install and an installed wheel
SQL_DIR = resources.files("ingest") / "sql"
MODELS_DIR = SQL_DIR / "models"
CHECKS_DIR = SQL_DIR / "checks"
# the oldest DuckDB our BI users run (Metabase, Superset, Grafana and DBeaver bundle their own)
STORAGE_VERSION = "v1.4.0"
# bump when the build procedure itself changes in a way the rendered SQL does not show
BUILD_FORMAT = "1"
SOURCE_PATTERN = re.compile(r"\{\{\s*source\('([a-z_]+)'\)\s*\}\}")
PERSON_ID_PATTERN = re.compile(r"\{\{\s*person_id\(([^{}]+?)\)\s*\}\}")
EPHEMERAL_PATTERN = re.compile(r"\{\{\s*ephemeral\('([a-z_]+)'\)\s*\}\}")
# `{{ in_scope('name', column) }}`: true, or in an incremental publish, column in the keys of the
# temporary table _scope_<name> (the days, events or engagements a run touches)
SCOPE_PATTERN = re.compile(r"\{\{\s*in_scope\('([a-z_]+)',\s*([A-Za-z_][A-Za-z0-9_.]*)\)\s*\}\}")
CHECK_SAMPLE_ROWS = 5
ERROR, WARNING = "error", "warning"
MART_CODECS = ("zstd", "lz4", "snappy")  # what a materialized view's `compression` may name
# int_event_records: the stored event columns, plus the month every view groups by
EVENT_RECORD_COLUMNS = (*EVENTS.names, "event_month")


@dataclass(frozen=True, slots=True)
class View:
    """One view of the serving file: its SQL template and its documentation."""

    name: str
    template: str
    description: str
    columns: dict[str, str] = field(default_factory=dict)
    materialized: bool = False
    sort_by: tuple[str, ...] = ()  # row order of a materialized file: its filters prune groups
    # a mart computed in Python (COMPUTED_MARTS) from the rows its SQL returns
    computed: str | None = None
    # Parquet codec of a materialized file, when not files.COMPRESSION: a mart whole queries
    # scan (the who-met self-join) decodes lz4 faster than zstd
    compression: str | None = None


@dataclass(frozen=True, slots=True)
class CheckResult:
    """The outcome of one data check: the offending rows it returned (none means it passed)."""

    name: str
    description: str
    columns: tuple[str, ...]
    failing_rows: int
    sample: tuple[tuple[Any, ...], ...] = ()
    level: str = ERROR  # a warning lists rows a person should look at; it fails nothing

    @property
    def passed(self) -> bool:
        """No offending rows; a warning always passes (its rows are for a person to read)."""
        return self.level == WARNING or self.failing_rows == 0


@dataclass(frozen=True, slots=True)
class QueryResult:
    """Column names and rows of a query."""

    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]


# --- view definitions ------------------------------------------------------------------------


def _model_spec(models_dir: Traversable) -> Mapping[str, Any]:
    """models/schema.toml of `models_dir`, parsed (read it, never change it)."""
    spec_path = models_dir / "schema.toml"
    try:
        return _parsed_toml(spec_path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise StoreError(f"{spec_path}: cannot read view definitions: {error}") from error


@functools.lru_cache(maxsize=4)
def _parsed_toml(text: str) -> Mapping[str, Any]:
    """One parse per text: a publish renders every view's SQL two or three times, each
    inlining ephemeral models, and parsing schema.toml each time took half of a small
    warehouse's publish (109 parses, 1.4 of 3 s)."""
    return tomllib.loads(text)


def load_views(models_dir: Traversable = MODELS_DIR) -> list[View]:
    """The views in creation order, as declared in models/schema.toml."""
    spec_path = models_dir / "schema.toml"
    spec = _model_spec(models_dir)
    views = []
    for name, entry in spec.get("views", {}).items():
        template = (models_dir / entry["path"]).read_text(encoding="utf-8")
        columns = dict(entry.get("columns", {}))
        materialized = bool(entry.get("materialized", False))
        sort_by = tuple(entry.get("sort_by", ()))
        if sort_by and not materialized:
            raise StoreError(f"{spec_path}: view {name} has sort_by but is not materialized")
        computed = entry.get("computed")
        if computed is not None and (computed not in COMPUTED_MARTS or not materialized):
            raise StoreError(
                f"{spec_path}: view {name}: computed = {computed!r} needs materialized = true"
                f" and one of {', '.join(sorted(COMPUTED_MARTS))}"
            )
        compression = entry.get("compression")
        if compression is not None and (compression not in MART_CODECS or not materialized):
            raise StoreError(
                f"{spec_path}: view {name}: compression = {compression!r} needs"
                f" materialized = true and one of {', '.join(MART_CODECS)}"
            )
        views.append(
            View(
                name,
                template,
                entry["description"],
                columns,
                materialized,
                sort_by,
                computed,
                compression,
            )
        )
    return views


def load_ephemerals(models_dir: Traversable = MODELS_DIR) -> dict[str, str]:
    """The SQL templates of the ephemeral models of models/schema.toml, by name.

    An ephemeral model (dbt's word) is no view: `{{ ephemeral('name') }}` inlines it as a
    subquery, so nested event records feed the flat views without a BI tool ever listing them.
    """
    spec = _model_spec(models_dir)
    return {
        name: (models_dir / entry["path"]).read_text(encoding="utf-8")
        for name, entry in spec.get("ephemeral", {}).items()
    }


def expand_ephemerals(template: str, models_dir: Traversable = MODELS_DIR) -> str:
    """The template with every `{{ ephemeral('name') }}` replaced by that model's SQL."""
    if not EPHEMERAL_PATTERN.search(template):
        return template
    ephemerals = load_ephemerals(models_dir)

    def inline(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in ephemerals:
            raise StoreError(f"view template names unknown ephemeral model '{name}'")
        return f"(\n{expand_ephemerals(ephemerals[name], models_dir)}\n)"

    return EPHEMERAL_PATTERN.sub(inline, template)


def render(
    template: str,
    settings: Settings,
    hidden: Collection[str] | None = None,
    scopes: Collection[str] = (),
    where: Mapping[str, str] | None = None,
    files: Mapping[str, Sequence[str]] | None = None,
) -> str:
    """Replace `{{ ephemeral('model') }}`, `{{ source('table') }}`, `{{ person_id(name) }}`,
    `{{ countries }}`, `{{ organisations }}` and `{{ unpublished_loads }}` (a query of the
    hidden load ids).

    A source shows published rows only: without `hidden`, the rows of the loads the publication
    file lists in flight at query time are left out; with it, the rows of those loads (what a
    publication in the making computes its marts from). `scopes` names the in_scope tables an
    incremental publish has filled (every other in_scope is true). `where` maps a table to a
    condition its source applies to its rows, `files` a table to the only Parquet files of it
    its source reads (beside its schema file): a run's own documents.
    """

    def source(match: re.Match[str]) -> str:
        table = match.group(1)
        scan = _parquet_source(settings, table, hidden, None if files is None else files.get(table))
        if where is None or table not in where:
            return scan
        return f"(select * from {scan} where {where[table]})"

    def scope(match: re.Match[str]) -> str:
        name, column = match.groups()
        return f"{column} in (select key from _scope_{name})" if name in scopes else "true"

    sql = SOURCE_PATTERN.sub(source, expand_ephemerals(template))
    sql = SCOPE_PATTERN.sub(scope, sql)
    sql = PERSON_ID_PATTERN.sub(lambda match: _person_id_sql(match.group(1).strip()), sql)
    sql = sql.replace("{{ countries }}", _countries_sql())
    sql = sql.replace("{{ unpublished_loads }}", _hidden_sql(settings, hidden))
    return sql.replace("{{ organisations }}", _organisations_sql())


def _parquet_source(
    settings: Settings,
    table: str,
    hidden: Collection[str] | None,
    files: Sequence[str] | None = None,
) -> str:
    """The table's published rows; of `files` alone when given (paths from a `filename`
    column), with the table's schema file so that no file still gives every column."""
    if table not in TABLES:
        raise StoreError(f"view template names unknown table '{table}'")
    if lake.enabled(settings):
        return _lake_source(settings, table)
    root = store.table_uri(settings, table)
    paths = _quote(f"{root}/**/*.parquet")
    if files is not None:
        schema_file = f"{root}/{PARTITION_COLUMN}=none/{store.SCHEMA_FILE}"
        paths = "[" + ", ".join(_quote(path) for path in (schema_file, *files)) + "]"
    scan = (
        f"read_parquet({paths}, hive_partitioning = true, union_by_name = true, "
        f"hive_types = {{'{PARTITION_COLUMN}': 'VARCHAR'}})"
    )
    writer = WRITER_COLUMNS.get(table)
    if writer is None:
        return scan
    return f"(select * from {scan} where {writer} not in ({_hidden_sql(settings, hidden)}))"


def _lake_source(settings: Settings, table: str) -> str:
    """The table's files in the pinned snapshot, and its zero-row schema file (so a table with
    no files yet has its columns); `month` as the Parquet layout's views expect it. Columns by
    name: files DuckLake merged (`ingest compact`) carry a column of its own as well."""
    schema_file = f"{store.table_uri(settings, table)}/{PARTITION_COLUMN}=none/{store.SCHEMA_FILE}"
    paths = ", ".join(_quote(path) for path in (schema_file, *lake.pinned(settings).files[table]))
    columns = ", ".join(f'"{name}"' for name in TABLES[table].names)
    return (
        f"(select {columns}, null::varchar as {PARTITION_COLUMN} "
        f"from read_parquet([{paths}], union_by_name = true))"
    )


def _hidden_sql(settings: Settings, hidden: Collection[str] | None) -> str:
    """A query of the load ids whose rows are not published."""
    if lake.enabled(settings):
        hidden = ()  # uncommitted rows are in no snapshot
    if hidden is None:
        pub = publication.current_sql(settings)
        return f"select unnest(in_flight).load_id as load_id from ({pub})"
    if not hidden:
        return "select null::varchar as load_id where false"
    loads = ", ".join(_quote(load) for load in sorted(hidden))
    return f"select unnest([{loads}]) as load_id"


def _person_id_sql(name: str) -> str:
    """The id one person's spellings share: case, accents, dots, spacing and middle initials
    do not make another person ("Wendy R. Sherman" is "Wendy Sherman"); null for a null name.

    Every view that names people uses this one expression, so their ids join.
    """
    folded = f"trim(lower(strip_accents(regexp_replace({name}, '[.\\s]+', ' ', 'g'))))"
    # a one-letter word between two others is a middle initial
    without_initials = f"regexp_replace({folded}, ' (\\pL )+', ' ', 'g')"
    return f"substr(md5({without_initials}), 1, 16)"


@functools.cache  # fixed for the process; every fingerprint renders it
def _countries_sql() -> str:
    rows = {c.alpha_2: getattr(c, "common_name", c.name) for c in pycountry.countries}
    rows["XK"] = "Kosovo"
    values = ", ".join(f"({_quote(code)}, {_quote(name)})" for code, name in sorted(rows.items()))
    return f"(values {values}) as countries(country_code, country_name)"


@functools.cache
def _organisations_sql() -> str:
    # the same table extraction writes affiliations from, plus the publishers' organisation ids
    known = ORGANISATION_PUBLISHERS | organisation_codes()
    values = ", ".join(f"({_quote(org)})" for org in sorted(known))
    return f"(values {values}) as organisations(organisation_id)"


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _quote_list(texts: Iterable[str]) -> str:
    """A SQL list of quoted literals: "('a', 'b')"."""
    return "(" + ", ".join(_quote(text) for text in texts) + ")"


def serving_sql(view: View, settings: Settings, marts_snapshot: str | None = None) -> str:
    """The view's definition in the serving file: its SQL, or a read of the published snapshot of
    its materialized files (of `marts_snapshot` when given)."""
    if not view.materialized:
        return render(view.template, settings)
    column = store.SNAPSHOT_COLUMN
    glob = _quote(store.mart_glob(settings, view.name))
    pub = f"(select marts_snapshot from ({publication.current_sql(settings)}))"
    if marts_snapshot is not None:
        pub = _quote(marts_snapshot)
    # the documented columns by name: a snapshot kept from before an upgrade that changed the
    # mart's columns neither adds nor reorders any (the glob reads both until it is pruned)
    names = ", ".join(f'"{name}"' for name in view.columns) if view.columns else "*"
    return (
        f"select {names} from read_parquet({glob}, hive_partitioning = true, "
        f"union_by_name = true, hive_types = {{'{column}': 'VARCHAR'}})\n"
        f"where {column} = {pub}"
    )


def fingerprint(
    settings: Settings, views: Sequence[View], marts_snapshot: str | None = None
) -> str:
    """Hash of everything the serving file is built from: definitions, comments, format."""
    digest = hashlib.sha256(f"{BUILD_FORMAT}\x1f{STORAGE_VERSION}".encode())
    for view in views:
        digest.update(f"\x1e{view.name}\x1f{serving_sql(view, settings, marts_snapshot)}".encode())
        digest.update(f"\x1f{view.description}\x1f{sorted(view.columns.items())}".encode())
    return digest.hexdigest()[:32]


def _marts_fingerprint(settings: Settings, views: Sequence[View], hidden: frozenset[str]) -> str:
    """What the materialized marts are computed from: the mart SQL, their order and the visible
    data of the tables they read (a run's load row or rejects alone leave them as they are)."""
    read = tables_read(views, [view.name for view in views if view.materialized])
    digest = hashlib.sha256(store.data_fingerprint(settings, read, hidden).encode())
    for view in views:
        digest.update(f"\x1e{view.name}\x1f{render(view.template, settings, ())}".encode())
        digest.update(f"\x1f{view.materialized}\x1f{view.sort_by}\x1f{view.computed}".encode())
        digest.update(f"\x1f{view.compression}".encode())
    rules = f"persons {persons.rules_fingerprint()} quality {quality.RULES_VERSION}"
    digest.update(f"\x1e{rules}".encode())
    return digest.hexdigest()[:32]


def tables_read(views: Sequence[View], names: Iterable[str]) -> set[str]:
    """The tables the named views read, directly or through the views they select from.

    A view counts as read when its name appears as a word in the SQL, comments included: a
    table too many only costs a needless recompute, a table missed would leave a mart stale.
    """
    by_name = {view.name: view for view in views}
    mentions = re.compile(r"\b(" + "|".join(map(re.escape, by_name)) + r")\b")
    tables: set[str] = set()
    seen: set[str] = set()
    pending = list(names)
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        template = expand_ephemerals(by_name[name].template)
        tables.update(SOURCE_PATTERN.findall(template))
        pending += [found for found in mentions.findall(template) if found not in seen]
    return tables


@dataclass(frozen=True, slots=True)
class Published:
    """What `publish` did: whether it computed the marts anew and rebuilt the serving file."""

    marts_recomputed: bool
    serving_rebuilt: bool
    marts_seconds: float
    # seconds per materialized mart computed, in computing order (benchmarks read it)
    mart_seconds: tuple[tuple[str, float], ...] = ()
    serving_seconds: float = 0.0
    # the marts computed from the previous snapshot and the run's rows alone (INCREMENTAL_MARTS)
    incremental: tuple[str, ...] = ()


def publish(
    settings: Settings,
    load_id: str | None = None,
    *,
    before: Callable[[float], None] | None = None,
    force: bool = False,
) -> Published:
    """Publish load_id's rows (none: only what changed since the last publication), with marts
    computed from them, in one new publication version; then the serving file.

    Under the publication lock: the marts are computed from the published rows plus load_id's
    (skipped when that data and the mart SQL are unchanged), `before(seconds spent on marts)`
    runs (the run writes its `loads` row there), and the publication names the new snapshot
    and lists load_id no longer in flight. Readers then see the run's rows and marts at once.
    A failure before the replacement leaves load_id in flight: its rows stay hidden.
    """
    views = load_views()
    store.ensure_schema_files(settings)
    if lake.enabled(settings):
        return _publish_lake(settings, views, load_id, before, force)
    started = time.perf_counter()
    with publication.locked(settings) as current:
        hidden = current.hidden_except(load_id)
        wanted = _marts_fingerprint(settings, views, hidden)
        snapshot = current.marts_snapshot
        stale = (
            force
            or snapshot is None
            or current.marts_fingerprint != wanted
            or not store.mart_snapshot_exists(settings, _materialized(views), snapshot)
        )
        timings: list[tuple[str, float]] = []
        incremental: list[str] = []
        if stale:
            base = None if force else _base_of(settings, views, current, load_id, hidden)
            snapshot = _compute_marts(
                settings, views, hidden, timings=timings, base=base, incremental=incremental
            )
        marts_seconds = time.perf_counter() - started
        if before is not None:
            before(marts_seconds)
        if stale or load_id in current.hidden:
            done = current.without([load_id] if load_id else [])
            publication.write(
                settings,
                dataclasses.replace(done, marts_snapshot=snapshot, marts_fingerprint=wanted),
            )
    if stale and snapshot is not None:
        # the previous snapshot stays: a reader may be in the middle of a query of it
        previous = [] if current.marts_snapshot is None else [current.marts_snapshot]
        store.prune_marts(settings, [snapshot, *previous])
    began = time.perf_counter()
    rebuilt = _refresh_serving_file(settings, views, force)
    serving_seconds = time.perf_counter() - began
    return Published(
        stale, rebuilt, marts_seconds, tuple(timings), serving_seconds, tuple(incremental)
    )


@dataclass(frozen=True, slots=True)
class _Base:
    """The published mart snapshot a run's marts can build on: computed from exactly the rows
    visible now except the run's own."""

    snapshot: str
    load_id: str


def _base_of(
    settings: Settings,
    views: Sequence[View],
    current: publication.Publication,
    load_id: str | None,
    hidden: frozenset[str],
) -> _Base | None:
    """The snapshot to build on, or None (compute every mart whole) when the current one was
    computed from other data or SQL than the rows visible now minus load_id's."""
    snapshot = current.marts_snapshot
    if load_id is None or snapshot is None or load_id not in current.hidden:
        return None
    before = _marts_fingerprint(settings, views, hidden | {load_id})
    if current.marts_fingerprint != before:
        return None
    if not store.mart_snapshot_exists(settings, _materialized(views), snapshot):
        return None
    return _Base(snapshot, load_id)


def _publish_lake(
    settings: Settings,
    views: Sequence[View],
    load_id: str | None,
    before: Callable[[float], None] | None,
    force: bool,
) -> Published:
    """`publish` with a catalog: commit the run's staged rows with its `loads` row (written by
    `before`) in one DuckLake transaction, pin the snapshot now current, compute its marts
    unless a writer already did (their snapshot is named by the data and SQL they come from),
    and rebuild the serving file over exactly that snapshot. Mart snapshots are not pruned:
    another host's serving file may read an older one."""
    if before is not None:
        before(0.0)
    if load_id is not None:
        store.commit_run(settings, load_id)
    lake.pin_current(settings)
    started = time.perf_counter()
    snapshot = f"lake-{_marts_fingerprint(settings, views, frozenset())}"
    stale = force or not store.mart_snapshot_exists(settings, _materialized(views), snapshot)
    if stale:
        _compute_marts(settings, views, frozenset(), snapshot)
    marts_seconds = time.perf_counter() - started
    rebuilt = _refresh_serving_file(settings, views, force, snapshot)
    return Published(stale, rebuilt, marts_seconds)


def _materialized(views: Sequence[View]) -> list[str]:
    return [view.name for view in views if view.materialized]


def _compute_marts(
    settings: Settings,
    views: Sequence[View],
    hidden: frozenset[str],
    snapshot: str | None = None,
    *,
    timings: list[tuple[str, float]] | None = None,
    base: _Base | None = None,
    incremental: list[str] | None = None,
) -> str:
    """Write a new snapshot of every materialized mart from the rows not hidden; its id
    (`timings` gets each mart's name and seconds). With a base, the INCREMENTAL_MARTS are
    the base's rows with those of the days, events and engagements base.load_id touches
    computed again (`incremental` gets their names)."""
    snapshot = snapshot or store.new_load_id(datetime.now(UTC))
    try:
        with (
            tempfile.TemporaryDirectory(prefix="ingest-marts-") as spill,
            duckdb.connect() as connection,
        ):
            connection.execute("set enable_progress_bar = false")
            _bound_memory(connection, settings, spill)
            objectstore.prepare(connection, settings)
            # in order, each mart written before the next view is defined: a view over a
            # computed mart binds to the mart's columns, not to the rows its Python reads
            for view in views:
                connection.execute(
                    f"create view {view.name} as\n{render(view.template, settings, hidden)}"
                )
                if not view.materialized:
                    continue
                began = time.perf_counter()
                # each mart streamed from DuckDB's sort to its file, a row group at a time:
                # a mart held whole as an Arrow table (twice for participant_persons) was most
                # of a publish's memory, in proportion to the warehouse
                rows: pa.Table | pa.RecordBatchReader
                if base is not None and view.name in INCREMENTAL_MARTS:
                    rows = _incremental_mart(connection, view, settings, hidden, base)
                    if incremental is not None:
                        incremental.append(view.name)
                elif view.computed == "persons":
                    rows, built_on_base = _participant_persons(
                        connection, view, settings, hidden, base, snapshot
                    )
                    if built_on_base and incremental is not None:
                        incremental.append(view.name)
                elif view.computed is None:
                    rows = _sorted_rows(connection, f"select * from {view.name}", view.sort_by)
                else:
                    rows = mart_table(connection, view, settings, keep_registry=True)
                store.write_mart(settings, view.name, snapshot, rows, view.compression)
                _drop_mart_rows(connection)
                connection.execute(f"drop view if exists {PERSON_ROWS}")
                # the marts below read the file just written instead of computing it again
                # (dim_people and fct_country_pairs would each unnest every event once more)
                written = store.mart_path(settings, view.name, snapshot, for_duckdb=True)
                connection.execute(
                    f"create or replace view {view.name} as "
                    f"select * from read_parquet({_quote(written)})"
                )
                if timings is not None:
                    timings.append((view.name, time.perf_counter() - began))
    except duckdb.Error as error:
        raise StoreError(f"cannot compute the marts: {error}") from error
    return snapshot


def _bound_memory(
    connection: duckdb.DuckDBPyConnection, settings: Settings, spill_directory: str
) -> None:
    """DuckDB's memory while computing the marts: settings.marts_memory_mb when set (else
    DuckDB's own limit, 80% of the machine's memory); beyond it joins, windows, aggregates and
    sorts spill to `spill_directory`. Under DuckDB's limit fct_country_pairs' person-at-date
    window once held 3.9 GB of a 100k-event warehouse's publish (docs/measurements.md)."""
    if settings.marts_memory_mb:
        limit = f"{settings.marts_memory_mb:d}MB"
        connection.execute(f"set memory_limit = {_quote(limit)}")
    connection.execute(f"set temp_directory = {_quote(spill_directory)}")


# --- incremental marts ----------------------------------------------------------------------
#
# A record links only to records of its own day or the next or previous one, so the links a
# run changes all have a record on a day within one of a day it touches (a day of a record it
# adds, supersedes or whose participants' persons changed): rivals of a record are its partners,
# all within a day of it. Those links are computed again from the records within three days of
# the touched days (what the links within two days depend on), every other link is kept. An
# engagement is a connected set of linked records: the engagements of the records of changed
# links, and of touched records, are computed again whole, every other one kept. The monthly
# marts of MONTHLY_MARTS are made of each month's records alone: the months of touched records
# are computed again.
MONTHLY_MARTS = ("fct_country_pairs", "agg_events_monthly")
# the in_scope table of each monthly mart's months: fct_country_pairs counts a participant for
# their person's affiliation at the date, which any record of that person can change
MONTH_SCOPES = {"fct_country_pairs": "pair_months", "agg_events_monthly": "event_months"}
INCREMENTAL_MARTS = (*MONTHLY_MARTS, "int_engagement_links", "engagement_events", "fct_engagements")
LINK_REACH_DAYS = 1  # int_engagement_links: records pair within one day
WINDOW_DAYS = 3  # the records whose links the replaced links depend on


def _incremental_mart(
    connection: duckdb.DuckDBPyConnection,
    view: View,
    settings: Settings,
    hidden: frozenset[str],
    base: _Base,
) -> pa.RecordBatchReader:
    """The view's rows: the base snapshot's, with those the run touches computed again."""
    old_file = store.mart_path(settings, view.name, base.snapshot, for_duckdb=True)
    # the file alone: no `snapshot` column from its folder's name
    old = f"read_parquet({_quote(old_file)}, hive_partitioning = false)"
    if not connection.sql("select * from duckdb_tables() where table_name = '_touched'").fetchall():
        _touched_days(connection, settings, hidden, base)
    if view.name in MONTHLY_MARTS:
        scope = MONTH_SCOPES[view.name]
        if scope == "pair_months":
            _pair_months(connection, settings, base)
        fresh = render(view.template, settings, hidden, scopes=(scope,))
        months = f"event_month in (select key from _scope_{scope})"
        rows = f"select * from {old} where not {months} union all select * from ({fresh})"
    elif view.name == "int_engagement_links":
        fresh = render(view.template, settings, hidden, scopes=("engagement_days",))
        near = "(date_a in (select key from _near_days) or date_b in (select key from _near_days))"
        connection.execute(
            f"create or replace temp table _added_links as select * from ({fresh}) where {near}"
        )
        # the records of links replaced or added, and of the run: their engagements change
        connection.execute(
            f"""create or replace temp table _changed_events as
            with replaced as (select * from {old} where {near})
            select event_a as key from replaced union select event_b from replaced
            union select event_a from _added_links union select event_b from _added_links
            union select key from _touched_events"""
        )
        rows = f"select * from {old} where not {near} union all select * from _added_links"
    elif view.name == "engagement_events":
        connection.execute(
            f"""create or replace temp table _old_engagements as
            select distinct engagement_id as key from {old}
            where event_id in (select key from _changed_events)"""
        )
        connection.execute(
            f"""create or replace temp table _scope_engagement_events as
            select event_id as key from {old}
            where engagement_id in (select key from _old_engagements)
            union select key from _changed_events"""
        )
        fresh = render(view.template, settings, hidden, scopes=("engagement_events",))
        connection.execute(f"create or replace temp table _new_engagement_rows as {fresh}")
        kept = (
            f"select * from {old} where event_id not in (select key from _scope_engagement_events)"
        )
        rows = f"{kept} union all select * from _new_engagement_rows"
    else:  # fct_engagements
        connection.execute(
            """create or replace temp table _scope_engagements as
            select key from _old_engagements
            union select engagement_id from _new_engagement_rows"""
        )
        fresh = render(view.template, settings, hidden, scopes=("engagements",))
        kept = (
            f"select * from {old} where engagement_id not in (select key from _scope_engagements)"
        )
        rows = f"{kept} union all select * from ({fresh})"
    return _sorted_rows(connection, f"select * from ({rows})", view.sort_by)


def _sorted_rows(
    connection: duckdb.DuckDBPyConnection, mart_sql: str, sort_by: Sequence[str]
) -> pa.RecordBatchReader:
    """The rows of `mart_sql` (a mart's rendered SQL) in `sort_by`'s order as a stream of
    batches (to_arrow_table's batch size, so a file written from them has the same pages as
    from the whole table). A sorted mart is computed into MART_ROWS first and sorted from
    there (dropped by _drop_mart_rows once written): sorting stg_participants' rows as its
    joins made them ran out of memory under marts_memory_mb (a 300k-event warehouse: 4 runs
    of 4 under 320 MB, 2 of 2 under 128) with its hash tables holding most of the limit; its
    rows written to the table (which spills) and then sorted held under 320, 256 and 192."""
    if not sort_by:
        return connection.sql(mart_sql).fetch_record_batch(ARROW_BATCH_ROWS)
    connection.execute(f"create or replace temp table {MART_ROWS} as {mart_sql}")
    order = ", ".join(sort_by)
    return connection.sql(f"select * from {MART_ROWS} order by {order}").fetch_record_batch(
        ARROW_BATCH_ROWS
    )


def _drop_mart_rows(connection: duckdb.DuckDBPyConnection) -> None:
    """Free _sorted_rows' table once its stream is written."""
    connection.execute(f"drop table if exists {MART_ROWS}")


def _pair_months(connection: duckdb.DuckDBPyConnection, settings: Settings, base: _Base) -> None:
    """Fill _scope_pair_months: the touched months, and every month where a participant counts
    for the affiliation of a person whose affiliations the run changed. A participant not
    counted for their own stated affiliation counts for their person's at the date, which
    int_person_affiliations gives from the person's rows alone (first and last seen, rank):
    those change only for the persons of touched records (written, superseded, or whose
    persons changed), and for most of them (a popular person's every run) they stay as they
    were: their months keep their pairs."""
    old_participants = _quote(
        store.mart_path(settings, "stg_participants", base.snapshot, for_duckdb=True)
    )
    old = f"read_parquet({old_participants}, hive_partitioning = false)"
    connection.execute(
        f"""create or replace temp table _pair_persons as
        select person_id from stg_participants where event_id in (select key from _touched_events)
        union select person_id from {old} where event_id in (select key from _touched_events)"""
    )
    affiliations = expand_ephemerals("{{ ephemeral('int_person_affiliations') }}")
    spans = {}
    for side, participants in (("new", "stg_participants"), ("old", old)):
        connection.execute(
            f"""create or replace temp view _pair_participants_{side} as select * from
            {participants} where person_id in (select person_id from _pair_persons)"""
        )
        # the ephemeral's rows of a person depend on that person's participants alone
        of_side = re.sub(r"\bstg_participants\b", f"_pair_participants_{side}", affiliations)
        # what int_participant_affiliations reads of them
        spans[side] = f"""select person_id, affiliation, first_seen_on, last_seen_on,
            affiliation_rank from {of_side} where not is_default_only or affiliation_rank = 1"""
    connection.execute(
        f"""create or replace temp table _scope_pair_months as
        with changed as (
            select person_id from (({spans["new"]}) except ({spans["old"]}))
            union select person_id from (({spans["old"]}) except ({spans["new"]}))
        )
        select key from _scope_event_months
        union
        select distinct event_month from stg_participants
        where person_id in (select person_id from changed) and not is_affiliation_stated"""
    )


def _touched_days(
    connection: duckdb.DuckDBPyConnection, settings: Settings, hidden: frozenset[str], base: _Base
) -> None:
    """Fill _touched_events (records of the documents the run wrote, every stored version, and
    records whose participants' person changed), _near_days (their days, one either side),
    _scope_engagement_days (three either side) and _scope_event_months (their months)."""
    run = _quote(base.load_id)
    old_persons = _quote(
        store.mart_path(settings, "participant_persons", base.snapshot, for_duckdb=True)
    )
    touched = render(
        f"""with documents as (
            select doc_id from {{{{ source('events') }}}} where load_id = {run}
            union select doc_id from {{{{ source('documents') }}}} where load_id = {run}
            union select doc_id from {{{{ source('superseded') }}}} where superseded_by = {run}
        ),
        persons_changed as (
            select split_part(coalesce(new.participant_id, old.participant_id), ':', 1) as event_id
            from participant_persons as new
            full join read_parquet({old_persons}, hive_partitioning = false) as old
                using (participant_id)
            where new.person_id is distinct from old.person_id
        )
        select
            event_id,
            event_date,
            cast(date_trunc(
                'month', coalesce(event_date, cast(timezone('UTC', published_at) as date))
            ) as date) as event_month
        from {{{{ source('events') }}}}
        where doc_id in (select doc_id from documents)
            or event_id in (select event_id from persons_changed)""",
        settings,
        hidden,
    )
    connection.execute(f"create or replace temp table _touched as {touched}")
    connection.execute(
        "create or replace temp table _touched_events as "
        "select distinct event_id as key from _touched"
    )
    connection.execute(
        "create or replace temp table _scope_event_months as "
        "select distinct event_month as key from _touched"
    )
    for name, reach in (("_near_days", LINK_REACH_DAYS), ("_scope_engagement_days", WINDOW_DAYS)):
        connection.execute(
            f"""create or replace temp table {name} as
            select distinct event_date + shift::integer as key
            from _touched, range(-{reach}, {reach + 1}) as shifts(shift)
            where event_date is not null"""
        )


def mart_table(
    connection: duckdb.DuckDBPyConnection,
    view: View,
    settings: Settings,
    *,
    keep_registry: bool = False,
) -> pa.Table:
    """The rows of a materialized view: its SQL's, or for a computed view what its Python
    function makes of them (keep_registry: write the person registry it updated)."""
    order = f" order by {', '.join(view.sort_by)}" if view.sort_by else ""
    if view.computed is None:
        return connection.sql(f"select * from {view.name}{order}").to_arrow_table()
    computed = COMPUTED_MARTS[view.computed](settings, connection, view.name, keep_registry)
    connection.register("_computed", computed)
    try:
        return connection.sql(f"select * from _computed{order}").to_arrow_table()
    finally:
        connection.unregister("_computed")


# --- marts computed in Python ----------------------------------------------------------------

REGISTRY_DIR = "_people"  # `_` keeps it out of every table's listing
REGISTRY_FILE = "person_registry.parquet"
REGISTRY_SCHEMA = pa.schema([("spelling_key", pa.string()), ("person_id", pa.string())])
PARTICIPANT_PERSONS_SCHEMA = pa.schema(
    [
        ("participant_id", pa.string()),
        ("person_id", pa.string()),
        ("canonical_name", pa.string()),
        ("name_status", pa.string()),
        ("resolution_rule", pa.string()),
        ("resolution_evidence", pa.string()),
        ("name_problem", pa.string()),
        ("title_country_code", pa.string()),
    ]
)
CITY_COUNTRIES_SCHEMA = pa.schema(
    [("city", pa.string()), ("country_code", pa.string()), ("city_country_code", pa.string())]
)


def read_person_registry(settings: Settings) -> dict[str, str]:
    """spelling key -> person_id of every full name ever published (empty before the first)."""
    if lake.enabled(settings):
        return lake.read_registry(settings)
    fs, root = files.filesystem(settings)
    path = f"{root}/{REGISTRY_DIR}/{REGISTRY_FILE}"
    try:
        if fs.get_file_info(path).type == pafs.FileType.NotFound:
            return {}
        table = pq.read_table(path, filesystem=fs)
    except (OSError, pa.ArrowInvalid) as error:
        raise StoreError(f"{path}: cannot read the person registry: {error}") from error
    return dict(zip(*(table.column(c).to_pylist() for c in REGISTRY_SCHEMA.names), strict=True))


def write_person_registry(settings: Settings, registry: dict[str, str]) -> None:
    """Replace the registry file in one rename (one PUT on object storage); with a catalog, add
    the keys the lake's registry lacks (several hosts publish: none may drop another's ids)."""
    if lake.enabled(settings):
        lake.add_to_registry(settings, registry)
        return
    fs, root = files.filesystem(settings)
    keys = sorted(registry)
    table = pa.table([keys, [registry[k] for k in keys]], schema=REGISTRY_SCHEMA)
    files.write_file(fs, f"{root}/{REGISTRY_DIR}", REGISTRY_FILE, table, settings)


# the relations participant_persons is computed from: a full name's person, a lone surname's
NAME_PERSON_COLUMNS = ["person_name", "person_id", "canonical_name", "rule", "evidence"]
SURNAME_RESOLUTION_COLUMNS = [
    "person_name",
    "affiliation",
    "person_title",
    "event_date",
    "person_id",
    "canonical_name",
    "name_status",
    "rule",
    "evidence",
]


# the temp view of participant_persons' rows: DuckDB computes and sorts them (spilling to its
# temp directory) as they stream to the mart's file, never held whole by Python
PERSON_ROWS = "_person_rows"
MART_ROWS = "_mart_rows"  # a sorted mart's rows before their sort (_sorted_rows)
# DuckDB's to_arrow_table batch size: a stream of batches of it makes the same Parquet pages
ARROW_BATCH_ROWS = 1_000_000


def _resolve_people(
    settings: Settings, connection: duckdb.DuckDBPyConnection, source: str, keep_registry: bool
) -> pa.Table:
    """participant_persons computed whole (`_resolve_people_whole`)."""
    _resolve_people_whole(settings, connection, source, keep_registry)
    rows = connection.sql(f"select * from {PERSON_ROWS}").to_arrow_table()
    connection.execute(f"drop view {PERSON_ROWS}")
    return rows.cast(PARTICIPANT_PERSONS_SCHEMA)


def _resolve_people_whole(
    settings: Settings, connection: duckdb.DuckDBPyConnection, source: str, keep_registry: bool
) -> tuple[dict[str, persons.IndexedName], StoredSurnames]:
    """participant_persons as the temp view PERSON_ROWS: every participant's person, rule
    and evidence, and quality flags; and the name index and lone-surname answers a later run
    resolves its changes against.

    The mentions are grouped in SQL before Python sees them: one row per distinct name (and
    name_status), per full name, per surname-only (name, affiliation, title, date) and per
    (title, affiliation); the answers are joined back to the participants in SQL. Python's
    work grows with the distinct names, not with the warehouse's millions of participants.
    """
    statuses = [
        (name, given, persons.name_status_of(name, given))
        for name, given in connection.sql(
            f"select distinct person_name, name_status from {source}"
        ).fetchall()
        # a blank name is nobody: no person (the stg_participants_not_null_names check says so)
        if persons.name_tokens(name or "")
    ]
    _register(connection, "_name_statuses", statuses, ["person_name", "given", "status"])
    connection.execute(
        f"""create or replace temp view _mentions as
        select m.*, s.status from {source} as m join _name_statuses as s
        on m.person_name = s.person_name and m.name_status is not distinct from s.given"""
    )
    uses = [
        persons.NameUse(
            name, mentions, took_part, tuple(sorted(affs.items())), frozenset(titles), first, last
        )
        for name, mentions, took_part, affs, titles, first, last in connection.sql(
            """select person_name, count(*), count(*) filter (where is_participant),
                coalesce(histogram(affiliation) filter (where affiliation <> ''), map()),
                coalesce(list(distinct person_title) filter (where person_title <> ''), []),
                min(event_date), max(event_date)
            from _mentions where status <> 'surname_only' group by person_name"""
        ).fetchall()
    ]
    surname_counts = connection.sql(
        """select person_name, affiliation, person_title, event_date, count(*) from _mentions
        where status = 'surname_only' and is_participant group by all"""
    ).fetchall()
    surname_keys: list[SurnameKey] = [row[:4] for row in surname_counts]
    surname_mentions = [_surname_mention(key) for key in surname_keys]
    registry = read_person_registry(settings)
    resolved = persons.resolve_names(uses, surname_mentions, registry)
    if keep_registry and resolved.registry != registry:
        write_person_registry(settings, resolved.registry)
    _register(
        connection,
        "_full_names",
        [(n, p.person_id, p.canonical_name, p.rule, p.evidence) for n, p in resolved.names.items()],
        NAME_PERSON_COLUMNS,
    )
    _register(
        connection,
        "_surnames",
        [
            (
                *key,
                found.person_id,
                found.canonical_name,
                found.name_status,
                found.rule,
                found.evidence,
            )
            for key, found in zip(surname_keys, resolved.surnames, strict=True)
        ],
        SURNAME_RESOLUTION_COLUMNS,
    )
    _participant_rows(connection, "_mentions", PERSON_ROWS)
    stored = {
        row[:4]: (row[4], found)
        for row, found in zip(surname_counts, resolved.surnames, strict=True)
    }
    return resolved.index, stored


# a lone surname's mention as resolved: (person_name, affiliation, person_title, event_date)
SurnameKey = tuple[str, str | None, str | None, date | None]
# each key's participants and its answer: what a later run keeps or resolves again
StoredSurnames = dict[SurnameKey, tuple[int, persons.Resolution]]


def _surname_mention(key: SurnameKey) -> persons.Mention:
    name, affiliation, title, day = key
    return persons.Mention("", name, "surname_only", title, affiliation, day)


def _participant_rows(connection: duckdb.DuckDBPyConnection, mentions: str, into: str) -> None:
    """participant_persons rows of the participants of `mentions` (a relation with a status
    column), from the answers registered as _full_names and _surnames, as the temp view
    `into`."""
    problems = connection.sql(
        f"select distinct person_name from {mentions} where is_participant"
    ).fetchall()
    _register(
        connection,
        "_name_problems",
        [(name, quality.name_problem(name)) for (name,) in problems],
        ["person_name", "name_problem"],
    )
    titles = connection.sql(
        f"select distinct person_title, affiliation from {mentions} where is_participant"
    ).fetchall()
    _register(
        connection,
        "_title_countries",
        [(t, a, quality.title_contradicts(t, a)) for t, a in titles],
        ["person_title", "affiliation", "title_country_code"],
    )
    surname = "m.status = 'surname_only'"
    connection.execute(
        f"""create or replace temp view {into} as select
            m.participant_id,
            if({surname}, s.person_id, f.person_id) as person_id,
            if({surname}, s.canonical_name, f.canonical_name) as canonical_name,
            if({surname}, s.name_status, m.status) as name_status,
            if({surname}, s.rule, f.rule) as resolution_rule,
            if({surname}, s.evidence, f.evidence) as resolution_evidence,
            p.name_problem,
            t.title_country_code
        from {mentions} as m
        left join _full_names as f on not ({surname}) and f.person_name = m.person_name
        left join _surnames as s on {surname} and s.person_name = m.person_name
            and s.affiliation is not distinct from m.affiliation
            and s.person_title is not distinct from m.person_title
            and s.event_date is not distinct from m.event_date
        join _name_problems as p on p.person_name = m.person_name
        join _title_countries as t on t.person_title is not distinct from m.person_title
            and t.affiliation is not distinct from m.affiliation
        where m.is_participant"""
    )


def _register(
    connection: duckdb.DuckDBPyConnection,
    name: str,
    rows: Sequence[tuple[Any, ...]],
    columns: Sequence[str],
) -> None:
    """Rows computed in Python as a table the connection's SQL can join (strings, and dates
    in a column named event_date)."""
    schema = pa.schema([(c, pa.date32() if c == "event_date" else pa.string()) for c in columns])
    values = zip(*rows, strict=True) if rows else ([] for _ in columns)
    connection.register(name, pa.table(list(map(list, values)), schema=schema))


def _city_countries(
    settings: Settings, connection: duckdb.DuckDBPyConnection, source: str, keep_registry: bool
) -> pa.Table:
    """city_countries: each (city, event country) pair with the country the city lies in when
    no city of that name lies in the event's country."""
    pairs = connection.sql(f"select * from {source}").to_arrow_table().to_pylist()
    found = [quality.city_country(p["city"], p["country_code"]) for p in pairs]
    return pa.table(
        [[p["city"] for p in pairs], [p["country_code"] for p in pairs], found],
        schema=CITY_COUNTRIES_SCHEMA,
    )


# --- person resolution of a run's changes ----------------------------------------------------
#
# Beside each snapshot's participant_persons, the name index: every full name's use (what
# persons.NameUse adds up), the block of its spelling and its person; and the surname index:
# every lone surname's (name, affiliation, title, date) with its participants and its answer.
# A run built on the previous snapshot resolves the names its documents add or drop against it
# (persons.resolve_changed_names: only the blocks they reach are clustered again), resolves its
# own lone surnames and the stored ones whose surname key a changed person carries
# (persons.surname_keys_changed), computes the rows of its own documents' participants, gives
# the participants of names and surnames whose person changed their new person, and keeps every
# other row. A rules change, `refresh --full` and the lake resolve whole.
NAME_INDEX = "_person_names"  # a folder of _marts beside the marts: pruned with its snapshot
NAME_INDEX_SCHEMA = pa.schema(
    [
        ("person_name", pa.string()),
        ("mentions", pa.int64()),
        ("participations", pa.int64()),
        (
            "affiliations",
            pa.list_(pa.struct([("affiliation", pa.string()), ("mentions", pa.int64())])),
        ),
        ("titles", pa.list_(pa.string())),
        ("first_on", pa.date32()),
        ("last_on", pa.date32()),
        ("block", pa.string()),
        ("person_id", pa.string()),
        ("canonical_name", pa.string()),
        ("resolution_rule", pa.string()),
        ("resolution_evidence", pa.string()),
    ]
)
# a run's mentions of full names, one row per written name and name_status, with what
# persons.NameUse adds up
NAME_USES_SQL = """select person_name, name_status,
    count(*), count(*) filter (where is_participant),
    coalesce(histogram(affiliation) filter (where affiliation <> ''), map()),
    coalesce(list(distinct person_title) filter (where person_title <> ''), []),
    min(event_date), max(event_date)
from {mentions} group by all"""
# the mentions of the names {names} (a SQL list) in every current event, with the columns of
# NAME_USES_SQL: what the participant_persons source view gives for them, without its participant
# ids and its JSON reading of name_status (int_event_records' cast already gives the field)
NAMED_MENTIONS_SQL = """with events as (
    select event_date, participants, mentioned_people from {{{{ ephemeral('int_event_records') }}}}
),
mentions as (
    select event_date, true as is_participant, unnest(participants) as participant from events
    union all
    select event_date, false as is_participant, unnest(mentioned_people) as participant
    from events
)
select participant.name as person_name, participant.name_status, participant.title as
    person_title, participant.affiliation, event_date, is_participant
from mentions where participant.name in {names}"""
SURNAME_INDEX = "_person_surnames"  # beside NAME_INDEX, pruned with its snapshot too
SURNAME_INDEX_SCHEMA = pa.schema(
    [
        ("person_name", pa.string()),
        ("affiliation", pa.string()),
        ("person_title", pa.string()),
        ("event_date", pa.date32()),
        ("surname_key", pa.string()),  # persons.surname_key: what a changed person reaches
        ("participants", pa.int64()),
        ("person_id", pa.string()),
        ("canonical_name", pa.string()),
        ("name_status", pa.string()),
        ("resolution_rule", pa.string()),
        ("resolution_evidence", pa.string()),
    ]
)
# the rules of a lone surname's answer: which rows of participant_persons are lone surnames
SURNAME_RULES = (persons.SURNAME, persons.UNRESOLVED)


def _participant_persons(
    connection: duckdb.DuckDBPyConnection,
    view: View,
    settings: Settings,
    hidden: frozenset[str],
    base: _Base | None,
    snapshot: str,
) -> tuple[pa.RecordBatchReader, bool]:
    """participant_persons built on the base's when it can be, else whole, as a sorted stream
    of the rows of PERSON_ROWS; True when built on it. Writes the name and surname indexes of
    `snapshot`."""
    since = (
        None
        if base is None
        else _resolve_people_since(connection, view.template, settings, hidden, base)
    )
    if since is None:
        index, surnames = _resolve_people_whole(settings, connection, view.name, True)
    else:
        index, surnames = since
    if not lake.enabled(settings):
        store.write_mart(settings, NAME_INDEX, snapshot, _name_index_table(index))
        store.write_mart(settings, SURNAME_INDEX, snapshot, _surname_index_table(surnames))
    rows = _sorted_rows(connection, f"select * from {PERSON_ROWS}", view.sort_by)
    return rows.cast(PARTICIPANT_PERSONS_SCHEMA), since is not None


def _resolve_people_since(
    connection: duckdb.DuckDBPyConnection,
    template: str,
    settings: Settings,
    hidden: frozenset[str],
    base: _Base,
) -> tuple[dict[str, persons.IndexedName], StoredSurnames] | None:
    """participant_persons (the view PERSON_ROWS) and the name and surname indexes from the
    base's and base.load_id's documents, or None (resolve whole) when the base has no such
    indexes. `template`: the participant_persons source view's SQL, read for the run's
    documents alone."""
    marks = [("start", time.perf_counter())]
    previous = _read_name_index(settings, base.snapshot)
    stored = _read_surname_index(settings, base.snapshot)
    if previous is None or stored is None:
        return None
    marks.append(("indexes read", time.perf_counter()))
    events = "{{ source('events') }}"
    create_run_documents(connection, settings, hidden, base.load_id)
    # the run's rows, never an unnest of every event: the participant_persons source view read
    # over the files of the run's documents alone
    event_files = _run_event_files(connection, settings)
    # every stored version's events of those documents: their rows are computed again
    run_events = _run_sql(f"select distinct event_id from {events}", settings, hidden, event_files)
    connection.execute(f"create or replace temp table _run_events as {run_events}")
    run_mentions = _run_sql(template, settings, hidden, event_files)
    connection.execute(f"create or replace temp table _run_mentions as {run_mentions}")
    statuses = [
        (name, given, persons.name_status_of(name, given))
        for name, given in connection.sql(
            "select distinct person_name, name_status from _run_mentions"
        ).fetchall()
        if persons.name_tokens(name or "")
    ]
    _register(connection, "_run_statuses", statuses, ["person_name", "given", "status"])
    connection.execute(
        """create or replace temp view _run_status_mentions as
        select m.*, s.status from _run_mentions as m join _run_statuses as s
        on m.person_name = s.person_name and m.name_status is not distinct from s.given"""
    )
    changed = _changed_uses(connection, settings, hidden, base, previous, event_files)
    registry = read_person_registry(settings)
    marks.append(("run's names counted", time.perf_counter()))
    resolved = persons.resolve_changed_names(previous, changed, registry)
    marks.append(("names resolved", time.perf_counter()))
    if resolved.registry != registry:
        write_person_registry(settings, resolved.registry)
    full = {**{n: e.person for n, e in previous.items() if e.person}, **resolved.names}
    run_names = {name for name, _, status in statuses if status != "surname_only"}
    _register(
        connection,
        "_full_names",
        [
            (n, p.person_id, p.canonical_name, p.rule, p.evidence)
            for n, p in full.items()
            if n in run_names
        ],
        NAME_PERSON_COLUMNS,
    )
    old_persons = _quote(
        store.mart_path(settings, "participant_persons", base.snapshot, for_duckdb=True)
    )
    old_participants = _quote(
        store.mart_path(settings, "stg_participants", base.snapshot, for_duckdb=True)
    )
    surnames, run_surnames, moved_surnames = _surnames_since(
        connection, stored, previous, resolved.index, old_persons, old_participants
    )
    _register(connection, "_surnames", _surname_rows(run_surnames), SURNAME_RESOLUTION_COLUMNS)
    _register(
        connection, "_moved_surnames", _surname_rows(moved_surnames), SURNAME_RESOLUTION_COLUMNS
    )
    marks.append(("lone surnames resolved", time.perf_counter()))
    _participant_rows(connection, "_run_status_mentions", "_fresh_rows")
    moved = [
        (name, p.person_id, p.canonical_name, p.rule, p.evidence)
        for name, p in resolved.names.items()
        if name not in previous or previous[name].person != p
    ]
    _register(
        connection,
        "_moved_names",
        moved,
        NAME_PERSON_COLUMNS,
    )
    # a lone surname's row is moved by its (name, affiliation, title, date), a full name's by
    # its name: "Rubio" may be both, a full name where the extractor says so
    connection.execute(
        f"""create or replace temp view {PERSON_ROWS} as
            with old_participants as (
                select participant_id, person_name, affiliation, person_title, event_date
                from read_parquet({old_participants}, hive_partitioning = false)
            ),
            moved as (
                select p.participant_id, n.* exclude (person_name)
                from old_participants as p
                join _moved_names as n using (person_name)
            ),
            moved_surnames as (
                select p.participant_id, n.person_id, n.canonical_name, n.name_status, n.rule,
                    n.evidence
                from old_participants as p
                join _moved_surnames as n on p.person_name = n.person_name
                    and p.affiliation is not distinct from n.affiliation
                    and p.person_title is not distinct from n.person_title
                    and p.event_date is not distinct from n.event_date
            )
            select
                old.participant_id,
                coalesce(s.person_id, moved.person_id, old.person_id) as person_id,
                coalesce(s.canonical_name, moved.canonical_name, old.canonical_name)
                    as canonical_name,
                coalesce(s.name_status, old.name_status) as name_status,
                coalesce(s.rule, moved.rule, old.resolution_rule) as resolution_rule,
                coalesce(s.evidence, moved.evidence, old.resolution_evidence)
                    as resolution_evidence,
                old.name_problem,
                old.title_country_code
            from read_parquet({old_persons}, hive_partitioning = false) as old
            left join moved on moved.participant_id = old.participant_id
                and coalesce(old.resolution_rule, '') not in {_quote_list(SURNAME_RULES)}
            left join moved_surnames as s on s.participant_id = old.participant_id
                and coalesce(old.resolution_rule, '') in {_quote_list(SURNAME_RULES)}
            where split_part(old.participant_id, ':', 1) not in (select event_id from _run_events)
            union all select * from _fresh_rows"""
    )
    marks.append(("rows joined", time.perf_counter()))
    log.info(
        "participant_persons built on snapshot %s: %d full names changed, %d of %d names'"
        " people clustered again; seconds: %s",
        base.snapshot,
        len(changed),
        len(resolved.names),
        len(resolved.index),
        ", ".join(f"{b[0]} {b[1] - a[1]:.2f}" for a, b in itertools.pairwise(marks)),
    )
    return resolved.index, surnames


def create_run_documents(
    connection: duckdb.DuckDBPyConnection,
    settings: Settings,
    hidden: frozenset[str],
    load_id: str,
) -> None:
    """The temp table _run_documents: the documents load_id wrote events or a version of, or
    superseded a version of."""
    run = _quote(load_id)
    documents = f"""select doc_id from {{{{ source('events') }}}} where load_id = {run}
        union select doc_id from {{{{ source('documents') }}}} where load_id = {run}
        union select doc_id from {{{{ source('superseded') }}}} where superseded_by = {run}"""
    connection.execute(
        f"create or replace temp table _run_documents as {render(documents, settings, hidden)}"
    )


def _run_event_files(connection: duckdb.DuckDBPyConnection, settings: Settings) -> list[str]:
    """The events files holding a row of a document of _run_documents: the run's own and those
    of the versions it supersedes, so the run's rows are read from a few files, not every one.
    Found in the store's index of which files hold which documents (store.event_file_index):
    its entries of the run's documents, of files that still exist. Events files written before
    the index existed are indexed first (the first publish after an upgrade reads their
    doc_id once); with a catalog, the files are found by scanning (_scanned_run_event_files)."""
    if lake.enabled(settings):
        return _scanned_run_event_files(connection, settings)
    index = store.event_file_index(settings)
    if index.uncovered:
        log.info("indexing %d events file(s) written before the index", len(index.uncovered))
        store.index_event_files(settings, index.uncovered)
        index = store.event_file_index(settings)
        if index.uncovered:  # a writer or compaction in between: its files are not indexed yet
            return _scanned_run_event_files(connection, settings)
    if not index.index_files:
        return []
    paths = "[" + ", ".join(_quote(path) for path in index.index_files) + "]"
    named = connection.sql(
        f"""select distinct file from read_parquet({paths})
        where doc_id in (select doc_id from _run_documents)"""
    ).fetchall()
    existing = store.events_file_uris(settings, index.data_files)
    table = store.table_uri(settings, "events")
    return sorted({f"{table}/{file}" for (file,) in named} & existing)


def _scanned_run_event_files(
    connection: duckdb.DuckDBPyConnection, settings: Settings
) -> list[str]:
    """_run_event_files by reading doc_id and the file name of every events file (cheap beside
    the nested participants, but it scales with the warehouse)."""
    glob = _quote(f"{store.table_uri(settings, 'events')}/**/*.parquet")
    found = connection.sql(
        f"""select distinct filename from read_parquet({glob}, filename = true)
        where doc_id in (select doc_id from _run_documents)"""
    ).fetchall()
    return sorted(path for (path,) in found)


def _run_sql(
    template: str, settings: Settings, hidden: frozenset[str], event_files: Sequence[str]
) -> str:
    """`template` rendered over the documents of _run_documents alone: the events source reads
    `event_files` only, and it and the superseded source keep those documents' rows (a
    document's current version is the same among its own rows)."""
    of_run = "doc_id in (select doc_id from _run_documents)"
    return render(
        template,
        settings,
        hidden,
        where={"events": of_run, "superseded": of_run},
        files={"events": event_files},
    )


def _surnames_since(
    connection: duckdb.DuckDBPyConnection,
    stored: StoredSurnames,
    previous: dict[str, persons.IndexedName],
    current: dict[str, persons.IndexedName],
    old_persons: str,
    old_participants: str,
) -> tuple[StoredSurnames, StoredSurnames, StoredSurnames]:
    """The lone surnames after the run (the stored ones with the participants of the run's
    events counted again), the run's own with their answers, and the stored ones still held
    outside the run whose answer changed. Resolved again: the run's, and the stored ones
    whose surname key a person the run changed carries (persons.surname_keys_changed)."""
    counts = {key: count for key, (count, _) in stored.items()}
    gone = connection.sql(
        f"""select p.person_name, p.affiliation, p.person_title, p.event_date, count(*)
        from read_parquet({old_participants}, hive_partitioning = false) as p
        join read_parquet({old_persons}, hive_partitioning = false) as o using (participant_id)
        where p.event_id in (select event_id from _run_events)
            and o.resolution_rule in {_quote_list(SURNAME_RULES)}
        group by all"""
    ).fetchall()
    for row in gone:
        key = _surname_key(row)
        counts[key] = counts.get(key, 0) - row[4]
    arriving = connection.sql(
        """select person_name, affiliation, person_title, event_date, count(*)
        from _run_status_mentions where status = 'surname_only' and is_participant
        group by all"""
    ).fetchall()
    run_keys = [_surname_key(row) for row in arriving]
    for key, row in zip(run_keys, arriving, strict=True):
        counts[key] = counts.get(key, 0) + row[4]
    reached = persons.surname_keys_changed(previous, current) if stored else set()
    again = [
        key
        for key, count in counts.items()
        if count > 0 and key in stored and persons.surname_key(key[0]) in reached
    ]
    wanted = list(dict.fromkeys([*run_keys, *again]))
    log.info(
        "lone surnames: %d stored, %d surname keys reached by changed people, %d resolved"
        " again (%d of the run's documents, %d stored)",
        len(stored),
        len(reached),
        len(wanted),
        len(run_keys),
        len(again),
    )
    answers = dict(
        zip(
            wanted,
            persons.resolve_surnames([_surname_mention(key) for key in wanted], current),
            strict=True,
        )
    )
    surnames: StoredSurnames = {}
    for key, count in counts.items():
        if count > 0:
            surnames[key] = (count, answers[key] if key in answers else stored[key][1])
    run_answers = {key: surnames[key] for key in run_keys}
    moved = {
        key: surnames[key] for key in again if key in stored and stored[key][1] != surnames[key][1]
    }
    return surnames, run_answers, moved


def _surname_key(row: Sequence[Any]) -> SurnameKey:
    """The key of a row starting person_name, affiliation, person_title, event_date."""
    name, affiliation, title, day = row[:4]
    return (name, affiliation, title, day)


def _surname_rows(surnames: StoredSurnames) -> list[tuple[Any, ...]]:
    """Rows of SURNAME_RESOLUTION_COLUMNS."""
    return [
        (*key, r.person_id, r.canonical_name, r.name_status, r.rule, r.evidence)
        for key, (_, r) in surnames.items()
    ]


def _changed_uses(
    connection: duckdb.DuckDBPyConnection,
    settings: Settings,
    hidden: frozenset[str],
    base: _Base,
    previous: dict[str, persons.IndexedName],
    event_files: Sequence[str],
) -> dict[str, persons.NameUse | None]:
    """The uses of the names the run adds mentions of or drops mentions of (None: gone). An
    added mention adds to the name's use; a name whose mentions a superseded version held is
    counted again over the warehouse (one scan of the names alone, only when the run supersedes
    something: a use's titles and first and last dates cannot be subtracted)."""
    added = _name_uses(connection, NAME_USES_SQL.format(mentions="_run_mentions"))
    run = _quote(base.load_id)
    # the superseded versions' rows are in the files of the run's documents
    dropped_sql = _run_sql(
        f"""with old as (
            select participants, mentioned_people from {{{{ source('events') }}}}
            semi join (
                select doc_id, load_id from {{{{ source('superseded') }}}}
                where superseded_by = {run}
            ) using (doc_id, load_id)
        )
        select unnest(participants).name from old
        union select unnest(mentioned_people).name from old""",
        settings,
        hidden,
        event_files,
    )
    dropped = {name for (name,) in connection.sql(dropped_sql).fetchall() if name}
    changed: dict[str, persons.NameUse | None] = {}
    for name, use in added.items():
        if name not in dropped:
            known = previous.get(name)
            changed[name] = use if known is None else persons.combine_uses(known.use, use)
    if dropped:
        mentions = render(
            NAMED_MENTIONS_SQL.format(names=_quote_list(sorted(dropped))), settings, hidden
        )
        counted = _name_uses(connection, NAME_USES_SQL.format(mentions=f"({mentions})"))
        for name in dropped:
            changed[name] = counted.get(name)
    return changed


def _name_uses(connection: duckdb.DuckDBPyConnection, sql: str) -> dict[str, persons.NameUse]:
    """The NameUse of each full name the rows of NAME_USES_SQL count."""
    uses: dict[str, persons.NameUse] = {}
    for name, given, mentions, took_part, affs, titles, first, last in connection.sql(
        sql
    ).fetchall():
        if not name or not persons.name_tokens(name):
            continue
        if persons.name_status_of(name, given) == "surname_only":
            continue
        use = persons.NameUse(
            name, mentions, took_part, tuple(sorted(affs.items())), frozenset(titles), first, last
        )
        uses[name] = use if name not in uses else persons.combine_uses(uses[name], use)
    return uses


def _read_index_rows(
    settings: Settings, name: str, snapshot: str, what: str
) -> list[dict[str, Any]] | None:
    """The rows of an index file kept beside `snapshot`, or None when it has none."""
    fs, _ = files.filesystem(settings)
    path = store.mart_path(settings, name, snapshot)
    if fs.get_file_info(path).type != pafs.FileType.File:
        return None
    try:
        rows: list[dict[str, Any]] = pq.read_table(path, filesystem=fs).to_pylist()
    except (OSError, pa.ArrowInvalid) as error:
        raise StoreError(f"{path}: cannot read the {what}: {error}") from error
    return rows


def _read_name_index(settings: Settings, snapshot: str) -> dict[str, persons.IndexedName] | None:
    rows = _read_index_rows(settings, NAME_INDEX, snapshot, "person name index")
    if rows is None:
        return None
    index = {}
    for row in rows:
        use = persons.NameUse(
            row["person_name"],
            row["mentions"],
            row["participations"],
            tuple((a["affiliation"], a["mentions"]) for a in row["affiliations"]),
            frozenset(row["titles"]),
            row["first_on"],
            row["last_on"],
        )
        person = None
        if row["resolution_rule"] is not None:
            person = persons.NamePerson(
                row["person_id"],
                row["canonical_name"],
                row["resolution_rule"],
                row["resolution_evidence"],
            )
        index[use.name] = persons.IndexedName(use, row["block"], row["person_id"], person)
    return index


def _name_index_table(index: dict[str, persons.IndexedName]) -> pa.Table:
    rows = []
    for name in sorted(index):
        entry = index[name]
        use, person = entry.use, entry.person
        rows.append(
            {
                "person_name": name,
                "mentions": use.mentions,
                "participations": use.participations,
                "affiliations": [{"affiliation": a, "mentions": n} for a, n in use.affiliations],
                "titles": sorted(use.titles),
                "first_on": use.first_on,
                "last_on": use.last_on,
                "block": entry.block,
                "person_id": entry.person_id,
                "canonical_name": person.canonical_name if person else None,
                "resolution_rule": person.rule if person else None,
                "resolution_evidence": person.evidence if person else None,
            }
        )
    return pa.Table.from_pylist(rows, schema=NAME_INDEX_SCHEMA)


def _read_surname_index(settings: Settings, snapshot: str) -> StoredSurnames | None:
    rows = _read_index_rows(settings, SURNAME_INDEX, snapshot, "lone-surname index")
    if rows is None:
        return None
    return {
        (row["person_name"], row["affiliation"], row["person_title"], row["event_date"]): (
            row["participants"],
            persons.Resolution(
                "",
                row["person_id"],
                row["canonical_name"],
                row["name_status"],
                row["resolution_rule"],
                row["resolution_evidence"],
            ),
        )
        for row in rows
    }


def _surname_index_table(surnames: StoredSurnames) -> pa.Table:
    rows = [
        {
            "person_name": key[0],
            "affiliation": key[1],
            "person_title": key[2],
            "event_date": key[3],
            "surname_key": persons.surname_key(key[0]),
            "participants": count,
            "person_id": found.person_id,
            "canonical_name": found.canonical_name,
            "name_status": found.name_status,
            "resolution_rule": found.rule,
            "resolution_evidence": found.evidence,
        }
        for key, (count, found) in surnames.items()
    ]
    return pa.Table.from_pylist(rows, schema=SURNAME_INDEX_SCHEMA)


COMPUTED_MARTS: dict[str, Callable[[Settings, duckdb.DuckDBPyConnection, str, bool], pa.Table]] = {
    "persons": _resolve_people,
    "city_countries": _city_countries,
}


# --- the serving file ------------------------------------------------------------------------


def refresh_serving_file(settings: Settings, force: bool = False) -> bool:
    """Bring the marts and the serving file up to date; True if the file itself was rebuilt.

    Publishes nothing new: marts are recomputed when the published data changed (rows written
    outside any run, or a compaction), and the file is rebuilt only when a view's definition or
    the data location changed (or when forced).
    """
    return publish(settings, force=force).serving_rebuilt


def _refresh_serving_file(
    settings: Settings, views: Sequence[View], force: bool, marts_snapshot: str | None = None
) -> bool:
    target = Path(settings.serving_path)
    # builds killed before their rename leave `<name>.tmp-*` files (and their .wal) behind
    files.remove_stale_temp_files(target.parent, target.name + files.SERVING_TEMP_INFIX)
    wanted = fingerprint(settings, views, marts_snapshot)
    if not force and _built_fingerprint(settings.serving_path) == wanted:
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    owner = files.temp_owner()
    temporary = target.with_name(
        f"{target.name}{files.SERVING_TEMP_INFIX}{owner}{uuid.uuid4().hex}"
    )
    try:
        _build(temporary, settings, views, wanted, marts_snapshot)
        os.replace(temporary, target)  # open readers keep the old inode
        # a read-write holder of the old file left its write-ahead log under the file's name:
        # DuckDB would replay it into the new file and refuse to open it
        with contextlib.suppress(FileNotFoundError):
            os.remove(f"{target}.wal")
    finally:
        for leftover in (temporary, Path(f"{temporary}.wal")):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
    return True


def _build(
    path: Path,
    settings: Settings,
    views: Sequence[View],
    wanted: str,
    marts_snapshot: str | None = None,
) -> None:
    config: dict[str, str | bool | int | float | list[str]] = {
        "storage_compatibility_version": STORAGE_VERSION
    }
    try:
        with duckdb.connect(str(path), config=config) as connection:
            objectstore.prepare(connection, settings)  # a temporary secret: not in the file
            # every view over a table binds (create, then describe) by reading the footers of
            # all its files: read each once per build, not once per bind
            connection.execute("set parquet_metadata_cache = true")
            connection.execute("begin")  # one commit for hundreds of catalog entries
            for view in views:
                connection.execute(
                    f"create view {view.name} as\n{serving_sql(view, settings, marts_snapshot)}"
                )
                _comment(connection, view)
            _create_meta(connection, wanted)
            connection.execute("commit")
            connection.execute("checkpoint")
    except duckdb.Error as error:
        raise StoreError(
            f"cannot build the serving file {settings.serving_path}: {error}"
        ) from error


def _comment(connection: duckdb.DuckDBPyConnection, view: View) -> None:
    connection.execute(f"comment on view {view.name} is {_quote(view.description)}")
    actual = [row[0] for row in connection.execute(f"describe {view.name}").fetchall()]
    undocumented = [c for c in actual if c not in view.columns]
    if undocumented:
        raise StoreError(
            f"view {view.name}: no description for column(s) {', '.join(undocumented)}"
        )
    for column in actual:
        text = _quote(view.columns[column])
        connection.execute(f"comment on column {view.name}.{column} is {text}")


def _create_meta(connection: duckdb.DuckDBPyConnection, wanted: str) -> None:
    built_at = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")
    connection.execute(
        "create view _meta as select "
        f"{_quote(wanted)} as fingerprint, timestamptz '{built_at}+00' as built_at, "
        f"{_quote(duckdb.__version__)} as duckdb_version, "
        f"{_quote(STORAGE_VERSION)} as storage_version"
    )
    meta = View(
        "_meta",
        "",
        "How this serving file was built (its fingerprint is compared before rebuilding).",
        {
            "fingerprint": "Hash of the rendered view SQL and comments.",
            "built_at": "When the file was built (UTC).",
            "duckdb_version": "DuckDB version that built the file.",
            "storage_version": "Oldest DuckDB storage version that can read the file.",
        },
    )
    _comment(connection, meta)


def _built_fingerprint(serving_path: str) -> str | None:
    if not Path(serving_path).exists():
        return None
    try:
        with duckdb.connect(serving_path, read_only=True) as connection:
            row = connection.execute("select fingerprint from _meta").fetchone()
    except duckdb.Error:
        return None  # unreadable or from an older layout: rebuild
    return str(row[0]) if row else None


# --- reading ---------------------------------------------------------------------------------


# DuckDB's own limits on every read-only connection, set where DuckDB takes them: at connect
# (the rest cannot be set before the database starts, see read_only_connection)
READ_ONLY_CONFIG: dict[str, str | bool | int | float | list[str]] = {
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "allow_community_extensions": False,
    "allow_unsigned_extensions": False,
    # a query cannot scan the caller's Python variables by naming them
    "python_enable_replacements": False,
    # no spill folder: DuckDB adds it to the allowed directories, and the views are small
    "temp_directory": "",
}
# what a remote data root needs loaded before the configuration is locked
REMOTE_EXTENSIONS = {
    "s3": "httpfs",
    "s3a": "httpfs",
    "s3n": "httpfs",
    "gs": "httpfs",
    "gcs": "httpfs",
    "r2": "httpfs",
    "http": "httpfs",
    "https": "httpfs",
    "hf": "httpfs",
    "az": "azure",
    "azure": "azure",
    "abfss": "azure",
}


def allowed_directories(settings: Settings) -> list[str]:
    """The only places a read-only connection may touch: the data root, whatever its form.

    A path or `file://` URI becomes the absolute path (DuckDB compares `file://` names as
    paths), plus its symlink-resolved form when that differs; a remote root stays its URI.
    """
    root = settings.data_root
    if "://" in root and not root.lower().startswith("file://"):
        return [root.rstrip("/") + "/"]
    if root.lower().startswith("file://"):
        root = root[len("file://") :]
        root = root[len("localhost") :] if root.lower().startswith("localhost/") else root
    given = os.path.normpath(os.path.abspath(os.path.expanduser(root)))
    resolved = str(Path(given).resolve())
    return [f"{path.rstrip('/')}/" for path in dict.fromkeys([resolved, given])]


@contextlib.contextmanager
def read_only_connection(settings: Settings) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection that cannot change the serving file, touch files outside the data root,
    load extensions or change its settings, for every form of data_root (path, file://, s3://).

    Inside the data root it could still write (DuckDB's allowed directories grant both): what
    runs on it is our own SQL, or user SQL that passed `ingest.sqlguard`.
    """
    if not Path(settings.serving_path).exists():
        refresh_serving_file(settings)
    try:
        connection = _open_read_only(settings)
    except duckdb.Error as error:
        if "WAL" not in str(error):
            raise StoreError(
                f"cannot open {settings.serving_path}: {_first_line(error)}"
            ) from error
        # a read-write holder's write-ahead log beside a rebuilt file: build it again
        refresh_serving_file(settings, force=True)
        try:
            connection = _open_read_only(settings)
        except duckdb.Error as again:
            raise StoreError(
                f"cannot open {settings.serving_path}: {_first_line(again)}"
            ) from again
    try:
        _restrict(connection, settings)
        yield connection
    finally:
        connection.close()


def _open_read_only(settings: Settings) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(settings.serving_path, read_only=True, config=READ_ONLY_CONFIG)


def _restrict(connection: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """Limit the connection to the data root and lock that, then check every limit holds."""
    directories = allowed_directories(settings)
    try:
        connection.execute("set allowed_directories = ?", [directories])
        _load_remote_extension(connection, settings)
        connection.execute("set enable_external_access = false")
        connection.execute("set lock_configuration = true")
    except duckdb.Error as error:
        raise StoreError(
            f"cannot restrict the read-only connection: {_first_line(error)}"
        ) from None
    wanted: dict[str, object] = {
        **READ_ONLY_CONFIG,
        "enable_external_access": False,
        "lock_configuration": True,
        "access_mode": "read_only",
    }
    for key, value in wanted.items():
        row = connection.execute("select current_setting(?)", [key]).fetchone()
        actual = row[0] if row else None
        if str(actual).lower() != str(value).lower():
            raise StoreError(f"read-only connection: setting {key} is {actual!r}, not {value!r}")
    row = connection.execute("select current_setting('allowed_directories')").fetchone()
    if not row or sorted(map(_uri_form, row[0])) != sorted(map(_uri_form, directories)):
        raise StoreError(f"read-only connection: allowed_directories is {row}, not {directories}")


def _uri_form(directory: str) -> str:
    """DuckDB 1.4 reads back "s3://b/p/" as "s3:/b/p/": the same directory."""
    return re.sub(r"^([A-Za-z][A-Za-z0-9+.-]*):/+", r"\1://", directory)


def _load_remote_extension(connection: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    if objectstore.is_s3(settings):
        objectstore.prepare(connection, settings)
        return
    scheme = settings.data_root.split("://", 1)[0].lower() if "://" in settings.data_root else ""
    extension = REMOTE_EXTENSIONS.get(scheme)
    if extension is None:
        return
    try:
        connection.load_extension(extension)
    except duckdb.Error:
        try:  # not installed yet (autoinstall is off): install it, once
            connection.install_extension(extension)
            connection.load_extension(extension)
        except duckdb.Error as error:
            raise StoreError(
                f"cannot load DuckDB's {extension} extension for data_root "
                f"{settings.data_root}: {_first_line(error)}"
            ) from None


def _first_line(error: BaseException) -> str:
    """The first line of a DuckDB error (the rest points into the query text)."""
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__


def query(settings: Settings, sql: str, params: Sequence[Any] = ()) -> QueryResult:
    """Run one SELECT (or EXPLAIN of one) on a read-only connection to the serving file.

    The statement is checked twice before it runs: its type by DuckDB's parser, then what its
    parse tree names (`ingest.sqlguard`); each refusal is a one-line StoreError.
    """
    checked = sqlguard.check_statement(sql)
    with read_only_connection(settings) as connection:
        sqlguard.check_select(connection, checked.select)
        try:
            cursor = connection.execute(checked.run, list(params))
            rows = cursor.fetchall()
        except duckdb.Error as error:
            raise StoreError(_first_line(error)) from None
        columns = tuple(d[0] for d in cursor.description or ())
    return QueryResult(columns, rows)


def event_records(settings: Settings, columns: Sequence[str], doc_id: str) -> QueryResult:
    """The named columns of a document's current event records, nested lists included (the
    views hold scalars only), primary event first."""
    known = set(EVENT_RECORD_COLUMNS)
    unknown = [c for c in columns if c not in known]
    if unknown:
        raise StoreError(f"event records have no column(s) {', '.join(unknown)}")
    template = (
        f"select {', '.join(columns)} from {{{{ ephemeral('int_event_records') }}}} as records "
        "where doc_id = ? order by is_primary desc, event_id"
    )
    with read_only_connection(settings) as connection:
        try:
            cursor = connection.execute(render(template, settings), [doc_id])
            rows = cursor.fetchall()
        except duckdb.Error as error:
            raise StoreError(_first_line(error)) from None
    return QueryResult(tuple(columns), rows)


# --- checks ----------------------------------------------------------------------------------


def load_checks(checks_dir: Traversable = CHECKS_DIR) -> list[tuple[str, str, str]]:
    """(name, description, sql) of every check: a file whose query returns offending rows."""
    checks = []
    paths = (path for path in checks_dir.iterdir() if path.is_file())
    for path in sorted((p for p in paths if p.name.endswith(".sql")), key=lambda p: p.name):
        sql = path.read_text(encoding="utf-8")
        name = path.name.removesuffix(".sql")
        first = sql.splitlines()[0] if sql else ""
        description = first.removeprefix("--").strip() if first.startswith("--") else name
        checks.append((name, description, sql))
    return checks


WARNINGS_DIR = CHECKS_DIR / "warnings"


def run_checks(
    settings: Settings,
    levels: Collection[str] = (ERROR, WARNING),
    sample_rows: int = CHECK_SAMPLE_ROWS,
) -> list[CheckResult]:
    """Run the data checks of the given levels against the serving file's views (refreshing
    the file first): errors from checks/, warnings from checks/warnings/."""
    refresh_serving_file(settings)
    planned = [(ERROR, check) for check in load_checks()] if ERROR in levels else []
    if WARNING in levels:
        planned += [(WARNING, check) for check in load_checks(WARNINGS_DIR)]
    results = []
    with read_only_connection(settings) as connection:
        for level, (name, description, sql) in planned:
            try:
                cursor = connection.execute(
                    f"select * from (\n{sql.strip().rstrip(';')}\n) as offending"
                )
                rows = cursor.fetchall()
            except duckdb.Error as error:
                raise StoreError(f"check {name} cannot run: {error}") from error
            columns = tuple(d[0] for d in cursor.description or ())
            sample = tuple(tuple(row) for row in rows[:sample_rows])
            results.append(CheckResult(name, description, columns, len(rows), sample, level))
    return results
