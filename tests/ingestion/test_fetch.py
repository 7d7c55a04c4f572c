"""Fetching feeds from a real HTTP server on 127.0.0.1: caching, failures, limits, concurrency."""

from __future__ import annotations

import dataclasses
import gzip
import random
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import httpx
import pytest

from ingest.config import Feed, Settings
from ingest.errors import BlockedURL
from ingest.fetch import (
    FetchResult,
    backoff_seconds,
    cache_max_age,
    fetch_each,
    fetch_feed,
    fetch_feeds,
    get_limited,
    redirect_guards,
    retry_after,
)
from ingest.netguard import check_address
from ingest.state import FeedState
from support.feedserver import FeedServer, Route

FEEDS = Path(__file__).resolve().parents[1] / "fixtures" / "feeds"
STATE_0803 = FEEDS / "state.gov_press-releases_rss_2022-08-03.xml"
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
MakeFeed = Callable[..., Feed]


def no_sleep(seconds: float) -> None:
    pass


def test_ok_sends_user_agent_and_returns_the_bytes(
    server: FeedServer, settings: Settings, client: httpx.Client, make_feed: MakeFeed
) -> None:
    url = server.serve_file("/feed.xml", STATE_0803)
    result, state = fetch_feed(make_feed(url), None, settings, client, NOW)
    assert result.status == "ok", result.error
    assert result.body == STATE_0803.read_bytes()
    assert result.http_status == 200
    assert result.final_url == url
    assert server.requests_to("/feed.xml")[0].headers["user-agent"] == settings.user_agent
    assert state.last_status == "ok" and state.consecutive_failures == 0


def test_second_fetch_is_conditional_and_not_modified(
    server: FeedServer, settings: Settings, client: httpx.Client, make_feed: MakeFeed
) -> None:
    modified = "Wed, 03 Aug 2022 20:12:40 GMT"
    url = server.serve_file("/feed.xml", STATE_0803, etag='"v1"', last_modified=modified)
    feed = make_feed(url)
    first, state = fetch_feed(feed, None, settings, client, NOW)
    assert first.status == "ok"
    assert (state.etag, state.last_modified) == ('"v1"', modified)
    second, state2 = fetch_feed(feed, state, settings, client, NOW + timedelta(hours=1))
    sent = server.requests_to("/feed.xml")[1].headers
    assert sent["if-none-match"] == '"v1"'
    assert sent["if-modified-since"] == modified
    assert second.status == "not_modified" and second.http_status == 304
    assert second.body is None
    assert state2.etag == '"v1"' and state2.last_success_at == NOW + timedelta(hours=1)


def test_gzip_body_is_decoded(
    server: FeedServer, settings: Settings, client: httpx.Client, make_feed: MakeFeed
) -> None:
    url = server.serve_file("/feed.xml", STATE_0803, gzip=True)
    result, _ = fetch_feed(make_feed(url), None, settings, client, NOW)
    assert result.status == "ok"
    assert result.body == STATE_0803.read_bytes()
    assert result.headers["content-encoding"] == "gzip"


def test_server_error_is_retried_then_recorded(
    server: FeedServer, settings: Settings, client: httpx.Client, make_feed: MakeFeed
) -> None:
    url = server.route("/feed.xml", Route(status=500, body=b"oops", content_type="text/plain"))
    result, state = fetch_feed(make_feed(url), None, settings, client, NOW, sleep=no_sleep)
    assert result.status == "failed"
    assert result.error == f"HTTP 500 from {url}"
    assert len(server.requests_to("/feed.xml")) == settings.retries + 1
    assert state.consecutive_failures == 1 and state.last_status == "failed"
    assert state.next_check_at is not None and state.next_check_at > NOW


def test_transient_error_then_success_within_one_run(
    server: FeedServer, settings: Settings, client: httpx.Client, make_feed: MakeFeed
) -> None:
    body = STATE_0803.read_bytes()
    url = server.route("/feed.xml", Route(status=502), Route(body=body))
    slept: list[float] = []
    result, state = fetch_feed(make_feed(url), None, settings, client, NOW, sleep=slept.append)
    assert result.status == "ok" and result.body == body
    assert len(slept) == 1 and 0 < slept[0] <= settings.backoff_base_seconds * 1.5
    assert state.consecutive_failures == 0


