"""The deployments `ingest serve` serves: feeds on their cron schedules, compaction, reprocessing.

All feeds share one deployment with one schedule per distinct cron expression (the schedule
passes its expression, so a run fetches only the feeds on it) and a concurrency limit of 1: runs
never overlap, so two runs never race on the feed state file or count the same entry twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy
from prefect.deployments.runner import RunnerDeployment
from prefect.schedules import Cron, Schedule
from prefect.types.entrypoint import EntrypointType

from ingest.config import Feed
from ingest.flows.ingest_feeds import ingest_feeds
from ingest.flows.maintenance import compact, reprocess

FEEDS_DEPLOYMENT = "scheduled"
COMPACT_DEPLOYMENT = "nightly"
REPROCESS_DEPLOYMENT = "on-demand"
COMPACT_CRON = "17 3 * * *"  # daily, off the hour when feeds are busiest
SCHEDULE_TIMEZONE = "UTC"


def feed_schedules(feeds: Sequence[Feed]) -> list[Schedule]:
    """One cron schedule per distinct expression, each running only its feeds."""
    expressions = sorted({feed.schedule for feed in feeds})
    return [
        Cron(
            expression,
            timezone=SCHEDULE_TIMEZONE,
            parameters={"schedule": expression},
            slug=f"cron-{index}",
        )
        for index, expression in enumerate(expressions, start=1)
    ]


def build_deployments(
    feeds: Sequence[Feed], settings_path: str | None, feeds_path: str | None
) -> list[RunnerDeployment]:
    """The deployments to serve; paths are passed as parameters so runs load the same config."""
    common: dict[str, Any] = {
        "concurrency_limit": ConcurrencyLimitConfig(
            limit=1, collision_strategy=ConcurrencyLimitStrategy.ENQUEUE
        ),
        "entrypoint_type": EntrypointType.MODULE_PATH,  # `ingest.flows` ships in the package
        "tags": ["ingest"],
    }
    deployments = [
        ingest_feeds.to_deployment(
            FEEDS_DEPLOYMENT,
            schedules=feed_schedules(feeds),
            parameters={"settings_path": settings_path, "feeds_path": feeds_path},
            description="Fetch, parse, extract and store the feeds due on each schedule.",
            **common,
        ),
        compact.to_deployment(
            COMPACT_DEPLOYMENT,
            cron=COMPACT_CRON,
            parameters={"settings_path": settings_path},
            description="Merge each table partition's small files into one.",
            **common,
        ),
        reprocess.to_deployment(
            REPROCESS_DEPLOYMENT,
            parameters={"settings_path": settings_path},
            description="Re-extract documents whose events an older extractor made (run it "
            "after upgrading).",
            **common,
        ),
    ]
    # to_deployment is sync here (called outside an event loop); its type also allows a coroutine
    return [cast(RunnerDeployment, deployment) for deployment in deployments]
