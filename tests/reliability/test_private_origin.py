"""A feed on a private host reads pages only from its own origin: no other port, name or address.

Issue 17, item 2: a feed on 127.0.0.1:P whose items linked to 127.0.0.1:Q/secret made the
pipeline request /secret from the other service. Here the feed server runs on P and a second,
real server on Q holds /secret; every test ends by asserting that server got no request at all.

The origin is (scheme, host, port) as the feed's URL spells it, as browsers compare origins:
a feed on http://127.0.0.1:P does not read http://localhost:P/ (nor the other way round), even
though both reach the same socket here. Spelling the host the way the feed does is all a
publisher has to do; comparing addresses instead would let any name that resolves to a
loopback or private address stand in for the feed's host.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest

from ingest import store
from ingest.config import Feed, Settings
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
from support.feedserver import FeedServer, Route

HTML = "text/html; charset=utf-8"


@pytest.fixture
def secret_server() -> Iterator[FeedServer]:
    """Another service on the same host (port Q): it must never see a request."""
    with FeedServer() as running:
        running.route("/secret", Route(body=b"<html>do not read</html>", content_type=HTML))
        running.route("/feed.xml", Route(body=rss([])))
        yield running


def _port(server: FeedServer) -> int:
    return int(server.base.rsplit(":", 1)[1])


def _page(item: int) -> bytes:
    text = corpus_items()[item]["content"]
    return f"<html><body><article><h1>T</h1>{text}</article></body></html>".encode()


def _teaser(index: int, link: str) -> str:
    item = corpus_items()[index]
    return (
        f"<item><title>{escape(item['title'])}</title><link>{escape(link)}</link>"
        f'<guid isPermaLink="false">origin-{index}</guid><pubDate>{item["pubDate"]}</pubDate>'
        "<description>Only a teaser: the full text is on the page.</description></item>\n"
    )


def _feed(server: FeedServer, links: list[str], host: str = "127.0.0.1", **changes: Any) -> Feed:
    """A summary-only feed on host:P whose items link to links (in order, items 330...)."""
    server.route("/ok", Route(body=_page(330), content_type=HTML))
    items = [_teaser(330 + i, link) for i, link in enumerate(links)]
    server.route("/feed.xml", Route(body=rss(items)))
    url = f"http://{host}:{_port(server)}/feed.xml"
    return make_feed("intranet", url, full_text="auto", **changes)


def _article_rejects(settings: Settings) -> dict[str, str]:
    rows = store.read_table(settings, "rejects").to_pylist()
    return {r["excerpt"]: r["reason"] for r in rows if r["stage"] == "article"}


def _texts(settings: Settings) -> list[str]:
    return store.read_table(settings, "documents", ["text"]).column("text").to_pylist()


def test_a_page_on_another_port_of_the_feed_host_is_refused(
    fault_server: FaultServer, secret_server: FeedServer, tmp_path: Path
) -> None:
    own = fault_server.url("/ok")
    other = secret_server.url("/secret")  # 127.0.0.1:Q, inside the default allowed domain
    settings = fault_settings(tmp_path / "warehouse")
    with reported("private-feed-page-on-another-port"):
        summary = run_pipeline(settings, [_feed(fault_server, [own, other])])

        assert summary.feeds_ok == 1 and summary.documents_new == 2
        assert secret_server.requests == []
        assert _article_rejects(settings) == {
            other: f"blocked {other}: not on http://127.0.0.1:{_port(fault_server)}, the "
            "origin of its feed (a feed on a private host reads pages only from its origin)"
        }
        # its own origin still serves full text; the refused page leaves the teaser
        assert len(fault_server.requests_to("/ok")) == 1
        assert sorted("teaser" in text for text in _texts(settings)) == [False, True]


def test_a_redirect_from_the_feed_origin_to_another_port_is_refused(
    fault_server: FaultServer, secret_server: FeedServer, tmp_path: Path
) -> None:
    target = secret_server.url("/secret")
    moved = fault_server.redirect("/moved", target)
    settings = fault_settings(tmp_path / "warehouse")
    with reported("private-feed-page-redirect-to-another-port"):
        run_pipeline(settings, [_feed(fault_server, [moved])])

        assert secret_server.requests == []
        assert len(fault_server.requests_to("/moved")) == 1
        assert _article_rejects(settings)[moved].startswith(f"blocked {target}: not on ")


def test_a_feed_redirect_to_another_port_is_refused(
    fault_server: FaultServer, secret_server: FeedServer, tmp_path: Path
) -> None:
    target = secret_server.url("/feed.xml")
    fault_server.redirect("/feed.xml", target)
    feed = make_feed("moved", fault_server.url("/feed.xml"))
    settings = fault_settings(tmp_path / "warehouse")
    with reported("private-feed-redirect-to-another-port"):
        summary = run_pipeline(settings, [feed])

        assert summary.feeds_ok == 0
        assert secret_server.requests == []
        (reason,) = [r["reason"] for r in store.read_table(settings, "rejects").to_pylist()]
        assert reason.startswith(f"blocked {target}: not on http://127.0.0.1:"), reason


def test_a_redirect_within_the_feed_origin_is_followed(
    fault_server: FaultServer, tmp_path: Path
) -> None:
    """The control for the refusals above: same scheme, host and port is allowed."""
    fault_server.route("/new.xml", Route(body=rss([_teaser(340, fault_server.url("/ok"))])))
    fault_server.route("/ok", Route(body=_page(340), content_type=HTML))
    fault_server.redirect("/old.xml", fault_server.url("/new.xml"))
    fault_server.redirect("/moved", "/ok")
    feed = make_feed("moved", fault_server.url("/old.xml"), full_text="auto")
    settings = fault_settings(tmp_path / "warehouse")
    summary = run_pipeline(settings, [feed])
    assert summary.status == "ok" and summary.documents_new == 1, summary.failures
    assert "teaser" not in _texts(settings)[0]


@pytest.mark.parametrize(
    ("feed_host", "link_host"), [("127.0.0.1", "localhost"), ("localhost", "127.0.0.1")]
)
def test_the_origin_is_the_host_as_the_feed_spells_it(
    feed_host: str,
    link_host: str,
    fault_server: FaultServer,
    secret_server: FeedServer,
    tmp_path: Path,
) -> None:
    """Both spellings are allowed domains and reach the same server: still another origin."""
    port = _port(fault_server)
    same_socket = f"http://{link_host}:{port}/ok"
    secret = f"http://{link_host}:{_port(secret_server)}/secret"
    feed = _feed(
        fault_server,
        [same_socket, secret],
        host=feed_host,
        allowed_domains=("127.0.0.1", "localhost"),
    )
    settings = fault_settings(tmp_path / "warehouse")
    with reported(f"private-feed-on-{feed_host}-linking-to-{link_host}"):
        run_pipeline(settings, [feed])

        assert secret_server.requests == []
        assert fault_server.requests_to("/ok") == []
        origin = f"http://{feed_host}:{port}"
        refused = _article_rejects(settings)
        assert set(refused) == {same_socket, secret}
        assert all(f": not on {origin}, the origin of its feed" in r for r in refused.values())


def test_a_rebinding_name_cannot_move_a_private_feeds_pages_to_another_address(
    fault_server: FaultServer, tmp_path: Path
) -> None:
    """The feed's name resolves to 10.1.1.1, but the page's connection lands on 127.0.0.1.

    Same origin by name, another internal service by address: the connection is refused
    before the request is written.
    """
    port = _port(fault_server)
    world = FakeInternet(
        dns={"intranet.example": ["10.1.1.1"]},
        routes={"intranet.example": port},
        rebinding={"intranet.example"},  # connections report their real peer, 127.0.0.1
    )
    fault_server.route("/page", Route(body=_page(350), content_type=HTML))
    page = f"http://intranet.example:{port}/page"
    feed = _feed(fault_server, [page], host="intranet.example")
    settings = fault_settings(tmp_path / "warehouse")
    with fake_internet(world), reported("private-feed-rebinding-name"):
        summary = run_pipeline(settings, [feed])

        assert summary.feeds_ok == 1 and summary.documents_new == 1
        assert fault_server.requests_to("/page") == []
        assert _article_rejects(settings)[page] == (
            f"blocked {page}: connected to 127.0.0.1, not an address of the feed's host "
            "'intranet.example' (10.1.1.1)"
        )
