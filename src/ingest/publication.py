"""What readers see: which loads are still being written, and which marts snapshot is current.

Each publication is one small Parquet file of one row (schemas.PUBLICATION), a new version
written under a new name, `_publication/<10**20 - time_ns, 20 digits>-<uuid hex>.parquet` (the
newest sorts first), never replaced in place: DuckDB opens a file more than once per query (bind,
then scan), so a file replaced at the same path mid-query reads as garbage. Readers take the
newest version (see current_sql); old
versions are pruned once superseded long enough ago (see SUPERSEDED_KEEP). A `_publication.parquet`
of earlier versions is read while there is no version yet, and moved into the directory (then
deleted) by the first write. A run lists its load
as in flight before it writes its first row (`begin`); its rows stay hidden from every view and
from the store's own reads until it is published (ingest.warehouse.publish), in the same
replacement that names the marts snapshot computed with those rows. So readers see a run's rows
and the marts made from them at once, never batch by batch; the rows of a run that died or
failed stay hidden, and the next run writes them again. Compaction deletes the files of loads
left in flight for longer than ORPHAN_MAX_AGE.

Publications are read-modify-write: on a local data root they hold an exclusive lock on
`_publication.lock` beside the directory. Object stores have no such lock, so one writer at a time
publishes there.
"""

from __future__ import annotations

import contextlib
import fcntl
import itertools
import os
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

import pyarrow as pa
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from ingest import files
from ingest.config import Settings
from ingest.errors import StoreError
from ingest.schemas import PUBLICATION

PUBLICATION_DIR = "_publication"  # the versions: <10**20 - time_ns:020d>-<uuid hex>.parquet
LEGACY_FILE = "_publication.parquet"  # the one file, replaced in place, of earlier versions
LOCK_FILE = "_publication.lock"
# a load in flight this long belongs to a run that died (runs take minutes; a ten-year
# backfill of one archive, hours): compaction may delete its files
ORPHAN_MAX_AGE = timedelta(days=7)
# Pruning. A reader's query lists the versions, then opens the newest KEEP_VERSIONS of its listing
# (current_sql); one deleted in between fails the query. So a version stays while it is among the
# newest KEEP_VERSIONS, or was superseded less than SUPERSEDED_KEEP ago: far longer than a query
# takes from listing to opening its publication (milliseconds; seconds on a loaded host).
KEEP_VERSIONS = 3
SUPERSEDED_KEEP = timedelta(minutes=10)
_VERSION_DIGITS = 20
_VERSION_BASE: int = 10**_VERSION_DIGITS


@dataclass(frozen=True, slots=True)
class InFlight:
    """A load whose rows are being written, or whose run ended without publishing them."""

    load_id: str
    started_at: datetime


@dataclass(frozen=True, slots=True)
class Publication:
    """The one row of a publication version."""

    in_flight: tuple[InFlight, ...] = ()
    marts_snapshot: str | None = None
    marts_fingerprint: str | None = None
    published_at: datetime | None = None

    @property
    def hidden(self) -> frozenset[str]:
        """Loads whose rows readers must not see."""
        return frozenset(load.load_id for load in self.in_flight)

    def hidden_except(self, load_id: str | None) -> frozenset[str]:
        """What a writer of load_id must not see: the others in flight, not its own rows."""
        return self.hidden - {load_id} if load_id else self.hidden

    def without(self, load_ids: Iterable[str]) -> Publication:
        gone = set(load_ids)
        return replace(self, in_flight=tuple(x for x in self.in_flight if x.load_id not in gone))


@dataclass(slots=True)
class _Held:
    """The publication read under the lock, and whether it was ever written."""

    current: Publication = field(default_factory=Publication)
    exists: bool = False


def uri(settings: Settings) -> str:
    """The glob of the publication versions, as DuckDB names it."""
    return f"{files.root_uri(settings)}/{PUBLICATION_DIR}/*.parquet"


