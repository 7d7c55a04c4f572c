"""The real run without a Prefect API, RSS built from the corpus, and a fake internet.

`run_pipeline` calls `ingest.pipeline.feeds.ingest` (the very code `ingest run` executes: stage
order, retry policy, reject bookkeeping, state saved after the tables) with the library's own
step runner: a Prefect test harness costs ~20 s to start and ~1-7 s per flow run, which a suite
of many faulty runs (and a crash test killing runs) cannot afford. What this leaves out is
Prefect itself: its task runs, artifacts and UI (tests/flows runs those).
"""

from __future__ import annotations

import contextlib
import dataclasses
import gzip
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from email.utils import format_datetime, parsedate_to_datetime
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from ingest.config import Feed, Settings
from ingest.summary import RunSummary

ROOT = Path(__file__).resolve().parents[2]
# the first 400 items of the shared corpus (title, link, pubDate, content), bundled so the suite
# runs anywhere; the load benchmark reads the whole corpus from ../shared
SAMPLE = Path(__file__).with_name("data") / "corpus_sample.json.gz"
CORPUS = (
    ROOT.parent / "shared" / "corpus" / "state.gov_press-releases_2021-05_to_2022-08.items.json"
)
FIXTURE_FEEDS = ROOT / "tests" / "fixtures" / "feeds"


def run_pipeline(settings: Settings, feeds: Sequence[Feed], force: bool = True) -> RunSummary:
    """One run over feeds (force: ignore next-check times)."""
    from ingest.pipeline.feeds import ingest

    return ingest(settings, list(feeds), force=force)


# --- feeds built from the corpus ------------------------------------------------------------


@cache
def corpus_items(full: bool = False) -> list[dict[str, str]]:
    """Real state.gov feed items: the bundled sample, or (full) the 2,025 of the corpus."""
    if full:
        items: list[dict[str, str]] = json.loads(CORPUS.read_text(encoding="utf-8"))
    else:
        with gzip.open(SAMPLE, "rt", encoding="utf-8") as handle:
            items = json.load(handle)
    return items


def write_corpus_documents(path: Path) -> None:
    """The bundled sample as a documents JSONL file (`ingest backfill` reads it)."""
    with path.open("w", encoding="utf-8") as handle:
        for number, item in enumerate(corpus_items()):
            row = {
                "id": f"doc-{number}",
                "url": item["link"],
                "title": item["title"],
                "published": parsedate_to_datetime(item["pubDate"]).isoformat(),
                "text": item["content"],
            }
            handle.write(json.dumps(row) + "\n")


def rss_item(item: Mapping[str, str], *, guid: str | None = None) -> str:
    """One <item> (content:encoded holds the body, as state.gov's feed does)."""
    return (
        "<item>"
        f"<title>{escape(item['title'])}</title>"
        f"<link>{escape(item['link'])}</link>"
        f'<guid isPermaLink="false">{escape(guid or item["link"])}</guid>'
        f"<pubDate>{escape(item['pubDate'])}</pubDate>"
        f"<description>{escape(item.get('description', item['title']))}</description>"
        f"<content:encoded><![CDATA[{item['content']}]]></content:encoded>"
        "</item>\n"
    )


def rss(items: Sequence[str], title: str = "Press releases", prolog: str = "") -> bytes:
    """A whole RSS 2.0 document around already rendered <item> strings."""
    head = '<?xml version="1.0" encoding="UTF-8"?>\n' + prolog
    return (
        head + '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        f"<channel><title>{escape(title)}</title><link>https://www.state.gov/</link>"
        "<description>test</description>\n" + "".join(items) + "</channel></rss>\n"
    ).encode("utf-8")


def corpus_feed(start: int, count: int, salt: str = "") -> bytes:
    """RSS of corpus items [start, start+count); salt makes GUIDs unique per feed."""
    items = corpus_items()
    chosen = [items[(start + i) % len(items)] for i in range(count)]
    return rss([rss_item(item, guid=f"{salt}{item['link']}") for item in chosen])


def with_date(item: Mapping[str, str], year: int) -> dict[str, str]:
    moment = parsedate_to_datetime(item["pubDate"])
    return {**item, "pubDate": format_datetime(moment.replace(year=year))}


def make_feed(feed_id: str, url: str, **changes: Any) -> Feed:
    values: dict[str, Any] = {
        "id": feed_id,
        "url": url,
        "publisher": "U.S. Department of State",
        "country": "US",
        "timezone": "America/New_York",
        "full_text": "never",
    }
    values.update(changes)
    return Feed(**values)


def fault_settings(root: Path, **changes: Any) -> Settings:
    """Short limits: a faulty server costs at most (retries + 1) * total_timeout."""
    settings = Settings(
        data_root=str(root / "data"),
        serving_path=str(root / "ingest.duckdb"),
        state_path=str(root / "state" / "feeds.json"),
        connect_timeout=0.5,
        read_timeout=0.5,
        total_timeout=2.0,
        max_body_bytes=8_000_000,
        max_redirects=3,
        max_concurrency=32,
        per_host_concurrency=32,
        retries=1,
        backoff_base_seconds=0.01,
        failure_threshold=3,
        max_check_interval_seconds=3600,
    )
    return dataclasses.replace(settings, **changes)


