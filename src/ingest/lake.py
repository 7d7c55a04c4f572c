"""Several writers on one data root: the tables in DuckLake, its catalog in PostgreSQL.

With `settings.catalog` ("postgres:<libpq connection string>") the store keeps its tables in a
DuckLake whose data files live under `<data_root>/lake/` and whose catalog (which files make up
which snapshot) lives in PostgreSQL. A run writes its rows to a local staging store beside its
feed state (`<state dir>/lake-staging/<load_id>/`, invisible to everyone else) and commits them
at its end in ONE DuckLake transaction: readers see whole runs only, and a run killed before
its commit leaves nothing visible (its staged rows are written again by the next run).

DuckLake lets two transactions append to one table without a conflict, so two writers could
both insert a document neither had seen. Every commit therefore also updates the one row of
`_commits`: of two overlapping commits DuckLake refuses the second ("conflict"), which then
reads the lake again, decides again what is new, and commits again (ingest.store.commit_run).

The password never comes from settings: libpq takes it from PGPASSWORD, PGPASSFILE or
~/.pgpass, or a service file. DuckDB's ducklake and postgres extensions come from the
duckdb-ext-* wheels (ingest.objectstore.extension_directory): nothing is downloaded.
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import functools
import logging
import random
import shutil
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TypeVar

import duckdb
import pyarrow as pa

from ingest import files, objectstore
from ingest.config import Settings
from ingest.errors import StoreError
from ingest.schemas import TABLES

CATALOG_NAME = "lake"
DATA_DIR = "lake"  # the data files: <data_root>/lake/main/<table>/ducklake-*.parquet
STAGING_DIR = "lake-staging"
COMMITS_TABLE = "_commits"  # one row every commit updates: overlapping commits conflict
# spelling key -> person_id (ingest.persons): rows are only ever added, by one commit each, so
# two hosts publishing at once keep both their new ids (one file replaced whole would not)
REGISTRY_TABLE = "_person_registry"
COMMIT_ATTEMPTS = 20
RETRY_PAUSE_SECONDS = 0.05  # doubled on each conflict, with jitter, up to MAX_RETRY_PAUSE
MAX_RETRY_PAUSE_SECONDS = 2.0

T = TypeVar("T")
log = logging.getLogger(__name__)

# the transaction of the commit in progress (ingest.store writes into it instead of staging)
_COMMITTING: contextvars.ContextVar[duckdb.DuckDBPyConnection | None] = contextvars.ContextVar(
    "lake_committing", default=None
)
_DATABASES: dict[tuple[str, str], duckdb.DuckDBPyConnection] = {}
_PINNED: dict[tuple[str, str], LakeSnapshot] = {}
_LOCK = threading.Lock()


@dataclass(frozen=True, slots=True)
class LakeSnapshot:
    """One committed state of the lake: its id and each table's data files in it."""

    snapshot_id: int
    files: Mapping[str, tuple[str, ...]]


def enabled(settings: Settings) -> bool:
    return bool(settings.catalog)


def staging_settings(settings: Settings, load_id: str) -> Settings:
    """A local Parquet store for one run's rows until it commits (the feed state's host)."""
    root = Path(settings.state_path).parent / STAGING_DIR / load_id
    return dataclasses.replace(settings, data_root=str(root), catalog="")


def drop_staging(settings: Settings, load_id: str) -> None:
    shutil.rmtree(staging_settings(settings, load_id).data_root, ignore_errors=True)


def data_path(settings: Settings) -> str:
    return f"{files.root_uri(settings)}/{DATA_DIR}/"


# --- connections -----------------------------------------------------------------------------


def _key(settings: Settings) -> tuple[str, str]:
    return settings.catalog, settings.data_root


def _database(settings: Settings) -> duckdb.DuckDBPyConnection:
    """One in-memory DuckDB per process and lake, with the lake attached; callers take cursors
    (one connection each, safe from several threads)."""
    with _LOCK:
        found = _DATABASES.get(_key(settings))
        if found is None:
            found = _attach(settings)
            _DATABASES[_key(settings)] = found
        return found


