"""A local Prefect server for `ingest serve`: a subprocess on 127.0.0.1, health-checked, stopped.

Scheduled runs need a real server (`serve` on the temporary ephemeral API refuses to schedule),
so when no PREFECT_API_URL is configured we start `prefect server start` ourselves, in its own
process group so that stopping it also stops the workers it spawned.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import httpx

from ingest.orphans import die_with_parent

HOST = "127.0.0.1"
# where a running `ingest serve` leaves its server's address, so one-off runs can use it
ADDRESS_FILE = "ingest-server.json"
HEALTH_POLL_SECONDS = 0.25
STOP_GRACE_SECONDS = 10.0
# how much lower than the run a temporary server beside it is scheduled (nice, 0-19): at 10 a
# machine at load 15 starved it (not up 90 s after the run ended); at 5 it gets a third of a core
# the run keeps busy
SERVER_NICENESS = 5


@dataclass(slots=True)
class LocalServer:
    """A `prefect server start` child process and where to reach it."""

    process: subprocess.Popen[bytes]
    api_url: str
    ui_url: str
    log_path: Path
    _log: IO[bytes]

    def stop(self, grace_seconds: float = STOP_GRACE_SECONDS) -> None:
        """SIGTERM the server's process group, SIGKILL whatever is left after the grace period."""
        try:
            (self.log_path.parent / ADDRESS_FILE).unlink(missing_ok=True)
            stop_process_group(self.process, grace_seconds)
        finally:
            self._log.close()


def stop_process_group(process: subprocess.Popen[bytes], grace_seconds: float) -> None:
    """Terminate a child started with start_new_session=True, and everything it started."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=grace_seconds)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=grace_seconds)
    except ProcessLookupError:
        pass


def free_port(host: str = HOST) -> int:
    """A TCP port nobody listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port


def server_environment(
    prefect_home: Path, api_url: str | None = None, database_url: str | None = None
) -> dict[str, str]:
    """The environment for a Prefect child process: our home, no telemetry, our API if any, the
    server's database if given (SQLite in PREFECT_HOME otherwise)."""
    env = dict(os.environ)
    if database_url is not None:
        env["PREFECT_API_DATABASE_CONNECTION_URL"] = database_url
    env["PREFECT_HOME"] = str(prefect_home)
    env.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    env.setdefault("DO_NOT_TRACK", "1")
    if api_url is not None:
        env["PREFECT_API_URL"] = api_url
    else:
        env.pop("PREFECT_API_URL", None)
    return env


def ui_environment(env: dict[str, str], api_url: str) -> dict[str, str]:
    """Point the server's UI at the API it serves.

    `prefect server start --port P` listens on P, but the UI learns its API address from
    /ui-settings, which reports PREFECT_UI_API_URL, derived from the *settings'* host and port
    (4200 by default), not from the command line: a browser would then call a port nobody
    listens on. The settings are made to agree with the command line.
    """
    address = api_url.removesuffix("/api").split("://", 1)[1]
    host, port = address.rsplit(":", 1)
    return {
        **env,
        "PREFECT_UI_API_URL": api_url,
        "PREFECT_SERVER_API_HOST": host,
        "PREFECT_SERVER_API_PORT": port,
    }


def start_local_server(
    prefect_home: Path,
    *,
    port: int | None = None,
    timeout_seconds: float = 90.0,
    ui: bool = True,
    database_url: str | None = None,
) -> LocalServer:
    """Start `prefect server start` on 127.0.0.1 and return once /api/health answers.

    `database_url` (e.g. postgresql+asyncpg://user:password@host/db): the server's database,
    as several workers need; default SQLite in prefect_home.
    """
    prefect_home.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    api_url = f"http://{HOST}:{port}/api"
    log_path = prefect_home / "server.log"
    log = log_path.open("ab")
    command = [sys.executable, "-m", "prefect", "server", "start", "--host", HOST]
    command += ["--port", str(port), "--analytics-off", "--ui" if ui else "--no-ui"]
    process = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        env=ui_environment(server_environment(prefect_home, database_url=database_url), api_url),
        start_new_session=True,  # its own process group: we stop it and its children together
    )
    server = LocalServer(process, api_url, f"http://{HOST}:{port}", log_path, log)
    try:
        wait_until_healthy(api_url, timeout_seconds, process)
    except BaseException:
        server.stop()
        raise
    address = {"api_url": api_url, "ui_url": server.ui_url, "pid": process.pid}
    (prefect_home / ADDRESS_FILE).write_text(json.dumps(address), encoding="utf-8")
    return server


