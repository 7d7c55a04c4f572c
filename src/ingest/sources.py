"""Backfill sources: the files of a directory or archive, read whole or line by line, or refused.

A source is a directory, an archive (.zip, .tar, .tar.gz, .tgz) or one file. Its files are feed
files (.xml, .rss, .atom), JSONL documents (.jsonl, .ndjson) and saved pages (.html, .htm); other
names are not backfill files and are passed over. Nothing is cut short silently:

- feed files and pages are read whole, up to `max_file_bytes` (parsing one holds about ten times
  its size); a larger one is refused before it is read;
- JSONL is read line by line in pieces of about PIECE_BYTES, so a JSONL file of any size goes
  through; a line over `max_line_bytes` is refused and skipped without being held;
- symbolic links (in a directory or an archive), other non-regular files and files whose first
  bytes are binary (NUL or control bytes, or the signature of an image, PDF or archive) are
  refused before they are read;
- an archive that is cut short or corrupt gives what was readable, then one refusal naming the
  archive and the error.

A refusal is an Item with `refused` set: the reader makes it a reject naming the file (or the
file and line), and the run is partial.
"""

from __future__ import annotations

import os
import stat
import tarfile
import zipfile
import zlib
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Protocol, cast

from ingest.config import Settings
from ingest.errors import InputError

ARCHIVE_SUFFIXES = (".zip", ".tar", ".tar.gz", ".tgz")
SUFFIXES: dict[str, tuple[str, ...]] = {
    "feed": (".xml", ".rss", ".atom"),
    "jsonl": (".jsonl", ".ndjson"),
    "html": (".html", ".htm"),
}
PIECE_BYTES = 4_000_000  # JSONL lines go to readers in pieces of about this size
SNIFF_BYTES = 4096
# the leading bytes of binary formats that have been found named .html or .xml
SIGNATURES: dict[bytes, str] = {
    b"%PDF-": "a PDF",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"PK\x03\x04": "a zip archive",
    b"\x1f\x8b": "gzip data",
    b"BZh": "bzip2 data",
    b"\xfd7zXZ\x00": "xz data",
    b"7z\xbc\xaf": "a 7-Zip archive",
    b"\xd0\xcf\x11\xe0": "an Office document",
    b"\x7fELF": "an executable",
    b"SQLite format 3\x00": "an SQLite database",
}
# UTF-16 and UTF-32 text starts with its byte order mark (XML requires it): NUL bytes are text
WIDE_TEXT_MARKS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")
# control bytes that text holds (tab, line feed, form feed, carriage return, escape)
TEXT_CONTROLS = b"\t\n\x0c\r\x1b"
BINARY_CONTROLS = bytes(b for b in range(32) if b not in TEXT_CONTROLS)
MAX_CONTROL_SHARE = 0.05
ARCHIVE_ERRORS = (tarfile.TarError, zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError)


@dataclass(frozen=True, slots=True)
class Item:
    """One file of a backfill source (or one piece of a JSONL file) and its bytes.

    `refused` says why the file, or JSONL line `line`, was not read: its reader makes it a
    reject. `last` is False for every piece of a JSONL file but the last, and for refusals that
    are not one file (an archive's own error).
    """

    name: str
    data: bytes
    line: int | None = None  # JSONL: the file's line number of the first line in data
    last: bool = True
    refused: str | None = None


class Stream(Protocol):
    """An open file or archive member."""

    def peek(self, size: int = ..., /) -> bytes: ...

    def read(self, size: int = ..., /) -> bytes: ...

    def readline(self, size: int = ..., /) -> bytes: ...


def kind_of(name: str) -> str | None:
    """The reader a file name calls for (None: not a backfill file)."""
    suffix = PurePosixPath(name.lower()).suffix
    return next((kind for kind, suffixes in SUFFIXES.items() if suffix in suffixes), None)


def is_archive(path: Path) -> bool:
    return path.is_file() and path.name.lower().endswith(ARCHIVE_SUFFIXES)


def binary_kind(head: bytes) -> str | None:
    """What a file's first bytes say it is when that is not text (None: text)."""
    for signature, what in SIGNATURES.items():
        if head.startswith(signature):
            return what
    if head.startswith(WIDE_TEXT_MARKS):
        return None
    if b"\x00" in head:
        return "NUL bytes"
    controls = len(head) - len(head.translate(None, BINARY_CONTROLS))
    if head and controls / len(head) > MAX_CONTROL_SHARE:
        return "control bytes"
    return None