def current_sql(settings: Settings) -> str:
    """A query of the current publication's row: the version with the smallest name.

    A reader must never open a version that a writer may be pruning: the scan is limited to
    names up to the KEEP_VERSIONS-th smallest (the newest, never pruned), and DuckDB skips the
    other files of the glob unopened (a filter on `filename`); binding opens the first file of
    the glob, the newest. A glob of all versions read whole failed a query on most prunes.
    """
    glob = "'" + uri(settings).replace("'", "''") + "'"
    newest = f"(select file from glob({glob}) order by file limit {KEEP_VERSIONS})"
    return (
        f"select * exclude (filename) from read_parquet({glob}, filename = true) "
        f"where filename <= (select max(file) from {newest}) order by filename limit 1"
    )


def version_name(stamp_ns: int) -> str:
    """The file name of a version published at stamp_ns: newer versions sort first."""
    return f"{_VERSION_BASE - stamp_ns:0{_VERSION_DIGITS}d}-{uuid.uuid4().hex}.parquet"


def read(settings: Settings) -> Publication:
    """The current publication; an empty one (nothing hidden, no marts) when never written."""
    return _read(settings).current


def _versions(fs: pafs.FileSystem, root: str) -> list[str]:
    """The base names of the publication versions, oldest first (reversed name order)."""
    directory = f"{root}/{PUBLICATION_DIR}"
    try:
        infos = fs.get_file_info(pafs.FileSelector(directory, allow_not_found=True))
    except OSError as error:
        raise StoreError(f"cannot list {directory}: {error}") from error
    names = (
        info.base_name
        for info in infos
        if info.type == pafs.FileType.File
        and info.base_name.endswith(".parquet")
        and _version_time(info.base_name) is not None
    )
    return sorted(names, reverse=True)


def _version_time(base_name: str) -> int | None:
    """The time_ns a version's name starts with (None: not a version's name)."""
    head = base_name.split("-", 1)[0]
    if len(head) != _VERSION_DIGITS or not head.isdigit():
        return None
    return _VERSION_BASE - int(head)


def _read(settings: Settings) -> _Held:
    fs, root = files.filesystem(settings)
    for _ in range(3):  # the newest version is never pruned; a listing raced by a prune retries
        versions = _versions(fs, root)
        path = f"{root}/{PUBLICATION_DIR}/{versions[-1]}" if versions else f"{root}/{LEGACY_FILE}"
        try:
            return _Held(_read_file(fs, path), True)
        except FileNotFoundError:
            if not versions:
                return _Held()
    raise StoreError(f"cannot read the publication under {root}: its versions keep vanishing")


def _read_file(fs: pafs.FileSystem, path: str) -> Publication:
    try:
        rows = pq.read_table(path, filesystem=fs, schema=PUBLICATION).to_pylist()
    except FileNotFoundError:
        raise
    except (OSError, pa.ArrowInvalid) as error:
        raise StoreError(f"cannot read {path}: {error}") from error
    if len(rows) != 1:
        raise StoreError(f"{path}: expected one row, found {len(rows)}")
    row = rows[0]
    in_flight = tuple(InFlight(x["load_id"], x["started_at"]) for x in row["in_flight"] or ())
    return Publication(
        in_flight, row["marts_snapshot"], row["marts_fingerprint"], row["published_at"]
    )


