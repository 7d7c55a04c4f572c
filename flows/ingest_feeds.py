"""The `ingest-feeds` flow: fetch -> parse -> full text -> extract -> store -> refresh views.

Feeds go in groups of `feeds_per_group`: per group one fetch task (it bounds concurrency overall
and per host itself), one parse task and a full-text task per feed that needs pages. Documents
gather until `documents_per_write` (or the last group), then go to the extraction tasks (one per
extract_batch_size documents) and one write task: few task runs, whatever the number of entries,
and a run holds one group's bodies and one batch's documents at a time.
A feed that fails becomes data (a reject row and its state), the others go on, and the run
ends `partial`. Feed states are saved only after the rows they cover are written, so a run
that dies mid-way re-fetches next time instead of skipping what it never stored.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
from prefect import flow
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.utilities.annotations import quote

from flows import tasks
from flows.common import (
    bounded_runner,
    default_runner,
    extract_documents,
    fetch_deadline,
    result_or_error,
    retrying,
    run_reported,
    write_tables,
)
from ingest import fetch, store
from ingest.config import Feed, Settings, load_feeds, load_settings
from ingest.extract import EXTRACTOR_VERSION
from ingest.fetch import FetchResult
from ingest.parse import ParsedFeed, split_new_and_revised
from ingest.records import Document, Reject
from ingest.state import FeedState, load_states, state_after_failure
from ingest.summary import RunSummary, Tally

FLOW_NAME = "ingest-feeds"


@dataclass(slots=True)
class Harvest:
    """What the stages produced since the last write: documents and rejects of one batch."""

    states: dict[str, FeedState]
    documents: list[Document] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)


@flow(name=FLOW_NAME, task_runner=default_runner())
def ingest_feeds(
    settings_path: str | None = None,
    feeds_path: str | None = None,
    force: bool = False,
    schedule: str | None = None,
    state_path: str | None = None,
) -> RunSummary:
    """Ingest the configured feeds once.

    `force` fetches feeds not due yet; `schedule` keeps only the feeds with that cron expression
    (each served schedule passes its own); `state_path` overrides where feed state is kept.
    """
    settings = load_settings(settings_path)
    if state_path is not None:
        settings = dataclasses.replace(settings, state_path=state_path)
    feeds = load_feeds(feeds_path or settings.feeds_path)
    return ingest(settings, feeds, force=force, schedule=schedule)


def ingest(
    settings: Settings,
    feeds: Sequence[Feed],
    *,
    force: bool = False,
    schedule: str | None = None,
) -> RunSummary:
    """The flow body, callable from other flows with settings already loaded."""
    now = datetime.now(UTC)
    tally = Tally(FLOW_NAME, store.new_load_id(now), now, extractor_version=EXTRACTOR_VERSION)
    chosen = [f for f in feeds if schedule is None or f.schedule == schedule]
    keep = [f.id for f in feeds]
    return run_reported(settings, tally, lambda t: _run(settings, chosen, keep, force, t))


def _run(
    settings: Settings, feeds: Sequence[Feed], keep: Sequence[str], force: bool, tally: Tally
) -> None:
    states = load_states(settings.state_path)
    with fetch.open_client(settings) as client, bounded_runner(settings) as runner:
        hashes = runner.submit(
            retrying(tasks.latest_content_hashes, settings), {"settings": settings}
        ).result()
        size = max(1, settings.feeds_per_group)
        harvest = Harvest(states=states)
        for start in range(0, len(feeds), size):
            group = feeds[start : start + size]
            _gather(runner, settings, client, group, harvest, hashes, force, tally)
            if start + size < len(feeds) and len(harvest.documents) < settings.documents_per_write:
                continue  # small feeds: gather more before paying for a write
            _store(runner, settings, harvest, tally)
            # feed states are saved only after the rows they cover are written
            with tally.timing("states"):
                retrying(tasks.save_states, settings)(settings.state_path, quote(states), keep)
            harvest = Harvest(states=states)
    with tally.timing("views"):
        retrying(tasks.refresh_views, settings)(settings)


def _gather(
    runner: ThreadPoolTaskRunner[Any],
    settings: Settings,
    client: httpx.Client,
    feeds: Sequence[Feed],
    harvest: Harvest,
    hashes: dict[str, str],
    force: bool,
    tally: Tally,
) -> None:
    """Fetch, parse and complete one group of feeds; its new documents join the harvest.

    The group's feed bodies are dropped when it returns: a run holds the bodies of one group
    and the documents of one write batch at a time.
    """
    by_id = {feed.id: feed for feed in feeds}
    with tally.timing("fetch"):
        fetched = _fetch(runner, settings, feeds, harvest.states, client, tally, force)
    with tally.timing("parse"):
        parsed = _parse(runner, settings, by_id, fetched, harvest, tally)
    with tally.timing("split"):
        changed = _split(parsed, hashes, tally)
    with tally.timing("article"):
        harvest.documents += _fill_full_text(runner, settings, client, changed, harvest)


def _store(
    runner: ThreadPoolTaskRunner[Any], settings: Settings, harvest: Harvest, tally: Tally
) -> None:
    """Extract the gathered documents and write them with their events and rejects."""
    with tally.timing("extract"):
        extracted = extract_documents(runner, settings, harvest.documents)
    with tally.timing("store"):
        rejects = [*harvest.rejects, *extracted.rejects]
        write_tables(runner, settings, tally, harvest.documents, extracted.records, rejects)


def _fetch(
    runner: ThreadPoolTaskRunner[Any],
    settings: Settings,
    feeds: Sequence[Feed],
    states: dict[str, FeedState],
    client: httpx.Client,
    tally: Tally,
    force: bool,
) -> list[tuple[FetchResult, FeedState]]:
    per_host = Counter(feed.host for feed in feeds)
    deadline = fetch_deadline(settings, len(feeds), max(per_host.values(), default=0))
    task = retrying(tasks.fetch_feeds, settings, timeout_seconds=deadline)
    params = {
        "feeds": quote(list(feeds)),
        "states": quote(dict(states)),
        "settings": settings,
        "client": client,
        "now": tally.started_at,
        "force": force,
    }
    fetched: list[tuple[FetchResult, FeedState]] = runner.submit(task, params).result()
    for result, state in fetched:
        states[result.feed_id] = state
    return fetched


def _parse(
    runner: ThreadPoolTaskRunner[Any],
    settings: Settings,
    by_id: dict[str, Feed],
    fetched: Iterable[tuple[FetchResult, FeedState]],
    harvest: Harvest,
    tally: Tally,
) -> list[tuple[Feed, ParsedFeed]]:
    to_parse: list[tuple[Feed, FetchResult]] = []
    for result, _state in fetched:
        feed = by_id[result.feed_id]
        if result.status == "failed":
            reason = result.error or "fetch failed"
            _record_feed_failure(settings, feed, reason, "fetch", harvest, tally)
        elif result.status == "ok":
            to_parse.append((feed, result))
        else:
            tally.add(**{f"feeds_{result.status}": 1})
    # parsing holds the GIL (feedparser's handlers are Python): threads would not overlap it, so
    # the group's feeds go in one task run, the cheapest in Prefect's per-task costs
    outcomes = (
        runner.submit(tasks.parse_feeds, {"fetched": quote(to_parse)}).result() if to_parse else []
    )
    parsed: list[tuple[Feed, ParsedFeed]] = []
    for feed_id, outcome, error in outcomes:
        feed = by_id[feed_id]
        if outcome is None or _is_unreadable(outcome):
            reason = error or _first_reason(outcome)
            failed = outcome is None
            _record_feed_failure(settings, feed, reason, "parse", harvest, tally, rejected=failed)
            if outcome is not None:
                harvest.rejects.extend(outcome.rejects)
            continue
        tally.add(feeds_ok=1, entries_parsed=outcome.entries)
        harvest.rejects.extend(outcome.rejects)
        parsed.append((feed, outcome))
    return parsed


def _is_unreadable(parsed: ParsedFeed) -> bool:
    """Bytes that yielded no entries and a parse reject: 'bozo and nothing parsed'."""
    return parsed.entries == 0 and bool(parsed.rejects)


def _first_reason(parsed: ParsedFeed | None) -> str:
    if parsed is None or not parsed.rejects:
        return "unreadable feed"
    return parsed.rejects[0].reason


def _record_feed_failure(
    settings: Settings,
    feed: Feed,
    reason: str,
    stage: str,
    harvest: Harvest,
    tally: Tally,
    *,
    rejected: bool = True,
) -> None:
    """The feed counts as failing; its state backs off; a reject row says why."""
    tally.add(feeds_failed=1)
    tally.failures.append((feed.id, reason))
    if rejected:
        harvest.rejects.append(Reject(feed.id, feed.url, stage, reason))
    if stage != "fetch":  # fetch failures already updated the state
        previous = harvest.states.get(feed.id) or FeedState(feed_id=feed.id)
        # forget the validators, or the next run would get a 304 and never re-read the feed
        cleared = dataclasses.replace(previous, etag=None, last_modified=None)
        harvest.states[feed.id] = state_after_failure(cleared, tally.started_at, reason, settings)


def _split(
    parsed: Iterable[tuple[Feed, ParsedFeed]], latest: dict[str, str], tally: Tally
) -> list[tuple[Feed, list[Document], frozenset[str]]]:
    """Per feed, the documents never stored or stored with other content; the rest is done."""
    changed: list[tuple[Feed, list[Document], frozenset[str]]] = []
    for feed, outcome in parsed:
        new, revised = split_new_and_revised(outcome.documents, latest)
        tally.add(documents_new=len(new), documents_revised=len(revised))
        if new or revised:
            changed.append((feed, new + revised, outcome.summary_only))
    return changed


def _fill_full_text(
    runner: ThreadPoolTaskRunner[Any],
    settings: Settings,
    client: httpx.Client,
    changed: list[tuple[Feed, list[Document], frozenset[str]]],
    harvest: Harvest,
) -> list[Document]:
    """Fetch article pages where a feed gave only a summary; on failure keep the feed text."""
    documents: list[Document] = []
    futures = []
    for feed, docs, summary_only in changed:
        if feed.full_text == "never":
            documents += docs
            continue
        deadline = fetch_deadline(settings, len(docs), len(docs))
        task = retrying(tasks.fill_full_text, settings, timeout_seconds=deadline)
        params = {
            "feed": feed,
            "documents": quote(docs),
            "settings": settings,
            "client": client,
            "summary_only": quote(summary_only),
        }
        futures.append((feed, docs, runner.submit(task, params)))
    for feed, docs, future in futures:
        outcome, error = result_or_error(future)
        if outcome is None:
            # the pages are extra: without them the feed's own text is still worth keeping
            harvest.rejects.append(Reject(feed.id, feed.url, "article", error or "failed"))
            documents += [d for d in docs if d.text]
            continue
        filled, rejects = outcome
        documents += filled
        harvest.rejects.extend(rejects)
    return documents
