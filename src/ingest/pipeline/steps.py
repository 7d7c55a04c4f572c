"""The steps of a run: each calls one `ingest` stage function for a feed or a batch, not an entry.

A step is a plain function whose arguments are data, so whoever executes it (a thread pool here,
Prefect's task runner in flows/) can retry it or run it elsewhere. The network steps take their
deadline as an argument (`call_with_deadline`): neither executor can interrupt a sync call.
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import functools
import logging
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar, cast

import httpx

from ingest import backfill, fetch, parse, sources, state, store
from ingest.config import Feed, Settings
from ingest.memory import give_back_unused
from ingest.pipeline import cores
from ingest.records import Document, EventRecord, Reject

MAX_REASON_CHARS = 300
Logger = logging.Logger | logging.LoggerAdapter[Any]
log = logging.getLogger(__name__)
R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class FeedOutcome:
    """One feed of a group: its fetch (body dropped once parsed), its new state, its parse."""

    fetched: fetch.FetchResult
    state: state.FeedState
    parsed: parse.ParsedFeed | None = None
    parse_error: str | None = None  # the parser raised on this feed (a bug, kept as data)


def fetch_and_parse(
    feeds: Sequence[Feed],
    states: Mapping[str, state.FeedState],
    settings: Settings,
    client: httpx.Client,
    now: datetime,
    force: bool,
    deadline_seconds: float,
) -> list[FeedOutcome]:
    """Fetch a group of feeds side by side, parsing each body as soon as it arrives.

    One step per group: every step run has a cost in Prefect. Each body is parsed in the
    worker that fetched it and dropped, so the group holds at most max_concurrency bodies at
    a time, plus its documents. Parsing holds the GIL (feedparser's handlers are Python) and
    runs under the deadline too, inside its margin: it is bounded by the body-size cap.
    """
    logger = run_logger()  # the fetch workers run outside the step's context: take it here

    def parse_and_drop_body(
        feed: Feed, result: fetch.FetchResult, next_state: state.FeedState
    ) -> FeedOutcome:
        if result.status != "ok":
            return FeedOutcome(result, next_state)
        parsed, error = _parse_one(feed, result, logger, settings.max_document_chars)
        return FeedOutcome(dataclasses.replace(result, body=None), next_state, parsed, error)

    call = functools.partial(
        fetch.fetch_each, feeds, states, settings, client, now, parse_and_drop_body, force
    )
    return call_with_deadline(call, deadline_seconds, f"fetching {len(feeds)} feeds")


def run_logger() -> Logger:
    """The logger of the step being run: the executor's, when it set one, else this module's.

    Prefect's task runs set theirs (`logging_to`) so the lines reach the Prefect UI.
    """
    return _RUN_LOGGER.get() or log


_RUN_LOGGER: contextvars.ContextVar[Logger | None] = contextvars.ContextVar(
    "ingest_run_logger", default=None
)


@contextlib.contextmanager
def logging_to(logger: Logger) -> Iterator[None]:
    """Steps called inside log to `logger` (threads started with a copy of the context too)."""
    token = _RUN_LOGGER.set(logger)
    try:
        yield
    finally:
        _RUN_LOGGER.reset(token)


def _parse_one(
    feed: Feed, result: fetch.FetchResult, logger: Logger, max_document_chars: int
) -> tuple[parse.ParsedFeed | None, str | None]:
    try:
        return parse.parse_feed(feed, result, max_document_chars), None
    except Exception as error:  # a parser bug on one feed must not lose the others
        logger.exception("parser failed on feed %s", feed.id)
        return None, f"parser raised {type(error).__name__}: {error}"


def fill_full_text(
    feed: Feed,
    documents: Sequence[Document],
    settings: Settings,
    client: httpx.Client,
    summary_only: frozenset[str],
    deadline_seconds: float,
) -> tuple[list[Document], list[Reject]]:
    from ingest import article  # trafilatura loads only in runs that fetch pages

    call = functools.partial(
        article.fill_full_text, feed, documents, settings, client, summary_only
    )
    return call_with_deadline(call, deadline_seconds, f"fetching pages of feed {feed.id}")


def call_with_deadline(call: Callable[[], R], seconds: float, what: str) -> R:
    """call() in a thread of its own; TimeoutError if it has not returned within `seconds`.

    The backstop behind the HTTP deadlines: Prefect cannot interrupt a sync task, and an async
    task costs an event loop and an API client per run (measured: ~30 ms each here). Python
    cannot stop a thread either, so a call past its deadline is abandoned: a daemon thread,
    its result dropped.
    """
    done = threading.Event()
    outcome: list[tuple[bool, Any]] = []

    def run() -> None:
        try:
            outcome.append((True, call()))
        except BaseException as error:  # handed to the caller, who re-raises it
            outcome.append((False, error))
        finally:
            done.set()

    context = contextvars.copy_context()  # the run's context (Prefect's too), for its loggers
    threading.Thread(target=context.run, args=(run,), name="deadline", daemon=True).start()
    if not done.wait(seconds):
        raise TimeoutError(f"{what} still running after {seconds:.0f} s: abandoned")
    succeeded, value = outcome[0]
    if not succeeded:
        raise value
    return cast(R, value)


@dataclass(frozen=True, slots=True)
class Stored:
    """What one batch added to each table, and how long extraction and writes took."""

    events: int
    rejects: int
    documents: int
    extract_seconds: float
    write_seconds: float

    def __add__(self, other: Stored) -> Stored:
        return Stored(
            self.events + other.events,
            self.rejects + other.rejects,
            self.documents + other.documents,
            self.extract_seconds + other.extract_seconds,
            self.write_seconds + other.write_seconds,
        )


def store_batch(
    settings: Settings,
    documents: Sequence[Document],
    rejects: Sequence[Reject],
    load_id: str,
    at: datetime,
    store_documents: bool = True,
) -> Stored:
    """Extract a batch; write its events and rejects, then its documents.

    Order matters. The next run extracts only documents it has not stored with their current
    content: if the documents file landed first, a crash before the events file would leave
    those documents without events for good (reliability finding F6); in this order a crash in
    between makes the next run extract them again, and the event rows already written are
    skipped. Nothing written here is visible before the run publishes its load; feed states
    wait for that too (ingest.pipeline.runs.finish). Every write skips what is stored, so a retry of
    the whole step adds nothing twice. `store_documents` is off when re-extracting stored
    documents.

    A large batch goes in slices of `documents_per_write`, each in that order: memory follows
    the slice's events and Arrow tables, not the batch, and the step is still one.
    """
    total = Stored(0, 0, 0, 0.0, 0.0)
    size = max(1, settings.documents_per_write)
    # at least one slice: a batch of rejects alone (feeds that failed) is written too
    for start in range(0, max(1, len(documents)), size):
        first = rejects if start == 0 else ()
        part = documents[start : start + size]
        total = total + _store_slice(settings, part, first, load_id, at, store_documents)
        give_back_unused()  # the slice's tables are gone: the next one starts from what is in use
    return total


def _store_slice(
    settings: Settings,
    documents: Sequence[Document],
    rejects: Sequence[Reject],
    load_id: str,
    at: datetime,
    store_documents: bool,
) -> Stored:
    started = time.perf_counter()
    records, failed = extract_each(documents)
    extracted = time.perf_counter()
    rejects = [*rejects, *failed]
    events = store.write_events(settings, records, load_id, at) if records else 0
    rejected = store.write_rejects(settings, rejects, load_id, at) if rejects else 0
    written = store.write_documents(settings, documents, at, load_id) if store_documents else 0
    return Stored(events, rejected, written, extracted - started, time.perf_counter() - extracted)


def extract_each(documents: Sequence[Document]) -> tuple[list[EventRecord], list[Reject]]:
    """Every document's events; one that makes the extractor raise becomes a reject, not a crash.

    On the run's process pool when it has one (`cores.pool_open`: a backfill), else in
    this thread: the extractor is pure Python, so threads would not overlap, and its lazily
    built gazetteers are built once (concurrent first callers each built a copy: reliability
    finding F10). Either way the records come in the documents' order.
    """
    records: list[EventRecord] = []
    rejects: list[Reject] = []
    for document, (found, error, trace) in zip(
        documents, cores.extract_documents(documents), strict=True
    ):
        if found is not None:
            records.extend(found)
            continue
        run_logger().error("extractor failed on %s\n%s", document.doc_id, trace)
        reason = f"extractor raised {error}"
        rejects.append(
            Reject(document.source_id, document.doc_id, "extract", reason[:MAX_REASON_CHARS])
        )
    return records, rejects


def read_backfill(
    items: Sequence[sources.Item], feed: Feed, max_document_chars: int
) -> backfill.Batch:
    """Read a batch of files, on the run's process pool when it has one (a backfill)."""
    return cores.read_items(items, feed, max_document_chars)


def compact(settings: Settings) -> dict[str, Any]:
    return store.compact(settings)


# what Prefect's UI calls each step's task runs (flows/ names its tasks from this)
STEP_NAMES: dict[Callable[..., Any], str] = {
    fetch_and_parse: "fetch-and-parse",
    fill_full_text: "fill-full-text",
    store_batch: "store-batch",
    read_backfill: "read-backfill",
    compact: "compact-tables",
}