def write(settings: Settings, publication: Publication) -> None:
    """Publish in one step, as a new version (call it holding `locked`); then delete a legacy
    file and the versions no reader can still be reading."""
    fs, root = files.filesystem(settings)
    directory = f"{root}/{PUBLICATION_DIR}"
    if files.is_local(fs):  # a writer killed mid-write left its temporary file here
        files.remove_stale_temp_files(directory, files.TEMP_PREFIX, files.TEMP_SUFFIX)
    stamped = replace(publication, published_at=datetime.now(UTC))
    row = {
        "in_flight": [
            {"load_id": x.load_id, "started_at": x.started_at} for x in stamped.in_flight
        ],
        "marts_snapshot": stamped.marts_snapshot,
        "marts_fingerprint": stamped.marts_fingerprint,
        "published_at": stamped.published_at,
    }
    table = pa.Table.from_pylist([row], schema=PUBLICATION)
    versions = _versions(fs, root)
    # a clock stepped back must not make the new version sort before the current one
    newest = _version_time(versions[-1]) if versions else None
    stamp = max(time.time_ns(), (newest or 0) + 1)
    name = version_name(stamp)
    files.write_file(fs, directory, name, table, settings)
    _delete(fs, f"{root}/{LEGACY_FILE}")  # migrated: the new version carries its state
    for old in prunable([*versions, name], time.time_ns()):
        _delete(fs, f"{directory}/{old}")


def prunable(versions: Sequence[str], now_ns: int) -> list[str]:
    """The versions (base names, oldest first) that may be deleted at now_ns: those neither
    among the newest KEEP_VERSIONS nor superseded (their successor written) less than
    SUPERSEDED_KEEP ago."""
    keep_after = now_ns - int(SUPERSEDED_KEEP.total_seconds() * 1e9)
    candidates = list(itertools.pairwise(versions))[: max(0, len(versions) - KEEP_VERSIONS)]
    return [
        version
        for version, successor in candidates
        if (superseded_at := _version_time(successor)) is not None and superseded_at < keep_after
    ]


def _delete(fs: pafs.FileSystem, path: str) -> None:
    try:
        fs.delete_file(path)
    except FileNotFoundError:
        return
    except OSError as error:
        if fs.get_file_info(path).type != pafs.FileType.NotFound:
            raise StoreError(f"cannot delete {path}: {error}") from error


@contextlib.contextmanager
def locked(settings: Settings) -> Iterator[Publication]:
    """Hold the publication lock (local data roots) and yield the current publication.

    Not reentrant: code running under it must not call `locked`, `begin` or `ensure` again.
    """
    fs, root = files.filesystem(settings)
    if not files.is_local(fs):
        yield read(settings)
        return
    os.makedirs(root, exist_ok=True)
    descriptor = os.open(os.path.join(root, LOCK_FILE), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield read(settings)
    finally:
        os.close(descriptor)  # releases the lock


def ensure(settings: Settings) -> None:
    """Write a publication version when there is none (the views read one): an empty one, or
    the legacy `_publication.parquet` moved into the directory."""
    fs, root = files.filesystem(settings)
    if _versions(fs, root):
        return
    with locked(settings):
        if not _versions(fs, root):
            write(settings, _read(settings).current)


def begin(settings: Settings, load_id: str, started_at: datetime) -> None:
    """List a load as in flight: from now until it is published, its rows are hidden."""
    if settings.catalog:
        return  # in a DuckLake (ingest.lake) a run's rows are staged apart until it commits
    with locked(settings) as current:
        if load_id in current.hidden:
            return
        load = InFlight(load_id, started_at.astimezone(UTC))
        write(settings, replace(current, in_flight=(*current.in_flight, load)))


def hidden_loads(settings: Settings, writer: str | None = None) -> frozenset[str]:
    """Loads whose rows a reader (or the writer of load `writer`) must not see."""
    return read(settings).hidden_except(writer)


def orphans(publication: Publication, now: datetime) -> frozenset[str]:
    """Loads in flight for longer than ORPHAN_MAX_AGE: their runs died."""
    return frozenset(
        load.load_id for load in publication.in_flight if now - load.started_at > ORPHAN_MAX_AGE
    )


def forget(settings: Settings, load_ids: Iterable[str]) -> None:
    """Drop loads from the in-flight list once their files are gone."""
    gone = set(load_ids)
    if not gone:
        return
    with locked(settings) as current:
        write(settings, current.without(gone))
