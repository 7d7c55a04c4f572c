"""Work on every core: a pool of processes for a run's CPU-bound steps, reading and extraction.

Feed parsing and the extractor are pure Python and hold the GIL, so threads never overlap them;
processes do. A run with much to read and extract (a backfill) opens a pool for its duration
(`pool_open`); its read steps then hand their files to it (`read_items`) and `steps.extract_each`
its documents (`extract_documents`), getting every document's records back in the documents'
order, exactly as one process extracts them. Batches smaller than MIN_DOCUMENTS, and runs with
no pool open, work in this process; so does a batch whose pool broke (a worker killed).

Workers fork from a forkserver that imported the readers and the extractor and built the
extractor's tables once (ingest.pipeline.preload: a new process's first release costs 0.5-0.7
s), started when the pool opens, while the run begins reading. Forking from this process
instead would copy its threads' locks (Prefect's event loop, the step runners) in whatever
state they are.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import threading
import traceback
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

from ingest import backfill
from ingest.config import Feed
from ingest.extract import extract
from ingest.orphans import die_with_parent
from ingest.records import Document, EventRecord
from ingest.sources import Item

# below this many documents a batch is extracted here: handing it over costs more than it saves
MIN_DOCUMENTS = 64
# documents sent to a worker at a time: few round trips, and the cores stay even to the end
DOCUMENTS_PER_TASK = 8
# what the forkserver imports before forking workers: the readers, the extractor warmed
PRELOADED = ["ingest.backfill", "ingest.pipeline.preload"]
R = TypeVar("R")

# (records, or None and the error's one line and traceback when the extractor raised)
Extracted = tuple[list[EventRecord] | None, str, str]

log = logging.getLogger(__name__)
_pool: ProcessPoolExecutor | None = None
_pool_lock = threading.Lock()


def processes_for(setting: int) -> int:
    """The pool's size: the setting, or with 0 the cores this process may run on."""
    return setting if setting > 0 else len(os.sched_getaffinity(0))


@contextlib.contextmanager
def pool_open(processes: int) -> Iterator[None]:
    """A pool of `processes` workers for the block (none when 1 or fewer)."""
    global _pool
    if processes <= 1:
        yield
        return
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOADED)
    # the forkserver ends with this process (ingest.pipeline.preload), the workers with it
    opened = ProcessPoolExecutor(processes, mp_context=context, initializer=die_with_parent)
    for _ in range(processes):  # start every worker now, while the run begins reading
        opened.submit(os.getpid)
    with _pool_lock:
        previous, _pool = _pool, opened
    try:
        yield
    finally:
        with _pool_lock:
            _pool = previous
        opened.shutdown(wait=True, cancel_futures=True)


def read_items(items: Sequence[Item], feed: Feed, max_document_chars: int) -> backfill.Batch:
    """`backfill.read_items`, on the open pool when there is one."""
    return _on_pool(
        lambda pool: pool.submit(backfill.read_items, items, feed, max_document_chars).result(),
        lambda: backfill.read_items(items, feed, max_document_chars),
    )


def extract_documents(documents: Sequence[Document]) -> list[Extracted]:
    """Each document's records, or its error, in the documents' order; on the open pool when
    there is one and the batch is large enough."""

    def here() -> list[Extracted]:
        return [extract_one(document) for document in documents]

    if len(documents) < MIN_DOCUMENTS:
        return here()
    return _on_pool(
        lambda pool: list(pool.map(extract_one, documents, chunksize=DOCUMENTS_PER_TASK)), here
    )


def extract_one(document: Document) -> Extracted:
    try:
        return extract(document), "", ""
    except Exception as error:  # a bug on one document must not lose the batch
        return None, f"{type(error).__name__}: {error}", traceback.format_exc()


def _on_pool(on_pool: Callable[[ProcessPoolExecutor], R], here: Callable[[], R]) -> R:
    with _pool_lock:
        pool = _pool
    if pool is not None:
        try:
            return on_pool(pool)
        except BrokenProcessPool as error:
            # a worker died (killed, out of memory, or a __main__ that cannot be re-imported):
            # the work is done here instead, and the run goes on
            log.warning("process pool broken (%s): working in this process", error)
    return here()
