"""A backfill run: a directory or archive of feeds, JSONL documents or pages into the tables.

Files are read in batches (one step per batch of files or JSONL pieces, the batches side by
side) and processed in rounds, so an archive far larger than memory streams through: each
round's new and revised documents are extracted and written before the next round is read.
Batches and rounds close at a number of items or of bytes, whichever comes first. A document
seen again later in the same source (feed snapshots overlap) is skipped, a changed one becomes
a revision. Whatever was refused or read in part (a file, a JSONL line, a feed entry, the rest
of a broken archive) is a reject and a failure of the run, which then ends `partial`.
A source of PARALLEL_MIN_BYTES or more is read and extracted on a pool of processes, one per
core (ingest.pipeline.cores), with the same records in the same order as one process.

A backfill split across workers (`ingest backfill --chunks N`) is N runs, each a `Chunk`: the
documents whose id hashes to its index. Every version of a document falls in one chunk, read
in the source's order as one process reads it, so chunks running at once never write one
document twice (chunks of consecutive files did: a release repeated in two feed snapshots was
stored by both). Each chunk reads every file and extracts only its own documents.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from ingest import store
from ingest.backfill import BACKFILL_SOURCE, Batch, backfill_feed
from ingest.config import Feed, Settings, load_feeds
from ingest.errors import ConfigError
from ingest.extract import EXTRACTOR_VERSION
from ingest.pipeline import cores, steps
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
# a read step closes at this many bytes of files: the demo archive (11 MB in 11 files) reads
# in 6 steps that keep both cores of a process pool busy, not in one of 8 MB and one of 3
BYTES_PER_TASK = 2_000_000
BATCHES_PER_ROUND = 8
BYTES_PER_ROUND = 32_000_000  # plus at most one file: what a round holds of the source's bytes
# sources from this size on are extracted on every core (settings.extract_processes): the
# workers' start (0.5-0.7 s each, the extractor's gazetteers) then overlaps the reading
PARALLEL_MIN_BYTES = 1_000_000
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Chunk:
    """One of `count` parts of a backfill: the documents (and rejects) whose id hashes to
    `index`, a hash that is the same on every host and in every Python process."""

    index: int
    count: int

    def __post_init__(self) -> None:
        if not 0 <= self.index < self.count:
            raise ValueError(f"chunk {self.index} of {self.count}: no such chunk")

    def holds(self, key: str) -> bool:
        digest = hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest()
        return int.from_bytes(digest, "big") % self.count == self.index


def chunks_of(count: int) -> list[Chunk]:
    """A backfill in `count` chunks, each a backfill of its own (`chunk`)."""
    if count < 1:
        raise ValueError(f"chunks must be at least 1, not {count}")
    return [Chunk(index, count) for index in range(count)]


def backfill(
    settings: Settings,
    feed: Feed,
    path: str,
    *,
    progress: bool = False,
    names: Sequence[str] | None = None,
    chunk: Chunk | None = None,
    runner: RunnerFactory = local_runner,
    report: Reporter = no_report,
) -> RunSummary:
    """Load a directory or archive of saved feeds, JSONL documents and pages as `feed`'s.

    `names` keeps only those files of the source; `chunk` only that chunk's documents (every
    file is read); `runner` executes the steps (Prefect's task runner in flows/); `report`
    gets the summary.
    """
    tally = new_tally(FLOW_NAME, EXTRACTOR_VERSION)
    wanted = None if names is None else frozenset(names)
    body = functools.partial(_run, settings, feed, path, progress, wanted, chunk, runner)
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
    chunk: Chunk | None,
    make_runner: RunnerFactory,
    tally: Tally,
) -> None:
    names = [name for name in list_items(path) if wanted is None or name in wanted]
    tally.details.append(("files", str(len(names))))
    if chunk is not None:
        tally.details.append(("chunk", f"{chunk.index + 1} of {chunk.count}"))
    held = chunk.holds if chunk is not None else _everything
    bar = _progress_bar() if progress else None
    # a small source is extracted here: starting the workers would cost more than they save
    big = _source_bytes(path) >= PARALLEL_MIN_BYTES
    processes = cores.processes_for(settings.extract_processes) if big else 1
    with (
        bar or nullcontext(),
        cores.pool_open(processes),  # its workers start now, beside the reading
        make_runner(settings) as runner,
    ):
        task_id = bar.add_task("backfill", total=len(names)) if bar else None
        latest = store.latest_content_hashes(settings)
        items = iter_items(path, settings, wanted)
        batches = _grouped(items, FILES_PER_TASK, BYTES_PER_TASK, lambda i: len(i.data))
        rounds = _grouped(batches, BATCHES_PER_ROUND, BYTES_PER_ROUND, _bytes_of)
        for round_ in rounds:
            with tally.timing("read"):
                futures = [
                    runner.submit(steps.read_backfill, _read_params(b, feed, settings))
                    for b in round_
                ]
                read = [
                    _read_or_reject(f, b, feed, tally) for f, b in zip(futures, round_, strict=True)
                ]
            documents = [d for r in read for d in r.documents if held(d.doc_id)]
            documents = _changed(documents, latest, tally)
            rejects = [x for r in read for x in r.rejects if held(str(x.item_id))]
            for reject in rejects:  # refused, or read in part: the run is partial
                tally.fail(str(reject.item_id), reject.reason)
            store_batch(runner, settings, tally, documents, rejects)
            if bar is not None and task_id is not None:
                bar.advance(task_id, sum(item.last for batch in round_ for item in batch))


def _source_bytes(path: str) -> int:
    """The size of a source file, or of the files of a source directory, on disk."""
    source = Path(path)
    if not source.is_dir():
        return source.stat().st_size
    return sum(p.lstat().st_size for p in source.rglob("*") if p.is_file() and not p.is_symlink())


def _everything(key: str) -> bool:
    return True


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

    Two versions of one document in the same round would share a load and a fetch time, which
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
