"""Per-feed state: round trip, atomic bounded writes, corrupt files, backoff and failing."""

from __future__ import annotations

import dataclasses
import json
import logging
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ingest.config import Settings
from ingest.state import (
    FIRST_FAILURE_DELAY_SECONDS,
    FeedState,
    load_states,
    save_states,
    state_after_failure,
    state_after_success,
)

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def test_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "state" / "feeds.json"
    states = {
        "a": FeedState(
            "a",
            etag='W/"123"',
            last_modified="Wed, 03 Aug 2022 20:12:40 GMT",
            last_success_at=NOW,
            last_attempt_at=NOW,
            next_check_at=NOW + timedelta(minutes=30),
            last_status="ok",
        ),
        "b": FeedState("b", consecutive_failures=2, last_error="HTTP 500", last_status="failed"),
    }
    save_states(path, states)
    assert load_states(path) == states
    assert [p.name for p in path.parent.iterdir()] == ["feeds.json"]  # no temp files left


def test_only_configured_feeds_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "feeds.json"
    save_states(path, {k: FeedState(k) for k in ("a", "b", "removed")}, keep=["a", "b", "new"])
    assert sorted(load_states(path)) == ["a", "b"]


def test_missing_file_is_empty(tmp_path: Path) -> None:
    assert load_states(tmp_path / "none.json") == {}


@pytest.mark.parametrize(
    "content",
    ['{"feeds": [{"feed_id": "a", "next_check_at": "not a date"}]}', "{trunc", '{"x": 1}', "[]"],
)
def test_corrupt_file_is_logged_and_ignored(
    content: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "feeds.json"
    path.write_text(content, encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="ingest.state"):
        assert load_states(path) == {}
    assert str(path) in caplog.text


def test_file_is_plain_json(tmp_path: Path) -> None:
    path = tmp_path / "feeds.json"
    save_states(path, {"a": FeedState("a", next_check_at=NOW)})
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["version"] == 1
    assert data["feeds"][0]["next_check_at"] == "2026-11-27T12:00:00+00:00"


def test_backoff_grows_then_fails_at_cap() -> None:
    settings = dataclasses.replace(Settings(), failure_threshold=4, max_check_interval_seconds=7200)
    rng = random.Random(1)
    state = FeedState("a")
    delays = []
    for _ in range(5):
        state = state_after_failure(state, NOW, "HTTP 503 from x", settings, rng=rng)
        assert state.next_check_at is not None
        delays.append((state.next_check_at - NOW).total_seconds())
    assert FIRST_FAILURE_DELAY_SECONDS * 0.5 <= delays[0] <= FIRST_FAILURE_DELAY_SECONDS * 1.5
    assert delays[1] >= FIRST_FAILURE_DELAY_SECONDS  # 2x base with jitter >= 0.5
    assert delays[3:] == [7200.0, 7200.0]
    assert state.last_status == "failing" and state.consecutive_failures == 5
    assert not state.is_due(NOW) and state.is_due(NOW + timedelta(hours=2))


def test_retry_after_wins_when_longer_but_is_capped() -> None:
    settings = dataclasses.replace(Settings(), max_check_interval_seconds=3600)
    later = NOW + timedelta(minutes=40)
    state = state_after_failure(FeedState("a"), NOW, "HTTP 429", settings, retry_at=later)
    assert state.next_check_at == later
    far = NOW + timedelta(days=3)
    state = state_after_failure(FeedState("a"), NOW, "HTTP 429", settings, retry_at=far)
    assert state.next_check_at == NOW + timedelta(hours=1)


def test_success_resets_and_304_keeps_validators() -> None:
    failing = FeedState("a", etag='"e"', last_modified="m", consecutive_failures=5)
    ok = state_after_success(
        failing, NOW, status="not_modified", etag=None, last_modified=None, next_check_at=None
    )
    assert (ok.etag, ok.last_modified, ok.consecutive_failures) == ('"e"', "m", 0)
    fresh = state_after_success(
        failing, NOW, status="ok", etag=None, last_modified=None, next_check_at=None
    )
    assert (fresh.etag, fresh.last_modified) == (None, None)  # a 200 without validators
