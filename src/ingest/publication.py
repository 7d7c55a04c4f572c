"""What readers see: which loads are still being written, and which marts snapshot is current.

One small Parquet file at the data root, `_publication.parquet`, holds one row (schemas.PUBLICATION)
and is replaced whole (a rename on local disks, one PUT on object stores). A run lists its load
as in flight before it writes its first row (`begin`); its rows stay hidden from every view and
from the store's own reads until it is published (ingest.warehouse.publish), in the same
replacement that names the marts snapshot computed with those rows. So readers see a run's rows
and the marts made from them at once, never batch by batch; the rows of a run that died or
failed stay hidden, and the next run writes them again. Compaction deletes the files of loads
left in flight for longer than ORPHAN_MAX_AGE.

Replacements are read-modify-write: on a local data root they hold an exclusive lock on
`_publication.lock` beside the file. Object stores have no such lock, so one writer at a time
publishes there.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

import pyarrow as pa
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from ingest import files
from ingest.config import Settings
from ingest.errors import StoreError
from ingest.schemas import PUBLICATION

PUBLICATION_FILE = "_publication.parquet"
LOCK_FILE = "_publication.lock"
# a load in flight this long belongs to a run that died (runs take minutes; a ten-year
# backfill of one archive, hours): compaction may delete its files
ORPHAN_MAX_AGE = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class InFlight:
    """A load whose rows are being written, or whose run ended without publishing them."""

    load_id: str
    started_at: datetime


@dataclass(frozen=True, slots=True)
class Publication:
    """The one row of `_publication.parquet`."""

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
    """Where the publication file lives, as DuckDB names it."""
    return f"{files.root_uri(settings)}/{PUBLICATION_FILE}"


def read(settings: Settings) -> Publication:
    """The current publication; an empty one (nothing hidden, no marts) when never written."""
    return _read(settings).current


def _read(settings: Settings) -> _Held:
    fs, root = files.filesystem(settings)
    path = f"{root}/{PUBLICATION_FILE}"
    try:
        rows = pq.read_table(path, filesystem=fs, schema=PUBLICATION).to_pylist()
    except FileNotFoundError:
        return _Held()
    except (OSError, pa.ArrowInvalid) as error:
        raise StoreError(f"cannot read {path}: {error}") from error
    if len(rows) != 1:
        raise StoreError(f"{path}: expected one row, found {len(rows)}")
    row = rows[0]
    in_flight = tuple(InFlight(x["load_id"], x["started_at"]) for x in row["in_flight"] or ())
    publication = Publication(
        in_flight, row["marts_snapshot"], row["marts_fingerprint"], row["published_at"]
    )
    return _Held(publication, True)


def write(settings: Settings, publication: Publication) -> None:
    """Replace the publication file in one step (call it holding `locked`)."""
    fs, root = files.filesystem(settings)
    if files.is_local(fs):  # a writer killed mid-write left its temporary file here
        files.remove_stale_temp_files(root, files.TEMP_PREFIX, files.TEMP_SUFFIX)
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
    files.write_file(fs, root, PUBLICATION_FILE, table, settings)


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
    """Write an empty publication when there is none: the views read the file."""
    fs, root = files.filesystem(settings)
    if fs.get_file_info(f"{root}/{PUBLICATION_FILE}").type == pafs.FileType.File:
        return
    with locked(settings):
        if not _read(settings).exists:
            write(settings, Publication())


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
