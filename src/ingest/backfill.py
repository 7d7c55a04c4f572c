"""Documents from elsewhere than live feeds: saved files and archives, or the store itself.

A backfill source is a directory or an archive (.zip, .tar, .tar.gz, .tgz) of feed files
(.xml, .rss, .atom), JSONL documents (.jsonl, one {id, url, title, published, text} per line) and
saved article pages (.html, .htm). Each file kind has one reader in READERS. A file that cannot be
read becomes a reject with its name and the reason; the others go on. Reprocessing selects stored
documents whose events came from another extractor version.
"""

from __future__ import annotations

import json
import tarfile
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from typing import Any

from ingest.config import Feed, Settings
from ingest.errors import InputError
from ingest.parse import canonical_link, doc_id_of, identity_key, parse_bytes
from ingest.records import Document, Reject
from ingest.store import read_table

BACKFILL_SOURCE = "backfill"
ARCHIVE_SUFFIXES = (".zip", ".tar", ".tar.gz", ".tgz")
MAX_REASON_CHARS = 300


@dataclass(frozen=True, slots=True)
class Item:
    """One file of a backfill source: its name inside the source, and its bytes."""

    name: str
    data: bytes


@dataclass(frozen=True, slots=True)
class Batch:
    """Documents and rejects read from some items."""

    documents: tuple[Document, ...] = ()
    rejects: tuple[Reject, ...] = ()
    entries: int = 0  # feed entries, JSONL lines and pages read


Reader = Callable[[Item, Feed], Batch]


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


def kind_of(name: str) -> str | None:
    """The reader a file name calls for (None: not a backfill file)."""
    suffix = PurePosixPath(name.lower()).suffix
    return next((kind for kind, suffixes in SUFFIXES.items() if suffix in suffixes), None)


def is_archive(path: Path) -> bool:
    return path.is_file() and path.name.lower().endswith(ARCHIVE_SUFFIXES)


def list_items(path: str | Path) -> list[str]:
    """Names of the backfill files in a directory or archive, in the order they are read."""
    source = Path(path)
    if source.is_dir():
        return [str(p.relative_to(source)) for p in _directory_files(source)]
    if is_archive(source):
        return [name for name, _size in _archive_members(source)]
    if source.is_file() and kind_of(source.name):
        return [source.name]
    raise InputError(f"{source}: not a directory, an archive or a feed/JSONL/HTML file")


def iter_items(path: str | Path, max_bytes: int) -> Iterator[Item]:
    """The backfill files of a directory or archive with their bytes, capped at max_bytes each.

    A file over the cap is yielded empty, so that its reader rejects it with the reason.
    """
    source = Path(path)
    if source.is_dir():
        for file in _directory_files(source):
            name = str(file.relative_to(source))
            size = file.stat().st_size
            yield Item(name, file.read_bytes() if size <= max_bytes else b"")
    elif is_archive(source):
        yield from _archive_items(source, max_bytes)
    elif source.is_file():
        yield Item(source.name, source.read_bytes()[: max_bytes + 1])
    else:
        raise InputError(f"{source}: not a directory, an archive or a feed/JSONL/HTML file")


def _directory_files(directory: Path) -> list[Path]:
    return sorted(
        p
        for p in directory.rglob("*")
        if p.is_file()
        and not any(part.startswith(".") for part in p.relative_to(directory).parts)
        and kind_of(p.name)
    )


def _archive_members(path: Path) -> list[tuple[str, int]]:
    try:
        if path.name.lower().endswith(".zip"):
            with zipfile.ZipFile(path) as archive:
                members = [(i.filename, i.file_size) for i in archive.infolist() if not i.is_dir()]
        else:
            with tarfile.open(path) as archive:
                members = [(m.name, m.size) for m in archive.getmembers() if m.isfile()]
    except (zipfile.BadZipFile, tarfile.TarError, OSError) as error:
        raise InputError(f"{path}: not a readable archive: {error}") from None
    return sorted((name, size) for name, size in members if _wanted(name))


