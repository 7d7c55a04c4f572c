"""A run that began before Prefect's API was up, recorded as a flow run of its flow.

`ingest backfill` without a Prefect server runs its flow's body at once while Prefect's
temporary server starts beside it (flows.server.TemporaryServer). The moment the server answers,
`open_flow_run` records a flow run of the flow, Running, with the run's parameters (Prefect sets
its start time then: the API takes no earlier one); when the run ends, `close_flow_run` leaves
it as the flow's own run leaves it: Completed with the run's RunSummary as its persisted result
and the summary as its Markdown artifact, or Failed with the error. What it does not leave is
one task run per step: the steps ran on the library's runner (ingest.pipeline.execution),
retries included.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from prefect import Flow
from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import ArtifactCreate
from prefect.events.worker import EventsWorker
from prefect.results import ResultStore
from prefect.states import Completed, Failed, Running

from ingest.summary import RunSummary

EVENTS_DRAIN_SECONDS = 10.0


def open_flow_run(flow: Flow[..., Any], parameters: dict[str, Any]) -> UUID:
    """A Running flow run of `flow` on the API in PREFECT_API_URL; its id."""
    with get_client(sync_client=True) as client:
        return client.create_flow_run(flow, parameters=parameters, state=Running()).id


def close_flow_run(
    run_id: UUID, summary: RunSummary | None, error: BaseException | None = None
) -> None:
    """The run's end: Completed with `summary` as its result and artifact, or Failed when the
    run raised `error`."""
    with get_client(sync_client=True) as client:
        if summary is None or error is not None:
            message = f"{type(error).__name__}: {error}" if error else "no summary"
            client.set_flow_run_state(run_id, Failed(message=message), force=True)
        else:
            results = ResultStore()  # the default storage: PREFECT_HOME/storage
            result = results.create_result_record(summary)
            results.persist_result_record(result)
            done = Completed(data=result, message=summary.one_line())
            client.set_flow_run_state(run_id, done, force=True)
            client.create_artifact(
                ArtifactCreate(
                    key=f"{summary.flow}-summary",
                    type="markdown",
                    data=summary.to_markdown(),
                    description=summary.one_line(),
                    flow_run_id=run_id,
                )
            )
    # the client's events (the run's, its result's) reach the API before it may stop
    EventsWorker.drain_all(timeout=EVENTS_DRAIN_SECONDS)
