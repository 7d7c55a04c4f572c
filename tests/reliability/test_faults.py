"""Faults a scheduled run meets, one feed each, in the same runs as healthy feeds.

Run 1 stores two releases per feed. Then every faulty feed starts misbehaving and runs 2 and 3
go over all feeds at once (as a scheduled run would). Each case checks: the runs ended in
bounded time, the healthy feeds got their new releases, the faulty feed is in `rejects` with a
reason that names the fault (or, for faults that are not errors, its items were stored as
decided below), nothing stored by run 1 was lost, and no row appears twice.

Decisions (documented in /work/notes/reliability_findings.md):
- a valid feed with a wrong or missing Content-Type is read: servers mislabel feeds often;
- a channel with no items is not an error (no reject; a publisher can empty its feed);
- absurd dates (1900, 2100) are stored as published (we never invent a date) and flagged by
  the warehouse check `fct_events_sane_dates`;
- titles are plain text: tags and scripts are stripped, entities decoded;
- a feed cut short keeps its whole entries: the cut one is refused as incomplete and the feed
  gets a parse warning naming the XML error (the run is partial, the feed is not failing);
- a release longer than max_document_chars is stored cut at a paragraph boundary and flagged.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest

from ingest import fetch, store, warehouse
from ingest.config import Feed, Settings
from ingest.state import load_states
from ingest.summary import RunSummary
from reliability.conftest import FAULT_REPORT, reported
from reliability.faultserver import MB, FaultServer
from reliability.harness import (
    FakeInternet,
    corpus_feed,
    corpus_items,
    fake_internet,
    fault_settings,
    make_feed,
    readable_everywhere,
    rss,
    rss_item,
    run_pipeline,
    with_date,
)
from support.feedserver import Route

SECRET = "TOP-SECRET-7f3a9c-DO-NOT-LEAK"
HEALTHY = ("healthy-a", "healthy-b")
# a run over every fault at once: fetches run side by side, so the slowest fault bounds it
RUN_SECONDS_LIMIT = 30.0

World = dict[str, Any]
Setup = Callable[[FaultServer, str, Path], Route | None]
Check = Callable[[World, str], list[str]]


@dataclass(frozen=True)
class Fault:
    """One misbehaviour: how the server answers, and what the pipeline must then have done."""

    name: str
    setup: Setup  # configure the server at path (return a Route to serve, or None if done)
    stage: str | None = None  # the reject stage expected, None when no reject is expected
    reason: str = ""  # regex the reject reason must match
    ingested: int = 0  # documents the faulty answer itself must add
    check: Check | None = None  # further checks; returns problems
    feed: dict[str, Any] = field(default_factory=dict)  # Feed field overrides


def _route(**options: Any) -> Setup:
    return lambda server, path, tmp: Route(**options)


def _body(body: bytes, **options: Any) -> Setup:
    return lambda server, path, tmp: Route(body=body, **options)


def _items(*items: dict[str, str], prolog: str = "") -> bytes:
    return rss([rss_item(item, guid=item.get("guid")) for item in items], prolog=prolog)


def _item(index: int, **changes: str) -> dict[str, str]:
    return {**corpus_items()[index], **changes}


def _redirect(to: str) -> Setup:
    def setup(server: FaultServer, path: str, tmp: Path) -> None:
        target = to if "://" in to else server.url(to)
        server.redirect(path, target)

    return setup


def _ping_pong(server: FaultServer, path: str, tmp: Path) -> None:
    server.redirect(path, server.url(path + ".pong"))
    server.redirect(path + ".pong", server.url(path))


def _xxe(server: FaultServer, path: str, tmp: Path) -> Route:
    secret = tmp / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    prolog = (
        f'<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{secret}">'
        f'<!ENTITY % remote SYSTEM "file://{secret}"> %remote;]>\n'
    )
    item = _item(120, title="Leak &xxe; here", guid="xxe-1")
    item["description"] = "summary &xxe;"
    body = _items(item, prolog=prolog).replace(b"&amp;xxe;", b"&xxe;")
    return Route(body=body)


def _billion_laughs() -> bytes:
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
    ]
    prolog = "<!DOCTYPE rss [" + "".join(entities) + "]>\n"
    item = _item(130, title="Laughs &lol9;", guid="lol-1")
    return _items(item, prolog=prolog).replace(b"&amp;lol9;", b"&lol9;")


def _misdeclared() -> bytes:
    # declares UTF-8, is Windows-1252 (curly quotes, e-acute): a classic CMS export bug
    text = _items(_item(140, title="Caf\u00e9 \u201cdiplomacy\u201d", guid="enc-1"))
    return text.decode("utf-8").encode("cp1252", "replace")


def _invalid_utf8() -> bytes:
    body = _items(_item(141, title="Broken BYTES here", guid="utf-1"))
    return body.replace(b"BYTES", b"\xff\xfe\xc3(\xa0\xa1")


def _surrogate() -> bytes:
    # one bad entry among good ones: the bad one is kept (repaired), the others too
    bad = _item(142, title="Lone SURROGATE ref", guid="sur-1")
    body = _items(bad, _item(143, guid="sur-2"))
    return body.replace(b"SURROGATE", b"&#xD800;&#0;")


def _charset_conflict() -> Route:
    item = _item(143, title="\u65e5\u672c\u3068\u306e\u4f1a\u8ac7", guid="charset-1")
    return Route(body=_items(item), content_type="application/rss+xml; charset=iso-8859-1")


def _duplicates() -> bytes:
    first = _item(150, guid="same-guid")
    second = _item(151, guid="same-guid")  # same GUID, another release
    return _items(first, second, dict(first))  # and an exact repeat of the first


HTML_TITLES = (
    "<b>Secretary</b> meets <i>Minister</i>",
    "Statement<script>alert('x')</script> on trade",
    "<img src=x onerror=alert(1)>Joint communique<style>p{}</style>",
)


def _html_titles() -> bytes:
    rendered = []
    for offset, title in enumerate(HTML_TITLES):
        item = _item(160 + offset, guid=f"html-{offset}")
        plain = f"<title>{escape(item['title'])}</title>"
        cdata = f"<title><![CDATA[{title}]]></title>"
        rendered.append(rss_item(item, guid=item["guid"]).replace(plain, cdata))
    return rss(rendered)


def _absurd_dates() -> bytes:
    old = {**with_date(_item(170), 1900), "guid": "date-1900"}
    future = {**with_date(_item(171), 2100), "guid": "date-2100"}
    return _items(old, future)


def _huge_release() -> bytes:
    item = _item(180, guid="huge-1")
    paragraph = item["content"]
    repeats = 5 * MB // max(1, len(paragraph)) + 1
    return _items({**item, "content": paragraph * repeats})


FRENCH = (
    "<p>Le ministre des Affaires \u00e9trang\u00e8res a rencontr\u00e9 le 12 mars 2022 \u00e0 "
    "Paris son homologue allemand pour discuter de la s\u00e9curit\u00e9 europ\u00e9enne et de "
    "l'Ukraine. \u00ab Nous sommes unis \u00bb, a-t-il d\u00e9clar\u00e9.</p>"
)
JAPANESE = (
    "<p>\u5916\u52d9\u5927\u81e3\u306f2022\u5e743\u670812\u65e5\u3001\u6771\u4eac\u3067"
    "\u30a2\u30e1\u30ea\u30ab\u5408\u8846\u56fd\u56fd\u52d9\u9577\u5b98\u3068\u4f1a\u8ac7"
    "\u3057\u3001\u65e5\u7c73\u540c\u76df\u306b\u3064\u3044\u3066\u8b70\u8ad6\u3057\u305f"
    "\u3002\u300c\u56e3\u7d50\u3057\u3066\u3044\u308b\u300d\u3068\u8ff0\u3079\u305f\u3002</p>"
)


def _language(title: str, content: str, guid: str) -> bytes:
    return _items(_item(190, title=title, content=content, guid=guid))


def _summary_only(link: str, guid: str) -> bytes:
    item = _item(200, link=link, guid=guid)
    rendered = rss_item(item, guid=guid)
    rendered = re.sub(r"<content:encoded>.*?</content:encoded>", "", rendered, flags=re.S)
    rendered = rendered.replace(
        f"<description>{escape(item['title'])}</description>",
        "<description>A short teaser of a release whose full text lives elsewhere.</description>",
    )
    return rss([rendered])


# --- extra checks -------------------------------------------------------------------------


def _docs(world: World, feed_id: str) -> list[dict[str, Any]]:
    return [d for d in world["documents"] if d["source_id"] == feed_id]


def _retry_after_kept(world: World, feed_id: str) -> list[str]:
    state = load_states(world["settings"].state_path)[feed_id]
    started: datetime = world["run2"].started_at
    if state.next_check_at is None or state.next_check_at < started + timedelta(seconds=110):
        return [f"Retry-After: 120 not honoured: next check {state.next_check_at}"]
    return []


def _no_secret(world: World, feed_id: str) -> list[str]:
    return ["the secret file's content is in a table"] if world["found"](SECRET) else []


def _no_expansion(world: World, feed_id: str) -> list[str]:
    return ["an entity expansion was stored"] if world["found"]("lol" * 100) else []


def _titles_plain(world: World, feed_id: str) -> list[str]:
    titles = [d["title"] or "" for d in _docs(world, feed_id) if "html-" in (d["guid"] or "")]
    bad = [t for t in titles if "<" in t or "alert" in t or "p{}" in t]
    wanted = {"Secretary meets Minister", "Statement on trade", "Joint communique"}
    missing = wanted - set(titles)
    return [f"markup kept in {bad}"] * bool(bad) + [f"titles missing {missing}"] * bool(missing)


def _dates_flagged(world: World, feed_id: str) -> list[str]:
    years = sorted(d["published_at"].year for d in _docs(world, feed_id) if d["published_at"])
    problems = [] if {1900, 2100} <= set(years) else [f"dates not stored as published: {years}"]
    flagged_events = {row[0] for row in world["insane_dates"]}
    flagged = {e["doc_id"] for e in world["events"] if e["event_id"] in flagged_events}
    if not any(doc_id.startswith(f"{feed_id}:") for doc_id in flagged):
        problems.append("absurd dates not flagged by fct_events_sane_dates")
    return problems


def _huge_stored(world: World, feed_id: str) -> list[str]:
    """Stored cut at a paragraph boundary within max_document_chars, and flagged as cut."""
    limit = world["settings"].max_document_chars
    rows = [d for d in _docs(world, feed_id) if d["guid"] == "huge-1"]
    if not rows:
        return ["5 MB release not stored"]
    size, original = len(rows[0]["text"]), rows[0]["original_text_chars"] or 0
    if not (limit // 2 <= size <= limit and rows[0]["is_text_cut"] and original >= 4_500_000):
        return [f"5 MB release stored as {size} chars of {original}, cut: {rows[0]['is_text_cut']}"]
    return []


def _extracted(guid: str) -> Check:
    def check(world: World, feed_id: str) -> list[str]:
        docs = [d["doc_id"] for d in _docs(world, feed_id) if d["guid"] == guid]
        crashed = [r for r in world["rejects"] if r["stage"] == "extract" and r["item_id"] in docs]
        return [f"extractor failed: {crashed[0]['reason']}"] if crashed else []

    return check


def _readable_title(fragment: str) -> Check:
    def check(world: World, feed_id: str) -> list[str]:
        titles = [d["title"] or "" for d in _docs(world, feed_id)]
        return [] if any(fragment in t for t in titles) else [f"no title with {fragment!r}"]

    return check


def _kept_feed_text(world: World, feed_id: str) -> list[str]:
    texts = [d["text"] for d in _docs(world, feed_id) if d["guid"] == "elsewhere-1"]
    return [] if texts and "teaser" in texts[0] else ["summary-only document not kept"]


FAULTS: tuple[Fault, ...] = (
    Fault("http-500", _route(status=500, body=b"oops"), "fetch", r"HTTP 500"),
    Fault(
        "http-503-retry-after",
        _route(status=503, headers={"Retry-After": "120"}),
        "fetch",
        r"HTTP 503 .*retry after",
        check=_retry_after_kept,
    ),
    Fault(
        "http-429-retry-after",
        _route(status=429, headers={"Retry-After": "120"}),
        "fetch",
        r"HTTP 429 .*retry after",
        check=_retry_after_kept,
    ),
    Fault("connection-reset", lambda s, p, t: s.reset(p) and None, "fetch", r"reset|closed"),
    Fault(
        "reset-mid-body",
        lambda s, p, t: s.reset(p, after_headers=True) and None,
        "fetch",
        r"reset|closed|incomplete|Protocol",
    ),
    Fault("never-answers", _route(delay=60.0), "fetch", r"timeout"),
    Fault(
        "trickle-1-byte-per-s",
        _body(corpus_feed(220, 2), trickle=1.0, chunk_size=1),
        "fetch",
        r"timeout",
    ),
    Fault(
        "trickle-5-bytes-per-s",  # each byte within the read timeout: the total deadline cuts
        _body(corpus_feed(220, 2), trickle=0.2, chunk_size=1),
        "fetch",
        r"total timeout",
    ),
    Fault("gzip-bomb", lambda s, p, t: s.gzip_bomb(p, 4096 * MB) and None, "fetch", r"byte cap"),
    Fault("body-200mb", lambda s, p, t: s.stream(p, 200 * MB) and None, "fetch", r"byte cap"),
    Fault(
        "body-200mb-no-length",
        lambda s, p, t: s.stream(p, 200 * MB, declare_length=False) and None,
        "fetch",
        r"byte cap",
    ),
    Fault("redirect-loop", lambda s, p, t: _redirect(p)(s, p, t), "fetch", r"redirects"),
    Fault("redirect-ping-pong", _ping_pong, "fetch", r"redirects"),
    Fault(
        "redirect-to-file-scheme",
        _redirect("file:///etc/passwd"),
        "fetch",
        r"scheme 'file'",
    ),
    Fault(
        "wrong-content-type",
        _body(_items(_item(230, guid="ct-1")), content_type="text/html; charset=utf-8"),
        ingested=1,
    ),
    Fault(
        "missing-content-type",
        _body(_items(_item(231, guid="ct-2")), content_type=None),
        ingested=1,
    ),
    Fault(
        "html-error-page-200",
        _body(
            b"<!DOCTYPE html><html><head><title>Maintenance</title></head>"
            b"<body><h1>Down for maintenance</h1></body></html>",
            content_type="text/html",
        ),
        "parse",
        r"not a feed|no entries",
    ),
    Fault(
        "html-page-labelled-rss",  # a login or error page sent with the feed's content type
        _body(b"<html><head><title>Sign in</title></head><body><form></form></body></html>"),
        "parse",
        r"not a feed",
    ),
    Fault(
        "invalid-xml",
        _body(b"<rss><channel><item><title>x</ti"),
        "parse",
        r"not a feed|entry 1 is incomplete",
    ),
    Fault("zero-byte-body", _body(b""), "parse", r"not a feed|empty"),
    Fault(
        "truncated-xml",
        _body(_items(_item(240, guid="cut-1"), _item(241, guid="cut-2"))[:-300]),
        "parse",
        r"feed parsed with errors .*1 of 2 entries whole, 1 incomplete",
        ingested=1,
    ),
    Fault("billion-laughs", _body(_billion_laughs()), check=_no_expansion, ingested=-1),
    Fault("xxe-local-file", _xxe, check=_no_secret, ingested=-1),
    Fault(
        "misdeclared-encoding",
        _body(_misdeclared()),
        ingested=1,
        check=_readable_title("Caf"),
    ),
    Fault("invalid-utf8", _body(_invalid_utf8()), ingested=1, check=_readable_title("Broken")),
    Fault(
        "lone-surrogate-char-ref",
        _body(_surrogate()),
        ingested=2,
        check=_readable_title("Lone"),
    ),
    Fault(
        "charset-header-conflict",
        lambda s, p, t: _charset_conflict(),
        ingested=1,
    ),
    Fault("empty-feed", _body(rss([])), ingested=0),
    Fault("duplicate-guids", _body(_duplicates()), "parse", r"repeats an earlier entry", 2),
    Fault("html-in-titles", _body(_html_titles()), ingested=3, check=_titles_plain),
    Fault("absurd-dates", _body(_absurd_dates()), ingested=2, check=_dates_flagged),
    Fault("release-5mb", _body(_huge_release()), ingested=1, check=_huge_stored),
    Fault(
        "release-french",
        _body(_language("Rencontre \u00e0 Paris", FRENCH, "fr-1")),
        ingested=1,
        check=_extracted("fr-1"),
        feed={"language": "fr", "country": "FR", "timezone": "Europe/Paris"},
    ),
    Fault(
        "release-japanese",
        _body(_language("\u65e5\u7c73\u5916\u76f8\u4f1a\u8ac7", JAPANESE, "ja-1")),
        ingested=1,
        check=_extracted("ja-1"),
        feed={"language": "ja", "country": "JP", "timezone": "Asia/Tokyo"},
    ),
    Fault(
        "article-link-other-domain",
        _body(_summary_only("http://elsewhere.example/release", "elsewhere-1")),
        "article",
        r"outside the allowed domains",
        ingested=1,
        check=_kept_feed_text,
        feed={"full_text": "auto"},
    ),
    Fault(
        "article-link-metadata-address",
        _body(_summary_only("http://169.254.169.254/latest/meta-data/", "metadata-1")),
        "article",
        r"blocked http://169\.254\.169\.254",
        ingested=1,
        feed={"full_text": "auto"},
    ),
)


def _feed_path(name: str) -> str:
    return f"/{name}.xml"


def _snapshot_docs(settings: Settings) -> list[dict[str, Any]]:
    columns = ["doc_id", "source_id", "guid", "title", "text", "published_at", "content_hash"]
    columns += ["is_text_cut", "original_text_chars"]
    return store.read_table(settings, "documents", columns).to_pylist()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Run 1 with every feed healthy, then runs 2 and 3 with the faults switched on."""
    tmp = tmp_path_factory.mktemp("faults")
    settings = fault_settings(tmp / "warehouse")
    with FaultServer() as server:
        feeds: list[Feed] = []
        names = [*HEALTHY, *(f.name for f in FAULTS)]
        overrides = {f.name: f.feed for f in FAULTS}
        for index, name in enumerate(names):
            server.route(_feed_path(name), Route(body=corpus_feed(index * 2, 2, salt=name)))
            feeds.append(make_feed(name, server.url(_feed_path(name)), **overrides.get(name, {})))
        run1 = run_pipeline(settings, feeds)
        before = _snapshot_docs(settings)
        items = corpus_items()
        for index, name in enumerate(HEALTHY):  # the same two releases and two new ones
            chosen = [items[index * 2], items[index * 2 + 1], items[100 + index], items[110]]
            body = rss([rss_item(item, guid=f"{name}{item['link']}") for item in chosen])
            server.route(_feed_path(name), Route(body=body))
        for fault in FAULTS:
            route = fault.setup(server, _feed_path(fault.name), tmp)
            if route is not None:
                server.route(_feed_path(fault.name), route)
        timings = []
        summaries = []
        for _ in range(2):
            started = time.monotonic()
            summaries.append(run_pipeline(settings, feeds))
            timings.append(time.monotonic() - started)
        rejects = store.read_table(settings, "rejects").to_pylist()
        sane_dates_sql = (warehouse.CHECKS_DIR / "fct_events_sane_dates.sql").read_text()
        yield {
            "settings": settings,
            "run1": run1,
            "run2": summaries[0],
            "run3": summaries[1],
            "timings": timings,
            "before": before,
            "documents": _snapshot_docs(settings),
            "rejects": rejects,
            "found": readable_everywhere(settings),
            "insane_dates": warehouse.query(settings, sane_dates_sql.strip().rstrip(";")).rows,
            "events": store.read_table(
                settings, "events", ["event_id", "doc_id", "load_id"]
            ).to_pylist(),
        }