# --- listing ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Member:
    """A backfill file of a directory or archive, its size when known, and why it is refused."""

    name: str
    size: int | None = None
    refused: str | None = None


def list_items(path: str | Path) -> list[str]:
    """Names of the backfill files in a directory or archive, in the order they are read.

    An archive that cannot be opened, or that is broken before its first backfill file, is an
    InputError; one broken later lists what comes before the break.
    """
    source = Path(path)
    if source.is_dir():
        return [m.name for m in _directory_members(source)]
    if is_archive(source):
        members, error = _archive_members(source)
        if error is not None and not members:
            raise InputError(f"{source}: not a readable archive: {error}")
        return [m.name for m in members]
    if source.is_file() and kind_of(source.name):
        return [source.name]
    raise InputError(f"{source}: not a directory, an archive or a feed/JSONL/HTML file")


def _directory_members(directory: Path) -> list[Member]:
    """Backfill files under directory; links and other non-regular files listed as refused."""
    members: list[Member] = []
    for path in directory.rglob("*"):
        relative = path.relative_to(directory)
        if any(part.startswith(".") for part in relative.parts) or not kind_of(path.name):
            continue
        mode = path.lstat().st_mode
        if stat.S_ISDIR(mode):
            continue
        members.append(Member(str(relative), refused=_not_regular(mode)))
    return sorted(members, key=lambda m: m.name)


def _not_regular(mode: int) -> str | None:
    if stat.S_ISLNK(mode):
        return "a symbolic link: not followed"
    if not stat.S_ISREG(mode):
        return "not a regular file"
    return None


def _archive_members(path: Path) -> tuple[list[Member], str | None]:
    """The archive's backfill files, and the error that stopped the listing (None: whole)."""
    members: list[Member] = []
    error: str | None = None
    try:
        if path.name.lower().endswith(".zip"):
            with zipfile.ZipFile(path) as archive:
                infos = [i for i in archive.infolist() if _wanted(i.filename) and not i.is_dir()]
                members = [_zip_member(info) for info in infos]
        else:
            with tarfile.open(path) as archive:
                for entry in archive:  # a cut or corrupt archive raises part way
                    if _wanted(entry.name) and not entry.isdir():
                        members.append(_tar_member(entry))
    except ARCHIVE_ERRORS as problem:
        error = _one_line(problem)
    return sorted(members, key=lambda m: m.name), error


