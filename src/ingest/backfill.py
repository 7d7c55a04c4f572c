"""Documents from elsewhere than live feeds: saved files and archives, or the store itself.

The files of a backfill source come from `ingest.sources` (read whole, or JSONL in pieces of
lines, or refused with the reason); each file kind has one reader in READERS, which turns the
bytes into documents and rejects. A refused file (or line) becomes a reject with its name and
the reason; the others go on. Every document's text is cut to max_document_chars when it is
made (ingest.limits). Reprocessing selects stored documents whose events came from another
extractor version.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from typing import Any

from ingest.config import Feed, Settings
from ingest.errors import InputError
from ingest.limits import DEFAULT_MAX_DOCUMENT_CHARS, cut_page, limit_document
from ingest.parse import canonical_link, doc_id_of, identity_key, parse_bytes
from ingest.records import Document, Reject
from ingest.sources import Item, kind_of
from ingest.store import read_table

BACKFILL_SOURCE = "backfill"
MAX_REASON_CHARS = 300
MAX_EXCERPT_CHARS = 200
UTF8_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True, slots=True)
class Batch:
    """Documents and rejects read from some items."""

    documents: tuple[Document, ...] = ()
    rejects: tuple[Reject, ...] = ()
    entries: int = 0  # feed entries, JSONL lines and pages read


Reader = Callable[[Item, Feed, int], Batch]


def backfill_feed(
    source_id: str = BACKFILL_SOURCE, timezone: str = "UTC", language: str = "en"
) -> Feed:
    """The feed backfilled documents are attributed to when no configured feed is named.

    Name the configured feed instead (`ingest backfill --feed ID`) to give a feed's archive the
    same document ids, time zone and language as its live ingestion.
    """
    return Feed(
        id=source_id,
        url=f"file:///backfill/{source_id}",
        publisher=source_id,
        country="",  # not used for documents; only configured feeds need a real one
        language=language,
        timezone=timezone,
        full_text="never",
    )


def read_items(
    items: Sequence[Item], feed: Feed, max_document_chars: int = DEFAULT_MAX_DOCUMENT_CHARS
) -> Batch:
    """Read items with the reader their names call for; refused ones become rejects."""
    documents: list[Document] = []
    rejects: list[Reject] = []
    entries = 0
    for item in items:
        batch = read_item(item, feed, max_document_chars)
        documents += batch.documents
        rejects += batch.rejects
        entries += batch.entries
    return Batch(tuple(documents), tuple(rejects), entries)


def read_item(
    item: Item, feed: Feed, max_document_chars: int = DEFAULT_MAX_DOCUMENT_CHARS
) -> Batch:
    if item.refused is not None:
        where = item.name if item.line is None else f"{item.name}:{item.line}"
        return Batch(rejects=(_reject(feed, where, item.refused),))
    kind = kind_of(item.name)
    if kind is None:
        return Batch(rejects=(_reject(feed, item.name, "not a feed, JSONL or HTML file"),))
    return READERS[kind](item, feed, max_document_chars)


def read_feed_file(item: Item, feed: Feed, max_document_chars: int) -> Batch:
    """A saved RSS/Atom file: the same parser as live feeds, so ids match live ingestion.

    A file that parsed with errors keeps its whole entries; its parse warning names the file.
    """
    parsed = parse_bytes(feed, item.data, base_url=feed.url, max_document_chars=max_document_chars)
    rejects = tuple(_renamed(r, item.name) for r in parsed.rejects)
    return Batch(parsed.documents, rejects, parsed.entries)


def _renamed(reject: Reject, name: str) -> Reject:
    """A whole-file parse reject names the file rather than the backfill feed's URL."""
    if reject.item_id in (None, "") or str(reject.item_id).startswith("file:"):
        return Reject(reject.source_id, name, reject.stage, reject.reason, reject.excerpt)
    return reject


