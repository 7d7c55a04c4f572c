"""Flows over what is stored: `reprocess` (re-extract) and `compact` (merge files), each step a
Prefect task run. The runs themselves are in `ingest.pipeline.maintenance`."""

from __future__ import annotations

from prefect import flow

from ingest.config import load_settings
from ingest.flows.common import PrefectSteps, default_runner, report_artifact
from ingest.pipeline import maintenance
from ingest.summary import RunSummary

REPROCESS_FLOW = maintenance.REPROCESS_FLOW
COMPACT_FLOW = maintenance.COMPACT_FLOW


@flow(name=REPROCESS_FLOW, task_runner=default_runner())
def reprocess(settings_path: str | None = None, everything: bool = False) -> RunSummary:
    """Re-extract stored documents whose events another extractor version made (or all)."""
    return maintenance.reprocess(
        load_settings(settings_path),
        everything=everything,
        runner=PrefectSteps,
        report=report_artifact,
    )


@flow(name=COMPACT_FLOW)
def compact(settings_path: str | None = None) -> RunSummary:
    """Merge each table partition's small files into one."""
    return maintenance.compact(
        load_settings(settings_path), runner=PrefectSteps, report=report_artifact
    )
