"""Parse + normalise throughput (entries/s on one core) on real state.gov feed items as RSS 2.0.

The corpus items (title, link, pubDate, creator, content HTML) are written back into RSS 2.0
feeds of --items-per-feed items with <content:encoded>, as WordPress serves them; two shapes are
measured: "excerpt" (description = first paragraph, the common WordPress setting) and "full"
(description repeats the whole body, as state.gov's own feed does: twice the bytes).
Times are CPU seconds of this process (time.process_time, best of --repeat): one core's
throughput, and steadier than wall time on a shared machine. Each shape is measured with
ingest.parse's feedparser adjustments (the default) and with stock feedparser
(ingest.feedtuning.stock_feedparser), through parse_bytes and through feedparser alone.
Usage: python benchmarks/bench_parse.py [--corpus PATH] [--items-per-feed N] [--repeat R]
"""

from __future__ import annotations

import argparse
import io
import json
import re
import sys
import time
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import feedparser  # noqa: E402

from ingest.config import Feed  # noqa: E402
from ingest.feedtuning import stock_feedparser  # noqa: E402
from ingest.parse import parse_bytes  # noqa: E402

DEFAULT_CORPUS = (
    ROOT.parent / "shared" / "corpus" / "state.gov_press-releases_2021-05_to_2022-08.items.json"
)
FIRST_PARAGRAPH = re.compile(r"<p>.*?</p>", re.S)
FEED = Feed(
    id="bench-state",
    url="https://www.state.gov/rss-feed/press-releases/feed/",
    publisher="U.S. Department of State",
    country="US",
    timezone="America/New_York",
)


def cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def item_xml(item: dict[str, str], shape: str) -> str:
    content = item.get("content") or ""
    if shape == "full":
        description = content
    else:
        match = FIRST_PARAGRAPH.search(content)
        description = match.group(0) if match else content[:300]
    return (
        "<item>"
        f"<title>{escape(item.get('title') or '')}</title>"
        f"<link>{escape(item.get('link') or '')}</link>"
        f"<dc:creator>{cdata(item.get('creator') or '')}</dc:creator>"
        f"<pubDate>{escape(item.get('pubDate') or '')}</pubDate>"
        f'<guid isPermaLink="false">{escape(item.get("link") or "")}</guid>'
        f"<description>{cdata(description)}</description>"
        f"<content:encoded>{cdata(content)}</content:encoded>"
        "</item>\n"
    )


def rss(items: list[dict[str, str]], shape: str) -> bytes:
    head = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/">\n<channel>'
        "<title>Press Releases - United States Department of State</title>"
        "<link>https://www.state.gov</link><description></description>"
        "<language>en-US</language>\n"
    )
    body = "".join(item_xml(item, shape) for item in items)
    return (head + body + "</channel></rss>\n").encode("utf-8")


def feeds_of(items: list[dict[str, str]], size: int, shape: str) -> list[bytes]:
    return [rss(items[i : i + size], shape) for i in range(0, len(items), size)]


def measure(feeds: list[bytes], repeat: int) -> tuple[float, int, int]:
    """Best-of-repeat seconds for parsing every feed once, entries and documents counted."""
    best = float("inf")
    entries = documents = 0
    for _ in range(repeat):
        started = time.process_time()
        entries = documents = 0
        for body in feeds:
            parsed = parse_bytes(FEED, body)
            entries += parsed.entries
            documents += len(parsed.documents)
        best = min(best, time.process_time() - started)
    return best, entries, documents


def measure_feedparser(feeds: list[bytes], repeat: int) -> float:
    """Best-of-repeat seconds for feedparser alone, called as parse_bytes calls it (the floor)."""
    best = float("inf")
    for _ in range(repeat):
        started = time.process_time()
        for body in feeds:
            feedparser.parse(
                io.BytesIO(body),
                response_headers={},
                sanitize_html=False,
                resolve_relative_uris=False,
            )
        best = min(best, time.process_time() - started)
    return best


def line(name: str, count: int, elapsed: float, **extra: object) -> str:
    return json.dumps(
        {"name": name, "value": round(count / elapsed, 1), "unit": "entries/s", **extra}
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--items-per-feed", type=int, default=405)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    items = json.loads(args.corpus.read_text(encoding="utf-8"))
    for shape in ("excerpt", "full"):
        feeds = feeds_of(items, args.items_per_feed, shape)
        megabytes = round(sum(map(len, feeds)) / 1e6, 2)
        seconds, entries, documents = measure(feeds, args.repeat)
        print(
            line(
                f"parse_normalise_{shape}",
                entries,
                seconds,
                entries=entries,
                documents=documents,
                feeds=len(feeds),
                feed_mb=megabytes,
                mb_per_s=round(megabytes / seconds, 2),
                seconds=round(seconds, 3),
            )
        )
        print(line(f"feedparser_only_{shape}", entries, measure_feedparser(feeds, args.repeat)))
        with stock_feedparser():
            stock, _, _ = measure(feeds, args.repeat)
            stock_only = measure_feedparser(feeds, args.repeat)
        print(line(f"parse_normalise_{shape}_stock_feedparser", entries, stock))
        print(line(f"feedparser_only_{shape}_stock", entries, stock_only))


if __name__ == "__main__":
    main()
