"""Feed bytes to Documents: feedparser for the XML, our own identity, dates and HTML-to-text.

Document identity (doc_id = f"{feed.id}:{sha256(key)[:24]}") with key, in order of preference:
the entry's GUID (stripped), else its canonical link (lower-case scheme and host, no fragment,
no tracking parameters), else title + "\\x1f" + the published timestamp. A GUID repeated inside
one fetch gets the link and title appended to its key (then an ordinal if still equal); an exact
repeat of an earlier entry is rejected as a duplicate. The feed id prefix keeps ids from
different feeds apart even when publishers reuse GUIDs such as "1", "2", ...

A feed that is not well-formed XML still gives the entries feedparser's loose parser found, but
only the whole ones: an entry whose end tag never came (the body was cut short, or a CDATA
section never closed) is refused, and the feed gets a parse warning naming the error. Notes
feedparser itself calls harmless (a mislabelled content type or encoding) are no warning.
Text longer than max_document_chars is cut at a paragraph boundary (ingest.limits).

Importing this module adjusts feedparser for speed, never for output (ingest.feedtuning).
"""

from __future__ import annotations

import calendar
import hashlib
import io
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_tz
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit
from zoneinfo import ZoneInfo

import feedparser
import feedparser.api
import feedparser.exceptions
import feedparser.html
import feedparser.mixin

from ingest import feedtuning  # noqa: F401  (importing it installs the adjustments)
from ingest.config import Feed
from ingest.fetch import FetchResult
from ingest.htmltext import html_to_line, html_to_text, normalise_lines, plain_to_text
from ingest.limits import DEFAULT_MAX_DOCUMENT_CHARS, cut_text
from ingest.records import Document, Reject

