"""The demo's warehouse, built in-process from what `make demo` reads: the bundled captured
feeds (config/demo.toml) and the bundled archive of earlier releases (config/demo/archive/).

`ingest demo` runs these through Prefect flows; here the same library calls run in a straight
line (read, extract, write, publish), which skips Prefect's server start: about the extraction
time of ~2,000 releases.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

from ingest import store, warehouse
from ingest.backfill import backfill_feed, read_items
from ingest.cli.pipeline import DEMO_ARCHIVE_SOURCE, DEMO_ARCHIVE_TIMEZONE, demo_archives
from ingest.config import Feed, Settings, load_feeds
from ingest.extract import extract
from ingest.records import Document
from ingest.sources import iter_items

REPO = Path(__file__).resolve().parents[2]
DEMO_FEEDS = REPO / "config" / "demo.toml"


def demo_sources() -> list[tuple[Feed, Path]]:
    """Each bundled capture with its configured feed, then each archive with the demo's source."""
    captures = [
        (feed, Path(url2pathname(urlparse(feed.url).path))) for feed in load_feeds(DEMO_FEEDS)
    ]
    archive_feed = backfill_feed(DEMO_ARCHIVE_SOURCE, DEMO_ARCHIVE_TIMEZONE)
    return [*captures, *((archive_feed, path) for path in demo_archives(DEMO_FEEDS))]


def build_demo_warehouse(settings: Settings) -> None:
    """Store every demo document once with its events, and publish them."""
    now = datetime.now(UTC)
    load_id = store.new_load_id(now)
    documents: dict[str, Document] = {}
    for feed, path in demo_sources():
        batch = read_items(list(iter_items(path, settings)), feed, settings.max_document_chars)
        assert not batch.rejects, batch.rejects[:3]
        documents.update((document.doc_id, document) for document in batch.documents)
    records = [record for document in documents.values() for record in extract(document)]
    store.write_events(settings, records, load_id, now)
    store.write_documents(settings, list(documents.values()), now, load_id)
    warehouse.publish(settings, load_id)
