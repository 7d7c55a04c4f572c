"""`ingest backfill` without a Prefect server: the run at once, Prefect's server beside it.

Prefect starts its temporary server when a flow first calls the API, and the flow's first step
waits for it: 8-25 s of the demo archive's backfill here (benchmarks/bench_backfill.py), longer
than extracting it. Here the `backfill` flow's body (ingest.pipeline.archive.backfill) starts at
once on the library's step runner while the server starts beside it (flows.server.
TemporaryServer). A thread imports Prefect (1.5-2.5 s of CPU, off the run's path), waits for the
server and records a flow run of `backfill`, Running, with the run's parameters; when the run
ends it is closed with the run's result (flows.recording).

Prefect is imported only in that thread: this module must not import it.
"""

from __future__ import annotations

import logging
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any, Protocol
from uuid import UUID

from ingest.backfill import BACKFILL_SOURCE
from ingest.config import load_settings
from ingest.pipeline import archive
from ingest.summary import RunSummary

log = logging.getLogger(__name__)
# how long a run that ended waits for the server to record it (it started with the run)
RECORDING_TIMEOUT_SECONDS = 300.0


class StartingServer(Protocol):
    """A Prefect API that may still be starting (flows.server.TemporaryServer)."""

    api_url: str

    def wait_until_ready(self) -> float: ...

    def stop(self) -> None: ...


def backfill_beside_server(
    server: StartingServer,
    path: str,
    settings_path: str | None = None,
    feed_id: str | None = None,
    source_id: str = BACKFILL_SOURCE,
    timezone: str = "UTC",
    progress: bool = False,
) -> tuple[RunSummary, UUID]:
    """The `backfill` flow's run while `server` is still starting: the body now (its steps on
    the library's runner), recorded as a flow run of `backfill` on the server the moment it
    answers (flows.recording) and closed with the run's result; the summary and the run's id."""
    parameters: dict[str, Any] = {"path": path, "settings_path": settings_path}
    parameters.update(feed_id=feed_id, source_id=source_id, timezone=timezone, progress=progress)
    with ThreadPoolExecutor(1, thread_name_prefix="prefect-record") as recorder:
        opened = recorder.submit(_open, server, parameters)
        try:
            summary = _run(path, settings_path, feed_id, source_id, timezone, progress)
        except Exception as error:
            try:
                _close(server, _opened(server, opened), None, error)
            except Exception:  # the run's own error is the one to report
                log.exception("could not record the failed backfill in Prefect")
            raise
        run_id = _opened(server, opened)
        _close(server, run_id, summary)
    return summary, run_id


def _opened(server: StartingServer, opened: Future[UUID]) -> UUID:
    """The recorded run's id; a server that has not answered RECORDING_TIMEOUT_SECONDS after
    the run ended is stopped (the run is published, not recorded)."""
    try:
        return opened.result(timeout=RECORDING_TIMEOUT_SECONDS)
    except FutureTimeout:
        server.stop()
        raise TimeoutError(
            f"Prefect's server did not answer within {RECORDING_TIMEOUT_SECONDS:.0f} s of the "
            "run's end: the run is published, but not recorded in Prefect"
        ) from None


def _open(server: StartingServer, parameters: dict[str, Any]) -> UUID:
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from ingest.flows.backfill import backfill
    from ingest.flows.recording import open_flow_run

    server.wait_until_ready()
    with temporary_settings({PREFECT_API_URL: server.api_url}):
        return open_flow_run(backfill, parameters)


def _close(
    server: StartingServer,
    run_id: UUID,
    summary: RunSummary | None,
    error: BaseException | None = None,
) -> None:
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from ingest.flows.recording import close_flow_run

    with temporary_settings({PREFECT_API_URL: server.api_url}):
        close_flow_run(run_id, summary, error)


def _run(
    path: str,
    settings_path: str | None,
    feed_id: str | None,
    source_id: str,
    timezone: str,
    progress: bool,
) -> RunSummary:
    settings = load_settings(settings_path)
    feed = archive.source_feed(settings, feed_id, source_id, timezone)
    return archive.backfill(settings, feed, path, progress=progress)
