"""Extraction on every core (ingest.pipeline.cores): the records of one process, in order.

A pool of real worker processes extracts real releases; the records must equal, one for one
and in the same order, those of the extractor called in this process, a release that makes the
extractor raise must become a reject as before, and a worker killed mid-run must not lose the
batch.
"""

from __future__ import annotations

import os
import signal
from typing import cast

import pytest

from ingest.htmltext import html_to_text
from ingest.pipeline import cores, steps
from ingest.records import Document

RELEASES = 100


@pytest.fixture(scope="module")
def releases() -> list[Document]:
    from reliability.harness import corpus_items

    items = corpus_items(full=True)[:RELEASES]
    return [
        Document(
            doc_id=f"doc-{n}",
            text=html_to_text(item["content"]),
            title=item["title"],
            url=item["link"],
            published=item["pubDate"],
            source_id="us-state",
        ).with_content_hash()
        for n, item in enumerate(items)
    ]


def test_the_pool_gives_the_records_of_one_process_in_order(releases: list[Document]) -> None:
    alone = steps.extract_each(releases)
    with cores.pool_open(2):
        pooled = steps.extract_each(releases)
    assert len(alone[0]) > RELEASES  # every release has its primary event, some more
    assert pooled == alone
    assert [r.doc_id for r in pooled[0]] == [r.doc_id for r in alone[0]]


def test_a_release_the_extractor_fails_on_is_a_reject_in_a_worker(
    releases: list[Document],
) -> None:
    broken = Document(doc_id="broken-1", text=cast(str, None), source_id="us-state")
    batch = [*releases[:80], broken, *releases[80:]]
    with cores.pool_open(2):
        records, rejects = steps.extract_each(batch)
    assert records == steps.extract_each(releases)[0]
    assert [(r.item_id, r.stage) for r in rejects] == [("broken-1", "extract")]
    assert rejects[0].reason.startswith("extractor raised TypeError")


def test_a_killed_worker_costs_time_not_records(releases: list[Document]) -> None:
    alone = steps.extract_each(releases)
    with cores.pool_open(2):
        pool = cores._pool
        assert pool is not None
        worker = pool.submit(os.getpid).result()
        os.kill(worker, signal.SIGKILL)
        pooled = steps.extract_each(releases)
    assert pooled == alone


def test_small_batches_and_one_process_stay_here(releases: list[Document]) -> None:
    with cores.pool_open(1):
        assert cores._pool is None
    with cores.pool_open(2):
        small = releases[: cores.MIN_DOCUMENTS - 1]
        assert cores.extract_documents(small) == [cores.extract_one(d) for d in small]
    assert cores._pool is None
