"""Parquet tables: append-only, month-partitioned, idempotent writes, compaction, empty-safe reads.

Layout: `<data_root>/<table>/month=YYYY-MM/<load_id>-<uuid>.parquet`, zstd, row groups of
`settings.row_group_size` rows, rows sorted by the table's sort columns; each file lands whole
(ingest.files). Rows of a load that is not published yet (ingest.publication) are hidden from
every read here, except from the writes of that same load: a run that dies before publishing
has its rows written again by the next run, and its own files are never read back.

Idempotency (the key in `schemas.TABLE_KEYS`): a document is skipped when its content_hash equals
the latest stored version of its doc_id. Events are skipped row by row: a document's version is
(doc_id, content_hash, extractor_version), and when it is the latest stored one an event row of
it is written only if its event_id is not yet among the version's current rows. A version's rows
go to one file per month partition, so a crash between two renames stores part of them; the
re-run then writes exactly the missing rows (the version's current rows may thus span two loads,
neither superseded). A new version lists the loads it replaces in `superseded` before its rows
are written. Rejects are skipped when their reject_id exists (first sighting kept; per-run counts
live in `loads`); loads are skipped when their load_id exists. A release whose text reverts to an
earlier one is written again and becomes the newest version; re-running an older extractor on
the current text adds nothing.

Which events files hold which documents: `<data_root>/_event_files/` (EVENT_FILES_DIR) holds
(doc_id, file) rows, one file per write of a load's events and one per file compaction merges,
each written before the data files it names (a crash leaves entries of files that do not exist,
which readers drop, never a data file no entry names). A publish finds a run's events files
there (event_file_index) instead of reading every events file.

With a catalog (settings.catalog, ingest.lake) the tables live in DuckLake instead: a run's
writes go to its local staging store (the same layout, the same rules) and `commit_run` applies
them to the lake in one transaction, deciding again against the lake's latest snapshot, so two
writers never store a row twice. Reads see the lake's committed rows (plus, for a writer, its
own staged ones).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from ingest import files, lake, publication
from ingest.config import Settings
from ingest.errors import StoreError
from ingest.files import (
    TEMP_PREFIX,
    TEMP_SUFFIX,
    filesystem,
    remove_stale_temp_files,
    write_file,
)
from ingest.records import Document, EventRecord, Reject
from ingest.schemas import (
    DOCUMENTS,
    EVENTS,
    LOADS,
    PARTITION_COLUMN,
    PARTITION_TIME_COLUMNS,
    REJECTS,
    SORT_COLUMNS,
    SUPERSEDED,
    TABLES,
    WRITER_COLUMNS,
)

PARTITIONING = ds.partitioning(pa.schema([(PARTITION_COLUMN, pa.string())]), flavor="hive")
UNKNOWN_MONTH = "unknown"
SCHEMA_FILE = "_schema.parquet"
WRITE_THREADS = 2 * (os.cpu_count() or 1)  # files wait on fsync as much as on the CPU
MARTS_DIR = "_marts"  # materialized aggregates; `_` keeps them out of every table's listing
SNAPSHOT_COLUMN = "snapshot"  # a mart's files: _marts/<name>/snapshot=<id>/data.parquet
COMPACTED_PREFIX = "compact-"  # compaction's files hold published rows only
# which events files hold which documents: `_event_files/<load_id>-<uuid>.parquet` for the files
# of one write of a load, `_event_files/compact-<uuid>.parquet` for the merged file of that name
EVENT_FILES_DIR = "_event_files"
EVENT_FILES = pa.schema([("doc_id", pa.string()), ("file", pa.string())])

log = logging.getLogger(__name__)


def new_load_id(now: datetime) -> str:
    """A load id that sorts by start time and is unique across machines."""
    moment = now.astimezone(UTC) if now.tzinfo else now.replace(tzinfo=UTC)
    return f"{moment:%Y%m%dT%H%M%S}Z-{uuid.uuid4().hex[:8]}"


# --- locations -------------------------------------------------------------------------------


def table_uri(settings: Settings, name: str) -> str:
    """Absolute location of a table as DuckDB names it (a path, or the URI with its scheme)."""
    return f"{files.root_uri(settings)}/{_checked(name)}"


def data_files(settings: Settings, name: str) -> list[str]:
    """Paths (inside the table's FileSystem) of the table's visible Parquet files, sorted; with a
    catalog, the data files of the lake's current snapshot (as DuckDB names them)."""
    if lake.enabled(settings):
        return sorted(lake.current_snapshot(settings).files[_checked(name)])
    fs, root = filesystem(settings)
    return _data_files(fs, f"{root}/{_checked(name)}", _hidden(settings, name, None))


def _data_files(
    fs: pafs.FileSystem, directory: str, hidden: frozenset[str] = frozenset()
) -> list[str]:
    """The Parquet files of a table, but for those of hidden loads (and `_`/`.` files)."""
    try:
        infos = fs.get_file_info(pafs.FileSelector(directory, recursive=True, allow_not_found=True))
    except OSError as error:
        raise StoreError(f"cannot list {directory}: {error}") from error
    return sorted(
        info.path
        for info in infos
        if info.type == pafs.FileType.File
        and info.base_name.endswith(".parquet")
        and not info.base_name.startswith((".", "_"))
        and file_load(info.base_name) not in hidden
    )


def file_load(base_name: str) -> str:
    """The load that wrote a data file (`<load_id>-<uuid hex>.parquet`; `compact` for merges)."""
    return base_name.removesuffix(".parquet").rsplit("-", 1)[0]


def _hidden(settings: Settings, name: str, writer: str | None) -> frozenset[str]:
    """Loads whose rows of table `name` the caller must not see (none for `loads`)."""
    if name not in WRITER_COLUMNS:
        return frozenset()
    return publication.hidden_loads(settings, writer)


def _checked(name: str) -> str:
    _schema_of(name)
    return name


def _schema_of(name: str) -> pa.Schema:
    try:
        return TABLES[name]
    except KeyError:
        raise StoreError(f"unknown table '{name}' (known: {', '.join(TABLES)})") from None


def ensure_schema_files(settings: Settings) -> None:
    """Give every table a zero-row file with its current schema (`month=none/_schema.parquet`),
    and the data root a publication.

    DuckDB errors on a glob that matches no file, and `union_by_name` takes the columns of all
    files: with this file every view binds before the first load, and a column added to a schema
    appears (as null) over older files. pyarrow readers and compaction skip `_` files.
    """
    fs, root = filesystem(settings)
    for name, schema in TABLES.items():
        directory = f"{root}/{name}/{PARTITION_COLUMN}=none"
        path = f"{directory}/{SCHEMA_FILE}"
        if fs.get_file_info(path).type == pafs.FileType.File:
            try:
                if pq.read_schema(path, filesystem=fs).equals(schema, check_metadata=False):
                    continue
            except (OSError, pa.ArrowInvalid):
                pass  # unreadable: write it again
        write_file(fs, directory, SCHEMA_FILE, schema.empty_table(), settings)
    publication.ensure(settings)


def data_fingerprint(
    settings: Settings, tables: Iterable[str] = TABLES, hidden: frozenset[str] = frozenset()
) -> str:
    """Hash of the tables' visible file listings (path, size, mtime): changes whenever the data
    a reader sees does (a load's files count once it is published)."""
    digest = hashlib.sha256()
    if lake.enabled(settings):  # the files of the snapshot this process reads
        snapshot = lake.pinned(settings)
        for name in sorted(tables):
            listing = "\x1f".join((name, *snapshot.files[name]))
            digest.update(f"{listing}\x1e".encode())
        return digest.hexdigest()[:32]
    fs, root = filesystem(settings)
    for name in sorted(tables):
        selector = pafs.FileSelector(f"{root}/{name}", recursive=True, allow_not_found=True)
        for info in sorted(fs.get_file_info(selector), key=lambda i: i.path):
            if (
                info.type == pafs.FileType.File
                and info.base_name.endswith(".parquet")
                and file_load(info.base_name) not in hidden
            ):
                digest.update(f"{info.path}\x1f{info.size}\x1f{info.mtime_ns}\x1e".encode())
    return digest.hexdigest()[:32]


def mart_glob(settings: Settings, name: str) -> str:
    """Every snapshot file of a materialized mart, as DuckDB names them."""
    return f"{files.root_uri(settings)}/{MARTS_DIR}/{name}/*/*.parquet"


def mart_path(settings: Settings, name: str, snapshot: str, *, for_duckdb: bool = False) -> str:
    """The file of one snapshot of a mart: inside the data root's FileSystem, or (for_duckdb)
    as DuckDB names it."""
    root = files.root_uri(settings) if for_duckdb else filesystem(settings)[1]
    return f"{root}/{MARTS_DIR}/{name}/{SNAPSHOT_COLUMN}={snapshot}/data.parquet"


def write_mart(
    settings: Settings,
    name: str,
    snapshot: str,
    table: pa.Table | pa.RecordBatchReader,
    compression: str | None = None,
) -> None:
    """Write one snapshot of a mart (readers switch to it when it is published), in the given
    Parquet codec (default files.COMPRESSION); a stream of batches is written as it comes."""
    fs, _ = filesystem(settings)
    directory, file_name = mart_path(settings, name, snapshot).rsplit("/", 1)
    if files.is_local(fs):
        remove_stale_temp_files(directory, TEMP_PREFIX, TEMP_SUFFIX)
    write_file(fs, directory, file_name, table, settings, compression)


def mart_snapshot_exists(settings: Settings, names: Iterable[str], snapshot: str) -> bool:
    fs, _ = filesystem(settings)
    return all(
        fs.get_file_info(mart_path(settings, name, snapshot)).type == pafs.FileType.File
        for name in names
    )


def prune_marts(settings: Settings, keep: Iterable[str]) -> int:
    """Delete mart snapshots other than `keep` (and files of the older one-file layout)."""
    fs, root = filesystem(settings)
    kept = {f"{SNAPSHOT_COLUMN}={snapshot}" for snapshot in keep}
    removed = 0
    selector = pafs.FileSelector(f"{root}/{MARTS_DIR}", allow_not_found=True)
    for mart in fs.get_file_info(selector):
        if mart.type == pafs.FileType.File and mart.base_name.endswith(".parquet"):
            fs.delete_file(mart.path)  # a mart of the one-file layout
            removed += 1
        if mart.type != pafs.FileType.Directory:
            continue
        for snapshot in fs.get_file_info(pafs.FileSelector(mart.path, allow_not_found=True)):
            if snapshot.type == pafs.FileType.Directory and snapshot.base_name not in kept:
                with contextlib.suppress(FileNotFoundError):
                    fs.delete_dir(snapshot.path)
                removed += 1
    return removed


def prune_marts_older_than(settings: Settings, now: datetime, keep_hours: float) -> int:
    """Delete mart snapshots written more than keep_hours ago, except each mart's newest (with a
    catalog every host computes and keeps its own; a serving file reads one of them)."""
    fs, root = filesystem(settings)
    cutoff = now.timestamp() - keep_hours * 3600
    removed = 0
    selector = pafs.FileSelector(f"{root}/{MARTS_DIR}", allow_not_found=True)
    for mart in fs.get_file_info(selector):
        if mart.type != pafs.FileType.Directory:
            continue
        written = []
        for snapshot in fs.get_file_info(pafs.FileSelector(mart.path, allow_not_found=True)):
            data = fs.get_file_info(f"{snapshot.path}/data.parquet")
            if snapshot.type == pafs.FileType.Directory and data.mtime is not None:
                written.append((data.mtime.timestamp(), snapshot.path))
        for moment, path in sorted(written)[:-1]:
            if moment < cutoff:
                with contextlib.suppress(FileNotFoundError):
                    fs.delete_dir(path)
                removed += 1
    return removed


# --- reading ---------------------------------------------------------------------------------


def read_table(settings: Settings, name: str, columns: list[str] | None = None) -> pa.Table:
    """Every published row of a table (all versions); an empty table with the schema when none."""
    return _read(settings, name, columns, None)


def _read(
    settings: Settings,
    name: str,
    columns: list[str] | None,
    where: ds.Expression | None,
    writer: str | None = None,
) -> pa.Table:
    schema = _schema_of(name)
    wanted = columns if columns is not None else schema.names
    unknown = [c for c in wanted if c not in schema.names]
    if unknown:
        raise StoreError(f"table '{name}' has no column(s) {', '.join(unknown)}")
    if lake.enabled(settings):
        return _read_lake(settings, name, wanted, where, writer)
    fs, root = filesystem(settings)
    paths = _data_files(fs, f"{root}/{name}", _hidden(settings, name, writer))
    if not paths:
        return pa.schema([schema.field(c) for c in wanted]).empty_table()
    try:
        return _dataset(fs, root, name, paths).to_table(columns=wanted, filter=where)
    except (OSError, pa.ArrowInvalid) as error:
        raise StoreError(f"cannot read table '{name}': {error}") from error


def _read_lake(
    settings: Settings,
    name: str,
    wanted: list[str],
    where: ds.Expression | None,
    writer: str | None,
) -> pa.Table:
    """The lake's committed rows, plus the writer's own staged rows (outside its commit)."""
    columns = wanted if where is None else list(_schema_of(name).names)
    parts = [lake.read_rows(settings, name, columns)]
    if writer is not None and not lake.committing():
        parts.append(_read(lake.staging_settings(settings, writer), name, columns, None))
    table = pa.concat_tables(parts)
    return table if where is None else table.filter(where).select(wanted)


def _read_matching(
    settings: Settings, name: str, columns: list[str], key: str, values: pa.Array, writer: str
) -> pa.Table:
    """The rows whose `key` is one of `values`: what a write of load `writer` compares its new
    rows against (published rows and its own).

    A filtered scan decodes every projected column of every file before it filters, so this
    first reads only the key column (and each row's file name) to find the files holding a
    match, then reads the wanted columns from those files alone. New keys, the usual case of a
    daily load, read one column of the table instead of several.
    """
    empty = pa.schema([_schema_of(name).field(c) for c in columns]).empty_table()
    if len(values) == 0:
        return empty
    if lake.enabled(settings):
        parts = [lake.read_rows(settings, name, columns, key, values)]
        if not lake.committing():
            staged = lake.staging_settings(settings, writer)
            parts.append(_read_matching(staged, name, columns, key, values, writer))
        return pa.concat_tables(parts)
    fs, root = filesystem(settings)
    where = pc.field(key).isin(values)
    hidden = _hidden(settings, name, writer)
    for attempt in range(2):
        paths = _data_files(fs, f"{root}/{name}", hidden)
        try:
            hits = _dataset(fs, root, name, paths).to_table(columns=["__filename"], filter=where)
            holding = sorted(pc.unique(hits.column("__filename")).to_pylist())
            if not holding:
                return empty
            return _dataset(fs, root, name, holding).to_table(columns=columns, filter=where)
        except FileNotFoundError:
            if attempt:
                raise StoreError(f"table '{name}' keeps changing while it is read") from None
            # compaction deleted a listed file after writing its merged copy: list again
        except (OSError, pa.ArrowInvalid) as error:
            raise StoreError(f"cannot read table '{name}': {error}") from error
    return empty


def _dataset(fs: pafs.FileSystem, root: str, name: str, paths: list[str]) -> ds.Dataset:
    return ds.dataset(
        paths,
        schema=_schema_of(name),
        format="parquet",
        filesystem=fs,
        partitioning=PARTITIONING,
        partition_base_dir=f"{root}/{name}",
    )


def latest_content_hashes(settings: Settings, source_id: str | None = None) -> dict[str, str]:
    """doc_id -> content_hash of its latest stored version (optionally of one source)."""
    where = None if source_id is None else pc.field("source_id") == source_id
    table = _read(settings, "documents", ["doc_id", "content_hash", "fetched_at", "load_id"], where)
    return {doc_id: version[0] for doc_id, version in _latest_versions(table, "fetched_at").items()}


def _latest_versions(table: pa.Table, time_column: str) -> dict[str, tuple[str, ...]]:
    """doc_id -> version of its newest row (by time, then load_id): (content_hash[, extractor])."""
    version_columns = [c for c in ("content_hash", "extractor_version") if c in table.column_names]
    ordered = table.sort_by(
        [("doc_id", "ascending"), (time_column, "ascending"), ("load_id", "ascending")]
    )
    latest: dict[str, tuple[str, ...]] = {}
    columns = [ordered.column("doc_id").to_pylist()] + [
        ordered.column(c).to_pylist() for c in version_columns
    ]
    for doc_id, *version in zip(*columns, strict=True):
        latest[doc_id] = tuple(version)  # ascending order: the last one seen is the newest
    return latest


# --- writing ---------------------------------------------------------------------------------


def write_documents(
    settings: Settings, documents: Sequence[Document], fetched_at: datetime, load_id: str
) -> int:
    """Append new and revised documents; returns the number of rows written."""
    return write_documents_table(settings, documents_table(documents, fetched_at, load_id), load_id)


def write_documents_table(settings: Settings, table: pa.Table, load_id: str) -> int:
    """`write_documents` for rows already in the DOCUMENTS schema."""
    return _write_document_versions(settings, table, load_id).written


@dataclass(frozen=True, slots=True)
class DocumentsWritten:
    """What one write of documents stored: rows, and of them versions of known documents."""

    written: int
    revised: int


def _write_document_versions(settings: Settings, table: pa.Table, load_id: str) -> DocumentsWritten:
    table = _distinct(table.select(DOCUMENTS.names), ("doc_id", "content_hash"))
    existing = _read_matching(
        settings,
        "documents",
        ["doc_id", "content_hash", "fetched_at", "load_id"],
        "doc_id",
        pc.unique(table.column("doc_id")),
        load_id,
    )
    latest = _latest_versions(existing, "fetched_at")
    table = _drop_current_versions(table, latest, ("content_hash",))
    known = pc.is_in(table.column("doc_id"), value_set=pa.array(list(latest), pa.string()))
    revised = int(pc.sum(known).as_py() or 0)
    return DocumentsWritten(_write(settings, "documents", table, load_id), revised)


def write_events(
    settings: Settings, records: Sequence[EventRecord], load_id: str, extracted_at: datetime
) -> int:
    """Append event records unless their document version is already stored; returns rows."""
    return write_events_table(settings, events_table(records, load_id, extracted_at), load_id)


def write_events_table(settings: Settings, table: pa.Table, load_id: str) -> int:
    """`write_events` for rows already in the EVENTS schema (bulk loads, benchmarks)."""
    table = _distinct(table.select(EVENTS.names), EVENT_ROW_KEY)
    doc_ids = pc.unique(table.column("doc_id"))
    existing = _read_matching(
        settings, "events", list(_STORED_EVENT_COLUMNS), "doc_id", doc_ids, load_id
    )
    superseded = SUPERSEDED.empty_table().select(["doc_id", "load_id"])
    if existing.num_rows:
        superseded = _read_matching(
            settings, "superseded", ["doc_id", "load_id"], "doc_id", doc_ids, load_id
        )
    table, replaced = _new_event_rows(table, existing, superseded)
    if table.num_rows == 0:
        return 0
    # superseded first: a crash in between leaves the document without current events (the
    # re-run writes them), never with two current versions
    _supersede(settings, replaced, superseded, load_id)
    return _write(settings, "events", table, load_id)


# what identifies one stored event row version, and what a write reads of the stored rows
EVENT_ROW_KEY = ("event_id", "content_hash", "extractor_version")
_STORED_EVENT_COLUMNS = (
    "doc_id",
    "event_id",
    "content_hash",
    "extractor_version",
    "extracted_at",
    "load_id",
)


def _new_event_rows(
    table: pa.Table, existing: pa.Table, superseded: pa.Table
) -> tuple[pa.Table, set[tuple[str, str]]]:
    """The event rows to write, and the stored (doc_id, load_id) pairs they supersede.

    Per document, by the version (content_hash, extractor_version) of its new rows:
    - the latest stored version: only rows whose event_id is not among the version's current
      (not superseded) rows are written, nothing is superseded. This completes a version a
      crash stored in part (some month files renamed, others not); run again, it adds nothing.
    - stored, not the latest, same text as the latest (another extractor): nothing is written.
    - not stored, or a text the document reverts to: every row is written and every stored
      load of the document is superseded.
    """
    if existing.num_rows == 0 or table.num_rows == 0:
        return table, set()
    latest = _latest_versions(existing, "extracted_at")
    gone = set(_rows(superseded, ("doc_id", "load_id")))
    stored_columns = ("doc_id", "event_id", "content_hash", "extractor_version", "load_id")
    stored = list(_rows(existing, stored_columns))
    versions = {(doc_id, content, extractor) for doc_id, _, content, extractor, _ in stored}
    current_rows = {
        (doc_id, event_id, content, extractor)
        for doc_id, event_id, content, extractor, load in stored
        if (doc_id, load) not in gone
    }
    keep: list[bool] = []
    replaced_docs: set[str] = set()
    for doc_id, event_id, content, extractor in _rows(
        table, ("doc_id", "event_id", "content_hash", "extractor_version")
    ):
        newest = latest.get(doc_id)
        if newest == (content, extractor):  # the current version: complete it
            keep.append((doc_id, event_id, content, extractor) not in current_rows)
        elif (doc_id, content, extractor) in versions and newest and newest[0] == content:
            keep.append(False)  # another stored extractor version of the current text
        else:  # a new version, or a text the document reverts to
            keep.append(True)
            replaced_docs.add(doc_id)
    rows = table.filter(pa.array(keep, pa.bool_()))
    written = set(rows.column("doc_id").to_pylist())
    replaced = {
        (doc_id, load)
        for doc_id, _, content, extractor, load in stored
        if doc_id in written
        and (doc_id in replaced_docs or latest.get(doc_id) != (content, extractor))
    }
    return rows, replaced


def _rows(table: pa.Table, columns: tuple[str, ...]) -> Iterator[tuple[Any, ...]]:
    return zip(*(table.column(c).to_pylist() for c in columns), strict=True)


def _supersede(
    settings: Settings, pairs: set[tuple[str, str]], known: pa.Table, load_id: str
) -> None:
    """Mark stored (doc_id, load_id) pairs as superseded by `load_id` (once per pair)."""
    pairs = pairs - set(_rows(known, ("doc_id", "load_id")))
    if not pairs:
        return
    ordered = sorted(pairs)
    now = datetime.now(UTC)
    table = pa.table(
        {
            "doc_id": [doc_id for doc_id, _ in ordered],
            "load_id": [load for _, load in ordered],
            "superseded_by": [load_id] * len(ordered),
            "superseded_at": pa.array([now] * len(ordered), pa.timestamp("us", tz="UTC")),
        },
        schema=SUPERSEDED,
    )
    _write(settings, "superseded", table, load_id)


def write_rejects(
    settings: Settings, rejects: Sequence[Reject], load_id: str, rejected_at: datetime
) -> int:
    """Append rejects not seen before (by reject_id); returns the number of rows written."""
    rows = [
        {
            "reject_id": r.reject_id,
            "source_id": r.source_id,
            "item_id": r.item_id,
            "stage": r.stage,
            "reason": r.reason,
            "excerpt": r.excerpt,
            "rejected_at": _utc(rejected_at),
            "load_id": load_id,
        }
        for r in rejects
    ]
    table = _distinct(pa.Table.from_pylist(rows, schema=REJECTS), ("reject_id",))
    return _write_new_keys(settings, "rejects", table, "reject_id", load_id)


def write_load(settings: Settings, row: Mapping[str, Any]) -> None:
    """Append one `loads` row (columns of schemas.LOADS; missing ones are null)."""
    unknown = set(row) - set(LOADS.names)
    if unknown:
        raise StoreError(f"loads row has unknown column(s): {', '.join(sorted(unknown))}")
    if not row.get("load_id") or row.get("started_at") is None:
        raise StoreError("loads row needs load_id and started_at")
    table = pa.Table.from_pylist([{name: row.get(name) for name in LOADS.names}], schema=LOADS)
    load_id = str(row["load_id"])
    if lake.enabled(settings) and not lake.committing() and row.get("status") == "failed":
        # a failed run commits none of its rows, but its `loads` row shows, as without a catalog
        lake.commit(
            settings, load_id, lambda: _write_new_keys(settings, "loads", table, "load_id", load_id)
        )
        lake.drop_staging(settings, load_id)
        return
    _write_new_keys(settings, "loads", table, "load_id", load_id)


# the tables a run writes, in the order its commit applies them (superseded follows events)
COMMITTED_TABLES = ("documents", "rejects", "events", "loads")


def commit_run(settings: Settings, load_id: str) -> dict[str, int]:
    """With a catalog: apply a run's staged rows to the lake in one DuckLake transaction; the
    rows written per table. Each table's rows are decided again against the lake's latest
    snapshot by the rules above; a conflict with another writer's commit starts over."""
    staged = lake.staging_settings(settings, load_id)
    tables = {name: read_table(staged, name) for name in COMMITTED_TABLES}

    def apply() -> dict[str, int]:
        documents = _write_document_versions(settings, tables["documents"], load_id)
        rejects = _write_new_keys(settings, "rejects", tables["rejects"], "reject_id", load_id)
        events = write_events_table(settings, tables["events"], load_id)
        # the run counted what was new against the snapshot it started from; after another
        # writer's commit some of it is not new any more: the loads row says what was stored
        counted = {
            "documents_new": documents.written - documents.revised,
            "documents_revised": documents.revised,
            "events_written": events,
            "rejects_written": rejects,
        }
        loads = _with_counts(tables["loads"], load_id, counted)
        return {
            "documents": documents.written,
            "rejects": rejects,
            "events": events,
            "loads": _write_new_keys(settings, "loads", loads, "load_id", load_id),
        }

    written = lake.commit(settings, load_id, apply)
    lake.drop_staging(settings, load_id)
    return written


def _with_counts(loads: pa.Table, load_id: str, counts: Mapping[str, int]) -> pa.Table:
    """The run's own `loads` row with these counts (other rows, and a failed run's, as staged)."""
    rows = loads.to_pylist()
    for row in rows:
        if row["load_id"] == load_id and row["status"] != "failed":
            row.update(counts)
    return pa.Table.from_pylist(rows, schema=loads.schema)


def _write_new_keys(settings: Settings, name: str, table: pa.Table, key: str, load_id: str) -> int:
    existing = _read_matching(settings, name, [key], key, table.column(key), load_id)
    if existing.num_rows:
        seen = pc.is_in(table.column(key), value_set=existing.column(key))
        table = table.filter(pc.invert(seen))
    return _write(settings, name, table, load_id)


def _distinct(table: pa.Table, keys: tuple[str, ...]) -> pa.Table:
    """First row of each key, in input order."""
    if table.num_rows < 2 or pc.count_distinct(table.column(keys[0])).as_py() == table.num_rows:
        return table  # the first key column alone is unique: nothing repeated
    indexed = table.select(list(keys)).append_column("_row", pa.array(range(table.num_rows)))
    first = indexed.group_by(list(keys), use_threads=False).aggregate([("_row", "min")])
    if first.num_rows == table.num_rows:
        return table  # nothing repeated: skip the copy
    return table.take(first.sort_by("_row_min").column("_row_min"))


def _drop_current_versions(
    table: pa.Table, latest: dict[str, tuple[str, ...]], version_columns: tuple[str, ...]
) -> pa.Table:
    if not latest or table.num_rows == 0:
        return table
    columns = [table.column("doc_id").to_pylist()] + [
        table.column(c).to_pylist() for c in version_columns
    ]
    keep = [latest.get(doc_id) != tuple(version) for doc_id, *version in zip(*columns, strict=True)]
    return table.filter(pa.array(keep, pa.bool_()))


def _write(settings: Settings, name: str, table: pa.Table, load_id: str) -> int:
    """Write rows as one new file per month partition; returns the number of rows written.

    With a catalog: into the commit in progress, else into the run's staging store."""
    if lake.enabled(settings):
        if lake.committing():
            if table.num_rows:
                lake.insert_rows(name, table.select(_schema_of(name).names))
            return int(table.num_rows)
        settings = lake.staging_settings(settings, load_id)
    fs, root = filesystem(settings)
    if files.is_local(fs):
        remove_stale_temp_files(Path(root, name), TEMP_PREFIX, TEMP_SUFFIX, recursive=True)
    if table.num_rows == 0:
        return 0
    months = _month_keys(table, PARTITION_TIME_COLUMNS[name])
    keyed = table.select(list(SORT_COLUMNS[name])).append_column("_month", months)
    sort_keys = [("_month", "ascending")] + [(c, "ascending") for c in SORT_COLUMNS[name]]
    order = pc.sort_indices(keyed, sort_keys=sort_keys)
    jobs = []
    start = 0
    for item in sorted(pc.value_counts(months).to_pylist(), key=lambda r: r["values"]):
        month, count = _month_name(item["values"]), item["counts"]
        directory = f"{root}/{name}/{PARTITION_COLUMN}={month}"
        file_name = f"{load_id}-{uuid.uuid4().hex}.parquet"
        jobs.append((directory, file_name, order.slice(start, count)))
        start += count

    # one chunk per column: a take over many chunks concatenates them again on every call
    table = table.combine_chunks()

    if name == "events":
        # the index first: a crash before the data files leaves entries of absent files (read
        # as nothing), never a data file that no entry names
        entries = [
            (f"{directory.rsplit('/', 1)[1]}/{file_name}", table.column("doc_id").take(rows))
            for directory, file_name, rows in jobs
        ]
        _write_event_file_entries(
            fs, root, f"{load_id}-{uuid.uuid4().hex}.parquet", entries, settings
        )

    def write_partition(job: tuple[str, str, pa.Array]) -> None:
        directory, file_name, rows = job
        write_file(fs, directory, file_name, table.take(rows), settings)

    # gathering rows, compressing and fsync all release the GIL: partitions go in parallel
    with ThreadPoolExecutor(max_workers=min(len(jobs), WRITE_THREADS)) as pool:
        list(pool.map(write_partition, jobs))
    return int(table.num_rows)


def _month_keys(table: pa.Table, columns: tuple[str, ...]) -> pa.Array:
    """year * 100 + month of the first non-null partition column (0 when all are null)."""
    candidates = []
    for column in columns:
        values = table.column(column)
        if pa.types.is_timestamp(values.type) and values.type.tz is not None:
            values = pc.cast(values, pa.timestamp(values.type.unit))  # stored UTC: drop the zone
        candidates.append(pc.add(pc.multiply(pc.year(values), 100), pc.month(values)))
    return pc.fill_null(pc.coalesce(*candidates), 0).combine_chunks()


def _month_name(key: int) -> str:
    return UNKNOWN_MONTH if key == 0 else f"{key // 100:04d}-{key % 100:02d}"


# --- conversions -----------------------------------------------------------------------------


def documents_table(documents: Sequence[Document], fetched_at: datetime, load_id: str) -> pa.Table:
    """Documents as DOCUMENTS rows (`published` is kept as written, in `published_local`)."""
    columns: dict[str, list[Any]] = {
        "doc_id": [d.doc_id for d in documents],
        "source_id": [d.source_id for d in documents],
        "url": [d.url for d in documents],
        "guid": [d.guid for d in documents],
        "title": [d.title for d in documents],
        "published_at": [_utc(d.published_at) for d in documents],
        "published_local": [d.published for d in documents],
        "fetched_at": [_utc(fetched_at)] * len(documents),
        "content_hash": [d.content_hash or d.with_content_hash().content_hash for d in documents],
        "text": [d.text for d in documents],
        "summary": [d.summary for d in documents],
        "language": [d.language for d in documents],
        "is_text_cut": [d.is_text_cut for d in documents],
        "original_text_chars": [d.original_text_chars for d in documents],
        "load_id": [load_id] * len(documents),
    }
    return pa.table(columns, schema=DOCUMENTS)


def events_table(records: Sequence[EventRecord], load_id: str, extracted_at: datetime) -> pa.Table:
    """Event records as EVENTS rows, built column by column (no per-record dict round trip)."""
    columns: list[pa.Array] = []
    for field in EVENTS:
        if field.name == "extracted_at":
            values: Any = [_utc(extracted_at)] * len(records)
        elif field.name == "load_id":
            values = [load_id] * len(records)
        elif field.name == "published_at":
            values = [_utc(r.published_at) for r in records]
        elif pa.types.is_list(field.type) and pa.types.is_struct(field.type.value_type):
            columns.append(_struct_lists([getattr(r, field.name) for r in records], field.type))
            continue
        else:
            values = [getattr(r, field.name) for r in records]
        columns.append(pa.array(values, field.type))
    return pa.Table.from_arrays(columns, schema=EVENTS)


def _struct_lists(items: list[tuple[Any, ...]], list_type: pa.ListType) -> pa.Array:
    """Tuples of dataclasses as a list<struct> column: one flat child array per struct field."""
    offsets = [0]
    flat: list[Any] = []
    for group in items:
        flat.extend(group)
        offsets.append(len(flat))
    struct_type = list_type.value_type
    children = [
        pa.array([getattr(item, child.name) for item in flat], child.type) for child in struct_type
    ]
    values = pa.StructArray.from_arrays(children, fields=list(struct_type))
    return pa.ListArray.from_arrays(pa.array(offsets, pa.int32()), values, type=list_type)


def _utc(moment: datetime | None) -> datetime | None:
    """Aware datetimes converted to UTC; naive ones are taken to be UTC already."""
    if moment is None:
        return None
    if isinstance(moment, datetime):
        return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    if isinstance(moment, date):
        return datetime(moment.year, moment.month, moment.day, tzinfo=UTC)
    raise StoreError(f"not a timestamp: {moment!r}")


# --- compaction ------------------------------------------------------------------------------


def compact(settings: Settings) -> dict[str, Any]:
    """Merge each partition's published files into one (row groups of row_group_size); returns
    counts per table, and under "orphans" the loads whose files were deleted.

    The merged file is renamed into place before its inputs are deleted, so every row stays
    readable throughout; for that instant a row exists twice, which the staging views' key
    dedup hides. Files of loads in flight are left alone (their rows are not published), except
    those of loads in flight for longer than publication.ORPHAN_MAX_AGE: their runs died, so
    their files are deleted and the loads forgotten. Files written while compaction runs are
    left for the next run. Orphaned temporary files (see sweep_temp_files) are removed first.
    """
    if lake.enabled(settings):
        compacted: dict[str, Any] = lake.compact(settings, datetime.now(UTC))
        pruned = prune_marts_older_than(settings, datetime.now(UTC), settings.lake_keep_hours)
        compacted["marts"] = {"snapshots_deleted": pruned}
        return compacted
    removed = files.sweep_temp_files(settings)
    if removed:
        log.info("compaction removed %d orphaned temporary file(s)", removed)
    fs, root = filesystem(settings)
    current = publication.read(settings)
    report: dict[str, Any] = {}
    for name, schema in TABLES.items():
        counts = {"partitions_merged": 0, "files_before": 0, "files_after": 0, "rows": 0}
        hidden = current.hidden if name in WRITER_COLUMNS else frozenset()
        for directory, paths in _partitions(fs, f"{root}/{name}", hidden):
            counts["files_before"] += len(paths)
            if len(paths) < 2:
                counts["files_after"] += len(paths)
                continue
            merged = pq.ParquetDataset(
                paths, filesystem=fs, schema=schema, partitioning=None
            ).read()
            merged = merged.select(schema.names).sort_by(
                [(c, "ascending") for c in SORT_COLUMNS[name]]
            )
            merged_name = f"{COMPACTED_PREFIX}{uuid.uuid4().hex}.parquet"
            if name == "events":  # its index entries first, as a run's write does
                entry = (f"{directory.rsplit('/', 1)[1]}/{merged_name}", merged.column("doc_id"))
                _write_event_file_entries(fs, root, merged_name, [entry], settings)
            write_file(fs, directory, merged_name, merged, settings)
            for path in paths:
                with contextlib.suppress(FileNotFoundError):  # another compaction got there first
                    fs.delete_file(path)
            counts["partitions_merged"] += 1
            counts["files_after"] += 1
            counts["rows"] += merged.num_rows
        report[name] = counts
    orphans = publication.orphans(current, datetime.now(UTC))
    report["orphans"] = {"loads": len(orphans), "files_deleted": _delete_loads(settings, orphans)}
    publication.forget(settings, orphans)
    report["event_files_index"] = {"files_deleted": _prune_event_file_index(settings, current)}
    return report


def _delete_loads(settings: Settings, loads: frozenset[str]) -> int:
    """Delete every data file written by these loads; the number deleted."""
    if not loads:
        return 0
    fs, root = filesystem(settings)
    deleted = 0
    for name in WRITER_COLUMNS:
        selector = pafs.FileSelector(f"{root}/{name}", recursive=True, allow_not_found=True)
        for info in fs.get_file_info(selector):
            if info.type == pafs.FileType.File and file_load(info.base_name) in loads:
                with contextlib.suppress(FileNotFoundError):
                    fs.delete_file(info.path)
                deleted += 1
    return deleted


def _partitions(
    fs: pafs.FileSystem, table_dir: str, hidden: frozenset[str]
) -> Iterator[tuple[str, list[str]]]:
    by_directory: dict[str, list[str]] = {}
    for path in _data_files(fs, table_dir, hidden):
        by_directory.setdefault(path.rsplit("/", 1)[0], []).append(path)
    yield from sorted(by_directory.items())


# --- which events files hold which documents -------------------------------------------------


@dataclass(frozen=True, slots=True)
class EventFileIndex:
    """The events files (paths inside the table's FileSystem) and the index files (as DuckDB
    names them); `uncovered`: the events files no index file names (written before the index
    existed, or by a load whose index compaction pruned in a race)."""

    data_files: tuple[str, ...]
    index_files: tuple[str, ...]
    uncovered: tuple[str, ...]


def event_file_index(settings: Settings) -> EventFileIndex:
    """The events files and the index files, from two listings: no file is read. An events
    file is covered by the index file of its load (or, merged, of its own name): a load's index
    file is written before its data files, so a data file never outlives its load's entries."""
    fs, root = filesystem(settings)
    data = _data_files(fs, f"{root}/events")
    index = _data_files(fs, f"{root}/{EVENT_FILES_DIR}")
    names = {path.rsplit("/", 1)[1] for path in index}
    loads = {file_load(name) for name in names if not name.startswith(COMPACTED_PREFIX)}
    uncovered = tuple(path for path in data if not _covered(path.rsplit("/", 1)[1], names, loads))
    uri = files.root_uri(settings)
    index_uris = tuple(f"{uri}/{EVENT_FILES_DIR}/{path.rsplit('/', 1)[1]}" for path in index)
    return EventFileIndex(tuple(data), index_uris, uncovered)


def events_file_uris(settings: Settings, paths: Iterable[str]) -> set[str]:
    """Events files' paths (inside the FileSystem) as DuckDB names them."""
    _, root = filesystem(settings)
    inside, uri = f"{root}/events/", f"{table_uri(settings, 'events')}/"
    return {uri + path.removeprefix(inside) for path in paths}


def index_event_files(settings: Settings, paths: Sequence[str]) -> None:
    """Write the index entries of events files written before the index existed: one index file
    per load (a merged file's of its own name), from their doc_id columns."""
    fs, root = filesystem(settings)
    by_index: dict[str, list[str]] = {}
    for path in paths:
        base = path.rsplit("/", 1)[1]
        key = base if base.startswith(COMPACTED_PREFIX) else file_load(base)
        by_index.setdefault(key, []).append(path)
    for key, group in sorted(by_index.items()):
        name = key if key.startswith(COMPACTED_PREFIX) else f"{key}-{uuid.uuid4().hex}.parquet"
        entries = [
            (
                path.removeprefix(f"{root}/events/"),
                pq.read_table(path, columns=["doc_id"], filesystem=fs).column("doc_id"),
            )
            for path in group
        ]
        _write_event_file_entries(fs, root, name, entries, settings)


def _covered(base_name: str, index_names: set[str], index_loads: set[str]) -> bool:
    if base_name.startswith(COMPACTED_PREFIX):
        return base_name in index_names
    return file_load(base_name) in index_loads


def _write_event_file_entries(
    fs: pafs.FileSystem,
    root: str,
    name: str,
    entries: Sequence[tuple[str, pa.Array | pa.ChunkedArray]],
    settings: Settings,
) -> None:
    """One index file: each file's (relative to the events table) distinct doc_ids, sorted by
    doc_id so that a reader's filter skips row groups."""
    doc_ids = [pc.unique(ids).cast(pa.string()) for _, ids in entries]
    rows = pa.table(
        {
            "doc_id": pa.chunked_array(doc_ids, pa.string()),
            "file": [
                relative
                for (relative, _), ids in zip(entries, doc_ids, strict=True)
                for _ in range(len(ids))
            ],
        },
        schema=EVENT_FILES,
    )
    rows = rows.sort_by([("doc_id", "ascending"), ("file", "ascending")])
    if files.is_local(fs):
        remove_stale_temp_files(Path(root, EVENT_FILES_DIR), TEMP_PREFIX, TEMP_SUFFIX)
    write_file(fs, f"{root}/{EVENT_FILES_DIR}", name, rows, settings)


def _prune_event_file_index(settings: Settings, current: publication.Publication) -> int:
    """Delete the index files whose events files are all gone (merged or orphaned): a load's
    once none of its files is left, unless it is in flight; a merged file's with it. A race
    with a writer costs a scan (its files show uncovered), never a wrong answer."""
    fs, root = filesystem(settings)
    data = {path.rsplit("/", 1)[1] for path in _data_files(fs, f"{root}/events")}
    loads = {file_load(name) for name in data}
    deleted = 0
    for path in _data_files(fs, f"{root}/{EVENT_FILES_DIR}"):
        name = path.rsplit("/", 1)[1]
        if name.startswith(COMPACTED_PREFIX):
            stale = name not in data
        else:
            stale = file_load(name) not in loads and file_load(name) not in current.hidden
        if stale:
            with contextlib.suppress(FileNotFoundError):
                fs.delete_file(path)
            deleted += 1
    return deleted