def test_not_found_is_not_retried(
    server: FeedServer, settings: Settings, client: httpx.Client, make_feed: MakeFeed
) -> None:
    url = server.route("/gone.xml", Route(status=404, body=b"no"))
    result, _ = fetch_feed(make_feed(url), None, settings, client, NOW, sleep=no_sleep)
    assert result.status == "failed" and result.http_status == 404
    assert len(server.requests_to("/gone.xml")) == 1


def test_retry_after_seconds_sets_next_check_without_hammering(
    server: FeedServer, settings: Settings, client: httpx.Client, make_feed: MakeFeed
) -> None:
    url = server.route("/busy.xml", Route(status=429, headers={"Retry-After": "1200"}))
    result, state = fetch_feed(make_feed(url), None, settings, client, NOW, sleep=no_sleep)
    assert result.status == "failed" and result.http_status == 429
    assert len(server.requests_to("/busy.xml")) == 1  # the server said when: no in-run retry
    assert state.next_check_at == NOW + timedelta(seconds=1200)
    assert "retry after" in (result.error or "")


def test_retry_after_http_date_on_503(
    server: FeedServer, settings: Settings, client: httpx.Client, make_feed: MakeFeed
) -> None:
    later = NOW + timedelta(minutes=45)
    url = server.route(
        "/busy.xml", Route(status=503, headers={"Retry-After": format_datetime(later, True)})
    )
    _, state = fetch_feed(make_feed(url), None, settings, client, NOW, sleep=no_sleep)
    assert state.next_check_at == later


def test_cache_control_max_age_sets_next_check(
    server: FeedServer, settings: Settings, client: httpx.Client, make_feed: MakeFeed
) -> None:
    url = server.serve_file(
        "/feed.xml", STATE_0803, headers={"Cache-Control": "public, max-age=900"}
    )
    _, state = fetch_feed(make_feed(url), None, settings, client, NOW)
    assert state.next_check_at == NOW + timedelta(seconds=900)


def test_never_answering_server_times_out(
    server: FeedServer, settings: Settings, client: httpx.Client, make_feed: MakeFeed
) -> None:
    url = server.route("/hang.xml", Route(delay=30))
    started = time.monotonic()
    result, state = fetch_feed(make_feed(url), None, settings, client, NOW, sleep=no_sleep)
    elapsed = time.monotonic() - started
    assert result.status == "failed"
    assert result.error == f"timeout after {settings.read_timeout} s reading {url}"
    assert elapsed < (settings.read_timeout + 0.5) * (settings.retries + 1)
    assert state.last_error == result.error


def test_trickling_body_hits_the_total_timeout(
    server: FeedServer, settings: Settings, client: httpx.Client, make_feed: MakeFeed
) -> None:
    # each chunk arrives well within the read timeout, the whole body never within the total
    url = server.serve_file("/slow.xml", STATE_0803, trickle=0.1, chunk_size=512)
    once = dataclasses.replace(settings, retries=0)
    started = time.monotonic()
    result, _ = fetch_feed(make_feed(url), None, once, client, NOW, sleep=no_sleep)
    assert result.status == "failed"
    assert result.error == f"total timeout after {settings.total_timeout} s reading {url}"
    # the deadline is checked per chunk, so it is overshot by at most one chunk's wait
    assert settings.total_timeout <= time.monotonic() - started < settings.total_timeout + 1.0


@pytest.mark.parametrize("declared", [True, False])
def test_oversize_body_is_refused(
    declared: bool,
    server: FeedServer,
    settings: Settings,
    client: httpx.Client,
    make_feed: MakeFeed,
) -> None:
    big = b"<rss>" + b"x" * (settings.max_body_bytes + 10) + b"</rss>"
    # with a Content-Length we refuse before reading; without one, while streaming
    url = server.route("/big.xml", Route(body=big, content_length=None if declared else -1))
    result, _ = fetch_feed(make_feed(url), None, settings, client, NOW, sleep=no_sleep)
    assert result.status == "failed"
    if declared:
        expected = f"body of {url} is {len(big)} bytes, over the {settings.max_body_bytes}-byte cap"
    else:
        expected = f"body of {url} exceeds the {settings.max_body_bytes}-byte cap"
    assert result.error == expected
    assert len(server.requests_to("/big.xml")) == 1  # not retried


def test_gzip_bomb_is_capped_on_decoded_bytes(
    server: FeedServer, settings: Settings, client: httpx.Client, make_feed: MakeFeed
) -> None:
    bomb = b"<rss>" + b" " * (settings.max_body_bytes * 4)
    assert len(gzip.compress(bomb)) < settings.max_body_bytes  # small on the wire
    url = server.route("/bomb.xml", Route(body=bomb, gzip=True))
    result, _ = fetch_feed(make_feed(url), None, settings, client, NOW, sleep=no_sleep)
    assert result.status == "failed"
    assert result.error == f"body of {url} exceeds the {settings.max_body_bytes}-byte cap"


