"""Extraction on every core: a pool of processes over a batch's documents, records in order.

The extractor is pure Python and holds the GIL, so threads never overlap it; processes do. A
run that extracts many documents (a backfill) opens a pool for its duration (`pool_open`);
`steps.extract_each` then hands batches to it and gets every document's records back in the
documents' order, exactly as one process extracts them. Batches smaller than MIN_DOCUMENTS, and
runs with no pool open, extract in this process.

Workers fork from a forkserver that imported the extractor once, and each builds the
extractor's gazetteers as it starts (a new process's first release costs 0.5-0.7 s) while the
run is still reading its files. Forking from this process instead would copy its threads'
locks (Prefect's event loop, the step runners) in whatever state they are.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import threading
import traceback
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from ingest.extract import extract
from ingest.records import Document, EventRecord

# below this many documents a batch is extracted here: handing it over costs more than it saves
MIN_DOCUMENTS = 64
# documents sent to a worker at a time: few round trips, and the two cores stay even to the end
DOCUMENTS_PER_TASK = 8
WARM_UP_TEXT = (
    "Secretary of State Antony Blinken met French Foreign Minister Catherine Colonna in Paris "
    "on June 5, 2023."
)

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
    """A pool of `processes` extraction workers for the block (none when 1 or fewer)."""
    global _pool
    if processes <= 1:
        yield
        return
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["ingest.extract"])
    opened = ProcessPoolExecutor(processes, mp_context=context, initializer=_warm_up)
    for _ in range(processes):  # start every worker now, beside the reading
        opened.submit(os.getpid)
    with _pool_lock:
        previous, _pool = _pool, opened
    try:
        yield
    finally:
        with _pool_lock:
            _pool = previous
        opened.shutdown(wait=True, cancel_futures=True)


def extract_documents(documents: Sequence[Document]) -> list[Extracted]:
    """Each document's records, or its error, in the documents' order; on the open pool when
    there is one and the batch is large enough."""
    with _pool_lock:
        pool = _pool
    if pool is not None and len(documents) >= MIN_DOCUMENTS:
        try:
            return list(pool.map(extract_one, documents, chunksize=DOCUMENTS_PER_TASK))
        except BrokenProcessPool as error:
            # a worker died (killed, out of memory, or a __main__ that cannot be re-imported):
            # the batch is extracted here instead, and the run goes on
            log.warning("extraction pool broken (%s): extracting in this process", error)
    return [extract_one(document) for document in documents]


def extract_one(document: Document) -> Extracted:
    try:
        return extract(document), "", ""
    except Exception as error:  # a bug on one document must not lose the batch
        return None, f"{type(error).__name__}: {error}", traceback.format_exc()


def _warm_up() -> None:
    extract(Document(doc_id="warm-up", text=WARM_UP_TEXT, published="2023-06-05"))
