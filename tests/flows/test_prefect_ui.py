"""The Prefect UI `ingest serve` prints works in a browser, and every command shares its home.

One real `ingest serve` on a free port, with no PREFECT_HOME and no PREFECT_API_URL (as a user
starts it): the UI's /ui-settings names the server it started, headless Chromium opens the
printed deployments link and sees ingest-feeds with no error banner and no request elsewhere,
the printed PREFECT_API_URL hint makes `prefect deployment ls` work, and a plain `ingest run`
finds the server in the same Prefect home, so its run shows in that UI.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from conftest import SettingsFactory
from ingest.flows.server import free_port, stop_process_group
from support.artifacts import artifact_path
from support.browser import chromium_page, save_screenshot

pytestmark = pytest.mark.server
REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
HINT = re.compile(r"export PREFECT_API_URL=(\S+)")
UI_LINK = re.compile(r"Prefect UI: (\S+)")
ERROR_BANNERS = ("Can't connect", "Something went wrong", "Oops")


def user_environment() -> dict[str, str]:
    """The environment of a user who never set anything Prefect."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(PREFECT_SERVER_ANALYTICS_ENABLED="false", DO_NOT_TRACK="1")
    return env


def wait_for_line(log: Path, pattern: re.Pattern[str], process: subprocess.Popen[bytes]) -> str:
    deadline = time.monotonic() + 120
    while not (found := pattern.search(log.read_text(errors="replace"))):
        assert process.poll() is None, f"ingest serve exited: {log.read_text()[-2000:]}"
        assert time.monotonic() < deadline, f"no {pattern.pattern!r}: {log.read_text()[-2000:]}"
        time.sleep(0.25)
    return found.group(1)


def wait_for_deployment(api_url: str, name: str) -> None:
    deadline = time.monotonic() + 60
    with httpx.Client(timeout=5, trust_env=False) as client:
        while client.get(f"{api_url}/deployments/name/{name}").status_code != 200:
            assert time.monotonic() < deadline, f"deployment {name} never appeared"
            time.sleep(0.25)


def runs_by_hand(api_url: str) -> list[str]:
    """Flow runs the server knows that no deployment made (its schedules queue their own)."""
    with httpx.Client(timeout=5, trust_env=False) as client:
        response = client.post(f"{api_url}/flow_runs/filter", json={"limit": 200})
        response.raise_for_status()
        return [run["name"] for run in response.json() if run["deployment_id"] is None]


def test_the_served_ui_works_and_every_command_shares_its_prefect_home(
    tmp_path: Path, make_settings: SettingsFactory
) -> None:
    settings_path = make_settings()
    port = free_port()
    log_path = tmp_path / "serve.log"
    log = log_path.open("wb")
    serving = subprocess.Popen(
        [str(BIN / "ingest"), "serve", "--settings", str(settings_path), "--port", str(port)],
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        env=user_environment(),
        cwd=tmp_path,
        start_new_session=True,
    )
    try:
        ui_link = wait_for_line(log_path, UI_LINK, serving)
        api_url = wait_for_line(log_path, HINT, serving)
        assert api_url == f"http://127.0.0.1:{port}/api"
        assert ui_link == f"http://127.0.0.1:{port}/deployments"
        wait_for_deployment(api_url, "ingest-feeds/scheduled")
        # the UI's own idea of its API is the server that was started
        settings = httpx.get(f"http://127.0.0.1:{port}/ui-settings", trust_env=False).json()
        assert settings["api_url"] == api_url

        requests: list[str] = []
        console_errors: list[tuple[str, str]] = []
        with chromium_page() as (page, browser_log):
            page.on("request", lambda request: requests.append(request.url))  # type: ignore[attr-defined]
            page.on(  # type: ignore[attr-defined]
                "console",
                lambda m: m.type == "error" and console_errors.append((m.text, m.location["url"])),
            )
            page.goto(ui_link, wait_until="load")  # type: ignore[attr-defined]
            page.get_by_text("ingest-feeds").first.wait_for(timeout=30_000)  # type: ignore[attr-defined]
            page.wait_for_load_state("networkidle")  # type: ignore[attr-defined]
            text = page.inner_text("body")  # type: ignore[attr-defined]
            save_screenshot(page, artifact_path("prefect-deployments.png"))
        assert not [banner for banner in ERROR_BANNERS if banner in text], text[-500:]
        # the browser's own favicon probe: Prefect's UI has no /favicon.ico (not a UI error)
        assert [e for e in console_errors if not e[1].endswith("/favicon.ico")] == []
        assert browser_log.page_errors == [] and browser_log.failed_requests == []
        origin = f"http://127.0.0.1:{port}/"
        elsewhere = {u for u in requests if not u.startswith((origin, f"blob:{origin}", "data:"))}
        assert not elsewhere, f"the UI asked other hosts: {sorted(elsewhere)[:5]}"

        # the printed hint is all the Prefect CLI needs (another home: only the URL is shared)
        listed = subprocess.run(
            [str(BIN / "prefect"), "deployment", "ls"],
            env={
                **user_environment(),
                "PREFECT_API_URL": api_url,
                "PREFECT_HOME": str(tmp_path / "elsewhere"),
            },
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert listed.returncode == 0, listed.stderr
        assert "ingest-feeds/scheduled" in listed.stdout

        # a plain `ingest run` (no PREFECT_HOME either) finds the served server: one home
        assert runs_by_hand(api_url) == []
        ran = subprocess.run(
            [str(BIN / "ingest"), "run", "--settings", str(settings_path)],
            env=user_environment(),
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert ran.returncode == 0, ran.stderr
        assert len(runs_by_hand(api_url)) == 1, "the run is not in the served UI"
        assert (tmp_path / "warehouse" / "state" / "prefect" / "ingest-server.json").exists()
    finally:
        stop_process_group(serving, 10.0)
        log.close()


def test_make_leaves_the_prefect_home_to_the_commands() -> None:
    """`make demo` runs `ingest demo` with the environment plain `ingest` commands get."""
    env = {k: v for k, v in user_environment().items() if k not in {"MAKEFLAGS", "MFLAGS"}}
    database = subprocess.run(
        ["make", "-pn", "demo"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    assert not re.search(r"^(export )?PREFECT_HOME\b", database, re.MULTILINE)
