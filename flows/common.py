"""What every flow shares: a bounded task runner, task options from Settings, the run's report."""

from __future__ import annotations

import contextlib
import logging
import math
import os
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar, cast

from prefect import Task
from prefect.artifacts import create_markdown_artifact
from prefect.client.schemas.objects import State, TaskRun
from prefect.futures import PrefectFuture
from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner
from prefect.tasks import exponential_backoff
from prefect.utilities.annotations import quote

from flows import tasks
from ingest import publication, store, warehouse
from ingest.config import Settings
from ingest.records import Document, Reject
from ingest.summary import RunSummary, Tally

log = logging.getLogger(__name__)
R = TypeVar("R")
# spread retries of tasks that failed together (e.g. one storage hiccup) over +-50% of the delay
RETRY_JITTER_FACTOR = 0.5
# a task timeout is a backstop behind the HTTP deadlines, never the first line: leave room
TIMEOUT_MARGIN_SECONDS = 60.0
# the user's own choice of flow-run heartbeats wins over one_off_runs()
HEARTBEAT_VARIABLES = ("PREFECT_FLOWS_HEARTBEAT_FREQUENCY", "PREFECT_RUNNER_HEARTBEAT_FREQUENCY")


@contextlib.contextmanager
def one_off_runs() -> Iterator[None]:
    """Flow runs started here, in this process, send no heartbeats unless the user asks for them.

    Heartbeats let a Prefect server notice a deployment run whose worker died (`ingest serve`
    keeps them). A run started by hand in this process has no worker to lose, yet Prefect 3.9
    joins the heartbeat thread at the end of every flow run, and that thread sleeps in whole
    seconds: each run waited up to 1 s doing nothing (measured: an empty flow 1.13-1.17 s with
    heartbeats, 0.17-0.35 s without).
    """
    if any(name in os.environ for name in HEARTBEAT_VARIABLES):
        yield
        return
    with temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        yield


def bounded_runner(settings: Settings) -> ThreadPoolTaskRunner[Any]:
    """A thread pool of max_concurrency workers (Prefect's default pool is unbounded)."""
    return ThreadPoolTaskRunner[Any](max_workers=max(1, settings.max_concurrency))


def default_runner() -> TaskRunner[PrefectFuture[Any]]:
    """The flows' own runner, bounded by the default max_concurrency.

    Flows submit their tasks to `bounded_runner(settings)` instead, sized from the loaded
    settings; this one only bounds anything submitted the ordinary way.
    """
    runner = ThreadPoolTaskRunner[Any](max_workers=Settings().max_concurrency)
    return cast(TaskRunner[PrefectFuture[Any]], runner)


def retrying(task: Task[..., R], settings: Settings) -> Task[..., R]:
    """The task with retries and exponential backoff with jitter, from Settings.

    A task that timed out is not retried: its deadline (`tasks.call_with_deadline`) already
    covers every HTTP retry, and the abandoned attempt may still be running.
    """
    return task.with_options(
        retries=settings.retries,
        retry_delay_seconds=exponential_backoff(backoff_factor=settings.backoff_base_seconds),
        retry_jitter_factor=RETRY_JITTER_FACTOR,
        retry_condition_fn=_not_timed_out,
    )


def _not_timed_out(task: Task[..., Any], task_run: TaskRun, state: State[Any]) -> bool:
    return not isinstance(state.data, TimeoutError)


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


def result_or_error(future: PrefectFuture[Any]) -> tuple[Any, str | None]:
    """A task's result, or a one-line reason when it raised (a failure of one feed is data)."""
    try:
        return future.result(), None
    except Exception as error:
        return None, f"{type(error).__name__}: {error}"


def store_batch(
    runner: ThreadPoolTaskRunner[Any],
    settings: Settings,
    tally: Tally,
    documents: Sequence[Document],
    rejects: Sequence[Reject],
    *,
    store_documents: bool = True,
) -> None:
    """One task run extracts and writes a batch (hidden from readers until the run publishes)."""
    if not (documents or rejects):
        return
    params = {
        "settings": settings,
        "documents": quote(documents),
        "rejects": quote(rejects),
        "load_id": tally.load_id,
        "at": tally.started_at,
        "store_documents": store_documents,
    }
    stored = runner.submit(retrying(tasks.store_batch, settings), params).result()
    tally.add(events_written=stored.events, rejects_written=stored.rejects)
    tally.add_duration("extract", stored.extract_seconds)
    tally.add_duration("store", stored.write_seconds)


# what a flow body may hand back: work that must wait until its rows are published
AfterPublish = Callable[[], None] | None


def finish(
    settings: Settings,
    tally: Tally,
    error: BaseException | None = None,
    after_publish: AfterPublish = None,
) -> RunSummary:
    """Record the run in `loads`; publish its rows if it succeeded; report it as an artifact.

    A plain call, not a task run (small files). On success the `loads` row is written under the
    publication lock, once the marts are computed and just before the publication that shows
    the run's rows; then `after_publish` runs (feed states: they must never get ahead of what
    readers and the next run see). A failed run's rows stay hidden (its load stays in flight).
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
    create_markdown_artifact(
        key=f"{summary.flow}-summary",
        markdown=summary.to_markdown(),
        description=summary.one_line(),
    )
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
    settings: Settings, tally: Tally, body: Callable[[Tally], AfterPublish]
) -> RunSummary:
    """Run the flow body between listing its load in flight and publishing it; whatever
    happens, the run is recorded and reported."""
    publication.begin(settings, tally.load_id, tally.started_at)
    try:
        after_publish = body(tally)
    except Exception as error:
        finish(settings, tally, error)
        raise
    return finish(settings, tally, after_publish=after_publish)