def read_jsonl(item: Item, feed: Feed, max_document_chars: int) -> Batch:
    """JSONL documents, one object per line: {id, url, title, published, text} at least text.

    `item` is a whole file or a piece of one (`item.line`: its first line's number); each line
    is read on its own, so a bad line (not UTF-8, not JSON, no text) is one reject.
    """
    documents: list[Document] = []
    rejects: list[Reject] = []
    first = item.line or 1
    for number, raw in enumerate(item.data.split(b"\n"), start=first):
        if number == 1:
            raw = raw.removeprefix(UTF8_BOM)
        if not raw.strip():
            continue
        where = f"{item.name}:{number}"
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            rejects.append(_reject(feed, where, f"not UTF-8: {error}"))
            continue
        try:
            documents.append(document_from_json(json.loads(line), feed, max_document_chars))
        except (json.JSONDecodeError, InputError) as error:
            rejects.append(_reject(feed, where, str(error), line[:MAX_EXCERPT_CHARS]))
    return Batch(tuple(documents), tuple(rejects), len(documents) + len(rejects))


def document_from_json(
    row: Any, feed: Feed, max_document_chars: int = DEFAULT_MAX_DOCUMENT_CHARS
) -> Document:
    """A Document from one JSON object; the id is kept when given, else derived like a feed's."""
    if not isinstance(row, dict):
        raise InputError("line is not a JSON object")
    text = row.get("text")
    if not isinstance(text, str) or not text.strip():
        raise InputError("no 'text'")
    fields = {k: _string(row, k) for k in ("title", "url", "published", "guid", "summary")}
    published_at = _utc_timestamp(fields["published"])
    given = row.get("doc_id") or row.get("id")
    key = identity_key(fields["guid"], fields["url"], fields["title"], fields["published"])
    if not given and key is None:
        raise InputError("no id, guid, url, title or published date to identify the document")
    source = _string(row, "source_id") or feed.id
    document = Document(
        doc_id=str(given) if given else doc_id_of(source, key or ""),
        text=text,
        title=fields["title"],
        url=fields["url"],
        published=fields["published"],
        source_id=source,
        guid=fields["guid"],
        published_at=published_at,
        summary=fields["summary"],
        language=_string(row, "language") or feed.language,
    )
    return limit_document(document, max_document_chars).with_content_hash()


def _string(row: dict[str, Any], key: str) -> str | None:
    value = row.get(key)
    if value is not None and not isinstance(value, str):
        raise InputError(f"'{key}' must be a string")
    return value or None


def _utc_timestamp(published: str | None) -> datetime | None:
    """The UTC instant of an ISO timestamp with an offset; a bare date or local time names none."""
    if not published:
        return None
    try:
        if len(published) <= 10:
            date.fromisoformat(published)
            return None
        moment = datetime.fromisoformat(published)
    except ValueError:
        raise InputError(f"'published' is not an ISO-8601 date or time: {published!r}") from None
    return moment.astimezone(UTC) if moment.tzinfo else None