def _wanted(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return bool(kind_of(name)) and not any(p.startswith((".", "__MACOSX")) for p in parts)


def _zip_member(info: zipfile.ZipInfo) -> Member:
    is_link = stat.S_ISLNK(info.external_attr >> 16)  # the Unix mode, when zipped there
    return Member(
        info.filename, info.file_size, "a symbolic link: not followed" if is_link else None
    )


def _tar_member(entry: tarfile.TarInfo) -> Member:
    if entry.issym() or entry.islnk():
        return Member(entry.name, refused="a link: not followed")
    return Member(entry.name, entry.size, None if entry.isfile() else "not a regular file")


# --- reading ---------------------------------------------------------------------------------


def iter_items(
    path: str | Path, settings: Settings, only: Collection[str] | None = None
) -> Iterator[Item]:
    """The backfill files of a directory, an archive or one file, within the settings' limits.

    Files in order of `list_items`; JSONL files as pieces of lines; refusals as items with
    `refused` set. The one file given as the source itself is followed if it is a link.
    `only` keeps the files of those names (one chunk of a backfill split across workers); the
    others are never read (a tar stream is still decompressed past them).
    """
    source = Path(path)
    if source.is_dir():
        for member in _directory_members(source):
            if only is not None and member.name not in only:
                continue
            if member.refused is not None:
                yield Item(member.name, b"", refused=member.refused)
            else:
                yield from _file_items(member.name, source / member.name, settings)
    elif is_archive(source):
        yield from _archive_items(source, settings, only)
    elif source.is_file():
        yield from _file_items(source.name, source.resolve(), settings)
    else:
        raise InputError(f"{source}: not a directory, an archive or a feed/JSONL/HTML file")


def _file_items(name: str, path: Path, settings: Settings) -> Iterator[Item]:
    """One file, opened without following a link and checked to be regular before reading."""
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; O_NOFOLLOW: no link swapped in
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as error:
        yield Item(name, b"", refused=f"cannot open: {error.strerror}")
        return
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        refused = _not_regular(info.st_mode)
        if refused is not None:
            yield Item(name, b"", refused=refused)
            return
        try:
            yield from _stream_items(name, handle, info.st_size, settings)
        except OSError as error:
            yield Item(name, b"", refused=f"cannot read: {error.strerror or error}")


def _stream_items(
    name: str, stream: Stream, size: int | None, settings: Settings
) -> Iterator[Item]:
    """A file's items: refused by size or first bytes, else whole, or (JSONL) in pieces."""
    kind = kind_of(name)
    limit = settings.max_file_bytes
    if kind != "jsonl" and size is not None and size > limit:
        yield Item(name, b"", refused=f"{size} bytes, over max_file_bytes ({limit})")
        return
    binary = binary_kind(stream.peek(SNIFF_BYTES)[:SNIFF_BYTES])
    if binary is not None:
        yield Item(name, b"", refused=f"binary file ({binary}), not a feed, JSONL or HTML file")
        return
    if kind == "jsonl":
        yield from _jsonl_pieces(name, stream, settings.max_line_bytes)
        return
    data = stream.read(limit + 1)  # a declared size can lie (zip bombs): at most one byte more
    if len(data) > limit:
        yield Item(name, b"", refused=f"over max_file_bytes ({limit})")
    elif not data:
        yield Item(name, b"", refused="empty file")
    else:
        yield Item(name, data)


def _jsonl_pieces(name: str, stream: Stream, max_line: int) -> Iterator[Item]:
    """A JSONL file as pieces of whole lines; a line over max_line is skipped and refused."""
    lines: list[bytes] = []
    size = 0
    first = number = 1
    while line := stream.readline(max_line + 2):
        if len(line.rstrip(b"\r\n")) > max_line:
            if not line.endswith(b"\n"):
                _skip_line(stream)
            if lines:
                yield Item(name, b"".join(lines), line=first, last=False)
            reason = f"line {number} is over max_line_bytes ({max_line})"
            yield Item(name, b"", line=number, last=False, refused=reason)
            lines, size, first = [], 0, number + 1
        else:
            lines.append(line)
            size += len(line)
            if size >= PIECE_BYTES:
                yield Item(name, b"".join(lines), line=first, last=False)
                lines, size, first = [], 0, number + 1
        number += 1
    if number == 1:
        yield Item(name, b"", refused="empty file")
    else:
        yield Item(name, b"".join(lines), line=first)


def _skip_line(stream: Stream) -> None:
    while (chunk := stream.readline(1 << 20)) and not chunk.endswith(b"\n"):
        pass


def _archive_items(
    path: Path, settings: Settings, only: Collection[str] | None = None
) -> Iterator[Item]:
    """An archive's backfill files in name order (zip) or stored order (tar, a stream)."""
    members, _listing_error = _archive_members(path)  # iterating meets the same error
    if only is not None:
        members = [m for m in members if m.name in only]
    wanted = {m.name: m for m in members}
    done, current = 0, ""
    try:
        if path.name.lower().endswith(".zip"):
            with zipfile.ZipFile(path) as archive:
                for listed in members:
                    yield from _zip_items(archive, listed, settings)
                    done += 1
            return
        with tarfile.open(path) as archive:
            for entry in archive:
                member = wanted.get(entry.name)
                if member is None or entry.isdir():
                    continue
                current = entry.name
                if member.refused is not None:
                    yield Item(member.name, b"", refused=member.refused)
                else:
                    handle = cast(Stream, archive.extractfile(entry))
                    yield from _stream_items(entry.name, handle, entry.size, settings)
                done, current = done + 1, ""
    except ARCHIVE_ERRORS as error:
        where = f" inside {current}" if current else ""
        reason = f"archive cut short or corrupt{where}, {done} of {len(members)} files read: "
        yield Item(path.name, b"", last=False, refused=reason + _one_line(error))


def _zip_items(archive: zipfile.ZipFile, member: Member, settings: Settings) -> Iterator[Item]:
    if member.refused is not None:
        yield Item(member.name, b"", refused=member.refused)
        return
    try:
        with archive.open(member.name) as handle:
            yield from _stream_items(member.name, cast(Stream, handle), member.size, settings)
    except ARCHIVE_ERRORS as error:  # one member's bad data (CRC, deflate): the others go on
        yield Item(member.name, b"", refused=f"unreadable in the archive: {_one_line(error)}")


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split()) or type(error).__name__
