"""`kill -9` of `ingest backfill` while it extracts on its process pool beside Prefect's server.

Nothing of the killed run is visible (its rows stay hidden, the views show the warehouse as
before), and nothing it started outlives it: the pool's forkserver and workers and the
temporary Prefect server end with it (all of them carry the run's PREFECT_HOME in their
environment, which is how they are found here).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from ingest import store, warehouse
from ingest.pipeline.archive import PARALLEL_MIN_BYTES
from reliability.harness import command_settings, write_corpus_documents

COUNTS = "select (select count(*) from fct_events), (select count(*) from stg_documents)"


def _processes_of(home: Path) -> list[int]:
    """Processes whose environment names this PREFECT_HOME."""
    mark = f"PREFECT_HOME={home}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if mark in (entry / "environ").read_bytes().split(b"\0"):
                found.append(int(entry.name))
        except OSError:  # gone, or not ours to read
            continue
    return found


def test_a_killed_backfill_shows_nothing_and_leaves_nothing_running(tmp_path: Path) -> None:
    settings, settings_file = command_settings(tmp_path, documents_per_write=40)
    archive = tmp_path / "archive" / "releases.jsonl"
    archive.parent.mkdir()
    write_corpus_documents(archive)
    assert archive.stat().st_size >= PARALLEL_MIN_BYTES  # the run extracts on its pool
    home = tmp_path / "prefect-home"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env.update(INGEST_SETTINGS=str(settings_file), PREFECT_HOME=str(home))
    command = [str(Path(sys.executable).with_name("ingest")), "backfill", str(archive)]
    backfill = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    events = Path(settings.data_root) / "events"
    deadline = time.monotonic() + 240
    while backfill.poll() is None and time.monotonic() < deadline:
        if any(events.rglob("*.parquet")):  # a first slice written: the run is mid-way
            break
        time.sleep(0.05)
    assert backfill.poll() is None, "the backfill ended before it could be killed"
    assert _processes_of(home), "neither the pool nor the Prefect server was running"
    backfill.send_signal(signal.SIGKILL)
    backfill.wait(timeout=30)

    assert store.read_table(settings, "events").num_rows == 0
    warehouse.refresh_serving_file(settings)
    assert warehouse.query(settings, COUNTS).rows[0] == (0, 0)
    deadline = time.monotonic() + 20
    while _processes_of(home) and time.monotonic() < deadline:
        time.sleep(0.2)
    left = {pid: _command_of(pid) for pid in _processes_of(home)}
    assert left == {}


def _command_of(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()[:200]
    except OSError:
        return "(gone)"