def test_redirects_are_followed_and_counted(
    server: FeedServer, settings: Settings, client: httpx.Client, make_feed: MakeFeed
) -> None:
    target = server.serve_file("/new/feed.xml", STATE_0803)
    server.redirect("/old", "/new/feed.xml", status=301)
    result, _ = fetch_feed(make_feed(server.url("/old")), None, settings, client, NOW)
    assert result.status == "ok" and result.final_url == target


def test_redirect_loop_fails_with_reason(
    server: FeedServer, settings: Settings, client: httpx.Client, make_feed: MakeFeed
) -> None:
    server.redirect("/a", "/b")
    server.redirect("/b", "/a")
    result, _ = fetch_feed(make_feed(server.url("/a")), None, settings, client, NOW)
    assert result.status == "failed"
    assert (result.error or "").startswith(f"more than {settings.max_redirects} redirects from")
    hops = len(server.requests_to("/a")) + len(server.requests_to("/b"))
    assert hops == settings.max_redirects + 1


def test_redirect_off_the_web_is_blocked(
    server: FeedServer, settings: Settings, client: httpx.Client, make_feed: MakeFeed
) -> None:
    server.redirect("/feed.xml", "file:///etc/passwd")
    result, _ = fetch_feed(make_feed(server.url("/feed.xml")), None, settings, client, NOW)
    assert result.status == "failed"
    assert (
        result.error == "blocked redirect to file:///etc/passwd: scheme 'file' is not http or https"
    )


def test_truncated_transfer_is_a_failure(
    server: FeedServer, settings: Settings, client: httpx.Client, make_feed: MakeFeed
) -> None:
    body = STATE_0803.read_bytes()
    url = server.route("/cut.xml", Route(body=body[:5000], content_length=len(body)))
    result, _ = fetch_feed(make_feed(url), None, settings, client, NOW, sleep=no_sleep)
    assert result.status == "failed"
    assert url in (result.error or "")


def test_wrong_content_type_still_returns_bytes(
    server: FeedServer, settings: Settings, client: httpx.Client, make_feed: MakeFeed
) -> None:
    url = server.serve_file("/feed", STATE_0803, content_type="text/html; charset=utf-8")
    result, _ = fetch_feed(make_feed(url), None, settings, client, NOW)
    assert result.status == "ok" and result.headers["content-type"].startswith("text/html")


def test_connection_refused_is_recorded(
    settings: Settings, client: httpx.Client, make_feed: MakeFeed
) -> None:
    with FeedServer() as closed:
        url = closed.url("/feed.xml")
    result, state = fetch_feed(make_feed(url), None, settings, client, NOW, sleep=no_sleep)
    assert result.status == "failed" and url in (result.error or "")
    assert state.consecutive_failures == 1


def test_failing_after_threshold_with_capped_next_check(
    server: FeedServer, settings: Settings, client: httpx.Client, make_feed: MakeFeed
) -> None:
    url = server.route("/down.xml", Route(status=500))
    feed = make_feed(url)
    state: FeedState | None = None
    checks = []
    for run in range(settings.failure_threshold):
        now = NOW + timedelta(hours=run)
        _, state = fetch_feed(feed, state, settings, client, now, sleep=no_sleep)
        checks.append(state.next_check_at - now if state.next_check_at else None)
    assert state is not None
    assert state.consecutive_failures == settings.failure_threshold
    assert state.last_status == "failing"
    assert checks[-1] == timedelta(seconds=settings.max_check_interval_seconds)
    assert all(c is not None and c <= checks[-1] for c in checks)
    # a success clears it all
    server.serve_file("/down.xml", STATE_0803)
    _, state = fetch_feed(feed, state, settings, client, NOW + timedelta(days=1))
    assert (state.consecutive_failures, state.last_status, state.last_error) == (0, "ok", None)


def test_local_file_and_path_feeds(
    tmp_path: Path, settings: Settings, client: httpx.Client, make_feed: MakeFeed
) -> None:
    copy = tmp_path / "feed.xml"
    copy.write_bytes(STATE_0803.read_bytes())
    for url in (copy.as_uri(), str(copy)):
        result, state = fetch_feed(make_feed(url), None, settings, client, NOW)
        assert result.status == "ok" and result.body == copy.read_bytes()
        assert state.last_modified
        again, _ = fetch_feed(make_feed(url), state, settings, client, NOW)
        assert again.status == "not_modified" and again.body is None


