"""`ingest extract`: documents JSONL in, event records JSONL out (owned by the extraction area).

Memory is bounded per document: a line longer than max_line_bytes is an error naming it, and
a text longer than max_document_chars is cut at a paragraph boundary before extraction (its
records then say `is_text_cut`).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any, Protocol

import click

from ingest.config import load_settings
from ingest.errors import InputError
from ingest.extract import extract
from ingest.limits import DEFAULT_MAX_DOCUMENT_CHARS, limit_document
from ingest.records import Document

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
        source_id=optional("source_id"),
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

    Writes one event record per line; a document's first line is its primary event. A text
    longer than max_document_chars is cut at a paragraph boundary first (its records say
    is_text_cut).
    """
    settings = load_settings(settings_path)
    limits = (settings.max_document_chars, settings.max_line_bytes)
    try:
        source = click.open_file(docs, "rb")
    except OSError as error:
        raise InputError(f"{docs}: cannot read ({error.strerror})") from None
    with source:
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


def _write_atomically(
    source: IO[bytes], path: str, target: Path, max_chars: int, max_line_bytes: int
) -> None:
    """Write to a temporary sibling and rename on success: a failed run leaves no partial file."""
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
