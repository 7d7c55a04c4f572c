"""The `backfill` flow: a directory or archive of feeds, JSONL documents or pages, each step a
Prefect task run. The run itself is `ingest.pipeline.archive.backfill`.

Without a Prefect server to run on, `ingest backfill` runs the same body at once while Prefect's
temporary server starts beside it, and records the run as a flow run of this flow
(flows.beside).
"""

from __future__ import annotations

from prefect import flow

from ingest.backfill import BACKFILL_SOURCE
from ingest.config import load_settings
from ingest.flows.common import PrefectSteps, default_runner, report_artifact
from ingest.pipeline import archive
from ingest.summary import RunSummary

FLOW_NAME = archive.FLOW_NAME


@flow(name=FLOW_NAME, task_runner=default_runner())
def backfill(
    path: str,
    settings_path: str | None = None,
    feed_id: str | None = None,
    source_id: str = BACKFILL_SOURCE,
    timezone: str = "UTC",
    progress: bool = False,
    names: list[str] | None = None,
    chunk: int | None = None,
    chunks: int = 1,
) -> RunSummary:
    """Load a directory or archive of saved feeds, JSONL documents and pages.

    `feed_id` names a configured feed whose id, time zone and language the documents take (so a
    feed's archive dedups against its live ingestion); else they go under `source_id`.
    `names` keeps only those files of the source; `chunk` (0 to chunks - 1) only the documents
    of that chunk: one run of a backfill split across workers (ingest.flows.workers).
    """
    settings = load_settings(settings_path)
    feed = archive.source_feed(settings, feed_id, source_id, timezone)
    return archive.backfill(
        settings,
        feed,
        path,
        progress=progress,
        names=names,
        chunk=None if chunk is None else archive.Chunk(chunk, chunks),
        runner=PrefectSteps,
        report=report_artifact,
    )
