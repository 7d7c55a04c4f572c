"""Prefect tasks: each calls one `ingest` stage function, for a feed or a batch, never an entry.

Tasks take no cache (their inputs are large and their side effects must happen) and let the flow
set retries, backoff and timeouts from Settings through `with_options`.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
from anyio import to_thread
from prefect import task
from prefect.cache_policies import NO_CACHE
from prefect.logging import get_run_logger

from ingest import backfill, fetch, parse, state, store, warehouse
from ingest.config import Feed, Settings
from ingest.extract import extract
from ingest.records import Document, EventRecord, Reject

MAX_REASON_CHARS = 300


@dataclass(frozen=True, slots=True)
class Extracted:
    """Event records of one batch, and the documents the extractor could not handle."""

    records: tuple[EventRecord, ...]
    rejects: tuple[Reject, ...]


@task(name="fetch-feeds", cache_policy=NO_CACHE)
async def fetch_feeds(
    feeds: Sequence[Feed],
    states: Mapping[str, state.FeedState],
    settings: Settings,
    client: httpx.Client,
    now: datetime,
    force: bool,
) -> list[tuple[fetch.FetchResult, state.FeedState]]:
    # async only so that the task timeout can abandon a stuck fetch (a sync task in a worker
    # thread cannot be interrupted); the fetching itself is plain blocking httpx in a thread
    call = functools.partial(fetch.fetch_feeds, feeds, states, settings, client, now, force)
    return await to_thread.run_sync(call, abandon_on_cancel=True)


@task(name="parse-feeds", cache_policy=NO_CACHE)
def parse_feeds(
    fetched: Sequence[tuple[Feed, fetch.FetchResult]],
) -> list[tuple[str, parse.ParsedFeed | None, str | None]]:
    """Parse a batch of feeds: (feed id, parsed, None), or (feed id, None, why it crashed)."""
    outcomes: list[tuple[str, parse.ParsedFeed | None, str | None]] = []
    for feed, result in fetched:
        try:
            outcomes.append((feed.id, parse.parse_feed(feed, result), None))
        except Exception as error:  # a parser bug on one feed must not lose the others
            get_run_logger().exception("parser failed on feed %s", feed.id)
            outcomes.append((feed.id, None, f"parser raised {type(error).__name__}: {error}"))
    return outcomes


@task(name="fill-full-text", task_run_name="full-text-{feed.id}", cache_policy=NO_CACHE)
async def fill_full_text(
    feed: Feed,
    documents: Sequence[Document],
    settings: Settings,
    client: httpx.Client,
    summary_only: frozenset[str],
) -> tuple[list[Document], list[Reject]]:
    # async for the same reason as fetch_feeds: a timeout must be able to give up on it
    from ingest import article  # trafilatura loads only in runs that fetch pages

    call = functools.partial(
        article.fill_full_text, feed, documents, settings, client, summary_only
    )
    return await to_thread.run_sync(call, abandon_on_cancel=True)


@task(name="extract-batch", cache_policy=NO_CACHE)
def extract_batch(documents: Sequence[Document]) -> Extracted:
    """Extract every document; one that makes the extractor raise becomes a reject, not a crash."""
    records: list[EventRecord] = []
    rejects: list[Reject] = []
    for document in documents:
        try:
            records.extend(extract(document))
        except Exception as error:  # a bug on one document must not lose the batch
            get_run_logger().exception("extractor failed on %s", document.doc_id)
            reason = f"extractor raised {type(error).__name__}: {error}"
            rejects.append(
                Reject(document.source_id, document.doc_id, "extract", reason[:MAX_REASON_CHARS])
            )
    return Extracted(tuple(records), tuple(rejects))


@task(name="latest-content-hashes", cache_policy=NO_CACHE)
def latest_content_hashes(settings: Settings) -> dict[str, str]:
    return store.latest_content_hashes(settings)


@dataclass(frozen=True, slots=True)
class Written:
    """Rows a batch added to each table."""

    events: int
    rejects: int
    documents: int


@task(name="write-tables", cache_policy=NO_CACHE)
def write_tables(
    settings: Settings,
    documents: Sequence[Document],
    records: Sequence[EventRecord],
    rejects: Sequence[Reject],
    load_id: str,
    at: datetime,
) -> Written:
    """Events and rejects, then documents: a stored document implies its events.

    The next run extracts only documents it has not stored with their current content. If the
    documents file landed first, a crash before the events file would leave those documents
    without events for good (reliability finding F6); in this order a crash in between makes
    the next run extract them again, and the event rows already written are skipped. Every
    write skips what is stored, so a retry of the whole task adds nothing twice.
    """
    events = store.write_events(settings, records, load_id, at) if records else 0
    rejected = store.write_rejects(settings, rejects, load_id, at) if rejects else 0
    stored = store.write_documents(settings, documents, at, load_id) if documents else 0
    return Written(events, rejected, stored)


@task(name="save-feed-states", cache_policy=NO_CACHE)
def save_states(path: str, states: Mapping[str, state.FeedState], keep: Sequence[str]) -> None:
    state.save_states(path, states, keep=keep)


@task(name="refresh-views", cache_policy=NO_CACHE)
def refresh_views(settings: Settings) -> bool:
    return warehouse.refresh_serving_file(settings)


@task(name="write-load", cache_policy=NO_CACHE)
def write_load(settings: Settings, row: dict[str, Any]) -> None:
    store.write_load(settings, row)


@task(name="read-backfill", cache_policy=NO_CACHE)
def read_backfill(items: Sequence[backfill.Item], feed: Feed) -> backfill.Batch:
    return backfill.read_items(items, feed)


@task(name="documents-to-reprocess", cache_policy=NO_CACHE)
def documents_to_reprocess(settings: Settings, version: str, everything: bool) -> list[Document]:
    return backfill.documents_to_reprocess(settings, version, everything=everything)


@task(name="compact-tables", cache_policy=NO_CACHE)
def compact(settings: Settings) -> dict[str, Any]:
    return store.compact(settings)