DOC_ID_HASH_CHARS = 24
# Publishers fix typos or append updates; each change becomes a new stored version. A feed that
# rewrites a timestamp or tracking token in every body would otherwise add a version per fetch
# forever: past this many versions of one document, further revisions are not stored.
MAX_VERSIONS_PER_DOCUMENT = 20
MAX_REASON_CHARS = 300
# query parameters that identify a click, not a page
TRACKING_PARAMS = re.compile(r"^(utm_[a-z]+|fbclid|gclid|mc_cid|mc_eid|ref|cmpid)$", re.I)
# does a raw date string carry its own offset or zone name? If not, it is the publisher's local
# wall time and is read in the feed's configured time zone (feedparser would assume UTC)
ZONE_SUFFIX = re.compile(r"(Z|[+-]\d{2}:?\d{2}|\b(?:GMT|UTC?|[ECMP][SD]T|[A-IK-Z]))\s*$", re.I)
ABSOLUTE_PREFIXES = ("https://", "http://")  # links that need no urljoin (most of them)
PLAIN_TYPES = frozenset({"text/plain"})
BAD_CHAR_REF = re.compile(rb"&#([xX][0-9a-fA-F]{1,12}|[0-9]{1,12});")
SURROGATES = re.compile("[\ud800-\udfff]")
# C0 and C1 controls except tab and line breaks (normalise_lines handles those)
CONTROL_CHARS = re.compile("[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]")
# what feedparser notes about a feed it still read whole: a content type that is not XML, an
# encoding other than the declared one (its own name for them: "things nobody cares about")
HARMLESS_NOTES = feedparser.exceptions.ThingsNobodyCaresAboutButMe
# in a malformed feed, what the XML itself holds of entry end tags: CDATA sections and comments
# are skipped whole (one never closed runs to the end of the body); every other </item> or
# </entry>, with any namespace prefix, is the end of one whole entry
ENTRY_ENDS = re.compile(
    rb"<!\[CDATA\[.*?(?:\]\]>|\Z)|<!--.*?(?:-->|\Z)|</(?:[\w.-]+:)?(?:item|entry)\s*>",
    re.DOTALL | re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """The documents and rejects of one fetched feed."""

    documents: tuple[Document, ...] = ()
    rejects: tuple[Reject, ...] = ()
    entries: int = 0
    # doc_ids whose text came from a summary only (no fuller body in the feed)
    summary_only: frozenset[str] = field(default_factory=frozenset)
    bozo: str | None = None  # why feedparser found the XML malformed, when entries still parsed
    # the parse warning of a feed that parsed with errors (also in rejects): what was whole
    # is kept, what was cut is refused; a run that meets one is partial
    warning: Reject | None = None


@dataclass(frozen=True, slots=True)
class _Entry:
    key: str | None
    guid: str | None
    link: str | None
    title: str | None
    published_at: datetime | None
    published: str | None
    text: str
    summary: str | None
    summary_only: bool
    original_chars: int | None  # the text's length before it was cut; None when whole


def parse_feed(
    feed: Feed, result: FetchResult, max_document_chars: int = DEFAULT_MAX_DOCUMENT_CHARS
) -> ParsedFeed:
    """Parse the body of a fetched feed; no body (not modified, failed) gives an empty result."""
    if result.body is None:
        return ParsedFeed()
    url = result.final_url or result.url
    return parse_bytes(
        feed, result.body, result.headers, url, max_document_chars=max_document_chars
    )


def parse_bytes(
    feed: Feed,
    body: bytes,
    headers: Mapping[str, str] | None = None,
    base_url: str | None = None,
    *,
    max_document_chars: int = DEFAULT_MAX_DOCUMENT_CHARS,
) -> ParsedFeed:
    """Feed XML to documents; 'bozo and nothing parsed' is one parse reject.

    A malformed feed that still gave entries keeps its whole ones, refuses those cut short,
    and carries a parse warning (`ParsedFeed.warning`, also among its rejects).
    """
    try:
        parsed = _feedparser(body, headers)
    except (UnicodeError, ValueError, OverflowError):
        # feedparser's loose parser raises on character references to surrogates or past
        # U+10FFFF (&#xD800;): repair them (rare, so only on this path) and parse again
        try:
            parsed = _feedparser(BAD_CHAR_REF.sub(_repair_char_ref, body), headers)
        except (UnicodeError, ValueError, OverflowError) as error:
            reason = f"not a feed: feedparser failed: {_one_line(error)}"
            reject = Reject(feed.id, base_url or feed.url, "parse", reason, _excerpt(body))
            return ParsedFeed(rejects=(reject,), bozo=reason)
    entries: list[Any] = parsed.get("entries") or []
    note = parsed.get("bozo_exception") if parsed.get("bozo") else None
    bozo = None if note is None else _one_line(note)
    version = str(parsed.get("version") or "")
    if not entries:
        if bozo is None and version:
            return ParsedFeed()  # a valid feed with no entries right now
        # an HTML login or error page, an empty body: a 200 that is not a feed is a failure
        reason = f"not a feed: {bozo or 'no RSS or Atom root element'}"
        reject = Reject(feed.id, base_url or feed.url, "parse", reason, _excerpt(body))
        return ParsedFeed(rejects=(reject,), bozo=bozo)
    reading = _Reading(
        base_url=base_url or feed.url,
        zone=ZoneInfo(feed.timezone),
        # only Atom declares text types; RSS types are feedparser's guesses, and it guesses
        # "text/plain" for markup it does not know (<script>, <img>): read RSS text as HTML
        trust_plain=version.startswith("atom"),
        # a malformed feed went through feedparser's loose parser, which decodes character
        # references such as &#xD800; or &#0; that well-formed XML cannot contain
        scrub=bozo is not None,
        max_chars=max_document_chars,
    )
    malformed = note is not None and not isinstance(note, HARMLESS_NOTES)
    whole = _whole_entries(body, len(entries)) if malformed else len(entries)
    documents, rejects, summary_only = _documents(feed, entries[:whole], reading)
    rejects += _incomplete(feed, entries, whole)
    warning = None
    if malformed:
        warning = _parse_warning(feed, base_url, f"{bozo}", whole, len(entries))
        rejects.append(warning)
    return ParsedFeed(tuple(documents), tuple(rejects), len(entries), summary_only, bozo, warning)


def _incomplete(feed: Feed, entries: Sequence[Any], whole: int) -> list[Reject]:
    """A reject per entry after the whole ones: the feed ended before their end tags."""
    reason = "entry {} is incomplete: the feed ends inside it"
    return [
        Reject(feed.id, _entry_id(entries[n - 1], n), "parse", reason.format(n))
        for n in range(whole + 1, len(entries) + 1)
    ]


def _parse_warning(
    feed: Feed, base_url: str | None, error: str, whole: int, entries: int
) -> Reject:
    """The reject row saying a feed parsed with errors: the error, and what was whole."""
    cut = entries - whole
    counts = f"{whole} of {entries} entries whole" + (f", {cut} incomplete" if cut else "")
    reason = f"feed parsed with errors ({error}): {counts}"
    return Reject(feed.id, base_url or feed.url, "parse", reason)


def _whole_entries(body: bytes, entries: int) -> int:
    """How many leading entries of a malformed feed reached their end tag (the rest were cut)."""
    if b"\x00" in body[:64]:  # UTF-16 or UTF-32: no byte pattern to count, trust the parser
        return entries
    ends = sum(1 for m in ENTRY_ENDS.finditer(body) if body.startswith(b"</", m.start()))
    return min(entries, ends)


def _entry_id(raw: Any, position: int) -> str:
    """What names a refused entry: its GUID or link when it got that far, else its position."""
    for name in ("id", "link"):
        value = _text(_field(raw, name))
        if value:
            return value
    return f"entry {position}"


def _feedparser(body: bytes, headers: Mapping[str, str] | None) -> Any:
    # a stream, as feedparser's docs ask for untrusted input: given bytes, feedparser first tries
    # to open them as a local file name (a body of b"/etc/hosts" would read that file), which
    # also costs a failed open() per feed
    return feedparser.parse(
        io.BytesIO(body),
        response_headers=dict(headers or {}),
        sanitize_html=False,
        resolve_relative_uris=False,
    )


def _repair_char_ref(match: re.Match[bytes]) -> bytes:
    digits = match.group(1)
    try:
        code = int(digits[1:], 16) if digits[:1] in (b"x", b"X") else int(digits)
    except ValueError:
        return b"&#xFFFD;"
    if code == 0 or 0xD800 <= code <= 0xDFFF or code > 0x10FFFF:
        return b"&#xFFFD;"
    return match.group(0)


@dataclass(frozen=True, slots=True)
class _Reading:
    """How to read the entries of one parsed feed."""

    base_url: str
    zone: ZoneInfo
    trust_plain: bool
    scrub: bool
    max_chars: int = DEFAULT_MAX_DOCUMENT_CHARS


def _documents(
    feed: Feed, entries: Sequence[Any], reading: _Reading
) -> tuple[list[Document], list[Reject], frozenset[str]]:
    documents: dict[str, Document] = {}
    rejects: list[Reject] = []
    summary_only: set[str] = set()
    for position, raw in enumerate(entries, start=1):
        entry = _read_entry(raw, reading)
        if entry.key is None:
            reason = f"entry {position} has no guid, link, title or date to identify it"
            rejects.append(Reject(feed.id, f"entry {position}", "parse", reason))
            continue
        if not entry.text and (feed.full_text == "never" or not entry.link):
            reason = f"entry {position} has no text (no content, description or summary)"
            rejects.append(Reject(feed.id, entry.guid or entry.link, "parse", reason))
            continue
        document = _document(feed, entry, doc_id_of(feed.id, entry.key))
        if document.doc_id in documents:
            earlier = documents[document.doc_id]
            if (earlier.content_hash, earlier.url) == (document.content_hash, document.url):
                reason = f"entry {position} repeats an earlier entry (same id and content)"
                rejects.append(Reject(feed.id, document.doc_id, "parse", reason))
                continue
            document = _document(feed, entry, _disambiguated_id(feed.id, entry, documents))
        documents[document.doc_id] = document
        if entry.summary_only:
            summary_only.add(document.doc_id)
    return list(documents.values()), rejects, frozenset(summary_only)


def _disambiguated_id(feed_id: str, entry: _Entry, taken: Mapping[str, Document]) -> str:
    key = f"{entry.key}\x1f{entry.link or ''}\x1f{entry.title or ''}"
    doc_id = doc_id_of(feed_id, key)
    ordinal = 2
    while doc_id in taken:
        doc_id = doc_id_of(feed_id, f"{key}\x1f{ordinal}")
        ordinal += 1
    return doc_id


def doc_id_of(feed_id: str, key: str) -> str:
    """The stable, namespaced id of a document from its identity key."""
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()
    return f"{feed_id}:{digest[:DOC_ID_HASH_CHARS]}"


def identity_key(
    guid: str | None, link: str | None, title: str | None, published: str | None
) -> str | None:
    """GUID, else canonical link, else title + published; None when there is nothing."""
    if guid and guid.strip():
        return guid.strip()
    if link and link.strip():
        return canonical_link(link)
    if title or published:
        return f"{title or ''}\x1f{published or ''}"
    return None


def canonical_link(link: str) -> str:
    """Lower-case scheme and host, no fragment, no tracking parameters, default ports dropped."""
    try:
        parts = urlsplit(link.strip())
        port = parts.port
    except ValueError:
        return link.strip()
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if port and (scheme, port) not in (("http", 80), ("https", 443)):
        host = f"{host}:{port}"
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, True) if not TRACKING_PARAMS.match(k)]
    )
    return urlunsplit((scheme, host, parts.path or "/", query, ""))