def _problems(world: World, fault: Fault) -> tuple[list[str], int]:
    """What went wrong for this fault's feed, and how many of its items are missing."""
    problems: list[str] = []
    run1: RunSummary = world["run1"]
    if run1.status != "ok":
        problems.append(f"run 1 was not clean: {run1.one_line()}")
    before = {d["doc_id"]: d for d in world["before"] if d["source_id"] == fault.name}
    now = {d["doc_id"]: d for d in world["documents"] if d["source_id"] == fault.name}
    lost = len(set(before) - set(now))
    new = len(set(now) - set(before))
    if fault.ingested >= 0 and new < fault.ingested:
        lost += fault.ingested - new
        problems.append(f"{fault.ingested} new documents expected, {new} stored")
    mine = [r for r in world["rejects"] if r["source_id"] == fault.name]
    if fault.stage is not None:
        matching = [
            r for r in mine if r["stage"] == fault.stage and re.search(fault.reason, r["reason"])
        ]
        if not matching:
            problems.append(f"no {fault.stage} reject matching /{fault.reason}/ in {mine}")
        elif "\n" in matching[0]["reason"] or len(matching[0]["reason"]) > 600:
            problems.append(f"reason is not one line: {matching[0]['reason']!r}")
    elif fault.ingested >= 0:
        unexpected = [r for r in mine if r["stage"] in ("fetch", "parse", "store")]
        if unexpected:
            problems.append(f"unexpected rejects {unexpected}")
    if fault.check is not None:
        problems += fault.check(world, fault.name)
    return problems, lost


