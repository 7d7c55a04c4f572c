"""The ingestion slice end to end on the captured feeds: fetch -> parse -> split, twice."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from ingest.config import Feed, Settings
from ingest.fetch import fetch_feeds
from ingest.parse import parse_feed, split_new_and_revised
from ingest.state import load_states, save_states
from support.feedserver import FeedServer

FEEDS = Path(__file__).resolve().parents[1] / "fixtures" / "feeds"
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
MakeFeed = Callable[..., Feed]


def test_two_runs_over_the_captured_state_gov_feeds(
    server: FeedServer, settings: Settings, client: httpx.Client, make_feed: MakeFeed
) -> None:
    names = sorted(p.name for p in FEEDS.glob("state.gov_*.xml"))
    feeds = [
        make_feed(
            server.serve_file(f"/{name}", FEEDS / name, etag=f'"{i}"'),
            id=f"us-state-{i}",
        )
        for i, name in enumerate(names)
    ]
    stored: dict[str, str] = {}  # doc_id -> latest content_hash, as the documents table keeps it

    def run(now: datetime) -> tuple[int, int, int]:
        states = load_states(settings.state_path)
        outcomes = fetch_feeds(feeds, states, settings, client, now)
        new_total = revised_total = not_modified = 0
        for feed, (result, state) in zip(feeds, outcomes, strict=True):
            states[feed.id] = state
            not_modified += result.status == "not_modified"
            new, revised = split_new_and_revised(parse_feed(feed, result).documents, stored)
            stored.update({d.doc_id: d.content_hash for d in [*new, *revised]})
            new_total, revised_total = new_total + len(new), revised_total + len(revised)
        save_states(settings.state_path, states, keep=[f.id for f in feeds])
        return new_total, revised_total, not_modified

    assert run(NOW) == (30, 0, 0)
    assert run(NOW + timedelta(minutes=30)) == (0, 0, 3)  # conditional GETs answered 304
    # deleting the state file only costs a re-fetch: the same documents dedup to nothing new
    Path(settings.state_path).unlink()
    assert run(NOW + timedelta(hours=1)) == (0, 0, 0)
    assert len(stored) == 30