def test_local_file_missing_or_oversize(
    tmp_path: Path, settings: Settings, client: httpx.Client, make_feed: MakeFeed
) -> None:
    missing, _ = fetch_feed(make_feed(str(tmp_path / "nope.xml")), None, settings, client, NOW)
    assert missing.status == "failed"
    assert missing.error == f"cannot read {tmp_path / 'nope.xml'}: No such file or directory"
    big = tmp_path / "big.xml"
    big.write_bytes(b"x" * (settings.max_body_bytes + 1))
    result, _ = fetch_feed(make_feed(big.as_uri()), None, settings, client, NOW)
    assert result.status == "failed" and "-byte cap" in (result.error or "")


def test_fetch_feeds_skips_feeds_not_due_unless_forced(
    server: FeedServer, settings: Settings, client: httpx.Client, make_feed: MakeFeed
) -> None:
    url = server.serve_file("/feed.xml", STATE_0803)
    feeds = [make_feed(url, id="due"), make_feed(url, id="later")]
    states = {"later": FeedState("later", next_check_at=NOW + timedelta(minutes=5))}
    results = fetch_feeds(feeds, states, settings, client, NOW)
    assert [(r.feed_id, r.status) for r, _ in results] == [("due", "ok"), ("later", "skipped")]
    assert results[1][1] == states["later"]
    forced = fetch_feeds(feeds, states, settings, client, NOW, force=True)
    assert [r.status for r, _ in forced] == ["ok", "ok"]


def test_fetch_feeds_bounds_concurrency_per_host(
    server: FeedServer, settings: Settings, client: httpx.Client, make_feed: MakeFeed
) -> None:
    body = STATE_0803.read_bytes()
    server.route("/feed.xml", Route(body=body, delay=0.2))
    feeds = [make_feed(server.url("/feed.xml"), id=f"f{i}") for i in range(6)]
    started = time.monotonic()
    results = fetch_feeds(feeds, {}, settings, client, NOW)
    elapsed = time.monotonic() - started
    assert all(r.status == "ok" for r, _ in results)
    assert server.max_in_flight == settings.per_host_concurrency == 2
    assert elapsed >= 0.6  # 6 requests of 0.2 s, 2 at a time: 3 rounds at least


def test_fetch_feeds_runs_hosts_in_parallel(
    settings: Settings, client: httpx.Client, make_feed: MakeFeed
) -> None:
    body = STATE_0803.read_bytes()
    with FeedServer() as one, FeedServer("127.0.0.2") as two:
        for server in (one, two):
            server.route("/feed.xml", Route(body=body, delay=0.3))
        feeds = [
            make_feed(server.url("/feed.xml"), id=f"{n}-{i}")
            for n, server in enumerate((one, two))
            for i in range(2)
        ]
        started = time.monotonic()
        results = fetch_feeds(feeds, {}, settings, client, NOW)
        elapsed = time.monotonic() - started
        assert [r.status for r, _ in results] == ["ok"] * 4
        assert (one.max_in_flight, two.max_in_flight) == (2, 2)
    assert elapsed < 1.0  # four 0.3 s requests on two hosts at once, not one after another


def test_retry_after_and_cache_control_parsing() -> None:
    assert retry_after("120", NOW) == NOW + timedelta(seconds=120)
    assert retry_after("Fri, 27 Nov 2026 12:30:00 GMT", NOW) == NOW + timedelta(minutes=30)
    assert retry_after("Thu, 01 Jan 1970 00:00:00 GMT", NOW) == NOW  # past dates mean now
    assert retry_after("soon", NOW) is None
    assert retry_after(None, NOW) is None
    assert cache_max_age({"cache-control": "no-transform, max-age=300"}) == 300
    assert cache_max_age({"cache-control": "s-maxage=60"}) is None
    assert cache_max_age({}) is None


def test_backoff_grows_with_jitter() -> None:
    rng = random.Random(7)
    first = [backoff_seconds(1.0, 1, rng) for _ in range(200)]
    third = [backoff_seconds(1.0, 3, rng) for _ in range(200)]
    assert all(0.5 <= s <= 1.5 for s in first)
    assert all(0.5 <= s <= 4.5 for s in third)
    assert max(third) > 2.5 and len(set(first)) > 150