# faults the pipeline does not survive yet: reason and proposed fix in reliability_findings.md
KNOWN_BUGS: dict[str, str] = {}


def _case(fault: Fault) -> Any:
    if fault.name in KNOWN_BUGS:
        mark = pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[fault.name])
        return pytest.param(fault, marks=mark, id=fault.name)
    return pytest.param(fault, id=fault.name)


@pytest.mark.parametrize("fault", [_case(f) for f in FAULTS])
def test_fault_is_survived(world: World, fault: Fault) -> None:
    problems, lost = _problems(world, fault)
    FAULT_REPORT[fault.name] = (not problems, lost, "; ".join(problems)[:200])
    assert not problems, problems
    assert lost == 0


def test_faulty_runs_end_in_bounded_time(world: World) -> None:
    assert all(seconds < RUN_SECONDS_LIMIT for seconds in world["timings"]), world["timings"]
    for summary in (world["run2"], world["run3"]):
        assert summary.error is None, summary.error
        assert summary.status == "partial"


def test_healthy_feeds_keep_being_ingested(world: World) -> None:
    for name in HEALTHY:
        before = {d["doc_id"] for d in world["before"] if d["source_id"] == name}
        now = {d["doc_id"] for d in world["documents"] if d["source_id"] == name}
        assert before < now and len(now) == 4, name
    assert not [r for r in world["rejects"] if r["source_id"] in HEALTHY]


