"""The `ingest-feeds` flow: the configured feeds once, each step a Prefect task run.

The run itself (stages, write order, feed-failure state) is `ingest.pipeline.feeds.ingest`.
"""

from __future__ import annotations

import dataclasses

from prefect import flow

from ingest.config import load_feeds, load_settings
from ingest.flows.common import PrefectSteps, default_runner, report_artifact
from ingest.pipeline import feeds
from ingest.summary import RunSummary

FLOW_NAME = feeds.FLOW_NAME


@flow(name=FLOW_NAME, task_runner=default_runner())
def ingest_feeds(
    settings_path: str | None = None,
    feeds_path: str | None = None,
    force: bool = False,
    schedule: str | None = None,
    state_path: str | None = None,
) -> RunSummary:
    """Ingest the configured feeds once.

    `force` fetches feeds not due yet; `schedule` keeps only the feeds with that cron expression
    (each served schedule passes its own); `state_path` overrides where feed state is kept.
    """
    settings = load_settings(settings_path)
    if state_path is not None:
        settings = dataclasses.replace(settings, state_path=state_path)
    configured = load_feeds(feeds_path or settings.feeds_path)
    return feeds.ingest(
        settings,
        configured,
        force=force,
        schedule=schedule,
        runner=PrefectSteps,
        report=report_artifact,
    )