def _read_entry(raw: Any, reading: _Reading) -> _Entry:
    clean = _scrubbed if reading.scrub else _unchanged
    guid = clean(_text(_field(raw, "id"))) or None
    link = clean(_text(_field(raw, "link"))) or None
    if link and not link.startswith(ABSOLUTE_PREFIXES):
        link = urljoin(reading.base_url, link)
    title = clean(_title(raw, reading.trust_plain)) or None
    published_at = _published_at(raw, reading.zone)
    published = published_at.astimezone(reading.zone).isoformat() if published_at else None
    contents = _field(raw, "content")
    body = _content_text(contents, reading.trust_plain)
    summary_value = _field(raw, "summary")
    if contents and len(contents) == 1 and summary_value == _field(contents[0], "value"):
        summary = body  # WordPress repeats the body as description: convert it once
    else:
        summary = _detail_text(_field(raw, "summary_detail"), summary_value, reading.trust_plain)
    body, summary = clean(body), clean(summary)
    # content:encoded / atom:content is the body; a summary longer than it means the "content"
    # was only a teaser, so the fuller text wins
    summary_only = not body or len(summary) > len(body)
    text = summary if summary_only else body
    whole_chars = len(text)
    text, summary = cut_text(text, reading.max_chars), cut_text(summary, reading.max_chars)
    return _Entry(
        key=identity_key(guid, link, title, published_at.isoformat() if published_at else None),
        guid=guid,
        link=link,
        title=title,
        published_at=published_at,
        published=published,
        text=text,
        summary=summary or None,
        summary_only=summary_only,
        original_chars=whole_chars if len(text) < whole_chars else None,
    )


