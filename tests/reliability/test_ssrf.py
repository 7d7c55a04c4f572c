"""SSRF: links and redirects towards internal addresses are refused, recorded, and never sent.

The feed lives on "news.example", which the fake internet resolves to a public address and
serves from our 127.0.0.1 server; every other connection is recorded and refused by the test
itself, so nothing can leave the machine even when the pipeline gets it wrong.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest

from ingest import store
from ingest.config import Feed, Settings
from ingest.errors import BlockedURL
from ingest.netguard import check_url
from reliability.conftest import reported
from reliability.faultserver import FaultServer
from reliability.harness import (
    FakeInternet,
    corpus_items,
    fake_internet,
    fault_settings,
    make_feed,
    rss,
    run_pipeline,
)
from support.feedserver import Route

PUBLIC = "8.8.8.8"  # what the fake DNS answers for the feed's host: a global address
INTERNAL_NAMES = {
    "internal.example": ["10.0.0.5"],
    "metadata.example": ["169.254.169.254"],
    "mixed.example": [PUBLIC, "192.168.1.20"],  # one bad answer is enough to refuse
    "v6loop.example": ["::1"],
}
# a link (with {port} of the local server) and the words its refusal must name
BLOCKED_LINKS = (
    ("http://127.0.0.1:{port}/admin", "loopback"),
    ("http://localhost:{port}/admin", "loopback"),
    ("http://[::1]:{port}/admin", "loopback"),
    ("http://[::ffff:127.0.0.1]:{port}/admin", "loopback"),
    ("http://2130706433:{port}/admin", "loopback"),  # 127.0.0.1 as one decimal number
    ("http://127.1:{port}/admin", "loopback"),
    ("http://0.0.0.0:{port}/admin", "not public"),
    ("http://169.254.169.254/latest/meta-data/", "link-local"),
    ("http://10.0.0.5/", "private"),
    ("http://172.16.3.4/", "private"),
    ("http://192.168.0.1/", "private"),
    ("http://[fd00::1]/", "private"),
    ("http://internal.example/", "private"),
    ("http://metadata.example/latest/", "link-local"),
    ("http://mixed.example/", "private"),
    ("http://v6loop.example/", "loopback"),
    ("file:///etc/passwd", "scheme 'file'"),
    ("gopher://127.0.0.1:70/_SET", "scheme 'gopher'"),
    ("ftp://10.0.0.5/x", "scheme 'ftp'"),
    ("javascript:alert(1)", "scheme 'javascript'"),
    ("http://user:pw@news.example/", "credentials"),
)
ALL_DOMAINS = (
    "example",
    "localhost",
    "127.0.0.1",
    "::1",
    "::ffff:127.0.0.1",
    "2130706433",
    "127.1",
    "0.0.0.0",
    "169.254.169.254",
    "10.0.0.5",
    "172.16.3.4",
    "192.168.0.1",
    "fd00::1",
)


@pytest.fixture
def internet(fault_server: FaultServer) -> Iterator[FakeInternet]:
    port = int(fault_server.base.rsplit(":", 1)[1])
    world = FakeInternet(
        dns={"news.example": [PUBLIC], "rebind.example": ["8.8.4.4"], **INTERNAL_NAMES},
        routes={"news.example": port, "rebind.example": port},
        rebinding={"rebind.example"},
    )
    with fake_internet(world):
        yield world


def _port(server: FaultServer) -> int:
    return int(server.base.rsplit(":", 1)[1])


@pytest.mark.parametrize(("link", "words"), BLOCKED_LINKS)
def test_netguard_refuses_without_resolving_to_traffic(
    internet: FakeInternet, fault_server: FaultServer, link: str, words: str
) -> None:
    url = link.format(port=_port(fault_server))
    with pytest.raises(BlockedURL, match=re.escape(words)):
        check_url(url, ALL_DOMAINS)
    assert internet.attempts == []


def _summary_item(index: int, link: str) -> str:
    item = corpus_items()[index]
    return (
        f"<item><title>{escape(item['title'])}</title><link>{escape(link)}</link>"
        f'<guid isPermaLink="false">ssrf-{index}</guid><pubDate>{item["pubDate"]}</pubDate>'
        "<description>Only a teaser: the full text is on the page.</description></item>\n"
    )


def _rejects(settings: Settings, stage: str) -> list[dict[str, Any]]:
    return [r for r in store.read_table(settings, "rejects").to_pylist() if r["stage"] == stage]


def test_article_links_to_internal_addresses_are_refused_and_recorded(
    internet: FakeInternet, fault_server: FaultServer, tmp_path: Path
) -> None:
    port = _port(fault_server)
    links = [link.format(port=port) for link, _ in BLOCKED_LINKS]
    # redirects from an allowed public page towards internal addresses
    fault_server.redirect("/to-private", "http://10.0.0.5/admin")
    fault_server.redirect("/to-loopback", f"http://127.0.0.1:{port}/admin")
    fault_server.redirect("/to-file", "file:///etc/passwd")
    links += [f"http://news.example:{port}/to-{kind}" for kind in ("private", "loopback", "file")]
    body = rss([_summary_item(200 + i, link) for i, link in enumerate(links)])
    fault_server.route("/feed.xml", Route(body=body))
    feed = make_feed(
        "ssrf",
        f"http://news.example:{port}/feed.xml",
        full_text="auto",
        allowed_domains=ALL_DOMAINS,
    )
    settings = fault_settings(tmp_path / "warehouse")
    with reported("ssrf-article-links-to-internal-addresses"):
        summary = run_pipeline(settings, [feed])

        assert summary.feeds_ok == 1 and summary.documents_new == len(links)
        refused = _rejects(settings, "article")
        assert len(refused) == len(links)
        assert all(r["reason"].startswith("blocked ") for r in refused), refused
        # no connection to anything but the feed's own host, no request to /admin anywhere
        assert internet.refused() == []
        assert {r.path for r in fault_server.requests_seen()} == {
            "/feed.xml",
            "/to-private",
            "/to-loopback",
            "/to-file",
        }
        # the documents keep their feed text: a refused page costs the full text, not the release
        texts = store.read_table(settings, "documents", ["text"]).column("text").to_pylist()
        assert all("teaser" in text for text in texts)


def test_feed_redirect_to_internal_address_is_refused(
    internet: FakeInternet, fault_server: FaultServer, tmp_path: Path
) -> None:
    port = _port(fault_server)
    fault_server.route("/internal.xml", Route(body=rss([_summary_item(300, "http://x/")])))
    fault_server.redirect("/moved.xml", f"http://127.0.0.1:{port}/internal.xml")
    fault_server.redirect("/cloud.xml", "http://169.254.169.254/latest/meta-data/")
    feeds = [
        make_feed("moved", f"http://news.example:{port}/moved.xml"),
        make_feed("cloud", f"http://news.example:{port}/cloud.xml"),
    ]
    settings = fault_settings(tmp_path / "warehouse")
    with reported("ssrf-feed-redirect-to-internal-address"):
        run_pipeline(settings, feeds)
        refused = _rejects(settings, "fetch")
        assert len(refused) == 2 and all("blocked" in r["reason"] for r in refused), refused
        assert fault_server.requests_to("/internal.xml") == []
        assert internet.refused() == []


def _feed_linking_to_a_secret_page(
    fault_server: FaultServer, feed_id: str, feed_host: str, item: int
) -> Feed:
    """A summary-only feed on feed_host whose article lives at rebind.example/secret-page."""
    port = _port(fault_server)
    fault_server.route(
        "/secret-page", Route(body=b"<html>internal</html>", content_type="text/html")
    )
    body = rss([_summary_item(item, f"http://rebind.example:{port}/secret-page")])
    fault_server.route("/feed.xml", Route(body=body))
    return make_feed(
        feed_id,
        f"http://{feed_host}:{port}/feed.xml",
        full_text="auto",
        allowed_domains=("example",),
    )


def test_dns_rebinding_sends_nothing_to_the_internal_host(
    internet: FakeInternet, fault_server: FaultServer, tmp_path: Path
) -> None:
    feed = _feed_linking_to_a_secret_page(fault_server, "rebind", "news.example", 310)
    settings = fault_settings(tmp_path / "warehouse")
    with reported("ssrf-dns-rebinding"):
        run_pipeline(settings, [feed])
        refused = _rejects(settings, "article")
        assert refused and "not public" in refused[0]["reason"], refused
        # refused at connect time, before a byte of the request was sent
        assert fault_server.requests_to("/secret-page") == []


def test_a_feed_on_a_private_host_may_fetch_its_own_pages(
    fault_server: FaultServer, tmp_path: Path
) -> None:
    """The exception: a feed configured on 127.0.0.1 (an intranet) reads pages from there."""
    page = corpus_items()[320]["content"]
    html = f"<html><body><article><h1>T</h1>{page}</article></body></html>".encode()
    fault_server.route("/page.html", Route(body=html, content_type="text/html; charset=utf-8"))
    body = rss([_summary_item(320, fault_server.url("/page.html"))])
    fault_server.route("/feed.xml", Route(body=body))
    feed = make_feed("intranet", fault_server.url("/feed.xml"), full_text="auto")
    settings = fault_settings(tmp_path / "warehouse")
    summary = run_pipeline(settings, [feed])
    assert summary.status == "ok", summary.failures
    text = store.read_table(settings, "documents", ["text"]).column("text").to_pylist()[0]
    assert "teaser" not in text and len(text) > 200


def test_a_pooled_feed_connection_is_checked_again_for_article_pages(
    internet: FakeInternet, fault_server: FaultServer, tmp_path: Path
) -> None:
    """F9: the feed URL is trusted (no peer check), but its keep-alive connection is not.

    The feed host resolves public and its connections reach 127.0.0.1 (a rebinding name). The
    article page on the same origin would reuse the feed's pooled connection: it must be
    refused before its request is written, not after the response headers came back.
    """
    feed = _feed_linking_to_a_secret_page(fault_server, "pooled", "rebind.example", 311)
    settings = fault_settings(tmp_path / "warehouse")
    with reported("ssrf-pooled-connection-reused-for-a-page"):
        summary = run_pipeline(settings, [feed])

        assert summary.feeds_ok == 1 and summary.documents_new == 1
        refused = _rejects(settings, "article")
        assert refused and "not public" in refused[0]["reason"], refused
        assert fault_server.requests_to("/secret-page") == []
        # the page went to the feed's connection, not a new one (else this tests F5 again)
        assert len(internet.attempts) == 1, internet.attempts
