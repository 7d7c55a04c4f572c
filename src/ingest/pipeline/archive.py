"""A backfill run: a directory or archive of feeds, JSONL documents or pages into the tables.

Files are read in batches (one step per batch of files or JSONL pieces, the batches side by
side) and processed in chunks, so an archive far larger than memory streams through: each
chunk's new and revised documents are extracted and written before the next chunk is read.
Batches and chunks close at a number of items or of bytes, whichever comes first. A document
seen again later in the same source (feed snapshots overlap) is skipped, a changed one becomes
a revision. Whatever was refused or read in part (a file, a JSONL line, a feed entry, the rest
of a broken archive) is a reject and a failure of the run, which then ends `partial`.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Iterator, Sequence
from contextlib import nullcontext
from typing import TypeVar

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from ingest import store
from ingest.backfill import BACKFILL_SOURCE, Batch, backfill_feed
from ingest.config import Feed, Settings, load_feeds
from ingest.errors import ConfigError
from ingest.extract import EXTRACTOR_VERSION
from ingest.pipeline import steps
from ingest.pipeline.execution import Outcome, RunnerFactory, local_runner
from ingest.pipeline.runs import (
    Reporter,
    new_tally,
    no_report,
    result_or_error,
    run_reported,
    store_batch,
)
from ingest.records import Document, Reject
from ingest.sources import Item, iter_items, list_items
from ingest.summary import RunSummary, Tally

FLOW_NAME = "backfill"
FILES_PER_TASK = 50
BYTES_PER_TASK = 8_000_000
BATCHES_PER_CHUNK = 8
BYTES_PER_CHUNK = 32_000_000  # plus at most one file: what a chunk holds of the source's bytes
T = TypeVar("T")


def backfill(
    settings: Settings,
    feed: Feed,
    path: str,
    *,
    progress: bool = False,
    names: Sequence[str] | None = None,
    runner: RunnerFactory = local_runner,
    report: Reporter = no_report,
) -> RunSummary:
    """Load a directory or archive of saved feeds, JSONL documents and pages as `feed`'s.

    `names` keeps only those files of the source (one chunk, `chunks_of`); `runner` executes
    the steps (Prefect's task runner in flows/); `report` gets the summary.
    """
    tally = new_tally(FLOW_NAME, EXTRACTOR_VERSION)
    wanted = None if names is None else frozenset(names)
    body = functools.partial(_run, settings, feed, path, progress, wanted, runner)
    return run_reported(settings, tally, body, report)


def source_feed(
    settings: Settings,
    feed_id: str | None,
    source_id: str = BACKFILL_SOURCE,
    timezone: str = "UTC",
) -> Feed:
    """The configured feed named feed_id (so a feed's archive dedups against its live
    ingestion), else a backfill feed called source_id."""
    if feed_id is None:
        return backfill_feed(source_id, timezone)
    for feed in load_feeds(settings.feeds_path):
        if feed.id == feed_id:
            return feed
    raise ConfigError(f"{settings.feeds_path}: no feed '{feed_id}'")


def _run(
    settings: Settings,
    feed: Feed,
    path: str,
    progress: bool,
    wanted: frozenset[str] | None,
    make_runner: RunnerFactory,
    tally: Tally,
) -> None:
    names = [name for name in list_items(path) if wanted is None or name in wanted]
    tally.details.append(("files", str(len(names))))
    bar = _progress_bar() if progress else None
    with bar or nullcontext(), make_runner(settings) as runner:
        task_id = bar.add_task("backfill", total=len(names)) if bar else None
        latest = store.latest_content_hashes(settings)
        items = iter_items(path, settings, wanted)
        batches = _grouped(items, FILES_PER_TASK, BYTES_PER_TASK, lambda i: len(i.data))
        chunks = _grouped(batches, BATCHES_PER_CHUNK, BYTES_PER_CHUNK, _bytes_of)
        for chunk in chunks:
            with tally.timing("read"):
                futures = [
                    runner.submit(steps.read_backfill, _read_params(b, feed, settings))
                    for b in chunk
                ]
                read = [
                    _read_or_reject(f, b, feed, tally) for f, b in zip(futures, chunk, strict=True)
                ]
            documents = _changed([d for r in read for d in r.documents], latest, tally)
            rejects = [x for r in read for x in r.rejects]
            for reject in rejects:  # refused, or read in part: the run is partial
                tally.fail(str(reject.item_id), reject.reason)
            store_batch(runner, settings, tally, documents, rejects)
            if bar is not None and task_id is not None:
                bar.advance(task_id, sum(item.last for batch in chunk for item in batch))


def chunks_of(names: Sequence[str], chunks: int) -> list[list[str]]:
    """A source's files in `chunks` runs of consecutive files, as even in count as they go
    (fewer when there are fewer files); each chunk is a backfill of its own (`names`)."""
    if chunks < 1:
        raise ValueError(f"chunks must be at least 1, not {chunks}")
    count = min(chunks, len(names))
    bounds = [len(names) * index // count for index in range(count + 1)] if count else [0]
    return [list(names[start:stop]) for start, stop in itertools.pairwise(bounds)]


def _progress_bar() -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("files"),
        TimeRemainingColumn(),
    )


def _read_params(items: list[Item], feed: Feed, settings: Settings) -> dict[str, object]:
    return {"items": items, "feed": feed, "max_document_chars": settings.max_document_chars}


def _grouped(
    things: Iterator[T], most: int, most_bytes: int, size: Callable[[T], int]
) -> Iterator[list[T]]:
    """Consecutive groups of at most `most` things; a group also closes once it has most_bytes."""
    group: list[T] = []
    total = 0
    for thing in things:
        group.append(thing)
        total += size(thing)
        if len(group) >= most or total >= most_bytes:
            yield group
            group, total = [], 0
    if group:
        yield group


def _bytes_of(items: list[Item]) -> int:
    return sum(len(item.data) for item in items)


def _read_or_reject(
    future: Outcome[Batch], items: Sequence[Item], feed: Feed, tally: Tally
) -> Batch:
    """A batch whose reading crashed becomes one reject per file, and the others go on."""
    outcome: Batch | None
    outcome, error = result_or_error(future)
    if outcome is not None:
        tally.add(entries_parsed=outcome.entries)
        return outcome
    reason = f"reading failed: {error}"
    for item in items:
        tally.fail(item.name, reason)
    return Batch(rejects=tuple(Reject(feed.id, item.name, "backfill", reason) for item in items))


def _changed(documents: Sequence[Document], latest: dict[str, str], tally: Tally) -> list[Document]:
    """Documents not stored yet, or stored with other content; `latest` learns each one.

    Two versions of one document in the same chunk would share a load and a fetch time, which
    leaves "latest" undecided: the later one (sources are read in name order) wins.
    """
    changed: dict[str, Document] = {}
    known = set(latest)
    for document in documents:
        if latest.get(document.doc_id) == document.content_hash:
            continue
        latest[document.doc_id] = document.content_hash
        changed[document.doc_id] = document
    revised = sum(doc_id in known for doc_id in changed)
    tally.add(documents_new=len(changed) - revised, documents_revised=revised)
    return list(changed.values())