def _unchanged(text: str) -> str:
    return text


def _scrubbed(text: str) -> str:
    """Lone surrogates become U+FFFD and control characters go (they break UTF-8 and hashes)."""
    text = SURROGATES.sub("\ufffd", text)
    return normalise_lines(CONTROL_CHARS.sub("", text)) if CONTROL_CHARS.search(text) else text


def _document(feed: Feed, entry: _Entry, doc_id: str) -> Document:
    return Document(
        doc_id=doc_id,
        text=entry.text,
        title=entry.title,
        url=entry.link,
        published=entry.published,
        source_id=feed.id,
        guid=entry.guid,
        published_at=entry.published_at,
        summary=entry.summary,
        language=feed.language,
        content_hash=_content_hash(entry.title, entry.text),
        is_text_cut=entry.original_chars is not None,
        original_text_chars=entry.original_chars,
    )


def _content_hash(title: str | None, text: str) -> str:
    """records.content_hash_of for our own title and text, whose whitespace is normalised already.

    Titles are one line and texts lines joined by "\\n", each stripped with single spaces, so
    content_hash_of's `" ".join(s.split())` is a newline replacement (it split a 5 KB text into
    ~800 words for nothing).
    """
    normalised = (title or "").replace("\n", " ") + "\x1f" + text.replace("\n", " ")
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()[:32]


