"""`ingest serve` against a real Prefect server: schedules created, a triggered run lands events."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from conftest import SettingsFactory
from ingest import store
from ingest.config import load_settings
from ingest.flows.server import (
    free_port,
    is_healthy,
    running_server,
    start_local_server,
    stop_process_group,
)

pytestmark = pytest.mark.server
INGEST = Path(sys.executable).with_name("ingest")
DEPLOYMENT = "ingest-feeds/scheduled"


def child_environment(home: Path, api_url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(
        PREFECT_HOME=str(home),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        DO_NOT_TRACK="1",
        PREFECT_RUNNER_POLL_FREQUENCY="1",  # pick up triggered runs within a second
        PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS="2",
    )
    if api_url is not None:
        env["PREFECT_API_URL"] = api_url
    return env


@contextmanager
def ingest_serve(
    settings_path: Path, home: Path, api_url: str | None, *extra: str
) -> Iterator[subprocess.Popen[bytes]]:
    log = (home.parent / "serve.log").open("wb")
    process = subprocess.Popen(
        [str(INGEST), "serve", "--settings", str(settings_path), *extra],
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        env=child_environment(home, api_url),
        cwd=home.parent,
        start_new_session=True,
    )
    try:
        yield process
    finally:
        stop_process_group(process, 10.0)
        log.close()


@contextmanager
def api(url: str) -> Iterator[Any]:
    """A sync client of the given server (overriding the session's test harness)."""
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings(updates={PREFECT_API_URL: url}), get_client(sync_client=True) as c:
        yield c


def wait_for_deployment(url: str, process: subprocess.Popen[bytes], timeout: float) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        assert process.poll() is None, "ingest serve exited"
        with api(url) as client:
            try:
                return client.read_deployment_by_name(DEPLOYMENT)
            except Exception:
                if time.monotonic() > deadline:
                    raise
        time.sleep(0.5)


def test_served_deployment_is_scheduled_and_runs(
    tmp_path: Path, make_settings: SettingsFactory
) -> None:
    from prefect.deployments import run_deployment

    settings_path = make_settings()
    home = tmp_path / "prefect"
    server = start_local_server(home, ui=False)
    try:
        with ingest_serve(settings_path, home, server.api_url) as serving:
            deployment = wait_for_deployment(server.api_url, serving, 60)
            (schedule,) = deployment.schedules
            assert schedule.schedule.cron == "*/30 * * * *"
            assert schedule.parameters == {"schedule": "*/30 * * * *"}
            assert deployment.global_concurrency_limit.limit == 1
            with api(server.api_url):
                run = run_deployment(name=DEPLOYMENT, timeout=90)
            assert run.state is not None and run.state.is_completed(), run.state
            settings = load_settings(settings_path)
            assert store.read_table(settings, "documents").num_rows == 30
            (load,) = store.read_table(settings, "loads").to_pylist()
            assert load["flow"] == "ingest-feeds" and load["status"] == "ok"
            # the scheduler has queued the next runs of the served schedule
            with api(server.api_url) as client:
                from prefect.client.schemas.filters import (
                    DeploymentFilter,
                    DeploymentFilterId,
                    FlowRunFilter,
                    FlowRunFilterState,
                    FlowRunFilterStateType,
                )
                from prefect.client.schemas.objects import StateType

                deadline = time.monotonic() + 20
                scheduled: list[Any] = []
                while not scheduled and time.monotonic() < deadline:
                    scheduled = client.read_flow_runs(
                        deployment_filter=DeploymentFilter(
                            id=DeploymentFilterId(any_=[deployment.id])
                        ),
                        flow_run_filter=FlowRunFilter(
                            state=FlowRunFilterState(
                                type=FlowRunFilterStateType(any_=[StateType.SCHEDULED])
                            )
                        ),
                    )
                    time.sleep(0.5)
            assert scheduled and scheduled[0].parameters["schedule"] == "*/30 * * * *"
            serving.send_signal(signal.SIGTERM)
            assert serving.wait(timeout=30) == 0
    finally:
        server.stop()


def test_serve_starts_and_stops_its_own_server(
    tmp_path: Path, make_settings: SettingsFactory
) -> None:
    settings_path = make_settings()
    home = tmp_path / "prefect"
    home.mkdir()
    port = free_port()
    url = f"http://127.0.0.1:{port}/api"
    with ingest_serve(settings_path, home, None, "--port", str(port)) as serving:
        deadline = time.monotonic() + 90
        # one-off runs find the served server instead of starting a temporary one
        while running_server(home) != url:
            assert serving.poll() is None and time.monotonic() < deadline, "no server came up"
            time.sleep(0.5)
        os.killpg(serving.pid, signal.SIGTERM)  # as a service manager stops a process group
        serving.wait(timeout=30)
        time.sleep(0.5)
        assert not is_healthy(url, timeout_seconds=1.0), "the server outlived ingest serve"
        assert running_server(home) is None
    log = (tmp_path / "serve.log").read_text()
    assert f"Prefect UI: http://127.0.0.1:{port}" in log


def test_serve_refuses_an_unreachable_api(tmp_path: Path, make_settings: SettingsFactory) -> None:
    settings_path = make_settings()
    home = tmp_path / "prefect"
    home.mkdir()
    url = f"http://127.0.0.1:{free_port()}/api"
    with ingest_serve(settings_path, home, url) as serving:
        assert serving.wait(timeout=30) == 1
    assert (
        f"no Prefect server answers at PREFECT_API_URL={url}"
        in (tmp_path / "serve.log").read_text()
    )