def _wanted(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return bool(kind_of(name)) and not any(p.startswith((".", "__MACOSX")) for p in parts)


def _archive_items(path: Path, max_bytes: int) -> Iterator[Item]:
    wanted = dict(_archive_members(path))
    if path.name.lower().endswith(".zip"):
        with zipfile.ZipFile(path) as archive:
            for name in sorted(wanted):
                # the declared size can lie (zip bombs): read at most one byte past the cap
                with archive.open(name) as member:
                    data = member.read(max_bytes + 1)
                yield Item(name, data if len(data) <= max_bytes else b"")
        return
    with tarfile.open(path) as archive:
        for entry in archive:
            if entry.name not in wanted:
                continue
            handle = archive.extractfile(entry)
            data = handle.read(max_bytes + 1) if handle is not None else b""
            yield Item(entry.name, data if len(data) <= max_bytes else b"")


def read_items(items: Sequence[Item], feed: Feed) -> Batch:
    """Read items with the reader their names call for; unreadable ones become rejects."""
    documents: list[Document] = []
    rejects: list[Reject] = []
    entries = 0
    for item in items:
        batch = read_item(item, feed)
        documents += batch.documents
        rejects += batch.rejects
        entries += batch.entries
    return Batch(tuple(documents), tuple(rejects), entries)


def read_item(item: Item, feed: Feed) -> Batch:
    kind = kind_of(item.name)
    if kind is None:
        return Batch(rejects=(_reject(feed, item.name, "not a feed, JSONL or HTML file"),))
    if not item.data:
        return Batch(rejects=(_reject(feed, item.name, "empty, or over the size cap"),))
    return READERS[kind](item, feed)


def read_feed_file(item: Item, feed: Feed) -> Batch:
    """A saved RSS/Atom file: the same parser as live feeds, so ids match live ingestion."""
    parsed = parse_bytes(feed, item.data, base_url=feed.url)
    rejects = tuple(_renamed(r, item.name) for r in parsed.rejects)
    return Batch(parsed.documents, rejects, parsed.entries)


def _renamed(reject: Reject, name: str) -> Reject:
    """A whole-file parse reject names the file rather than the backfill feed's URL."""
    if reject.item_id in (None, "") or str(reject.item_id).startswith("file:"):
        return Reject(reject.source_id, name, reject.stage, reject.reason, reject.excerpt)
    return reject


def read_jsonl(item: Item, feed: Feed) -> Batch:
    """JSONL documents, one object per line: {id, url, title, published, text} at least text."""
    documents: list[Document] = []
    rejects: list[Reject] = []
    try:
        lines = item.data.decode("utf-8").splitlines()
    except UnicodeDecodeError as error:
        return Batch(rejects=(_reject(feed, item.name, f"not UTF-8: {error}"),))
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            documents.append(document_from_json(json.loads(line), feed))
        except (json.JSONDecodeError, InputError) as error:
            rejects.append(_reject(feed, f"{item.name}:{number}", str(error), line[:200]))
    return Batch(tuple(documents), tuple(rejects), len(documents) + len(rejects))


def document_from_json(row: Any, feed: Feed) -> Document:
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
    return Document(
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
    ).with_content_hash()


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


def read_html(item: Item, feed: Feed) -> Batch:
    """A saved article page: main text with the article extractor, head fields from meta tags."""
    from ingest.article import main_text_from_html  # trafilatura loads only when pages come

    html = item.data.decode("utf-8", "replace")
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
    ).with_content_hash()
    return Batch((document,), (), 1)


def _reject(feed: Feed, item_id: str, reason: str, excerpt: str = "") -> Reject:
    return Reject(
        feed.id, item_id, "backfill", " ".join(reason.split())[:MAX_REASON_CHARS], excerpt
    )


SUFFIXES: dict[str, tuple[str, ...]] = {
    "feed": (".xml", ".rss", ".atom"),
    "jsonl": (".jsonl", ".ndjson"),
    "html": (".html", ".htm"),
}
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
    return [_document_from_row(row) for _doc_id, row in sorted(latest_docs.items())]


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
    )
