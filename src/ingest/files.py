"""Where the data lives and how a file lands there: one filesystem, atomic writes, temp files.

`data_root` may be a local path or a URI (`s3://bucket/prefix`, `file:///path`): everything goes
through a pyarrow FileSystem. A local file is written under a name no reader matches
(`_tmp-<pid>-<host>-<random>.tmp`), fsynced and renamed into place, so readers never see a
partial file; on object stores a single PUT is already atomic, so files are written in place.
Writes and compaction remove temporary files whose writer is gone, or that are older than
TEMP_MAX_AGE_SECONDS.
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
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from ingest import objectstore
from ingest.config import Settings
from ingest.errors import StoreError

COMPRESSION = "zstd"
TEMP_PREFIX = "_tmp-"
# a temporary file this old is an orphan whoever wrote it: a live writer keeps writing to its
# file (mtime moves) and renames it within seconds of the last write
TEMP_MAX_AGE_SECONDS = 3600.0
TEMP_SUFFIX = ".tmp"
STATE_TEMP_PREFIX = ".feeds-"  # ingest.state's temporary state files, beside state_path
SERVING_TEMP_INFIX = ".tmp-"  # ingest.warehouse's serving file builds: <serving name>.tmp-...

log = logging.getLogger(__name__)


def filesystem(settings: Settings) -> tuple[pafs.FileSystem, str]:
    """The pyarrow FileSystem holding the tables and the root path inside it."""
    root = settings.data_root
    if objectstore.is_s3(settings):  # endpoint, region and credentials as DuckDB gets them
        bucket_and_prefix = root.split("://", 1)[1]
        return objectstore.pyarrow_filesystem(settings), bucket_and_prefix.rstrip("/")
    if "://" in root:
        fs, path = pafs.FileSystem.from_uri(root)
        return fs, path.rstrip("/")
    return pafs.LocalFileSystem(), str(Path(root).expanduser().resolve())


def root_uri(settings: Settings) -> str:
    """The data root as DuckDB names it: an absolute path, or the URI with its scheme."""
    root = settings.data_root
    if root.startswith("file://"):
        return filesystem(settings)[1]
    if "://" in root:
        return root.rstrip("/")
    return str(Path(root).expanduser().resolve())


def is_local(fs: pafs.FileSystem) -> bool:
    return isinstance(fs, pafs.LocalFileSystem)


def write_file(
    fs: pafs.FileSystem,
    directory: str,
    file_name: str,
    table: pa.Table | pa.RecordBatchReader,
    settings: Settings,
    compression: str | None = None,
) -> None:
    final = f"{directory}/{file_name}"
    try:
        fs.create_dir(directory, recursive=True)
        if not isinstance(fs, pafs.LocalFileSystem):
            # one PUT: atomic on object stores
            write_parquet(table, final, fs, settings, compression)
            return
        temporary = f"{directory}/{TEMP_PREFIX}{temp_owner()}{uuid.uuid4().hex}{TEMP_SUFFIX}"
        try:
            with open(temporary, "wb") as handle:
                write_parquet(table, handle, None, settings, compression)
                handle.flush()
                os.fsync(handle.fileno())  # the rename must never publish unwritten blocks
            os.replace(temporary, final)
        finally:
            if os.path.exists(temporary):
                os.remove(temporary)
    except OSError as error:
        raise StoreError(f"cannot write {final}: {error}") from error


def write_parquet(
    table: pa.Table | pa.RecordBatchReader,
    where: Any,
    fs: pafs.FileSystem | None,
    settings: Settings,
    compression: str | None = None,
) -> None:
    """A table, or a stream of batches written a row group at a time (what is held is one row
    group, not the whole stream), in the same row groups `pq.write_table` would make."""
    size = max(1, settings.row_group_size)
    codec = compression or COMPRESSION
    if isinstance(table, pa.Table):
        pq.write_table(
            table,
            where,
            filesystem=fs,
            compression=codec,
            row_group_size=size,
            write_statistics=True,
        )
        return
    with pq.ParquetWriter(
        where, table.schema, filesystem=fs, compression=codec, write_statistics=True
    ) as writer:
        held = table.schema.empty_table()
        wrote = False
        for batch in table:
            held = pa.concat_tables([held, pa.Table.from_batches([batch], table.schema)])
            while held.num_rows >= size:
                # one array per row group: its pages then depend on the rows alone, not on
                # where the stream's batches happened to end
                writer.write_table(held.slice(0, size).combine_chunks(), row_group_size=size)
                held, wrote = held.slice(size), True
        if held.num_rows or not wrote:  # write_table's one empty row group for no rows
            writer.write_table(held.combine_chunks(), row_group_size=size)


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
