"""Full text for summary-only feeds: article pages from 127.0.0.1, refusals, trafilatura."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from ingest.article import fetch_article, fill_full_text, main_text_from_html, needs_full_text
from ingest.config import Feed, Settings
from ingest.errors import BlockedURL, FetchError
from ingest.fetch import fetch_feed
from ingest.parse import ParsedFeed, parse_feed
from ingest.records import Document
from support.feedserver import FeedServer, Route

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
ARTICLES = FIXTURES / "ingestion" / "articles"
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
HTML = "text/html; charset=utf-8"
MakeFeed = Callable[..., Feed]


def serve_summary_feed(server: FeedServer) -> str:
    template = (FIXTURES / "ingestion" / "summary_only.xml").read_text(encoding="utf-8")
    body = template.replace("{BASE}", server.base).encode("utf-8")
    for name in ("sherman-laos", "mckeon-oecd"):
        server.serve_file(f"/articles/{name}.html", ARTICLES / f"{name}.html", content_type=HTML)
    return server.route("/summary.xml", Route(body=body))


def fetch_and_parse(
    feed: Feed, settings: Settings, client: httpx.Client
) -> tuple[ParsedFeed, list[Document]]:
    result, _ = fetch_feed(feed, None, settings, client, NOW)
    assert result.status == "ok", result.error
    parsed = parse_feed(feed, result)
    return parsed, list(parsed.documents)


def test_summary_only_feed_gets_article_text(
    server: FeedServer, settings: Settings, client: httpx.Client, make_feed: MakeFeed
) -> None:
    feed = make_feed(serve_summary_feed(server), full_text="auto", allowed_domains=("127.0.0.1",))
    parsed, documents = fetch_and_parse(feed, settings, client)
    assert len(documents) == 4 and parsed.summary_only == {d.doc_id for d in documents}
    filled, rejects = fill_full_text(feed, documents, settings, client, parsed.summary_only)
    assert [d.doc_id for d in filled] == [d.doc_id for d in documents]
    sherman, mckeon, lecg, missing = filled
    assert sherman.summary == (
        "Deputy Secretary of State Wendy Sherman met today with Thongphane Savanphet, Deputy "
        "Minister of Foreign Affairs of the Lao People’s Democratic Republic, in Vientiane."
    )
    assert "current Mekong-U.S. Partnership co-chairs" in sherman.text
    assert "Five-Point Consensus in Burma" in sherman.text
    assert "Privacy Policy" not in sherman.text and "dataLayer" not in sherman.text
    assert "OECD international tax deal" in mckeon.text
    # the page text replaces the teaser, but the hash stays the feed entry's: re-runs match
    assert sherman.content_hash == documents[0].content_hash
    assert (lecg, missing) == (documents[2], documents[3])  # kept their summaries
    by_item = {r.item_id: r for r in rejects}
    assert by_item[lecg.doc_id].reason == (
        f"blocked {lecg.url}: host 'www.state.gov' is outside the allowed domains (127.0.0.1)"
    )
    assert by_item[missing.doc_id].reason == f"HTTP 404 from {missing.url}"
    assert all(r.stage == "article" for r in rejects) and len(rejects) == 2
    assert server.requests_to("/articles/sherman-laos.html")[0].headers["user-agent"] == (
        settings.user_agent
    )


def test_never_mode_fetches_nothing(
    server: FeedServer, settings: Settings, client: httpx.Client, make_feed: MakeFeed
) -> None:
    feed = make_feed(serve_summary_feed(server), full_text="never", allowed_domains=("127.0.0.1",))
    parsed, documents = fetch_and_parse(feed, settings, client)
    assert fill_full_text(feed, documents, settings, client, parsed.summary_only) == (documents, [])
    assert not server.requests_to("/articles/sherman-laos.html")


def test_needs_full_text_modes(make_feed: MakeFeed) -> None:
    full = Document("f:1", text="x" * 3000, url="https://www.state.gov/a/", summary="x" * 3000)
    teaser = Document("f:2", text="Short.", url="https://www.state.gov/b/", summary="Short.")
    no_link = Document("f:3", text="Short.", summary="Short.")
    auto = make_feed("https://www.state.gov/feed/", full_text="auto")
    assert not needs_full_text(auto, full) and needs_full_text(auto, teaser)
    assert not needs_full_text(auto, full, summary_only=False)
    assert needs_full_text(auto, full, summary_only=True)
    assert needs_full_text(make_feed("x", full_text="always"), full)
    assert not needs_full_text(make_feed("x", full_text="never"), teaser)
    assert not needs_full_text(make_feed("x", full_text="always"), no_link)


def test_private_link_from_a_public_feed_is_refused(
    server: FeedServer, settings: Settings, client: httpx.Client, make_feed: MakeFeed
) -> None:
    url = server.serve_file("/articles/x.html", ARTICLES / "sherman-laos.html", content_type=HTML)
    # a feed on a public address (an IP literal: nothing is resolved or contacted)
    feed = make_feed("https://93.184.216.34/feed/", allowed_domains=("127.0.0.1",))
    with pytest.raises(BlockedURL) as caught:
        fetch_article(feed, url, settings, client)
    assert str(caught.value) == f"blocked {url}: address 127.0.0.1 is not public (loopback)"
    assert not server.requests_to("/articles/x.html")


@pytest.mark.parametrize(
    ("target", "reason"),
    [
        ("http://169.254.169.254/latest/meta-data/", "outside the allowed domains (127.0.0.1)"),
        ("file:///etc/passwd", "scheme 'file' is not http or https"),
    ],
)
def test_redirect_hops_are_rechecked(
    target: str,
    reason: str,
    server: FeedServer,
    settings: Settings,
    client: httpx.Client,
    make_feed: MakeFeed,
) -> None:
    start = server.redirect("/articles/moved.html", target)
    feed = make_feed(server.url("/feed.xml"), allowed_domains=("127.0.0.1",))
    with pytest.raises(BlockedURL) as caught:
        fetch_article(feed, start, settings, client)
    assert str(caught.value) == f"blocked {target}: " + str(caught.value).split(": ", 1)[1]
    assert reason in str(caught.value)


def test_non_html_page_is_refused(
    server: FeedServer, settings: Settings, client: httpx.Client, make_feed: MakeFeed
) -> None:
    url = server.route("/file.pdf", Route(body=b"%PDF-1.7", content_type="application/pdf"))
    feed = make_feed(server.url("/feed.xml"), allowed_domains=("127.0.0.1",))
    with pytest.raises(FetchError, match="is application/pdf, not an HTML page"):
        fetch_article(feed, url, settings, client)


def test_default_allowed_domain_is_the_feed_host(
    server: FeedServer, settings: Settings, client: httpx.Client, make_feed: MakeFeed
) -> None:
    url = server.serve_file("/articles/a.html", ARTICLES / "mckeon-oecd.html", content_type=HTML)
    feed = make_feed(server.url("/feed.xml"))  # no allowed_domains: the feed's own host
    assert "Mathias Cormann" in fetch_article(feed, url, settings, client)
    other = url.replace("127.0.0.1", "localhost")
    with pytest.raises(BlockedURL, match="outside the allowed domains"):
        fetch_article(feed, other, settings, client)


def test_main_text_from_saved_html() -> None:
    html = (ARTICLES / "mckeon-oecd.html").read_text(encoding="utf-8")
    text = main_text_from_html(html, "https://www.state.gov/deputy-secretary-mckeons-meeting/")
    assert text is not None
    assert "Deputy Secretary of State for Management and Resources Brian P. McKeon met" in text
    assert "Related Articles" not in text and "Accessibility Statement" not in text
    assert main_text_from_html("") is None
    assert main_text_from_html("<html><body><nav>Home</nav></body></html>") is None


def test_a_long_article_page_is_cut_like_every_document(
    server: FeedServer, settings: Settings, client: httpx.Client, make_feed: MakeFeed
) -> None:
    import dataclasses

    feed = make_feed(serve_summary_feed(server), full_text="auto", allowed_domains=("127.0.0.1",))
    parsed, documents = fetch_and_parse(feed, settings, client)
    sherman = (ARTICLES / "sherman-laos.html").read_text(encoding="utf-8")
    whole = main_text_from_html(sherman) or ""
    small = dataclasses.replace(settings, max_document_chars=len(whole) // 2)
    filled, _ = fill_full_text(feed, documents, small, client, parsed.summary_only)
    cut = filled[0]
    assert cut.is_text_cut and cut.original_text_chars == len(whole)
    assert len(cut.text) <= small.max_document_chars and whole.startswith(cut.text)
    # at a paragraph break, or a sentence end when none is in the second half of the limit
    assert whole[len(cut.text)] == "\n" or cut.text.endswith(".")
    # a page far longer than the text limit is cut before its text is extracted
    tiny = dataclasses.replace(settings, max_document_chars=200)
    filled, _ = fill_full_text(feed, documents, tiny, client, parsed.summary_only)
    assert filled[0].is_text_cut and len(filled[0].text) <= 200
