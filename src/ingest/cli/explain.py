"""`ingest explain DOC_ID`: a document's event values beside the passages that produced them."""

from __future__ import annotations

from pathlib import Path

import click

from ingest import warehouse
from ingest.cli.extract import read_documents
from ingest.cli.warehouse import settings_option
from ingest.config import load_settings
from ingest.errors import InputError, StoreError
from ingest.explain import Explained, explain
from ingest.extract import extract

EVENT_COLUMNS = (
    "event_id",
    "is_primary",
    "event_type",
    "cameo_code",
    "event_date",
    "date_basis",
    "location_name",
    "city",
    "country_code",
    "participants",
    "mentioned_people",
    "quotes",
    "amounts",
    "topics",
    "countries_mentioned",
    "evidence",
    "confidence",
    "extractor_version",
)
DOCUMENT_SQL = "select title, text from stg_documents where doc_id = ?"


@click.command("explain")
@click.argument("doc_id")
@click.option(
    "--docs",
    "docs_path",
    type=click.Path(dir_okay=False, exists=True),
    default=None,
    help="Extract the document from this JSONL file now instead of reading the warehouse.",
)
@settings_option
def explain_command(doc_id: str, docs_path: str | None, settings_path: str | None) -> None:
    """Print each value of DOC_ID's events with the passage of the release that supports it.

    Reads the document's current events from the warehouse, or (--docs) extracts it from a
    documents file, so a wrong value leads to the words it came from.
    """
    settings = load_settings(settings_path)
    if docs_path is not None:
        click.echo(explain(_from_file(doc_id, Path(docs_path), settings.max_document_chars)))
        return
    warehouse.refresh_serving_file(settings)
    document = warehouse.query(settings, DOCUMENT_SQL, [doc_id]).rows
    if not document:
        raise StoreError(f"no stored document with id {doc_id!r}")
    result = warehouse.event_records(settings, EVENT_COLUMNS, doc_id)
    events = [dict(zip(result.columns, row, strict=True)) for row in result.rows]
    title, text = document[0]
    click.echo(explain(Explained(doc_id, title, text or "", events)))


def _from_file(doc_id: str, path: Path, max_chars: int) -> Explained:
    with path.open("rb") as stream:
        for document in read_documents(stream, str(path), max_chars):
            if document.doc_id == doc_id:
                records = [record.to_row() for record in extract(document)]
                return Explained(doc_id, document.title, document.text, records)
    raise InputError(f"{path}: no document with id {doc_id!r}")


COMMANDS: list[click.Command] = [explain_command]