class _PageMeta(HTMLParser):
    """Title, canonical link and publication time from a page's head (no full DOM needed)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self._in_title = False
        self._title: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k.lower(): v or "" for k, v in attrs}
        if tag == "title":
            self._in_title = True
        elif tag == "link" and "canonical" in values.get("rel", "").lower().split():
            self.meta.setdefault("canonical", values.get("href", ""))
        elif tag == "meta":
            name = (values.get("property") or values.get("name") or "").lower()
            if name in PAGE_META and values.get("content"):
                self.meta.setdefault(PAGE_META[name], values["content"].strip())
        elif tag == "time" and values.get("datetime"):
            self.meta.setdefault("time", values["datetime"].strip())

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self._title.append(data)

    @property
    def title(self) -> str | None:
        return " ".join("".join(self._title).split()) or None


# meta names that carry what a feed entry would: canonical URL, headline, publication time
PAGE_META = {
    "og:url": "canonical",
    "og:title": "title",
    "twitter:title": "title",
    "article:published_time": "published",
    "og:article:published_time": "published",
    "date": "published",
    "dc.date": "published",
    "dcterms.created": "published",
    "pubdate": "published",
}


def read_html(item: Item, feed: Feed, max_document_chars: int) -> Batch:
    """A saved article page: main text with the article extractor, head fields from meta tags.

    A page too long to extract whole is cut first (`ingest.limits.cut_page`), its text after.
    """
    from ingest.article import main_text_from_html  # trafilatura loads only when pages come

    html, page_cut = cut_page(item.data.decode("utf-8", "replace"), max_document_chars)
    meta = _PageMeta()
    meta.feed(html)
    meta.close()
    url = meta.meta.get("canonical") or None
    text = main_text_from_html(html, url)
    if not text or not text.strip():
        return Batch(
            rejects=(_reject(feed, item.name, "no article text found in the page"),), entries=1
        )
    title = meta.meta.get("title") or meta.title
    published = meta.meta.get("published") or meta.meta.get("time")
    try:
        published_at = _utc_timestamp(published)
    except InputError:
        published, published_at = None, None
    key = identity_key(None, canonical_link(url) if url else None, title, published) or item.name
    document = Document(
        doc_id=doc_id_of(feed.id, key),
        text=text,
        title=title,
        url=url,
        published=published,
        source_id=feed.id,
        published_at=published_at,
        language=feed.language,
    )
    document = limit_document(document, max_document_chars, page_cut=page_cut)
    return Batch((document.with_content_hash(),), (), 1)


def _reject(feed: Feed, item_id: str, reason: str, excerpt: str = "") -> Reject:
    return Reject(
        feed.id, item_id, "backfill", " ".join(reason.split())[:MAX_REASON_CHARS], excerpt
    )


READERS: dict[str, Reader] = {"feed": read_feed_file, "jsonl": read_jsonl, "html": read_html}


# --- reprocessing ----------------------------------------------------------------------------


def documents_to_reprocess(
    settings: Settings, extractor_version: str, *, everything: bool = False
) -> list[Document]:
    """Latest document versions whose latest events came from another extractor version.

    Documents whose events already come from this version (and this content) are left alone,
    so a second reprocess finds nothing to do. `everything` re-extracts every latest version,
    including documents that never yielded an event.
    """
    documents = read_table(settings, "documents").to_pylist()
    latest_docs = _newest(documents, "fetched_at")
    if not everything:
        columns = ["doc_id", "content_hash", "extractor_version", "extracted_at", "load_id"]
        events = _newest(read_table(settings, "events", columns).to_pylist(), "extracted_at")
        latest_docs = {
            doc_id: row
            for doc_id, row in latest_docs.items()
            if doc_id in events
            and (events[doc_id]["content_hash"], events[doc_id]["extractor_version"])
            != (row["content_hash"], extractor_version)
        }
    # a text stored whole before the limit existed is cut like a new one; its stored version
    # (content_hash) is the one the events come from
    limit = settings.max_document_chars
    return [
        limit_document(_document_from_row(row), limit) for _, row in sorted(latest_docs.items())
    ]


def _newest(rows: list[dict[str, Any]], time_column: str) -> dict[str, dict[str, Any]]:
    """doc_id -> its newest row (by time, then load_id)."""
    newest: dict[str, dict[str, Any]] = {}
    for row in sorted(
        rows, key=lambda r: (r[time_column] or datetime.min.replace(tzinfo=UTC), r["load_id"] or "")
    ):
        newest[row["doc_id"]] = row
    return newest


def _document_from_row(row: dict[str, Any]) -> Document:
    return Document(
        doc_id=row["doc_id"],
        text=row["text"] or "",
        title=row["title"],
        url=row["url"],
        published=row["published_local"],
        source_id=row["source_id"],
        guid=row["guid"],
        published_at=row["published_at"],
        summary=row["summary"],
        language=row["language"],
        content_hash=row["content_hash"] or "",
        is_text_cut=bool(row["is_text_cut"]),
        original_text_chars=row["original_text_chars"],
    )