def test_nothing_stored_earlier_is_lost_or_doubled(world: World) -> None:
    before = {(d["doc_id"], d["content_hash"]) for d in world["before"]}
    now = [(d["doc_id"], d["content_hash"]) for d in world["documents"]]
    assert before <= set(now)
    assert len(now) == len(set(now)), "a document version was stored twice"
    # run 3 repeated run 2: it must not have added a single document or event
    assert world["run3"].documents_new == world["run3"].documents_revised == 0
    assert world["run3"].events_written == 0
    event_ids = [e["event_id"] for e in world["events"]]
    assert len(event_ids) == len(set(event_ids))


def test_rejects_are_not_repeated_by_a_rerun(world: World) -> None:
    keys = [r["reject_id"] for r in world["rejects"]]
    assert len(keys) == len(set(keys))
    # a reason carrying the server's Retry-After time is a new reason each run; no other is
    run3 = world["run3"].load_id
    repeated = [r for r in world["rejects"] if r["load_id"] == run3]
    assert all("retry after" in r["reason"] for r in repeated), repeated


def test_no_stray_temporary_files(world: World) -> None:
    root = Path(world["settings"].data_root)
    assert not list(root.rglob("*.tmp"))
    assert not list(Path(world["settings"].serving_path).parent.glob("*.tmp-*"))


