"""Hand-made documents and event records shaped like the seed example (Rubio meets Rutte),
real archive releases read as the pipeline reads them, and the published marts' rows."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from ingest import publication, store, warehouse
from ingest.config import Settings
from ingest.records import Amount, Document, EventRecord, Participant, Quote, event_id_of

FETCHED_AT = datetime(2025, 4, 3, 18, 0, tzinfo=UTC)
EXTRACTED_AT = datetime(2025, 4, 3, 18, 5, tzinfo=UTC)


def write_settings_file(directory: Path) -> Path:
    """settings.toml placing the data root and the serving file in `directory`."""
    path = directory / "settings.toml"
    path.write_text(
        f'data_root = "{directory / "data"}"\nserving_path = "{directory / "ingest.duckdb"}"\n',
        encoding="utf-8",
    )
    return path


def archive_releases(path: Path) -> list[Document]:
    """Releases of the demo's State Department archive kept whole as JSONL (id, text, title, url,
    published), as the pipeline reads them."""
    documents = []
    for line in path.read_text(encoding="utf-8").splitlines():
        raw = json.loads(line)
        document = Document(
            doc_id=raw["id"],
            text=raw["text"],
            title=raw["title"],
            url=raw["url"],
            published=raw["published"],
            published_at=datetime.fromisoformat(raw["published"]),
            source_id="us-state-archive",
        )
        documents.append(document.with_content_hash())
    return documents


def with_affiliation(event: EventRecord, name: str, affiliation: str, rule: str) -> EventRecord:
    """`event` with the participant called `name` given `affiliation` by `rule`: what an earlier
    extractor stored for a real release, as warehouses keep it until it is reprocessed."""
    participants = tuple(
        dataclasses.replace(p, affiliation=affiliation, affiliation_rule=rule)
        if p.name == name
        else p
        for p in event.participants
    )
    return dataclasses.replace(event, participants=participants)


def publish_extracted(
    settings: Settings,
    documents: list[Document],
    stored: Callable[[EventRecord], EventRecord] = lambda event: event,
) -> None:
    """Store `documents` and their extracted events (as `stored` shapes them) in one load, and
    publish them."""
    from ingest.extract import extract

    store.write_documents(settings, documents, FETCHED_AT, "L1")
    events = [stored(event) for document in documents for event in extract(document)]
    store.write_events(settings, events, "L1", EXTRACTED_AT)
    warehouse.publish(settings)


MATERIALIZED = [view.name for view in warehouse.load_views() if view.materialized]


def mart_rows(settings: Settings) -> dict[str, list[tuple[object, ...]]]:
    """Every materialized mart's rows in the published snapshot, sorted (to compare two ways
    of computing them)."""
    snapshot = publication.read(settings).marts_snapshot
    assert snapshot is not None
    found = {}
    for name in MATERIALIZED:
        table = pq.read_table(store.mart_path(settings, name, snapshot))
        found[name] = sorted(map(tuple, (row.values() for row in table.to_pylist())), key=repr)
    return found


def make_document(doc_id: str = "seed-rubio-rutte", text: str | None = None, **kw: Any) -> Document:
    document = Document(
        doc_id=doc_id,
        text=text or f"Secretary Rubio met NATO Secretary General Rutte ({doc_id}).",
        title=kw.pop("title", "Secretary Rubio's Meeting with NATO Secretary General Rutte"),
        url=kw.pop("url", f"https://www.state.gov/releases/{doc_id}"),
        published=kw.pop("published", "2025-04-03T14:00:00-04:00"),
        published_at=kw.pop("published_at", datetime(2025, 4, 3, 18, 0, tzinfo=UTC)),
        source_id=kw.pop("source_id", "state-gov"),
        **kw,
    )
    return document.with_content_hash()


def make_event(document: Document, ordinal: int = 0, **kw: Any) -> EventRecord:
    event_type = kw.pop("event_type", "meeting")
    record = EventRecord(
        event_id=event_id_of(document.doc_id, ordinal, event_type),
        doc_id=document.doc_id,
        is_primary=ordinal == 0,
        event_type=event_type,
        extractor_version=kw.pop("extractor_version", "1.0.0"),
        source_id=document.source_id,
        source_url=document.url,
        title=document.title,
        published_at=document.published_at,
        cameo_code="040",
        event_date=date(2025, 4, 3),
        date_basis="explicit",
        location_name="NATO Headquarters",
        city="Brussels",
        country_code="BE",
        latitude=50.8503,
        longitude=4.3517,
        participants=(
            Participant("Marco Rubio", "Secretary of State", "US", "guest"),
            Participant("Mark Rutte", "Secretary General", "NATO", "host"),
        ),
        mentioned_people=(Participant("Donald Trump", "President", "US", None),),
        quotes=(Quote("Marco Rubio", "NATO is stronger than ever."),),
        topics=("Ukraine", "defense spending"),
        countries_mentioned=("UA", "RU", "CN", "KP", "IR"),
        amounts=(Amount(20e9, "USD", "$20 billion"),),
        confidence=0.9,
        content_hash=document.content_hash,
    )
    return dataclasses.replace(record, **kw)
