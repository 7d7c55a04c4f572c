"""Per-feed fetch state (validators, failures, next check) in a small JSON file of its own.

The file is a cache, not data: deleting it only costs one unconditional re-fetch per feed, since
the documents table deduplicates by doc_id and content_hash. It never lives in DuckDB (the
serving file must not be locked by the pipeline), it is written atomically, and it holds one
entry per configured feed, so it cannot grow without bound.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import random
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from ingest import files
from ingest.config import Settings

log = logging.getLogger(__name__)

STATE_VERSION = 1
# the first failure of a feed waits this long before the next run tries again; doubling after
# each further failure (backoff across runs, on top of the in-run retries of ingest.fetch)
FIRST_FAILURE_DELAY_SECONDS = 60.0
MAX_ERROR_CHARS = 500


@dataclass(frozen=True, slots=True)
class FeedState:
    """What we remember about one feed between runs."""

    feed_id: str
    etag: str | None = None
    last_modified: str | None = None
    consecutive_failures: int = 0
    last_success_at: datetime | None = None
    last_attempt_at: datetime | None = None
    next_check_at: datetime | None = None
    last_error: str | None = None
    last_status: str | None = None  # ok | not_modified | failed | failing

    @property
    def is_failing(self) -> bool:
        return self.last_status == "failing"

    def is_due(self, now: datetime) -> bool:
        return self.next_check_at is None or self.next_check_at <= now


def state_after_success(
    state: FeedState,
    now: datetime,
    *,
    status: str,
    etag: str | None,
    last_modified: str | None,
    next_check_at: datetime | None,
) -> FeedState:
    """A 200 or 304: failures reset, validators kept (a 304 may omit them), hints honoured."""
    return dataclasses.replace(
        state,
        etag=etag or (state.etag if status == "not_modified" else None),
        last_modified=last_modified or (state.last_modified if status == "not_modified" else None),
        consecutive_failures=0,
        last_success_at=now,
        last_attempt_at=now,
        next_check_at=next_check_at,
        last_error=None,
        last_status=status,
    )


def state_after_failure(
    state: FeedState,
    now: datetime,
    error: str,
    settings: Settings,
    *,
    retry_at: datetime | None = None,
    rng: random.Random | None = None,
) -> FeedState:
    """A failed fetch: exponential backoff with jitter, capped; 'failing' after the threshold.

    A server's own Retry-After (retry_at) wins over our backoff when it asks for longer.
    """
    failures = state.consecutive_failures + 1
    cap = float(settings.max_check_interval_seconds)
    failing = failures >= settings.failure_threshold
    if failing:
        delay = cap
    else:
        jitter = (rng or random).uniform(0.5, 1.5)
        delay = min(cap, FIRST_FAILURE_DELAY_SECONDS * 2 ** (failures - 1) * jitter)
    next_check = now + timedelta(seconds=delay)
    if retry_at is not None:
        next_check = max(next_check, min(retry_at, now + timedelta(seconds=cap)))
    return dataclasses.replace(
        state,
        consecutive_failures=failures,
        last_attempt_at=now,
        next_check_at=next_check,
        last_error=error[:MAX_ERROR_CHARS],
        last_status="failing" if failing else "failed",
    )


def load_states(path: str | os.PathLike[str]) -> dict[str, FeedState]:
    """Read the state file; a missing file is empty, a corrupt one is logged and ignored."""
    state_path = Path(path)
    try:
        raw = json.loads(state_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        log.warning("ignoring unreadable feed state file %s: %s", state_path, error)
        return {}
    try:
        states = [_state_from_json(item) for item in raw["feeds"]]
    except (KeyError, TypeError, ValueError) as error:
        log.warning("ignoring malformed feed state file %s: %r", state_path, error)
        return {}
    return {state.feed_id: state for state in states}


def save_states(
    path: str | os.PathLike[str],
    states: Mapping[str, FeedState],
    keep: Iterable[str] | None = None,
) -> None:
    """Write states atomically (temp file + os.replace); only feeds in keep (if given) stay."""
    state_path = Path(path)
    state_path.parent.mkdir(parents=True, exist_ok=True)
    kept = set(keep) if keep is not None else set(states)
    payload = {
        "version": STATE_VERSION,
        "feeds": [_state_to_json(states[k]) for k in sorted(states) if k in kept],
    }
    # a writer killed before the rename leaves its temp file: the next save removes it
    files.remove_stale_temp_files(state_path.parent, files.STATE_TEMP_PREFIX, files.TEMP_SUFFIX)
    handle, temp_name = tempfile.mkstemp(
        prefix=files.STATE_TEMP_PREFIX + files.temp_owner(),
        suffix=files.TEMP_SUFFIX,
        dir=state_path.parent,
    )
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(payload, out, indent=1, sort_keys=True)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp_name, state_path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


_TIME_FIELDS = ("last_success_at", "last_attempt_at", "next_check_at")


def _state_to_json(state: FeedState) -> dict[str, Any]:
    row = dataclasses.asdict(state)
    for name in _TIME_FIELDS:
        row[name] = row[name].isoformat() if row[name] else None
    return row


def _state_from_json(item: Any) -> FeedState:
    if not isinstance(item, dict) or not isinstance(item.get("feed_id"), str):
        raise ValueError(f"not a feed state: {item!r:.80}")
    known = {f.name for f in dataclasses.fields(FeedState)}
    values = {k: v for k, v in item.items() if k in known}
    for name in _TIME_FIELDS:
        if values.get(name):
            parsed = datetime.fromisoformat(values[name])
            if parsed.tzinfo is None:
                raise ValueError(f"{name} has no time zone: {values[name]!r}")
            values[name] = parsed
    values["consecutive_failures"] = int(values.get("consecutive_failures") or 0)
    return FeedState(**values)
