"""Real labeled releases of tests/fixtures, by set and id, for unit tests built from them."""

from __future__ import annotations

import functools
from pathlib import Path

from ingest.cli.extract import read_documents
from ingest.extract import extract
from ingest.records import Document, EventRecord

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@functools.cache
def _documents(set_name: str) -> dict[str, Document]:
    """Every release of tests/fixtures/`set_name` by id, read once per test process."""
    path = FIXTURES / set_name / "docs.jsonl"
    with path.open("rb") as stream:
        return {d.doc_id: d for d in read_documents(stream, str(path))}


def real_document(set_name: str, doc_id: str) -> Document:
    """Release `doc_id` of tests/fixtures/`set_name`."""
    return _documents(set_name)[doc_id]


def primary_record(set_name: str, doc_id: str) -> EventRecord:
    """The primary record extracted from release `doc_id` of tests/fixtures/`set_name`."""
    return next(r for r in extract(real_document(set_name, doc_id)) if r.is_primary)
