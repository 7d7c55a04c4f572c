"""Full text for summary-only entries: fetch the article page safely, extract it with trafilatura.

Pages are fetched with the feed limits (timeouts, size and redirect caps) and only from the
feed's allowed domains over http(s), never from private addresses (ingest.netguard), every
redirect hop re-checked, and the address each connection reached checked again before the
request is sent on it (DNS may change between check and connect: rebinding). A feed on a
private host reads pages only from its own origin (scheme, host and port), over connections
to its host's own addresses. trafilatura only ever sees HTML we fetched: it makes no requests
itself.

A document filled from its page keeps the content_hash of its feed entry: the next run then
sees the entry unchanged and does not fetch the page again; a changed entry re-fetches it.
A page is cut before extraction and its text after, like every document (ingest.limits).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Container, Sequence
from concurrent.futures import ThreadPoolExecutor

import httpx
import trafilatura

from ingest.config import Feed, Settings
from ingest.errors import FetchError
from ingest.fetch import get_limited
from ingest.limits import cut_page, limit_document
from ingest.netguard import FeedGuard, feed_guard
from ingest.records import Document, Reject

# "auto" without parse's summary_only set: a text this short that equals the summary is a teaser
SUMMARY_ONLY_MAX_CHARS = 1500
HTML_TYPES = ("text/html", "application/xhtml+xml")
# shorter "main text" is navigation or a cookie banner, not a press release
MIN_ARTICLE_CHARS = 80
ACCEPT_HTML = "text/html, application/xhtml+xml;q=0.9, */*;q=0.1"


def article_domains(feed: Feed) -> tuple[str, ...]:
    """The feed's allowed_domains, else its own host (without a leading 'www.')."""
    if feed.allowed_domains:
        return feed.allowed_domains
    host = feed.host.removeprefix("www.")
    return (host,) if host else ()


def needs_full_text(feed: Feed, document: Document, summary_only: bool | None = None) -> bool:
    """Whether to fetch the page: 'always', 'never', or 'auto' when the feed gave a summary only."""
    if feed.full_text == "never" or not document.url:
        return False
    if feed.full_text == "always" or not document.text:
        return True
    if summary_only is not None:
        return summary_only
    return document.text == (document.summary or "") and len(document.text) < SUMMARY_ONLY_MAX_CHARS


def fill_full_text(
    feed: Feed,
    documents: Sequence[Document],
    settings: Settings,
    client: httpx.Client,
    summary_only: Container[str] | None = None,
) -> tuple[list[Document], list[Reject]]:
    """Documents with page text where needed (same order), and a reject per failed page.

    summary_only is ParsedFeed.summary_only (doc ids whose feed text was only a summary). A
    failed page leaves the document with its feed text; a document with no text at all is
    then dropped (its reject says why).
    """
    wanted = [
        d
        for d in documents
        if needs_full_text(feed, d, None if summary_only is None else d.doc_id in summary_only)
    ]
    if not wanted:
        return list(documents), []
    guard = page_guard(feed)  # one DNS lookup per feed, not per page
    workers = max(1, min(settings.per_host_concurrency, len(wanted)))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="article") as pool:
        outcomes = dict(
            zip(
                (d.doc_id for d in wanted),
                pool.map(lambda d: _filled(feed, d, settings, client, guard), wanted),
                strict=True,
            )
        )
    filled: list[Document] = []
    rejects: list[Reject] = []
    for document in documents:
        document, reject = outcomes.get(document.doc_id, (document, None))
        if reject is not None:
            rejects.append(reject)
        if document.text:
            filled.append(document)
    return filled, rejects


def _filled(
    feed: Feed, document: Document, settings: Settings, client: httpx.Client, guard: FeedGuard
) -> tuple[Document, Reject | None]:
    url = document.url or ""
    try:
        html = fetch_article(feed, url, settings, client, guard=guard)
    except FetchError as error:
        return document, Reject(feed.id, document.doc_id, "article", str(error), url)
    page, page_cut = cut_page(html, settings.max_document_chars)
    del html
    text = main_text_from_html(page, url)
    if not text:
        reason = f"no main text found in {url}"
        return document, Reject(feed.id, document.doc_id, "article", reason, url)
    if len(text) <= len(document.text):
        return document, None  # the feed already had as much text as the page
    filled = dataclasses.replace(document, text=text, is_text_cut=False, original_text_chars=None)
    return limit_document(filled, settings.max_document_chars, page_cut=page_cut), None


def page_guard(feed: Feed) -> FeedGuard:
    """Where feed's article pages may come from (ingest.netguard.FeedGuard)."""
    return feed_guard(feed.url, article_domains(feed))


def fetch_article(
    feed: Feed,
    url: str,
    settings: Settings,
    client: httpx.Client,
    *,
    guard: FeedGuard | None = None,
) -> str:
    """The HTML of an article page, fetched within limits; raises FetchError with a reason.

    guard (default: page_guard(feed)) checks every hop and the address each connection reached.
    """
    if guard is None:
        guard = page_guard(feed)
    response = get_limited(
        client,
        url,
        settings,
        headers={"Accept": ACCEPT_HTML},
        check_hop=guard.check_hop,
        check_peer=guard.check_peer,
    )
    if not 200 <= response.status < 300:
        raise FetchError(f"HTTP {response.status} from {response.final_url}")
    kind = response.headers.get("content-type", "text/html").split(";")[0].strip().lower()
    if kind and kind not in HTML_TYPES:
        raise FetchError(f"{response.final_url} is {kind}, not an HTML page")
    return _decode(response.body, response.headers.get("content-type", ""))


def _decode(body: bytes, content_type: str) -> str:
    charset = "utf-8"
    for parameter in content_type.split(";")[1:]:
        name, _, value = parameter.strip().partition("=")
        if name.lower() == "charset" and value:
            charset = value.strip("\"' ")
    try:
        return body.decode(charset, errors="replace")
    except LookupError:
        return body.decode("utf-8", errors="replace")


def main_text_from_html(html: str, url: str | None = None) -> str | None:
    """The main text of a saved or fetched article page (paragraphs as lines), or None."""
    if not html or not html.strip():
        return None
    text = trafilatura.extract(
        html,
        url=url,
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=False,
        with_metadata=False,
        deduplicate=False,
        output_format="txt",
    )
    if not text:
        return None
    lines = (" ".join(line.split()) for line in text.splitlines())
    joined = "\n".join(line for line in lines if line)
    return joined if len(joined) >= MIN_ARTICLE_CHARS else None
