"""Hand-made documents and event records shaped like the seed example (Rubio meets Rutte)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

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
