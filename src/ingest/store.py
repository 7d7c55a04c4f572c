"""Parquet tables: append-only, month-partitioned, idempotent writes, compaction, empty-safe reads.

Layout: `<data_root>/<table>/month=YYYY-MM/<load_id>-<uuid>.parquet`, zstd, row groups of
`settings.row_group_size` rows, rows sorted by the table's sort columns. A file is written under a
name no reader matches (`_tmp-*.tmp`) and renamed into place, so readers never see a partial file.
`data_root` may be a local path or a URI (`s3://bucket/prefix`): everything goes through a pyarrow
FileSystem; on object stores a single PUT is already atomic, so files are written in place.

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

Temporary files carry their writer's pid and host (`_tmp-<pid>-<host>-<random>.tmp`): writes
and compaction remove those whose writer is gone, or that are older than TEMP_MAX_AGE_SECONDS.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import os
import socket
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from ingest.config import Settings
from ingest.errors import StoreError
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
)

COMPRESSION = "zstd"
TEMP_PREFIX = "_tmp-"
PARTITIONING = ds.partitioning(pa.schema([(PARTITION_COLUMN, pa.string())]), flavor="hive")
UNKNOWN_MONTH = "unknown"
SCHEMA_FILE = "_schema.parquet"
WRITE_THREADS = 2 * (os.cpu_count() or 1)  # files wait on fsync as much as on the CPU
MARTS_DIR = "_marts"  # materialized aggregates; `_` keeps them out of every table's listing
# a temporary file this old is an orphan whoever wrote it: a live writer keeps writing to its
# file (mtime moves) and renames it within seconds of the last write
TEMP_MAX_AGE_SECONDS = 3600.0
TEMP_SUFFIX = ".tmp"
STATE_TEMP_PREFIX = ".feeds-"  # ingest.state's temporary state files, beside state_path
SERVING_TEMP_INFIX = ".tmp-"  # ingest.warehouse's serving file builds: <serving name>.tmp-...

log = logging.getLogger(__name__)


def new_load_id(now: datetime) -> str:
    """A load id that sorts by start time and is unique across machines."""
    moment = now.astimezone(UTC) if now.tzinfo else now.replace(tzinfo=UTC)
    return f"{moment:%Y%m%dT%H%M%S}Z-{uuid.uuid4().hex[:8]}"


# --- locations -------------------------------------------------------------------------------


def filesystem(settings: Settings) -> tuple[pafs.FileSystem, str]:
    """The pyarrow FileSystem holding the tables and the root path inside it."""
    root = settings.data_root
    if "://" in root:
        fs, path = pafs.FileSystem.from_uri(root)
        return fs, path.rstrip("/")
    return pafs.LocalFileSystem(), str(Path(root).expanduser().resolve())


def table_uri(settings: Settings, name: str) -> str:
    """Absolute location of a table as DuckDB names it (a path, or the URI with its scheme)."""
    _schema_of(name)
    root = settings.data_root
    if "://" in root:
        return f"{root.rstrip('/')}/{name}"
    return f"{Path(root).expanduser().resolve()}/{name}"


def data_files(settings: Settings, name: str) -> list[str]:
    """Paths (inside the table's FileSystem) of the table's visible Parquet files, sorted."""
    fs, root = filesystem(settings)
    return _data_files(fs, f"{root}/{_checked(name)}")


def _data_files(fs: pafs.FileSystem, directory: str) -> list[str]:
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
    )


def _checked(name: str) -> str:
    _schema_of(name)
    return name


def _schema_of(name: str) -> pa.Schema:
    try:
        return TABLES[name]
    except KeyError:
        raise StoreError(f"unknown table '{name}' (known: {', '.join(TABLES)})") from None


def ensure_schema_files(settings: Settings) -> None:
    """Give every table a zero-row file with its current schema (`month=none/_schema.parquet`).

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
        _write_file(fs, directory, SCHEMA_FILE, schema.empty_table(), settings)


def data_fingerprint(settings: Settings, tables: Iterable[str] = TABLES) -> str:
    """Hash of the tables' file listings (path, size, mtime): changes whenever their data does."""
    fs, root = filesystem(settings)
    digest = hashlib.sha256()
    for name in sorted(tables):
        selector = pafs.FileSelector(f"{root}/{name}", recursive=True, allow_not_found=True)
        for info in sorted(fs.get_file_info(selector), key=lambda i: i.path):
            if info.type == pafs.FileType.File and info.base_name.endswith(".parquet"):
                digest.update(f"{info.path}\x1f{info.size}\x1f{info.mtime_ns}\x1e".encode())
    return digest.hexdigest()[:32]


def mart_uri(settings: Settings, name: str) -> str:
    """Where a materialized mart's single Parquet file lives (DuckDB's spelling)."""
    root = settings.data_root
    base = root.rstrip("/") if "://" in root else str(Path(root).expanduser().resolve())
    return f"{base}/{MARTS_DIR}/{name}.parquet"


def write_mart(settings: Settings, name: str, table: pa.Table) -> None:
    """Replace a materialized mart's file in one step (readers see the old or the new file)."""
    fs, root = filesystem(settings)
    if isinstance(fs, pafs.LocalFileSystem):
        remove_stale_temp_files(Path(root, MARTS_DIR), TEMP_PREFIX, TEMP_SUFFIX)
    _write_file(fs, f"{root}/{MARTS_DIR}", f"{name}.parquet", table, settings)


def read_marker(settings: Settings, name: str) -> str | None:
    """A small text file kept beside the marts (e.g. the fingerprint they were built from)."""
    fs, root = filesystem(settings)
    try:
        with fs.open_input_stream(f"{root}/{MARTS_DIR}/{name}") as stream:
            return bytes(stream.read()).decode("utf-8")
    except (FileNotFoundError, OSError):
        return None


def write_marker(settings: Settings, name: str, text: str) -> None:
    fs, root = filesystem(settings)
    fs.create_dir(f"{root}/{MARTS_DIR}", recursive=True)
    with fs.open_output_stream(f"{root}/{MARTS_DIR}/{name}") as stream:
        stream.write(text.encode("utf-8"))


# --- reading ---------------------------------------------------------------------------------


def read_table(settings: Settings, name: str, columns: list[str] | None = None) -> pa.Table:
    """Every stored row of a table (all versions); an empty table with the schema when none."""
    return _read(settings, name, columns, None)


def _read(
    settings: Settings, name: str, columns: list[str] | None, where: ds.Expression | None
) -> pa.Table:
    schema = _schema_of(name)
    wanted = columns if columns is not None else schema.names
    unknown = [c for c in wanted if c not in schema.names]
    if unknown:
        raise StoreError(f"table '{name}' has no column(s) {', '.join(unknown)}")
    fs, root = filesystem(settings)
    files = _data_files(fs, f"{root}/{name}")
    if not files:
        return pa.schema([schema.field(c) for c in wanted]).empty_table()
    try:
        return _dataset(fs, root, name, files).to_table(columns=wanted, filter=where)
    except (OSError, pa.ArrowInvalid) as error:
        raise StoreError(f"cannot read table '{name}': {error}") from error


def _read_matching(
    settings: Settings, name: str, columns: list[str], key: str, values: pa.Array
) -> pa.Table:
    """The rows whose `key` is one of `values`: what a write compares its new rows against.

    A filtered scan decodes every projected column of every file before it filters, so this
    first reads only the key column (and each row's file name) to find the files holding a
    match, then reads the wanted columns from those files alone. New keys, the usual case of a
    daily load, read one column of the table instead of several.
    """
    empty = pa.schema([_schema_of(name).field(c) for c in columns]).empty_table()
    if len(values) == 0:
        return empty
    fs, root = filesystem(settings)
    where = pc.field(key).isin(values)
    for attempt in range(2):
        files = _data_files(fs, f"{root}/{name}")
        try:
            hits = _dataset(fs, root, name, files).to_table(columns=["__filename"], filter=where)
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


def _dataset(fs: pafs.FileSystem, root: str, name: str, files: list[str]) -> ds.Dataset:
    return ds.dataset(
        files,
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
    table = documents_table(documents, fetched_at, load_id)
    table = _distinct(table, ("doc_id", "content_hash"))
    existing = _read_matching(
        settings,
        "documents",
        ["doc_id", "content_hash", "fetched_at", "load_id"],
        "doc_id",
        pc.unique(table.column("doc_id")),
    )
    table = _drop_current_versions(
        table, _latest_versions(existing, "fetched_at"), ("content_hash",)
    )
    return _write(settings, "documents", table, load_id)


def write_events(
    settings: Settings, records: Sequence[EventRecord], load_id: str, extracted_at: datetime
) -> int:
    """Append event records unless their document version is already stored; returns rows."""
    return write_events_table(settings, events_table(records, load_id, extracted_at), load_id)


def write_events_table(settings: Settings, table: pa.Table, load_id: str) -> int:
    """`write_events` for rows already in the EVENTS schema (bulk loads, benchmarks)."""
    table = _distinct(table.select(EVENTS.names), EVENT_ROW_KEY)
    doc_ids = pc.unique(table.column("doc_id"))
    existing = _read_matching(settings, "events", list(_STORED_EVENT_COLUMNS), "doc_id", doc_ids)
    superseded = SUPERSEDED.empty_table().select(["doc_id", "load_id"])
    if existing.num_rows:
        superseded = _read_matching(
            settings, "superseded", ["doc_id", "load_id"], "doc_id", doc_ids
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
    _write_new_keys(settings, "loads", table, "load_id", str(row["load_id"]))


def _write_new_keys(settings: Settings, name: str, table: pa.Table, key: str, load_id: str) -> int:
    existing = _read_matching(settings, name, [key], key, table.column(key))
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
    """Write rows as one new file per month partition; returns the number of rows written."""
    fs, root = filesystem(settings)
    if isinstance(fs, pafs.LocalFileSystem):
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

    def write_partition(job: tuple[str, str, pa.Array]) -> None:
        directory, file_name, rows = job
        _write_file(fs, directory, file_name, table.take(rows), settings)

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


def _write_file(
    fs: pafs.FileSystem, directory: str, file_name: str, table: pa.Table, settings: Settings
) -> None:
    final = f"{directory}/{file_name}"
    try:
        fs.create_dir(directory, recursive=True)
        if not isinstance(fs, pafs.LocalFileSystem):
            _write_parquet(table, final, fs, settings)  # one PUT: atomic on object stores
            return
        temporary = f"{directory}/{TEMP_PREFIX}{temp_owner()}{uuid.uuid4().hex}{TEMP_SUFFIX}"
        try:
            with open(temporary, "wb") as handle:
                _write_parquet(table, handle, None, settings)
                handle.flush()
                os.fsync(handle.fileno())  # the rename must never publish unwritten blocks
            os.replace(temporary, final)
        finally:
            if os.path.exists(temporary):
                os.remove(temporary)
    except OSError as error:
        raise StoreError(f"cannot write {final}: {error}") from error


def _write_parquet(
    table: pa.Table, where: Any, fs: pafs.FileSystem | None, settings: Settings
) -> None:
    pq.write_table(
        table,
        where,
        filesystem=fs,
        compression=COMPRESSION,
        row_group_size=max(1, settings.row_group_size),
        write_statistics=True,
    )


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
    """Merge each partition's files into one (row groups of row_group_size); returns counts.

    The merged file is renamed into place before its inputs are deleted, so every row stays
    readable throughout; for that instant a row exists twice, which the staging views' key
    dedup hides. Files written while compaction runs are left for the next run. Orphaned
    temporary files (see sweep_temp_files) are removed first.
    """
    removed = sweep_temp_files(settings)
    if removed:
        log.info("compaction removed %d orphaned temporary file(s)", removed)
    fs, root = filesystem(settings)
    report: dict[str, Any] = {}
    for name, schema in TABLES.items():
        counts = {"partitions_merged": 0, "files_before": 0, "files_after": 0, "rows": 0}
        for directory, files in _partitions(fs, f"{root}/{name}"):
            counts["files_before"] += len(files)
            if len(files) < 2:
                counts["files_after"] += len(files)
                continue
            merged = pq.ParquetDataset(
                files, filesystem=fs, schema=schema, partitioning=None
            ).read()
            merged = merged.select(schema.names).sort_by(
                [(c, "ascending") for c in SORT_COLUMNS[name]]
            )
            _write_file(fs, directory, f"compact-{uuid.uuid4().hex}.parquet", merged, settings)
            for path in files:
                with contextlib.suppress(FileNotFoundError):  # another compaction got there first
                    fs.delete_file(path)
            counts["partitions_merged"] += 1
            counts["files_after"] += 1
            counts["rows"] += merged.num_rows
        report[name] = counts
    return report


def _partitions(fs: pafs.FileSystem, table_dir: str) -> Iterator[tuple[str, list[str]]]:
    by_directory: dict[str, list[str]] = {}
    for path in _data_files(fs, table_dir):
        by_directory.setdefault(path.rsplit("/", 1)[0], []).append(path)
    yield from sorted(by_directory.items())


# --- orphaned temporary files ----------------------------------------------------------------
# A writer killed between creating its temporary file and renaming it (kill -9, OOM, power) leaves
# the file behind; no reader sees it (the names match no glob), but nothing else would remove it.


@functools.cache
def _host_tag() -> str:
    """Names this host's process namespace: a pid in a temp name is only judged where it ran."""
    parts = [socket.gethostname()]
    with contextlib.suppress(OSError):  # a reboot or another pid namespace reuses pids
        parts.append(Path("/proc/sys/kernel/random/boot_id").read_text().strip())
        parts.append(os.readlink("/proc/self/ns/pid"))
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:12]


def temp_owner() -> str:
    """`<pid>-<host tag>-`: what a temporary file name starts with after its prefix."""
    return f"{os.getpid()}-{_host_tag()}-"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def temp_is_stale(owner_and_rest: str, age_seconds: float) -> bool:
    """May a temporary file (its name after the prefix, and its age) be removed?

    Yes when it is older than TEMP_MAX_AGE_SECONDS, or when it names a writer process of this
    host that no longer exists (a dead writer renames nothing). A file of a live process, of
    another host, or without an owner (older names) is kept until it is old.
    """
    if age_seconds > TEMP_MAX_AGE_SECONDS:
        return True
    pid, _, rest = owner_and_rest.partition("-")
    host, _, _ = rest.partition("-")
    if not pid.isdigit() or host != _host_tag():
        return False
    return int(pid) != os.getpid() and not _pid_alive(int(pid))


def remove_stale_temp_files(
    directory: str | os.PathLike[str], prefix: str, suffix: str = "", recursive: bool = False
) -> int:
    """Remove the stale temporary files `<prefix>...<suffix>` in a local directory; the count."""
    removed = 0
    now = time.time()
    for folder, names in _listing(directory, recursive):
        for name in names:
            if not (name.startswith(prefix) and name.endswith(suffix)):
                continue
            path = os.path.join(folder, name)
            try:
                if temp_is_stale(name[len(prefix) :], now - os.stat(path).st_mtime):
                    os.remove(path)
                    removed += 1
            except FileNotFoundError:
                continue  # renamed into place or removed meanwhile
            except OSError as error:
                log.warning("cannot remove temporary file %s: %s", path, error)
    return removed


def _listing(directory: str | os.PathLike[str], recursive: bool) -> Iterator[tuple[str, list[str]]]:
    """(folder, file names) of a directory, or of its whole tree; nothing when it is missing."""
    if recursive:
        for folder, _, names in os.walk(directory):
            yield folder, names
        return
    try:
        yield os.fspath(directory), [e.name for e in os.scandir(directory) if e.is_file()]
    except (FileNotFoundError, NotADirectoryError):
        return


def sweep_temp_files(settings: Settings) -> int:
    """Remove every stale temporary file of ours: Parquet, feed state, serving file builds.

    Safe at any time, also while other runs write (see temp_is_stale); compaction calls it,
    and a run may call it when it starts. Returns the number of files removed.
    """
    removed = 0
    fs, root = filesystem(settings)
    if isinstance(fs, pafs.LocalFileSystem):  # object stores get whole files in one PUT
        removed += remove_stale_temp_files(root, TEMP_PREFIX, TEMP_SUFFIX, recursive=True)
    state = Path(settings.state_path).expanduser()
    removed += remove_stale_temp_files(state.parent, STATE_TEMP_PREFIX, TEMP_SUFFIX)
    serving = Path(settings.serving_path).expanduser()
    removed += remove_stale_temp_files(serving.parent, serving.name + SERVING_TEMP_INFIX)
    return removed