def _trickled_headers(seconds: float) -> Callable[[Any], None]:
    """A status line, then header bytes every 0.2 s for `seconds` (each within read_timeout)."""

    def answer(handler: Any) -> None:
        handler.wfile.write(b"HTTP/1.1 200 OK\r\n")
        handler.wfile.flush()
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            handler.wfile.write(b"X")
            handler.wfile.flush()
            time.sleep(0.2)

    return answer


def test_headers_trickling_are_cut_at_the_total_deadline(
    fault_server: FaultServer, tmp_path: Path
) -> None:
    settings = fault_settings(tmp_path)
    url = fault_server.special("/slow-headers.xml", _trickled_headers(3.0))
    feed = make_feed("slow-headers", url)
    with reported("slow-headers"), fetch.open_client(settings) as client:
        started = time.monotonic()
        result, _ = fetch.fetch_feed(feed, None, settings, client, datetime.now(UTC))
        elapsed = time.monotonic() - started
        assert result.status == "failed" and "timeout" in (result.error or "")
        attempts = settings.retries + 1
        assert elapsed < attempts * settings.total_timeout + 0.5, f"took {elapsed:.1f} s"


def test_a_hanging_resolver_is_cut_at_the_total_deadline(
    fault_server: FaultServer, tmp_path: Path
) -> None:
    settings = fault_settings(tmp_path, retries=0)
    port = int(fault_server.base.rsplit(":", 1)[1])
    fault_server.route("/feed.xml", Route(body=corpus_feed(0, 1)))
    internet = FakeInternet(
        dns={"slowdns.example": ["1.1.1.1"]},
        routes={"slowdns.example": port},
        slow={"slowdns.example": 2 * settings.total_timeout},
    )
    feed = make_feed("slow-dns", f"http://slowdns.example:{port}/feed.xml")
    with (
        reported("hanging-resolver"),
        fake_internet(internet),
        fetch.open_client(settings) as client,
    ):
        started = time.monotonic()
        fetch.fetch_feed(feed, None, settings, client, datetime.now(UTC))
        elapsed = time.monotonic() - started
        assert elapsed < settings.total_timeout + 0.5, f"took {elapsed:.1f} s"
