"""Runs over what is stored: `reprocess` (re-extract) and `compact` (merge files).

`reprocess` re-extracts the latest version of each document whose events came from another
extractor version and appends the new events; the staging views keep the newest per event key.
Run twice, the second run finds nothing to do.
"""

from __future__ import annotations

import functools

from ingest import backfill
from ingest.config import Settings
from ingest.extract import EXTRACTOR_VERSION
from ingest.pipeline import steps
from ingest.pipeline.execution import RunnerFactory, local_runner
from ingest.pipeline.runs import Reporter, new_tally, no_report, run_reported, store_batch
from ingest.summary import RunSummary, Tally

REPROCESS_FLOW = "reprocess"
COMPACT_FLOW = "compact"


def reprocess(
    settings: Settings,
    *,
    everything: bool = False,
    runner: RunnerFactory = local_runner,
    report: Reporter = no_report,
) -> RunSummary:
    """Re-extract stored documents whose events another extractor version made (or all)."""
    tally = new_tally(REPROCESS_FLOW, EXTRACTOR_VERSION)
    body = functools.partial(_reprocess, settings, everything, runner)
    return run_reported(settings, tally, body, report)


def _reprocess(
    settings: Settings, everything: bool, make_runner: RunnerFactory, tally: Tally
) -> None:
    with tally.timing("select"):
        documents = backfill.documents_to_reprocess(
            settings, EXTRACTOR_VERSION, everything=everything
        )
    tally.details.append(("documents re-extracted", str(len(documents))))
    if not documents:
        return
    with make_runner(settings) as runner:
        store_batch(runner, settings, tally, documents, (), store_documents=False)


def compact(
    settings: Settings, *, runner: RunnerFactory = local_runner, report: Reporter = no_report
) -> RunSummary:
    """Merge each table partition's small files into one."""
    tally = new_tally(COMPACT_FLOW, EXTRACTOR_VERSION)
    return run_reported(settings, tally, functools.partial(_compact, settings, runner), report)


def _compact(settings: Settings, make_runner: RunnerFactory, tally: Tally) -> None:
    with tally.timing("compact"), make_runner(settings) as runner:
        report = runner.submit(steps.compact, {"settings": settings}).result()
    for table, counts in sorted(report.items()):
        before, after = counts.get("files_before", 0), counts.get("files_after", 0)
        tally.details.append((table, f"{before} files -> {after}"))
