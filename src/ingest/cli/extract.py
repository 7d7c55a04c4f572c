"""`ingest extract`: documents JSONL in, event records JSONL out (owned by the extraction area).

Memory is bounded per document: a line longer than max_line_bytes is an error naming it, and
a text longer than max_document_chars is cut at a paragraph boundary before extraction (its
records then say `is_text_cut`). Output to a file appears whole or not at all: records go to
an unnamed file in the target's directory (Linux O_TMPFILE), given its name only on success,
so nothing is left behind even when the process is killed; elsewhere a named temporary file,
removed on failure, Ctrl-C or SIGTERM.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import FrameType
from typing import IO, Any, Protocol

import click

from ingest.config import load_settings
from ingest.errors import InputError
from ingest.extract import extract
from ingest.limits import DEFAULT_MAX_DOCUMENT_CHARS, limit_document
from ingest.records import Document

PROC_FD = Path("/proc/self/fd")  # where an unnamed file can be linked from (Linux)

COMMANDS: list[click.Command] = []


def _document_of(
    row: Any, path: str, line_no: int, max_chars: int = DEFAULT_MAX_DOCUMENT_CHARS
) -> Document:
    """A Document from one parsed input line; InputError naming file and line if unusable."""
    if not isinstance(row, dict):
        raise InputError(f"{path}:{line_no}: expected a JSON object, got {type(row).__name__}")
    for key in ("id", "text"):
        if key not in row or row[key] is None:
            raise InputError(f"{path}:{line_no}: missing required field {key!r}")
    if not isinstance(row["text"], str):
        raise InputError(f"{path}:{line_no}: field 'text' must be a string")

    def optional(key: str) -> str | None:
        value = row.get(key)
        return None if value is None else str(value)

    document = Document(
        doc_id=str(row["id"]),
        text=row["text"],
        title=optional("title"),
        url=optional("url"),
        published=optional("published"),
        source_id=optional("source_id") or optional("source"),
    )
    return limit_document(document, max_chars).with_content_hash()


def _decoded(raw: bytes | str, path: str, line_no: int) -> str:
    if isinstance(raw, str):
        return raw
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{path}:{line_no}: not valid UTF-8") from None


class LineReader(Protocol):
    def readline(self, size: int = ..., /) -> bytes: ...


def read_documents(
    stream: Iterable[bytes | str], path: str, max_chars: int = DEFAULT_MAX_DOCUMENT_CHARS
) -> Iterator[Document]:
    """Documents from a JSONL stream (bytes are read as UTF-8); blank lines skipped, bad lines
    raise InputError naming the file and line. Texts longer than max_chars are cut."""
    for line_no, raw in enumerate(stream, start=1):
        line = _decoded(raw, path, line_no)
        del raw
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            raise InputError(f"{path}:{line_no}: malformed JSON ({error.msg})") from None
        del line
        document = _document_of(row, path, line_no, max_chars)
        del row  # the long text goes now, not when the next line comes
        yield document


def capped_lines(stream: LineReader, path: str, max_bytes: int) -> Iterator[bytes]:
    """The lines of a binary stream, none held longer than max_bytes (InputError naming it)."""
    line_no = 0
    while raw := stream.readline(max_bytes + 2):
        line_no += 1
        if len(raw.rstrip(b"\r\n")) > max_bytes:
            raise InputError(f"{path}:{line_no}: line longer than max_line_bytes ({max_bytes})")
        yield raw


@click.command("extract")
@click.argument("docs", type=click.Path(dir_okay=False, allow_dash=True))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, allow_dash=True),
    default="-",
    show_default=True,
    help="Where to write event records (JSONL).",
)
@click.option(
    "--settings",
    "settings_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Settings file for max_document_chars and max_line_bytes (default: $INGEST_SETTINGS, "
    "else config/settings.toml if present).",
)
def extract_command(docs: str, output: str, settings_path: str | None) -> None:
    """Extract event records from DOCS, a JSONL file of {id, url, title, published, text}.

    An optional `source` (or `source_id`) names the issuing site ("mfa.gov.sg"): when the URL is
    a news site that carried the release, the site tells whose officials it names.

    Writes one event record per line; a document's first line is its primary event. A text
    longer than max_document_chars is cut at a paragraph boundary first (its records say
    is_text_cut). With -o the file appears only when every document was extracted.
    """
    settings = load_settings(settings_path)
    limits = (settings.max_document_chars, settings.max_line_bytes)
    try:
        source = click.open_file(docs, "rb")
    except OSError as error:
        raise InputError(f"{docs}: cannot read ({error.strerror})") from None
    with source, _terminate_like_interrupt():
        if output == "-":
            _write_records(source, docs, sys.stdout, *limits)
            return
        _write_atomically(source, docs, Path(output), *limits)


def _write_records(
    source: IO[bytes], path: str, sink: IO[str], max_chars: int, max_line_bytes: int
) -> None:
    lines = capped_lines(source, path, max_line_bytes)
    for document in read_documents(lines, path, max_chars):
        for record in extract(document):
            sink.write(json.dumps(record.to_json_dict(), ensure_ascii=False) + "\n")


@contextlib.contextmanager
def _terminate_like_interrupt() -> Iterator[None]:
    """SIGTERM unwinds like Ctrl-C (cleanup runs) instead of ending the process on the spot."""

    def stop(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)

    try:
        previous = signal.signal(signal.SIGTERM, stop)
    except ValueError:  # not the main thread (e.g. called from a test runner's worker)
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _write_atomically(
    source: IO[bytes], path: str, target: Path, max_chars: int, max_line_bytes: int
) -> None:
    """Write the records where no one sees them, and give them the target's name on success."""
    unnamed = _open_unnamed(target)
    if unnamed is not None:
        with os.fdopen(unnamed, "w", encoding="utf-8") as sink:
            _write_records(source, path, sink, max_chars, max_line_bytes)
            sink.flush()
            _name_unnamed(unnamed, target)
        return
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    except OSError as error:
        raise InputError(f"{target}: cannot write ({error.strerror})") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as sink:
            _write_records(source, path, sink, max_chars, max_line_bytes)
        os.replace(tmp_name, target)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def _open_unnamed(target: Path) -> int | None:
    """A file beside target that has no name yet (it vanishes if the process dies); None when
    the system or file system cannot make one (then a named temporary file is used)."""
    flag = getattr(os, "O_TMPFILE", 0)
    if not flag or not PROC_FD.is_dir():
        return None
    try:
        return os.open(target.parent, flag | os.O_RDWR, 0o666)
    except IsADirectoryError:  # a kernel without O_TMPFILE reads the flags as O_DIRECTORY
        return None
    except OSError as error:
        if not target.parent.is_dir():
            raise InputError(f"{target}: cannot write ({error.strerror})") from None
        return None  # e.g. EOPNOTSUPP: this file system has no unnamed files


def _name_unnamed(fd: int, target: Path) -> None:
    """Link the unnamed file beside target, then rename it over target (atomic).

    Linking needs linkat() to follow /proc/self/fd/N; where that is refused, the records are
    copied to a named temporary file instead.
    """
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        try:
            proc = os.open(PROC_FD, os.O_RDONLY | os.O_DIRECTORY)
            try:  # a src_dir_fd makes os.link call linkat, which can follow the fd's link
                os.link(str(fd), temporary, src_dir_fd=proc, follow_symlinks=True)
            finally:
                os.close(proc)
        except OSError:
            os.lseek(fd, 0, os.SEEK_SET)
            with os.fdopen(os.dup(fd), "rb") as records, temporary.open("xb") as copy:
                shutil.copyfileobj(records, copy)
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