def _attach(settings: Settings) -> duckdb.DuckDBPyConnection:
    """A new in-memory DuckDB with the lake attached and its tables made.

    Two first writers may both find the catalog database empty and both create DuckLake's
    metadata tables; PostgreSQL refuses the second, which then attaches again and finds them.
    """
    for attempt in range(COMMIT_ATTEMPTS):
        connection = duckdb.connect(config={"autoinstall_known_extensions": False})
        try:
            _attach_to(connection, settings)
            return connection
        except duckdb.Error as error:
            connection.close()
            racing = "Failed to initialize DuckLake" in str(error) or is_conflict(error)
            if not racing or attempt == COMMIT_ATTEMPTS - 1:
                raise StoreError(
                    f"cannot open the catalog {_shown(settings)}: {_first_line(error)}"
                ) from None
            _pause(attempt)
    raise AssertionError("unreachable")


def _attach_to(connection: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    connection.execute("set TimeZone = 'UTC'")
    connection.execute("set enable_progress_bar = false")
    connection.execute("set extension_directory = ?", [objectstore.extension_directory()])
    objectstore.prepare(connection, settings)
    for extension in ("postgres_scanner", "ducklake"):
        connection.load_extension(extension)
    dsn = settings.catalog.removeprefix("postgres:")
    attach = (
        f"attach {_quote('ducklake:postgres:' + dsn)} as {CATALOG_NAME} "
        f"(data_path {_quote(data_path(settings))}, data_inlining_row_limit 0)"
    )
    connection.execute(attach)
    _ensure_tables(connection)


def _ensure_tables(connection: duckdb.DuckDBPyConnection) -> None:
    """Create the store's tables and the commits row when missing (two first writers may race:
    the loser's commit conflicts and it tries again, finding them made)."""
    for attempt in range(COMMIT_ATTEMPTS):
        try:
            connection.execute("begin")
            for name in TABLES:
                connection.execute(_create_table_sql(name))
                _add_missing_columns(connection, name)
            connection.execute(CREATE_COMMITS_SQL)
            connection.execute(CREATE_REGISTRY_SQL)
            if not connection.execute(SELECT_COMMITS_SQL).fetchall():
                connection.execute(INSERT_COMMITS_SQL)
            connection.execute("commit")
            return
        except duckdb.Error as error:
            _rollback(connection)
            if not is_conflict(error) or attempt == COMMIT_ATTEMPTS - 1:
                raise
            _pause(attempt)


def _add_missing_columns(connection: duckdb.DuckDBPyConnection, name: str) -> None:
    """A column the store's schema gained since the lake's table was made: added (its rows
    written before read as null, as the Parquet layout's do)."""
    present = {
        row[0]
        for row in connection.execute(
            "select column_name from information_schema.columns "
            "where table_catalog = ? and table_name = ?",
            [CATALOG_NAME, name],
        ).fetchall()
    }
    for column, kind in _column_types(name):
        if column not in present:
            connection.execute(_add_column_sql(name, column, kind))


def _add_column_sql(name: str, column: str, kind: str) -> str:
    """Our table, our schema's column and its DuckDB type: no value from outside."""
    return f'alter table {_table(name)} add column "{column}" {kind}'


def _create_table_sql(name: str) -> str:
    columns = ", ".join(f'"{column}" {kind}' for column, kind in _column_types(name))
    return f"create table if not exists {_table(name)} ({columns})"


@functools.cache
def _column_types(name: str) -> tuple[tuple[str, str], ...]:
    """Each column of a store table with its DuckDB type (nested lists of structs included);
    worked out once per process, not on every attach."""
    probe = duckdb.connect()
    try:
        probe.register("empty_rows", TABLES[name].empty_table())
        described = probe.execute("describe select * from empty_rows").fetchall()
    finally:
        probe.close()
    return tuple((str(row[0]), str(row[1])) for row in described)


@contextlib.contextmanager
def cursor(settings: Settings) -> Iterator[duckdb.DuckDBPyConnection]:
    """The commit's transaction when one is in progress, else a new connection to the lake."""
    committing = _COMMITTING.get()
    if committing is not None:
        yield committing
        return
    connection = _database(settings).cursor()
    try:
        yield connection
    finally:
        connection.close()


# --- reading and writing ---------------------------------------------------------------------


def read_rows(
    settings: Settings,
    name: str,
    columns: list[str],
    key: str | None = None,
    values: pa.Array | None = None,
) -> pa.Table:
    """The committed rows of a table (those whose `key` is among `values`, when given)."""
    schema = TABLES[name]
    selected = ", ".join(f'"{c}"' for c in columns)
    sql = f"select {selected} from {_table(name)}"
    matching = f'{sql} where "{key}" in (select value from _wanted)'
    with cursor(settings) as connection:
        try:
            if key is None or values is None:
                result = connection.execute(sql).fetch_arrow_table()
            else:
                wanted = pa.table({"value": pa.array(values).cast(schema.field(key).type)})
                connection.register("_wanted", wanted)
                try:
                    result = connection.execute(matching).fetch_arrow_table()
                finally:
                    connection.unregister("_wanted")
        except duckdb.Error as error:
            raise StoreError(f"cannot read lake table '{name}': {_first_line(error)}") from None
    return result.cast(pa.schema([schema.field(c) for c in columns]))


def insert_rows(name: str, table: pa.Table) -> None:
    """Add rows to a table inside the commit in progress."""
    connection = _COMMITTING.get()
    if connection is None:
        raise StoreError(f"lake table '{name}': rows are written only inside a commit")
    connection.register("_rows", table)
    try:
        insert = f"insert into {_table(name)} by name select * from _rows"
        connection.execute(insert)
    except duckdb.Error as error:
        raise StoreError(f"cannot write lake table '{name}': {_first_line(error)}") from None
    finally:
        connection.unregister("_rows")


def committing() -> bool:
    return _COMMITTING.get() is not None


def commit(settings: Settings, load_id: str, apply: Callable[[], T]) -> T:
    """Run `apply` (reads and writes of the store) in one DuckLake transaction and commit it;
    on a conflict with another writer's commit, run it again on the newer snapshot."""
    for attempt in range(COMMIT_ATTEMPTS):
        connection = _database(settings).cursor()
        token = _COMMITTING.set(connection)
        try:
            log.info("committing load %s (attempt %d)", load_id, attempt + 1)
            connection.execute("begin")
            result = apply()
            connection.execute(UPDATE_COMMITS_SQL, [load_id])
            connection.execute("commit")
            log.info("committed load %s", load_id)
            return result
        except duckdb.Error as error:
            _rollback(connection)
            if not is_conflict(error):
                raise StoreError(f"cannot commit load {load_id}: {_first_line(error)}") from None
            log.info("commit of load %s conflicted with another writer's: deciding again", load_id)
            _pause(attempt)
        finally:
            _COMMITTING.reset(token)
            connection.close()
    raise StoreError(f"cannot commit load {load_id}: {COMMIT_ATTEMPTS} conflicting commits")


def is_conflict(error: BaseException) -> bool:
    return "conflict" in str(error).lower()


def _pause(attempt: int) -> None:
    ceiling = min(MAX_RETRY_PAUSE_SECONDS, RETRY_PAUSE_SECONDS * 2**attempt)
    time.sleep(random.uniform(0, ceiling))  # jitter: two losers do not collide again


def _rollback(connection: duckdb.DuckDBPyConnection) -> None:
    with contextlib.suppress(duckdb.Error):
        connection.execute("rollback")


# --- compaction ------------------------------------------------------------------------------


def compact(settings: Settings, now: datetime) -> dict[str, dict[str, int]]:
    """Merge each table's small data files (one DuckLake commit), then delete the snapshots and
    the replaced files older than settings.lake_keep_hours; files and snapshots per table.

    Views list a snapshot's files by name (ingest.warehouse): the merged files appear in the
    snapshots from the merge on, and the files they replace stay on storage until they are
    older than the keep time, so a serving file written before the merge keeps reading."""
    before = current_snapshot(settings)
    cutoff = now - timedelta(hours=settings.lake_keep_hours)
    with cursor(settings) as connection:
        try:
            _retrying_conflicts(
                lambda: connection.execute(
                    f"call ducklake_merge_adjacent_files({_quote(CATALOG_NAME)})"
                )
            )
            expired = connection.execute(
                "select count(*) from ducklake_expire_snapshots(?, older_than => ?)",
                [CATALOG_NAME, cutoff],
            ).fetchone()
            deleted = connection.execute(
                "select count(*) from ducklake_cleanup_old_files(?, older_than => ?)",
                [CATALOG_NAME, cutoff],
            ).fetchone()
        except duckdb.Error as error:
            raise StoreError(f"cannot compact the lake: {_first_line(error)}") from None
    after = current_snapshot(settings)
    report: dict[str, dict[str, int]] = {
        name: {"files_before": len(before.files[name]), "files_after": len(after.files[name])}
        for name in TABLES
    }
    report["lake"] = {
        "snapshots_expired": int(expired[0]) if expired else 0,
        "files_deleted": int(deleted[0]) if deleted else 0,
    }
    return report


def _retrying_conflicts(action: Callable[[], object]) -> None:
    """Run a DuckLake call that commits by itself again when another writer's commit won."""
    for attempt in range(COMMIT_ATTEMPTS):
        try:
            action()
            return
        except duckdb.Error as error:
            if not is_conflict(error) or attempt == COMMIT_ATTEMPTS - 1:
                raise
            _pause(attempt)


# --- the person registry -----------------------------------------------------------------------


def read_registry(settings: Settings) -> dict[str, str]:
    """spelling key -> person_id, as committed (empty before the first publication)."""
    with cursor(settings) as connection:
        try:
            rows = connection.execute(SELECT_REGISTRY_SQL).fetchall()
        except duckdb.Error as error:
            raise StoreError(f"cannot read the person registry: {_first_line(error)}") from None
    return {str(key): str(person_id) for key, person_id in rows}


def add_to_registry(settings: Settings, registry: Mapping[str, str]) -> int:
    """Add the keys the lake's registry lacks, in one commit; a key already there keeps the id
    it was first given (another host may have added it since this one read the registry).
    The number of keys added."""

    def apply() -> int:
        with cursor(settings) as connection:
            known = {str(row[0]) for row in connection.execute(SELECT_REGISTRY_SQL).fetchall()}
            added = sorted(key for key in registry if key not in known)
            if added:
                rows = pa.table(
                    {"spelling_key": added, "person_id": [registry[key] for key in added]}
                )
                connection.register("_registry_rows", rows)
                try:
                    connection.execute(INSERT_REGISTRY_SQL)
                finally:
                    connection.unregister("_registry_rows")
            return len(added)

    return commit(settings, f"person-registry-{uuid.uuid4().hex[:12]}", apply)


# --- snapshots -------------------------------------------------------------------------------


def current_snapshot(settings: Settings) -> LakeSnapshot:
    """The latest committed snapshot and the data files of every table in it."""
    with cursor(settings) as connection:
        try:
            connection.execute("begin")
            row = connection.execute(
                f"select id from ducklake_current_snapshot({_quote(CATALOG_NAME)})"
            ).fetchone()
            snapshot_id = int(row[0]) if row else 0
            listed: dict[str, tuple[str, ...]] = {}
            for name in TABLES:
                rows = connection.execute(
                    "select data_file, delete_file from ducklake_list_files(?, ?, "
                    "snapshot_version => ?) order by data_file",
                    [CATALOG_NAME, name, snapshot_id],
                ).fetchall()
                if any(delete is not None for _, delete in rows):
                    raise StoreError(f"lake table '{name}' has deleted rows: not written by us")
                listed[name] = tuple(str(data) for data, _ in rows)
            connection.execute("commit")
        except duckdb.Error as error:
            _rollback(connection)
            raise StoreError(f"cannot list the lake's snapshot: {_first_line(error)}") from None
    return LakeSnapshot(snapshot_id, listed)


def pinned(settings: Settings) -> LakeSnapshot:
    """The snapshot every view of this process reads (the current one when none is pinned):
    the views of one serving file and the marts made with them read one commit."""
    found = _PINNED.get(_key(settings))
    return found if found is not None else pin_current(settings)


def pin_current(settings: Settings) -> LakeSnapshot:
    snapshot = current_snapshot(settings)
    _PINNED[_key(settings)] = snapshot
    return snapshot


# --- helpers ---------------------------------------------------------------------------------


def _table(name: str) -> str:
    """A table of the lake, by our own name for it (never a value from outside)."""
    return f'{CATALOG_NAME}."{name}"'


CREATE_COMMITS_SQL = (
    f"create table if not exists {_table(COMMITS_TABLE)} (id integer, load_id varchar)"
)
SELECT_COMMITS_SQL = f"select 1 from {_table(COMMITS_TABLE)}"
INSERT_COMMITS_SQL = f"insert into {_table(COMMITS_TABLE)} values (1, null)"
UPDATE_COMMITS_SQL = f"update {_table(COMMITS_TABLE)} set load_id = ?"
CREATE_REGISTRY_SQL = (
    f"create table if not exists {_table(REGISTRY_TABLE)} (spelling_key varchar, person_id varchar)"
)
SELECT_REGISTRY_SQL = f"select spelling_key, person_id from {_table(REGISTRY_TABLE)}"
INSERT_REGISTRY_SQL = (
    f"insert into {_table(REGISTRY_TABLE)} select spelling_key, person_id from _registry_rows"
)


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _shown(settings: Settings) -> str:
    """The catalog as it may be printed (no password is ever in it: config refuses one)."""
    return repr(settings.catalog)


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__
