"""Fixtures for the ingestion tests: a real HTTP server on 127.0.0.1, short limits, a client."""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

TESTS = Path(__file__).resolve().parents[1]
if str(TESTS) not in sys.path:  # makes tests/support importable from every test area
    sys.path.insert(0, str(TESTS))

from ingest.config import Feed, Settings  # noqa: E402
from ingest.fetch import open_client  # noqa: E402
from support.feedserver import FeedServer  # noqa: E402

FIXTURES = TESTS / "fixtures"
FEEDS = FIXTURES / "feeds"
INGESTION = FIXTURES / "ingestion"


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as running:
        yield running


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Limits small enough that timeout tests take well under a second each."""
    return dataclasses.replace(
        Settings(),
        state_path=str(tmp_path / "state" / "feeds.json"),
        connect_timeout=1.0,
        read_timeout=0.4,
        total_timeout=1.5,
        max_body_bytes=400_000,
        max_redirects=3,
        retries=1,
        backoff_base_seconds=0.01,
        failure_threshold=3,
        max_check_interval_seconds=3600,
    )


@pytest.fixture
def client(settings: Settings) -> Iterator[httpx.Client]:
    with open_client(settings) as opened:
        yield opened


def make_feed(url: str, **changes: object) -> Feed:
    """A valid feed with the given URL (State Department defaults)."""
    values: dict[str, object] = {
        "id": "us-state-test",
        "url": url,
        "publisher": "U.S. Department of State",
        "country": "US",
        "timezone": "America/New_York",
        "full_text": "never",
    }
    values.update(changes)
    return Feed(**values)  # type: ignore[arg-type]


@pytest.fixture(name="make_feed")
def make_feed_fixture() -> Callable[..., Feed]:
    return make_feed
