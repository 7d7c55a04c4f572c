"""Flows that work on what is stored: `reprocess` (re-extract) and `compact` (merge files).

`reprocess` re-extracts the latest version of each document whose events came from another
extractor version and appends the new events; the staging views keep the newest per event key.
Run twice, the second run finds nothing to do.
"""

from __future__ import annotations

from datetime import UTC, datetime

from prefect import flow

from flows import tasks
from flows.common import (
    bounded_runner,
    default_runner,
    retrying,
    run_reported,
    store_batch,
)
from ingest import backfill, store
from ingest.config import Settings, load_settings
from ingest.extract import EXTRACTOR_VERSION
from ingest.summary import RunSummary, Tally

REPROCESS_FLOW = "reprocess"
COMPACT_FLOW = "compact"


@flow(name=REPROCESS_FLOW, task_runner=default_runner())
def reprocess(settings_path: str | None = None, everything: bool = False) -> RunSummary:
    """Re-extract stored documents whose events another extractor version made (or all)."""
    settings = load_settings(settings_path)
    now = datetime.now(UTC)
    tally = Tally(REPROCESS_FLOW, store.new_load_id(now), now, extractor_version=EXTRACTOR_VERSION)
    return run_reported(settings, tally, lambda t: _reprocess(settings, everything, t))


def _reprocess(settings: Settings, everything: bool, tally: Tally) -> None:
    with tally.timing("select"):
        documents = backfill.documents_to_reprocess(
            settings, EXTRACTOR_VERSION, everything=everything
        )
    tally.details.append(("documents re-extracted", str(len(documents))))
    if not documents:
        return
    with bounded_runner(settings) as runner:
        store_batch(runner, settings, tally, documents, (), store_documents=False)


@flow(name=COMPACT_FLOW)
def compact(settings_path: str | None = None) -> RunSummary:
    """Merge each table partition's small files into one."""
    settings = load_settings(settings_path)
    now = datetime.now(UTC)
    tally = Tally(COMPACT_FLOW, store.new_load_id(now), now, extractor_version=EXTRACTOR_VERSION)
    return run_reported(settings, tally, lambda t: _compact(settings, t))


def _compact(settings: Settings, tally: Tally) -> None:
    with tally.timing("compact"):
        report = retrying(tasks.compact, settings)(settings)
    for table, counts in sorted(report.items()):
        before, after = counts.get("files_before", 0), counts.get("files_after", 0)
        tally.details.append((table, f"{before} files -> {after}"))
