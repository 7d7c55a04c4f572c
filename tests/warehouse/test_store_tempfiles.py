"""Orphaned temporary files (a writer killed before its rename) are removed, live ones never."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.warehouse.factories import EXTRACTED_AT, make_document, make_event

from ingest import files, state, store, warehouse
from ingest.config import Settings

TWO_HOURS = 2 * 3600


@pytest.fixture
def local(tmp_path: Path) -> Settings:
    return Settings(
        data_root=str(tmp_path / "data"),
        serving_path=str(tmp_path / "ingest.duckdb"),
        state_path=str(tmp_path / "state" / "feeds.json"),
    )


@pytest.fixture
def pids() -> Iterator[tuple[int, int]]:
    """(pid of a live process, pid of a process killed with SIGKILL), both real."""
    sleeper = [sys.executable, "-c", "import time; time.sleep(120)"]
    live = subprocess.Popen(sleeper)
    dead = subprocess.Popen(sleeper)
    dead.send_signal(signal.SIGKILL)
    dead.wait()
    try:
        yield live.pid, dead.pid
    finally:
        live.kill()
        live.wait()


def owner(pid: int) -> str:
    """What a temporary file of process pid on this host is named after its prefix."""
    return f"{pid}-{files.temp_owner().split('-', 1)[1]}"


def touch(path: Path, age_seconds: float = 0) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"PAR1 half written")
    moment = time.time() - age_seconds
    os.utime(path, (moment, moment))
    return path


def test_the_sweep_removes_files_of_dead_writers_and_old_files_only(
    local: Settings, tmp_path: Path, pids: tuple[int, int]
) -> None:
    live, dead = pids
    month = tmp_path / "data" / "events" / "month=2025-04"
    gone = [
        touch(month / f"_tmp-{owner(dead)}a1.tmp"),
        touch(month / "_tmp-0b1c2d.tmp", TWO_HOURS),  # older name without a writer: by age
        touch(tmp_path / "data" / "_marts" / f"_tmp-{owner(dead)}a2.tmp"),
        touch(tmp_path / "state" / f".feeds-{owner(dead)}k2j3h_8a.tmp"),
        touch(tmp_path / f"ingest.duckdb.tmp-{owner(dead)}a3"),
        touch(tmp_path / f"ingest.duckdb.tmp-{owner(dead)}a3.wal"),
    ]
    kept = [
        touch(month / f"_tmp-{owner(live)}b1.tmp"),  # a concurrent writer may still rename it
        touch(month / f"_tmp-{owner(os.getpid())}b2.tmp"),  # one of our own threads
        touch(month / f"_tmp-{dead}-0123456789ab-b3.tmp"),  # another host: its pid means nothing
        touch(month / "_tmp-4e5f6a.tmp"),  # no writer named, recent
        touch(tmp_path / "state" / f".feeds-{owner(live)}zz.tmp"),
        touch(tmp_path / f"ingest.duckdb.tmp-{owner(live)}b4"),
        touch(tmp_path / "state" / "notes.tmp"),  # not ours
    ]
    document = make_document()
    store.write_documents(local, [document], EXTRACTED_AT, "L0")  # a real file beside them
    kept += [Path(p) for p in store.data_files(local, "documents")]

    assert files.sweep_temp_files(local) == len(gone)

    assert [p for p in gone if p.exists()] == []
    assert [p for p in kept if not p.exists()] == []
    assert files.sweep_temp_files(local) == 0


def test_every_writer_removes_its_own_orphans_before_writing(
    local: Settings, tmp_path: Path, pids: tuple[int, int]
) -> None:
    _, dead = pids
    events = touch(tmp_path / "data" / "events" / "month=1999-01" / f"_tmp-{owner(dead)}e.tmp")
    documents = touch(tmp_path / "data" / "documents" / "month=none" / f"_tmp-{owner(dead)}d.tmp")
    feeds = touch(tmp_path / "state" / f".feeds-{owner(dead)}x_1.tmp")
    serving = touch(tmp_path / f"ingest.duckdb.tmp-{owner(dead)}s")

    document = make_document()
    store.write_events(local, [make_event(document)], "L1", EXTRACTED_AT)
    assert not events.exists() and documents.exists()  # a write sweeps its own table
    store.write_documents(local, [document], EXTRACTED_AT, "L1")
    assert not documents.exists()
    state.save_states(local.state_path, {"f": state.FeedState("f")})
    assert not feeds.exists() and state.load_states(local.state_path)["f"].feed_id == "f"
    warehouse.refresh_serving_file(local)
    assert not serving.exists() and Path(local.serving_path).exists()


def test_compaction_removes_orphans(local: Settings, tmp_path: Path, pids: tuple[int, int]) -> None:
    _, dead = pids
    orphan = touch(tmp_path / "data" / "rejects" / "month=2025-04" / f"_tmp-{owner(dead)}r.tmp")
    old = touch(tmp_path / "data" / "loads" / "month=2025-04" / "_tmp-9a8b7c.tmp", TWO_HOURS)
    store.compact(local)
    assert not orphan.exists() and not old.exists()


def test_temporary_names_carry_the_writer(local: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    renamed: list[str] = []
    replace = os.replace

    def spy(source: str, target: str) -> None:
        renamed.append(os.path.basename(source))
        replace(source, target)

    monkeypatch.setattr(os, "replace", spy)
    store.write_events(local, [make_event(make_document())], "L1", EXTRACTED_AT)
    state.save_states(local.state_path, {})
    warehouse.refresh_serving_file(local)
    mine = owner(os.getpid())
    for prefix in ("_tmp-", ".feeds-", "ingest.duckdb.tmp-"):
        assert any(name.startswith(prefix + mine) for name in renamed), (prefix, renamed)
