"""`ingest backfill` without a Prefect server: the run starts at once, Prefect's temporary
server starts beside it, and the run is recorded as a flow run of `backfill` when it ends.

In this process, on the session's Prefect API: the recorded flow run has the run's parameters,
is Running during the run and ends Completed, the RunSummary as its result, the summary as its
Markdown artifact; a run that raised is recorded Failed. In a child process, as a user runs
it: the real temporary server is started, the run recorded in PREFECT_HOME's database, and
the server stopped.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from uuid import UUID

import pytest

from conftest import FIXTURE_FEEDS, SettingsFactory
from ingest import store
from ingest.config import load_settings
from ingest.errors import ConfigError

FEED_FILE = "state.gov_press-releases_rss_2021-05-23.xml"


class HarnessServer:
    """The session's Prefect API (prefect_harness), up before the run: nothing to wait for."""

    def __init__(self) -> None:
        from prefect.settings import PREFECT_API_URL

        self.api_url = str(PREFECT_API_URL.value())

    def wait_until_ready(self) -> float:
        return 0.0

    def stop(self) -> None:
        """The harness stops it with the session."""


def source_of(tmp_path: Path) -> Path:
    source = tmp_path / "archive"
    source.mkdir()
    shutil.copy(FIXTURE_FEEDS / FEED_FILE, source / "a.xml")
    return source


@pytest.mark.usefixtures("prefect_harness")
def test_the_run_is_recorded_with_its_state_result_and_artifact(
    make_settings: SettingsFactory, tmp_path: Path
) -> None:
    from prefect.client.orchestration import get_client

    from ingest.flows.beside import backfill_beside_server

    path = make_settings()
    source = source_of(tmp_path)
    summary, run_id = backfill_beside_server(HarnessServer(), str(source), str(path))

    assert summary.status == "ok" and summary.documents_new == 10
    load = store.read_table(load_settings(path), "loads").to_pylist()[0]
    with get_client(sync_client=True) as client:
        run = client.read_flow_run(run_id)
        flow = client.read_flow(run.flow_id)
        artifacts = client.read_artifacts()
    assert flow.name == "backfill"
    assert run.parameters["path"] == str(source)
    assert run.state is not None and run.state.is_completed()
    assert run.state.result() == summary  # the persisted result, read back from storage
    # recorded Running while the run ran (Prefect sets a run's start time itself)
    assert run.start_time is not None and run.end_time is not None
    assert load["started_at"] <= run.start_time <= load["ended_at"] <= run.end_time
    mine = [a for a in artifacts if a.flow_run_id == run_id and a.type == "markdown"]
    assert [a.key for a in mine] == ["backfill-summary"]
    assert "backfill: ok" in str(mine[0].data)


@pytest.mark.usefixtures("prefect_harness")
def test_a_run_that_raised_is_recorded_failed(
    make_settings: SettingsFactory, tmp_path: Path
) -> None:
    from prefect.client.orchestration import get_client

    from ingest.flows.beside import backfill_beside_server

    path = make_settings()
    with pytest.raises(ConfigError, match="no feed 'no-such-feed'"):
        backfill_beside_server(HarnessServer(), str(source_of(tmp_path)), str(path), "no-such-feed")
    with get_client(sync_client=True) as client:
        runs = client.read_flow_runs(limit=50)
    failed = [r for r in runs if r.parameters.get("feed_id") == "no-such-feed"]
    assert len(failed) == 1 and failed[0].state is not None and failed[0].state.is_failed()
    assert "no feed 'no-such-feed'" in (failed[0].state.message or "")


def test_ingest_backfill_starts_the_temporary_server_and_records_the_run(
    make_settings: SettingsFactory, tmp_path: Path
) -> None:
    path = make_settings()
    home = tmp_path / "prefect-home"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env.update(PREFECT_HOME=str(home), COLUMNS="200")
    command = [str(Path(sys.executable).with_name("ingest")), "backfill", str(source_of(tmp_path))]
    done = subprocess.run(
        [*command, "--settings", str(path)], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    found = re.search(r"flow run ([0-9a-f-]{36}) recorded", done.stdout)
    assert found, done.stdout
    run_id = str(UUID(found[1]))
    with sqlite3.connect(home / "prefect.db") as database:
        state = database.execute(
            "select state_type from flow_run where id = ?", [run_id]
        ).fetchall()
        keys = database.execute(
            "select key from artifact where flow_run_id = ? and type = 'markdown'", [run_id]
        ).fetchall()
    assert state == [("COMPLETED",)]
    assert keys == [("backfill-summary",)]
    assert store.read_table(load_settings(path), "documents").num_rows == 10
    assert Path(load_settings(path).serving_path).exists()
    # the server is gone with the command: nothing of it runs in its home any more
    running = subprocess.run(
        ["pgrep", "-f", "prefect.server.api.server:create_app"], capture_output=True, text=True
    )
    for pid in running.stdout.split():
        environ = Path(f"/proc/{pid}/environ")
        assert str(home).encode() not in (environ.read_bytes() if environ.exists() else b"")
