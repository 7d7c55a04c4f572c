"""A run over the configured feeds: fetch -> parse -> full text -> extract -> store -> publish.

Feeds go in groups of `feeds_per_group`: per group one fetch-and-parse step (it bounds fetch
concurrency overall and per host itself, and drops each body once parsed) and a full-text step
per feed that needs pages. Documents gather until `documents_per_write` (or the last group),
then one step extracts and writes them, in slices of `documents_per_write`. Few steps,
whatever the number of entries (50 feeds: two), and a run holds at most max_concurrency
bodies, one batch's documents and one slice's events at a time.
Reading the stored content hashes, publishing the run and writing its `loads` row are plain
calls: small reads and writes, not worth a step.
A feed that fails becomes data (a reject row and its state), the others go on, and the run
ends `partial`; so does a run with a feed that parsed with errors (its whole entries are kept,
the feed is not failing, and its parse warning is a reject row). Feed states are saved only
after the run's rows are published, so a run that dies mid-way re-fetches next time instead of
skipping what readers never saw.
"""

from __future__ import annotations

import dataclasses
import functools
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import httpx

from ingest import fetch, state, store
from ingest.config import Feed, Settings
from ingest.extract import EXTRACTOR_VERSION
from ingest.parse import ParsedFeed, split_new_and_revised
from ingest.pipeline import steps
from ingest.pipeline.execution import RunnerFactory, StepRunner, local_runner
from ingest.pipeline.runs import (
    AfterPublish,
    Reporter,
    fetch_deadline,
    new_tally,
    no_report,
    result_or_error,
    run_reported,
    store_batch,
)
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

    def rows(self) -> tuple[list[Document], list[Reject]]:
        return self.documents, self.rejects


def ingest(
    settings: Settings,
    feeds: Sequence[Feed],
    *,
    force: bool = False,
    schedule: str | None = None,
    runner: RunnerFactory = local_runner,
    report: Reporter = no_report,
) -> RunSummary:
    """Ingest the feeds once: those due (all with `force`), of one cron `schedule` if given.

    `runner` executes the steps (Prefect's task runner in flows/); `report` gets the summary.
    """
    tally = new_tally(FLOW_NAME, EXTRACTOR_VERSION)
    chosen = [f for f in feeds if schedule is None or f.schedule == schedule]
    keep = [f.id for f in feeds]
    body = functools.partial(_run, settings, chosen, keep, force, runner)
    return run_reported(settings, tally, body, report)


def _run(
    settings: Settings,
    feeds: Sequence[Feed],
    keep: Sequence[str],
    force: bool,
    make_runner: RunnerFactory,
    tally: Tally,
) -> AfterPublish:
    states = load_states(settings.state_path)
    latest = store.latest_content_hashes(settings)
    with fetch.open_client(settings) as client, make_runner(settings) as runner:
        size = max(1, settings.feeds_per_group)
        harvest = Harvest(states=states)
        for start in range(0, len(feeds), size):
            group = feeds[start : start + size]
            _gather(runner, settings, client, group, harvest, latest, force, tally)
            more_to_come = start + size < len(feeds)
            # small feeds: gather more before paying for a write
            if more_to_come and len(harvest.documents) >= settings.documents_per_write:
                store_batch(runner, settings, tally, *harvest.rows())
                harvest = Harvest(states=states)
        store_batch(runner, settings, tally, *harvest.rows())
    return lambda: state.save_states(settings.state_path, states, keep=keep)


def _gather(
    runner: StepRunner,
    settings: Settings,
    client: httpx.Client,
    feeds: Sequence[Feed],
    harvest: Harvest,
    latest: dict[str, str],
    force: bool,
    tally: Tally,
) -> None:
    """Fetch, parse and complete one group of feeds; its new documents join the harvest.

    The group's feed bodies are dropped when it returns: a run holds the bodies of one group
    and the documents of one write batch at a time.
    """
    with tally.timing("fetch+parse"):
        parsed = _fetch_and_parse(runner, settings, feeds, harvest, tally, force, client)
    with tally.timing("split"):
        changed = _split(parsed, latest, tally)
    with tally.timing("article"):
        harvest.documents += _fill_full_text(runner, settings, client, changed, harvest)


def _fetch_and_parse(
    runner: StepRunner,
    settings: Settings,
    feeds: Sequence[Feed],
    harvest: Harvest,
    tally: Tally,
    force: bool,
    client: httpx.Client,
) -> list[tuple[Feed, ParsedFeed]]:
    """One step per group: the feeds that answered, parsed; failures recorded as data."""
    per_host = Counter(feed.host for feed in feeds)
    deadline = fetch_deadline(settings, len(feeds), max(per_host.values(), default=0))
    params = {
        "feeds": list(feeds),
        "states": dict(harvest.states),
        "settings": settings,
        "client": client,
        "now": tally.started_at,
        "force": force,
        "deadline_seconds": deadline,
    }
    outcomes = runner.submit(steps.fetch_and_parse, params).result()
    by_id = {feed.id: feed for feed in feeds}
    parsed: list[tuple[Feed, ParsedFeed]] = []
    for outcome in outcomes:
        result = outcome.fetched
        feed = by_id[result.feed_id]
        harvest.states[feed.id] = outcome.state
        if result.status == "failed":
            reason = result.error or "fetch failed"
            _record_feed_failure(settings, feed, reason, "fetch", harvest, tally)
        elif result.status != "ok":
            tally.add(**{f"feeds_{result.status}": 1})
        elif outcome.parsed is None or _is_unreadable(outcome.parsed):
            reason = outcome.parse_error or _first_reason(outcome.parsed)
            failed = outcome.parsed is None
            _record_feed_failure(settings, feed, reason, "parse", harvest, tally, rejected=failed)
            if outcome.parsed is not None:
                harvest.rejects.extend(outcome.parsed.rejects)
        else:
            tally.add(feeds_ok=1, entries_parsed=outcome.parsed.entries)
            harvest.rejects.extend(outcome.parsed.rejects)
            if outcome.parsed.warning is not None:  # read, but not whole: the run is partial
                tally.failures.append((feed.id, outcome.parsed.warning.reason))
            parsed.append((feed, outcome.parsed))
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
    runner: StepRunner,
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
        params = {
            "feed": feed,
            "documents": docs,
            "settings": settings,
            "client": client,
            "summary_only": summary_only,
            "deadline_seconds": fetch_deadline(settings, len(docs), len(docs)),
        }
        futures.append((feed, docs, runner.submit(steps.fill_full_text, params)))
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
