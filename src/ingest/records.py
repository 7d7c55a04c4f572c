"""The records that flow between stages: documents in, event records out (frozen, typed).

Field names and meanings follow ../shared/design/event-record.md; the Parquet schemas in
`ingest.schemas` are declared from the same names.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

EventType = Literal["meeting", "call", "visit", "conference", "signing", "statement", "other"]
EVENT_TYPES: tuple[str, ...] = (
    "meeting",
    "call",
    "visit",
    "conference",
    "signing",
    "statement",
    "other",
)
DateBasis = Literal["explicit", "relative", "published", "none"]
DATE_BASES: tuple[str, ...] = ("explicit", "relative", "published", "none")
Role = Literal["host", "guest", "caller", "issuer"]
# How a participant's name stands: written in full, a short mention resolved to the full name
# given earlier in the document, or a single name with nothing in the document to complete it
NameStatus = Literal["full", "resolved", "surname_only"]
NAME_STATUSES: tuple[str, ...] = ("full", "resolved", "surname_only")


@dataclass(frozen=True, slots=True)
class Document:
    """One version of one press release, as the extractor and the documents table see it.

    `published` is the publisher's local timestamp or date in ISO-8601 (offset included when
    known): relative dates in the text resolve against its date part.
    """

    doc_id: str
    text: str
    title: str | None = None
    url: str | None = None
    published: str | None = None
    source_id: str | None = None
    guid: str | None = None
    published_at: datetime | None = None  # UTC
    summary: str | None = None
    language: str | None = None
    content_hash: str = ""
    # the text was cut at max_document_chars (ingest.limits), and its length before the cut
    # (None when unknown: a page cut before its text was extracted)
    is_text_cut: bool = False
    original_text_chars: int | None = None

    def with_content_hash(self) -> Document:
        """Return a copy whose content_hash covers the fields a revision can change."""
        return dataclasses.replace(self, content_hash=content_hash_of(self.title, self.text))


def content_hash_of(title: str | None, text: str) -> str:
    """Hash of what a revision changes: headline and body (whitespace-normalised)."""
    normalised = " ".join((title or "").split()) + "\x1f" + " ".join(text.split())
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class Participant:
    name: str
    title: str | None = None
    affiliation: str | None = None
    role: Role | None = None
    name_status: NameStatus = "full"
    # the rule that settled `affiliation` (ingest.extract.rules, "affiliation.*"): the text's own
    # words about the person, or a default of the release (publisher, most named country)
    affiliation_rule: str | None = None


@dataclass(frozen=True, slots=True)
class Quote:
    speaker: str | None
    text: str


@dataclass(frozen=True, slots=True)
class Amount:
    value: float
    currency: str | None
    text: str


@dataclass(frozen=True, slots=True)
class Evidence:
    """Character offsets [start, end) in the document text that support one value of `field`,
    and the id of the rule that produced the value (`ingest.extract.rules` lists every id)."""

    field: str
    start: int
    end: int
    rule: str


@dataclass(frozen=True, slots=True)
class EventRecord:
    event_id: str
    doc_id: str
    is_primary: bool
    event_type: str
    extractor_version: str
    source_id: str | None = None
    source_url: str | None = None
    title: str | None = None
    published_at: datetime | None = None
    cameo_code: str | None = None
    event_date: date | None = None
    date_basis: str = "none"
    location_name: str | None = None
    city: str | None = None
    country_code: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    participants: tuple[Participant, ...] = ()
    mentioned_people: tuple[Participant, ...] = ()
    quotes: tuple[Quote, ...] = ()
    topics: tuple[str, ...] = ()
    countries_mentioned: tuple[str, ...] = ()
    amounts: tuple[Amount, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    confidence: float = 0.0
    content_hash: str = ""  # the document version the record was extracted from
    is_text_cut: bool = False  # extracted from a text cut at max_document_chars

    def to_row(self) -> dict[str, Any]:
        """A plain dict with nested lists of dicts: the shape of one `events` table row."""
        row = dataclasses.asdict(self)
        for key in (
            "participants",
            "mentioned_people",
            "quotes",
            "amounts",
            "evidence",
            "topics",
            "countries_mentioned",
        ):
            row[key] = list(row[key])
        return row

    def to_json_dict(self) -> dict[str, Any]:
        """The JSON line `ingest extract` writes: dates as ISO strings."""
        row = self.to_row()
        row["event_date"] = self.event_date.isoformat() if self.event_date else None
        row["published_at"] = self.published_at.isoformat() if self.published_at else None
        return row


def event_id_of(doc_id: str, ordinal: int, event_type: str) -> str:
    """Stable event id: same document + same event position and type -> same id everywhere."""
    key = f"{doc_id}\x1f{ordinal}\x1f{event_type}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:24]


@dataclass(frozen=True, slots=True)
class Reject:
    """Something a stage could not take: kept as data with a reason, never silently dropped."""

    source_id: str | None
    item_id: str | None  # doc id, entry id or URL of what was refused
    stage: str  # fetch | parse | article | extract | store | backfill
    reason: str  # one line a person can act on
    excerpt: str = ""

    @property
    def reject_id(self) -> str:
        key = f"{self.source_id}\x1f{self.item_id}\x1f{self.stage}\x1f{self.reason}"
        return hashlib.sha256(key.encode("utf-8")).hexdigest()[:24]
