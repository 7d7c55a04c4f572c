"""Workers on several hosts: a process work pool, the deployments its workers pull, and a backfill
split in chunks that run side by side on every worker.

`ingest deploy` registers the deployments on the pool (`pool_deployments`) and the automation
that marks a run Crashed once its heartbeats stop or it stays Pending (`ensure_crash_automation`,
Prefect's documented zombie-run detection, armed also by the states a worker claims a run with);
`ingest worker` starts `prefect worker start --type process` on each host;
`backfill_in_chunks` (what `ingest backfill --chunks N` runs) hands each chunk of a source to the
backfill deployment with `run_deployment` and starts again, on whichever worker is alive, a chunk
whose run crashed. A chunk is an ordinary backfill of the source keeping the documents whose id
hashes to it (ingest.pipeline.archive.Chunk), so two chunks never hold one document: run twice,
it adds nothing (documents already stored are skipped; a crashed run's rows stay hidden, its
load never published).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast
from uuid import UUID

from prefect import flow, get_client
from prefect.automations import Automation, ChangeFlowRunState, EventTrigger, Posture
from prefect.client.schemas.actions import WorkPoolCreate
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId
from prefect.client.schemas.objects import FlowRun, StateType
from prefect.deployments import run_deployment
from prefect.deployments.runner import RunnerDeployment
from prefect.exceptions import ObjectAlreadyExists, ObjectNotFound
from prefect.logging import get_run_logger
from prefect.types.entrypoint import EntrypointType
from prefect.workers.process import ProcessWorker

from ingest.backfill import BACKFILL_SOURCE
from ingest.config import Feed
from ingest.flows.backfill import backfill
from ingest.flows.deployments import REPROCESS_DEPLOYMENT, build_deployments
from ingest.pipeline import archive

WORK_POOL = "ingest"
BACKFILL_DEPLOYMENT = REPROCESS_DEPLOYMENT  # "backfill/on-demand", like reprocess's
CHUNKED_FLOW = "backfill-in-chunks"
CRASH_AUTOMATION = "ingest: crash flow runs whose heartbeats stopped"
# a worker claims a run by proposing Pending, then Submitting (a Pending-type state) before it
# starts the run's process; the run's first heartbeat comes when its flow begins. A worker that
# dies in between leaves the run Pending, which no heartbeat-based rule catches: these events
# arm the same timer as a heartbeat does
DEATH_WATCHED_EVENTS = frozenset(
    {"prefect.flow-run.heartbeat", "prefect.flow-run.Pending", "prefect.flow-run.Submitting"}
)
# the tag of the pool's deployments (their runs carry it): the automation watches only these, not
# the runs of `ingest serve` (heartbeats every 180 s by default) or of other flows on the server
WORKER_TAG = "ingest-worker"
# Prefect's least heartbeat period; a run is declared dead after three are missed (its docs)
HEARTBEAT_SECONDS = 30
CRASH_AFTER_SECONDS = 90
MAX_ATTEMPTS = 3
POLL_SECONDS = 2.0


def pool_deployments(
    feeds: Sequence[Feed],
    settings_path: str | None,
    feeds_path: str | None,
    working_dir: str,
) -> list[RunnerDeployment]:
    """What `ingest serve` serves, and the backfill, as deployments of a work pool.

    Runs start in `working_dir` (a process worker's default is an empty temporary folder): the
    same path must hold the settings and data on every worker's host.
    """
    chunk = backfill.to_deployment(
        BACKFILL_DEPLOYMENT,
        parameters={"settings_path": settings_path},
        description="Backfill a directory or archive, or the files `names` of it (one chunk "
        "of `ingest backfill --chunks`).",
        entrypoint_type=EntrypointType.MODULE_PATH,
        tags=["ingest"],
    )
    deployments = [*build_deployments(feeds, settings_path, feeds_path), cast(Any, chunk)]
    for deployment in deployments:
        deployment.job_variables = {"working_dir": working_dir}
        deployment.tags = [*deployment.tags, WORKER_TAG]
    return cast(list[RunnerDeployment], deployments)


def ensure_work_pool(name: str = WORK_POOL) -> None:
    """Create the process work pool unless it exists."""
    template = ProcessWorker.get_default_base_job_template()
    with get_client(sync_client=True) as client, contextlib.suppress(ObjectAlreadyExists):
        client.create_work_pool(
            WorkPoolCreate(name=name, type="process", base_job_template=template)
        )


def deploy_to_pool(deployments: Sequence[RunnerDeployment], pool: str = WORK_POOL) -> list[str]:
    """Register each deployment on the pool (an existing one is updated); their full names."""
    ensure_work_pool(pool)
    for deployment in deployments:
        deployment.apply(work_pool_name=pool)
    return [f"{d.flow_name}/{d.name}" for d in deployments]


def ensure_crash_automation(after_seconds: int = CRASH_AFTER_SECONDS) -> None:
    """A run of the pool's deployments that sent a heartbeat, or was claimed by a worker
    (Pending), and then nothing for `after_seconds` becomes Crashed (Prefect's "detect zombie
    flows" automation, limited to runs tagged WORKER_TAG); replaces an earlier version of it.
    A claimed run's process starts in seconds (7-11 s measured under load) and sends its first
    heartbeat when its flow begins, well within any `after_seconds` allowed."""
    if after_seconds <= HEARTBEAT_SECONDS:
        raise ValueError(
            f"crash-after must exceed the heartbeat period of {HEARTBEAT_SECONDS} s, "
            f"not {after_seconds}"
        )
    with contextlib.suppress(ValueError, ObjectNotFound):
        Automation.read(name=CRASH_AUTOMATION).delete()
    Automation(
        name=CRASH_AUTOMATION,
        trigger=EventTrigger(
            after=set(DEATH_WATCHED_EVENTS),
            expect={"prefect.flow-run.*"},
            match={"prefect.resource.id": ["prefect.flow-run.*"]},
            match_related={
                "prefect.resource.role": "tag",
                "prefect.resource.id": f"prefect.tag.{WORKER_TAG}",
            },
            for_each={"prefect.resource.id"},
            posture=Posture.Proactive,
            threshold=1,
            within=timedelta(seconds=after_seconds),
        ),
        actions=[
            ChangeFlowRunState(
                state=StateType.CRASHED,
                message=f"no heartbeat, or not started, for {after_seconds} s: its worker died",
            )
        ],
    ).create()


@dataclass(frozen=True, slots=True)
class ChunkOutcome:
    """How one chunk ended: its last flow run and, once it completed, the run's summary line."""

    index: int
    count: int
    attempts: int
    flow_run: str
    state: str
    summary: str | None = None

    @property
    def status(self) -> str:
        """The backfill's own status (ok, partial) once completed, else the run's state."""
        if self.summary is None:
            return self.state.lower()
        return self.summary.split()[1]  # "backfill ok in 3.2 s: ..." (RunSummary.one_line)

    def one_line(self) -> str:
        tries = "" if self.attempts == 1 else f" (attempt {self.attempts})"
        return f"chunk {self.index + 1} of {self.count}, {self.flow_run}{tries}: " + (
            self.summary or self.state
        )


@dataclass(frozen=True, slots=True)
class ChunkedBackfill:
    """What a backfill split in chunks did: one outcome per chunk."""

    path: str
    chunks: tuple[ChunkOutcome, ...]

    @property
    def status(self) -> str:
        """ok when every chunk is, failed when one did not complete, else partial."""
        statuses = {chunk.status for chunk in self.chunks}
        if statuses <= {"ok"}:
            return "ok"
        return "partial" if statuses <= {"ok", "partial"} else "failed"

    @property
    def reruns(self) -> int:
        return sum(chunk.attempts - 1 for chunk in self.chunks)


@flow(name=CHUNKED_FLOW)
def backfill_in_chunks(
    path: str,
    chunks: int,
    settings_path: str | None = None,
    feed_id: str | None = None,
    source_id: str = BACKFILL_SOURCE,
    timezone: str = "UTC",
    max_attempts: int = MAX_ATTEMPTS,
    poll_seconds: float = POLL_SECONDS,
) -> ChunkedBackfill:
    """Backfill `path` as `chunks` runs of the backfill deployment, side by side on the pool's
    workers; a chunk whose run crashed (its worker died) runs again, up to max_attempts."""
    parts = archive.chunks_of(chunks)
    common = {
        "path": path,
        "settings_path": settings_path,
        "feed_id": feed_id,
        "source_id": source_id,
        "timezone": timezone,
    }
    runs = [_start_chunk(common, part) for part in parts]
    attempts = [1] * len(parts)
    ended: dict[int, FlowRun] = {}
    logger = get_run_logger()
    with get_client(sync_client=True) as client:
        while len(ended) < len(parts):
            time.sleep(poll_seconds)
            for index, run in enumerate(runs):
                if index in ended:
                    continue
                current = client.read_flow_run(run.id)
                if current.state is None or not current.state.is_final():
                    continue
                if current.state.is_crashed() and attempts[index] < max_attempts:
                    logger.warning("chunk %d crashed (%s): running it again", index + 1, run.name)
                    runs[index] = _start_chunk(common, parts[index])
                    attempts[index] += 1
                    continue
                ended[index] = current
        summaries = _summaries(client, [run.id for run in ended.values()])
    outcomes = tuple(
        ChunkOutcome(
            index,
            len(parts),
            attempts[index],
            ended[index].name,
            ended[index].state_name or "unknown",
            summaries.get(ended[index].id) if ended[index].state_name == "Completed" else None,
        )
        for index in range(len(parts))
    )
    return ChunkedBackfill(path, outcomes)


def _start_chunk(common: dict[str, Any], chunk: archive.Chunk) -> FlowRun:
    """Schedule one chunk on the pool and return at once (the parent polls every chunk)."""
    deployment = f"{archive.FLOW_NAME}/{BACKFILL_DEPLOYMENT}"
    parameters = {**common, "chunk": chunk.index, "chunks": chunk.count}
    started = run_deployment(deployment, parameters=parameters, timeout=0)
    return cast(FlowRun, started)


def _summaries(client: Any, flow_run_ids: list[UUID]) -> dict[UUID, str]:
    """Each completed chunk's one-line summary: its summary artifact's description."""
    if not flow_run_ids:
        return {}
    artifacts = client.read_artifacts(
        artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=flow_run_ids))
    )
    return {a.flow_run_id: a.description for a in artifacts if a.description and a.flow_run_id}