# --- a fake internet: names resolve as we say, connections only ever reach 127.0.0.1 -----------


@dataclasses.dataclass
class FakeInternet:
    """socket.getaddrinfo answers from `dns`; socket.create_connection is redirected.

    A name in `routes` connects to 127.0.0.1:<port>, our local server, and the socket reports
    its first DNS answer as the peer address: to the pipeline, a public site. A name also in
    `rebinding` reports its real peer (127.0.0.1): DNS said public, the connection is internal.
    A loopback literal connects as asked; anything else is recorded and refused, so no packet
    ever leaves the machine. `attempts` lists every (host, port) a connection was asked for.
    """

    dns: dict[str, list[str]] = dataclasses.field(default_factory=dict)
    routes: dict[str, int] = dataclasses.field(default_factory=dict)
    rebinding: set[str] = dataclasses.field(default_factory=set)
    slow: dict[str, float] = dataclasses.field(default_factory=dict)  # name -> seconds to answer
    attempts: list[tuple[str, int]] = dataclasses.field(default_factory=list)
    lock: threading.Lock = dataclasses.field(default_factory=threading.Lock)

    def refused(self) -> list[tuple[str, int]]:
        allowed = {"127.0.0.1", "localhost", "::1", *self.routes}
        allowed |= {self.dns[name][0] for name in self.routes if name in self.dns}
        with self.lock:
            return [(h, p) for h, p in self.attempts if h not in allowed]


class _PeerSocket(socket.socket):
    """A connected socket that reports another peer address (the one DNS gave)."""

    peer: tuple[str, int] = ("0.0.0.0", 0)

    def getpeername(self) -> tuple[str, int]:
        return self.peer


@contextlib.contextmanager
def fake_internet(internet: FakeInternet) -> Iterator[FakeInternet]:
    real_getaddrinfo = socket.getaddrinfo
    real_create_connection = socket.create_connection

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else host
        if isinstance(name, str) and name.lower().rstrip(".") in internet.slow:
            time.sleep(internet.slow[name.lower().rstrip(".")])  # a resolver that hangs
        if isinstance(name, str) and name.lower().rstrip(".") in internet.dns:
            answers = []
            for address in internet.dns[name.lower().rstrip(".")]:
                family = socket.AF_INET6 if ":" in address else socket.AF_INET
                sockaddr: tuple[Any, ...] = (address, port or 0)
                if family == socket.AF_INET6:
                    sockaddr = (address, port or 0, 0, 0)
                answers.append((family, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", sockaddr))
            return answers
        return real_getaddrinfo(host, port, *args, **kwargs)

    # a connection may name the host or one of its (fake) addresses, if the caller resolved it
    by_address = {internet.dns[name][0]: name for name in internet.routes if name in internet.dns}

    def create_connection(address: tuple[str, int], *args: Any, **kwargs: Any) -> socket.socket:
        host, port = address[0], int(address[1])
        with internet.lock:
            internet.attempts.append((host, port))
        host = by_address.get(host, host)
        if host in internet.routes:
            getaddrinfo(host, port)  # resolve first, as socket.create_connection does
            real = real_create_connection(("127.0.0.1", internet.routes[host]), *args, **kwargs)
            if host in internet.rebinding:
                return real
            fake = _PeerSocket(real.family, real.type, real.proto, fileno=real.detach())
            fake.peer = (internet.dns[host][0], port)
            return fake
        if host in ("127.0.0.1", "localhost", "::1"):
            return real_create_connection(address, *args, **kwargs)
        raise ConnectionRefusedError(f"test network: no traffic to {host}:{port}")

    socket.getaddrinfo = getaddrinfo
    socket.create_connection = create_connection
    try:
        yield internet
    finally:
        socket.getaddrinfo = real_getaddrinfo
        socket.create_connection = real_create_connection


def readable_everywhere(settings: Settings) -> Callable[[str], bool]:
    """A predicate: does text appear in any stored table (every column cast to string)?"""
    from ingest import store
    from ingest.schemas import TABLES

    dumps = [
        json.dumps(store.read_table(settings, name).to_pylist(), default=str, ensure_ascii=False)
        for name in TABLES
    ]

    def found(text: str) -> bool:
        return any(text in dump for dump in dumps)

    return found


def command_settings(root: Path, **values: object) -> tuple[Settings, Path]:
    """Settings for a warehouse in root, and a settings.toml naming them (plus `values`) for an
    `ingest` command run as a process of its own (INGEST_SETTINGS)."""
    settings = Settings(
        data_root=str(root / "data"),
        serving_path=str(root / "ingest.duckdb"),
        state_path=str(root / "state" / "feeds.json"),
    )
    lines = [
        f'data_root = "{settings.data_root}"',
        f'serving_path = "{settings.serving_path}"',
        f'state_path = "{settings.state_path}"',
    ]
    lines += [
        f'{key} = "{value}"' if isinstance(value, str | Path) else f"{key} = {value}"
        for key, value in values.items()
    ]
    path = root / "settings.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return settings, path