@pytest.mark.parametrize("status", [200, 304])
def test_validators_survive_a_304_without_them(
    status: int, server: FeedServer, settings: Settings, client: httpx.Client, make_feed: MakeFeed
) -> None:
    url = server.serve_file("/feed.xml", STATE_0803, etag='"abc"')
    state = FeedState("us-state-test", etag='"abc"' if status == 304 else None)
    result, after = fetch_feed(make_feed(url), state, settings, client, NOW)
    assert result.http_status == status
    assert after.etag == '"abc"'


def test_feed_redirects_may_not_lead_to_private_addresses(make_feed: MakeFeed) -> None:
    # a feed on a public address (an IP literal: nothing is resolved or contacted)
    check_hop, check_peer = redirect_guards(make_feed("https://93.184.216.34/feed.xml"))
    check_hop("https://93.184.216.34/feed.xml")  # the configured URL itself
    check_peer("https://93.184.216.34/feed.xml", "93.184.216.34")
    check_hop("https://8.8.8.8/moved.xml")
    for target, kind in (
        ("http://127.0.0.1:8080/internal.xml", "loopback"),
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://[fd00::1]/", "private"),
    ):
        with pytest.raises(BlockedURL, match=rf"^blocked {re.escape(target)}: .*\({kind}\)$"):
            check_hop(target)
    with pytest.raises(BlockedURL, match="not public"):
        check_peer("https://8.8.8.8/moved.xml", "10.0.0.1")  # DNS said public, socket says not
    # a feed configured on a private host may redirect within its own origin only
    check_hop, check_peer = redirect_guards(make_feed("http://127.0.0.1:9/feed.xml"))
    check_hop("http://127.0.0.1:9/other.xml")
    check_peer("http://127.0.0.1:9/other.xml", "127.0.0.1")
    with pytest.raises(BlockedURL, match="scheme 'file'"):
        check_hop("file:///etc/passwd")
    for elsewhere in ("http://127.0.0.1:10/feed.xml", "http://localhost:9/", "http://10.0.0.1/"):
        with pytest.raises(BlockedURL, match=r"not on http://127\.0\.0\.1:9, the origin"):
            check_hop(elsewhere)
    with pytest.raises(BlockedURL, match="not an address of the feed's host"):
        check_peer("http://127.0.0.1:9/other.xml", "10.0.0.1")


def test_peer_check_runs_before_the_request_is_sent(
    server: FeedServer, settings: Settings, client: httpx.Client
) -> None:
    # as after a DNS rebinding: the URL passed its checks, the socket reached loopback
    url = server.serve_file("/secret", STATE_0803)
    with pytest.raises(BlockedURL, match=r"address 127\.0\.0\.1 is not public"):
        get_limited(client, url, settings, check_peer=check_address)
    assert server.requests_to("/secret") == []  # refused at connect: not a byte was sent
    # a plain client (no wrapped backend) still refuses, after the response headers
    with httpx.Client() as plain, pytest.raises(BlockedURL):
        get_limited(plain, url, settings, check_peer=check_address)
    assert len(server.requests_to("/secret")) == 1
    # and requests without a peer check on the same client are unaffected
    assert get_limited(client, url, settings).status == 200


def test_fetch_each_hands_each_feed_on_as_soon_as_it_is_fetched(
    server: FeedServer, settings: Settings, client: httpx.Client, make_feed: MakeFeed
) -> None:
    """The flow parses and drops each body here: a slow feed must not hold the others' bodies."""
    body = STATE_0803.read_bytes()
    server.route("/slow.xml", Route(body=body, delay=0.3))  # within the read timeout
    server.route("/fast.xml", Route(body=body))
    feeds = [
        make_feed(server.url("/slow.xml"), id="slow"),
        make_feed(server.url("/fast.xml"), id="fast"),
        make_feed(server.url("/fast.xml"), id="later"),
    ]
    states = {"later": FeedState("later", next_check_at=NOW + timedelta(minutes=5))}
    handed: dict[str, float] = {}

    def then(feed: Feed, result: FetchResult, state: FeedState) -> tuple[str, str, int]:
        handed[feed.id] = time.monotonic()
        return feed.id, result.status, len(result.body or b"")

    results = fetch_each(feeds, states, settings, client, NOW, then)
    assert results == [
        ("slow", "ok", len(body)),
        ("fast", "ok", len(body)),
        ("later", "skipped", 0),
    ]
    assert handed["slow"] - handed["fast"] > 0.2  # the fast feed did not wait for the slow one