def running_server(prefect_home: Path) -> str | None:
    """The API URL of a server a running `ingest serve` started in this PREFECT_HOME, if any.

    Prefect itself ignores a running server unless PREFECT_API_URL names it, and starts a
    temporary one (seconds per process) instead; a stale address (the server is gone) is None.
    """
    try:
        address = json.loads((prefect_home / ADDRESS_FILE).read_text(encoding="utf-8"))
        api_url = str(address["api_url"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return api_url if is_healthy(api_url, timeout_seconds=1.0) else None


def wait_until_healthy(
    api_url: str, timeout_seconds: float, process: subprocess.Popen[bytes] | None = None
) -> None:
    """Poll GET {api_url}/health until it answers 200; fail early if the process died."""
    deadline = time.monotonic() + timeout_seconds
    # trust_env=False: a proxy from the environment must never sit between us and 127.0.0.1
    with httpx.Client(timeout=2.0, trust_env=False) as client:
        while True:
            if process is not None and process.poll() is not None:
                raise RuntimeError(f"Prefect server exited with status {process.returncode}")
            try:
                if client.get(f"{api_url}/health").status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"Prefect server at {api_url} not healthy after {timeout_seconds} s"
                )
            time.sleep(HEALTH_POLL_SECONDS)


def is_healthy(api_url: str, timeout_seconds: float = 2.0) -> bool:
    """One quick health probe (used to tell the user their configured server is down)."""
    try:
        with httpx.Client(timeout=timeout_seconds) as client:
            return client.get(f"{api_url.rstrip('/')}/health").status_code == 200
    except httpx.HTTPError:
        return False


class TemporaryServer:
    """Prefect's temporary API server (the one a run without PREFECT_API_URL starts), started
    beside the work instead of before it.

    Prefect starts its temporary server when a flow first calls the API and waits until it
    answers: 8-25 s of the backfill's wall time here, most of it the server's imports and its
    database. Started here as a child process the moment a command begins, at a lower
    priority than the run (in the run's session: Linux shares CPU between sessions first), it
    comes up on what CPU the run leaves, and only the run's recording waits for it
    (`wait_until_ready`). Prefect's own command and environment (prefect.server.api.server.
    SubprocessASGIServer), without importing the server's modules into this process; its
    database is PREFECT_HOME's, so the runs show in `ingest serve`'s UI later.
    """

    def __init__(self, log_path: Path) -> None:
        self.api_url = f"http://{HOST}:{free_port()}/api"
        self._started = time.monotonic()
        self._stopping = threading.Event()
        self._ready_after: float | None = None
        self._error: BaseException | None = None
        port = self.api_url.removesuffix("/api").rsplit(":", 1)[1]
        command = [sys.executable, "-m", "uvicorn", "--factory"]
        command += ["prefect.server.api.server:create_app", "--host", HOST, "--port", port]
        command += ["--log-level", "error", "--lifespan", "on"]
        env = {**os.environ, "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1"}
        env["PREFECT__SERVER_FINAL"] = "1"
        env.pop("PREFECT_API_URL", None)
        log_path.parent.mkdir(parents=True, exist_ok=True)
        with log_path.open("ab") as log:  # the child keeps its own copy of the descriptor
            self.process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                preexec_fn=_stops_with_this_process,  # a killed command leaves no server behind
            )
        with contextlib.suppress(OSError):  # the run first: the server takes what it leaves
            os.setpriority(os.PRIO_PROCESS, self.process.pid, SERVER_NICENESS)
        self._watcher = threading.Thread(target=self._watch, name="prefect-server", daemon=True)
        self._watcher.start()

    def _watch(self) -> None:
        """Poll until the server answers, exits, or is stopped: no deadline of its own (a
        starved server may answer late, and a long run needs it only when it ends)."""
        try:
            with httpx.Client(timeout=2.0, trust_env=False) as client:
                while not self._answers(client):
                    if self.process.poll() is not None:
                        raise RuntimeError(f"Prefect server exited with {self.process.returncode}")
                    if self._stopping.wait(HEALTH_POLL_SECONDS):
                        raise RuntimeError("Prefect server stopped before it answered")
            self._ready_after = time.monotonic() - self._started
        except BaseException as error:  # handed to whoever waits for the server
            self._error = error

    def _answers(self, client: httpx.Client) -> bool:
        try:
            return client.get(f"{self.api_url}/health").status_code == 200
        except httpx.HTTPError:
            return False

    def wait_until_ready(self) -> float:
        """Block until the server answers (or exits, or is stopped); the seconds it took."""
        self._watcher.join()
        if self._error is not None:
            raise self._error
        assert self._ready_after is not None
        return self._ready_after

    def stop(self, grace_seconds: float = STOP_GRACE_SECONDS) -> None:
        self._stopping.set()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=grace_seconds)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=grace_seconds)
        self._watcher.join()


def _stops_with_this_process() -> None:
    die_with_parent(signal.SIGTERM)
