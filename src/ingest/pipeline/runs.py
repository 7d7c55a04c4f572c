"""What every run shares: its deadlines, its batches' writes, its record and its publication.

A run lists its load in flight, runs its body, then publishes (or records why it failed) and
reports its summary. Nothing a run writes is visible before it publishes; feed states and
whatever else must not get ahead of readers wait in the body's `AfterPublish`.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from ingest import publication, store, warehouse
from ingest.config import Settings
from ingest.pipeline import steps
from ingest.pipeline.execution import Outcome, StepRunner
from ingest.records import Document, Reject
from ingest.summary import RunSummary, Tally

log = logging.getLogger(__name__)
# a step's deadline is a backstop behind the HTTP deadlines, never the first line: leave room
TIMEOUT_MARGIN_SECONDS = 60.0

# what a run body may hand back: work that must wait until its rows are published
AfterPublish = Callable[[], None] | None
# what a finished run's summary is handed to (flows/ makes it a Prefect artifact)
Reporter = Callable[[RunSummary], None]


def no_report(summary: RunSummary) -> None:
    """Runs outside Prefect: the summary is the return value and the `loads` row."""


def fetch_deadline(settings: Settings, feeds: int, most_per_host: int) -> float:
    """Worst case of fetching `feeds` feeds within our HTTP limits, plus a margin.

    Each feed may take (retries + 1) total timeouts plus backoff sleeps; feeds run
    max_concurrency at a time overall and per_host_concurrency at a time per host.
    """
    attempts = settings.retries + 1
    backoff = sum(
        settings.backoff_base_seconds * (0.5 + 2 ** max(0, a - 1)) for a in range(1, attempts)
    )
    per_feed = attempts * settings.total_timeout + backoff
    waves = max(
        math.ceil(feeds / max(1, settings.max_concurrency)),
        math.ceil(most_per_host / max(1, settings.per_host_concurrency)),
        1,
    )
    return float(waves * per_feed + TIMEOUT_MARGIN_SECONDS)


def result_or_error(outcome: Outcome[Any]) -> tuple[Any, str | None]:
    """A step's result, or a one-line reason when it raised (a failure of one feed is data)."""
    try:
        return outcome.result(), None
    except Exception as error:
        return None, f"{type(error).__name__}: {error}"


def store_batch(
    runner: StepRunner,
    settings: Settings,
    tally: Tally,
    documents: Sequence[Document],
    rejects: Sequence[Reject],
    *,
    store_documents: bool = True,
) -> None:
    """One step extracts and writes a batch (hidden from readers until the run publishes)."""
    if not (documents or rejects):
        return
    params = {
        "settings": settings,
        "documents": documents,
        "rejects": rejects,
        "load_id": tally.load_id,
        "at": tally.started_at,
        "store_documents": store_documents,
    }
    stored = runner.submit(steps.store_batch, params).result()
    tally.add(events_written=stored.events, rejects_written=stored.rejects)
    tally.add_duration("extract", stored.extract_seconds)
    tally.add_duration("store", stored.write_seconds)


def finish(
    settings: Settings,
    tally: Tally,
    error: BaseException | None = None,
    after_publish: AfterPublish = None,
    report: Reporter = no_report,
) -> RunSummary:
    """Record the run in `loads`; publish its rows if it succeeded; report it.

    On success the `loads` row is written under the publication lock, once the marts are
    computed and just before the publication that shows the run's rows; then `after_publish`
    runs (feed states: they must never get ahead of what readers and the next run see). A
    failed run's rows stay hidden (its load stays in flight).
    """
    recorded: list[RunSummary] = []

    def record(marts_seconds: float) -> None:
        tally.add_duration("views", marts_seconds)
        summary = tally.freeze(datetime.now(UTC))
        store.write_load(settings, summary.to_load_row())
        recorded.append(summary)

    if error is None:
        try:
            warehouse.publish(settings, tally.load_id, before=record)
        except Exception as publish_error:
            if not recorded:
                _record_failure(settings, tally, publish_error)
            raise
        if after_publish is not None:
            after_publish()
        summary = recorded[0]
    else:
        summary = _record_failure(settings, tally, error)
    report(summary)
    return summary


def _record_failure(settings: Settings, tally: Tally, error: BaseException) -> RunSummary:
    summary = tally.freeze(datetime.now(UTC), error=f"{type(error).__name__}: {error}")
    try:
        store.write_load(settings, summary.to_load_row())
    except Exception:
        # the run already failed: keep its error, not the secondary one
        log.exception("could not record the failed run %s", summary.load_id)
    return summary


def run_reported(
    settings: Settings,
    tally: Tally,
    body: Callable[[Tally], AfterPublish],
    report: Reporter = no_report,
) -> RunSummary:
    """Run the body between listing its load in flight and publishing it; whatever happens,
    the run is recorded and reported."""
    publication.begin(settings, tally.load_id, tally.started_at)
    try:
        after_publish = body(tally)
    except Exception as error:
        finish(settings, tally, error, report=report)
        raise
    return finish(settings, tally, after_publish=after_publish, report=report)


def new_tally(flow: str, extractor_version: str) -> Tally:
    """A run's counters, its load id taken from its start."""
    now = datetime.now(UTC)
    return Tally(flow, store.new_load_id(now), now, extractor_version=extractor_version)