def _field(item: Any, name: str) -> Any:
    """A stored key of a feedparser dict, read as a plain dict.

    FeedParserDict.get runs Python code per call (key aliases, and a warning when 'updated' is
    missing); the canonical keys we read are stored as they are, so dict.get is enough.
    """
    return dict.get(item, name) if isinstance(item, dict) else None


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _title(raw: Any, trust_plain: bool) -> str:
    value = _text(_field(raw, "title"))
    if trust_plain and _field(_field(raw, "title_detail"), "type") in PLAIN_TYPES:
        return " ".join(value.split())
    return html_to_line(value)


def _detail_text(detail: Any, value: Any, trust_plain: bool) -> str:
    text = value if isinstance(value, str) else ""
    if trust_plain and _field(detail, "type") in PLAIN_TYPES:
        return plain_to_text(text)
    return html_to_text(text)


def _content_text(contents: Any, trust_plain: bool) -> str:
    """The longest content element's text (feeds may offer several, e.g. plain and HTML)."""
    if not contents:
        return ""
    texts = [
        _detail_text(c, _field(c, "value"), trust_plain) for c in contents if isinstance(c, Mapping)
    ]
    return max(texts, key=len, default="")


def _published_at(raw: Any, zone: ZoneInfo) -> datetime | None:
    for name in ("published", "updated", "created"):
        text = _text(_field(raw, name))
        parsed = _field(raw, f"{name}_parsed")
        if isinstance(parsed, time.struct_time):
            utc = datetime.fromtimestamp(calendar.timegm(parsed), UTC)
            if ZONE_SUFFIX.search(text):
                return utc
            # feedparser read a zone-less local time as UTC: take the wall time in the feed zone
            return utc.replace(tzinfo=zone).astimezone(UTC)
        if text:
            fallback = _rfc822_datetime(text, zone)
            if fallback is not None:
                return fallback
    return None


def _rfc822_datetime(text: str, zone: ZoneInfo) -> datetime | None:
    """RFC 822 dates feedparser refuses (no zone): the publisher's wall time in the feed zone."""
    fields = parsedate_tz(text)
    if fields is None:
        return None
    try:
        wall = datetime(*fields[:6])
    except (TypeError, ValueError, OverflowError):
        return None
    if not ZONE_SUFFIX.search(text):  # parsedate_tz says offset 0 when there is no zone
        return wall.replace(tzinfo=zone).astimezone(UTC)
    return (wall - timedelta(seconds=fields[9] or 0)).replace(tzinfo=UTC)


def split_new_and_revised(
    documents: Sequence[Document],
    latest_hashes: Mapping[str, str],
    version_counts: Mapping[str, int] | None = None,
    max_versions: int = MAX_VERSIONS_PER_DOCUMENT,
) -> tuple[list[Document], list[Document]]:
    """New (doc_id never stored) and revised (stored with another latest content_hash) docs.

    Unchanged documents are dropped; so are revisions of documents that already have
    max_versions stored versions (when version_counts is given).
    """
    new: list[Document] = []
    revised: list[Document] = []
    counts = version_counts or {}
    for document in documents:
        latest = latest_hashes.get(document.doc_id)
        if latest is None:
            new.append(document)
        elif latest != document.content_hash and counts.get(document.doc_id, 0) < max_versions:
            revised.append(document)
    return new, revised


def _one_line(error: Any) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text[:MAX_REASON_CHARS]


def _excerpt(body: bytes) -> str:
    return " ".join(body[:200].decode("utf-8", "replace").split())
