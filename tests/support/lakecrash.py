"""kill -9 of a writer mid-commit, as trials: nothing lost, nothing half-visible.

A trial starts a writer process on a fresh lake, waits for its "committing load" log line and
kills it (SIGKILL) after a random delay of up to twice a clean commit's measured duration (about
half the kills land inside the commit, the rest just after it). It then reads
the lake as another host: every table holds either none of the run's rows or all of them (the
counts of a clean run), never part. A second writer with the same state folder then runs to the
end, and the lake must hold exactly what a clean run stores. Used by tests/warehouse/test_lake.py
(3 trials) and benchmarks/bench_lake_crash.py (20 trials, JSON).
"""

from __future__ import annotations

import dataclasses
import os
import random
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingest import store
from ingest.config import Settings
from support.lakehosts import Lake, Servers, credentials, finished, new_lake, start_writer

CONTENT_TABLES = ("documents", "events", "rejects", "superseded")
KILL_WINDOW = 2.0  # kills fall within this many clean commit durations after "committing"


@dataclass(frozen=True)
class Trial:
    trial: int
    kill_delay_seconds: float
    killed_mid_commit: bool  # the writer never logged "committed load"
    visible_after_kill: str  # "none" | "all": the run's rows a reader saw after the kill
    half_visible: bool
    complete_after_rerun: bool


def lake_settings(found: Lake, host_dir: Path) -> Settings:
    return Settings(
        data_root=found.data_root,
        catalog=found.catalog,
        s3_endpoint=found.servers.s3_endpoint,
        serving_path=str(host_dir / "ingest.duckdb"),
        state_path=str(host_dir / "state" / "feeds.json"),
    )


def lake_contents(settings: Settings) -> dict[str, Any]:
    """Row counts and ids of the lake's committed tables (read straight from the catalog)."""
    tables = {name: store.read_table(settings, name) for name in (*CONTENT_TABLES, "loads")}
    committed_loads = set(tables["loads"].column("load_id").to_pylist())
    writers = set(tables["documents"].column("load_id").to_pylist())
    writers |= set(tables["events"].column("load_id").to_pylist())
    return {
        **{f"{name}_rows": tables[name].num_rows for name in CONTENT_TABLES},
        "doc_ids": sorted(set(tables["documents"].column("doc_id").to_pylist())),
        "event_ids": sorted(set(tables["events"].column("event_id").to_pylist())),
        "rows_without_their_loads_row": len(writers - committed_loads),
    }


def run_trials(
    servers: Servers,
    archive: Path,
    workdir: Path,
    trials: int,
    seed: int,
    report: Callable[[Trial], None] = lambda trial: None,
) -> dict[str, Any]:
    """Measure a clean run's commit, then run the trials; every figure of the result is
    measured here."""
    os.environ.update(credentials(servers))  # this process reads the lakes as one more host
    randomness = random.Random(seed)
    clean_lake = new_lake(servers, f"crash_clean_{seed}")
    clean_host = workdir / "clean"
    writer = start_writer(clean_lake.host_env(clean_host), archive)
    started = time.monotonic()
    commit_seconds = _commit_duration(writer)
    finished(writer)
    run_seconds = time.monotonic() - started
    clean = lake_contents(lake_settings(clean_lake, clean_host))
    empty = lake_contents(lake_settings(new_lake(servers, f"crash_empty_{seed}"), clean_host))
    results = []
    for number in range(1, trials + 1):
        delay = randomness.uniform(0, KILL_WINDOW * commit_seconds)
        trial = _trial(servers, archive, workdir, seed, number, delay, clean, empty)
        report(trial)
        results.append(trial)
    return {
        "trials": len(results),
        "seed": seed,
        "clean_run_seconds": round(run_seconds, 2),
        "clean_commit_seconds": round(commit_seconds, 3),
        "clean_rows": {k: v for k, v in clean.items() if k.endswith("_rows")},
        "kill_window_seconds": round(KILL_WINDOW * commit_seconds, 3),
        "killed_mid_commit": sum(t.killed_mid_commit for t in results),
        "half_visible": sum(t.half_visible for t in results),
        "lost_after_rerun": sum(not t.complete_after_rerun for t in results),
        "visible_after_kill": {
            seen: sum(t.visible_after_kill == seen for t in results) for seen in ("none", "all")
        },
        "results": [dataclasses.asdict(t) for t in results],
    }


def _commit_duration(writer: subprocess.Popen[str]) -> float:
    """Seconds from the writer's "committing load" line to its "committed load" line."""
    begun = None
    assert writer.stderr is not None
    for line in writer.stderr:
        if "committing load" in line and begun is None:
            begun = time.monotonic()
        if "committed load" in line and begun is not None:
            return time.monotonic() - begun
    raise AssertionError("the writer never committed")


def _trial(
    servers: Servers,
    archive: Path,
    workdir: Path,
    seed: int,
    number: int,
    delay: float,
    clean: dict[str, Any],
    empty: dict[str, Any],
) -> Trial:
    found = new_lake(servers, f"crash_{seed}_{number}")
    host = workdir / f"trial-{number}"
    writer = start_writer(found.host_env(host), archive)
    assert writer.stderr is not None
    for line in writer.stderr:
        if "committing load" in line:
            break
    time.sleep(delay)
    writer.send_signal(signal.SIGKILL)
    _, rest = writer.communicate(timeout=60)
    mid_commit = "committed load" not in rest
    seen = lake_contents(lake_settings(found, host))
    visible = "all" if seen == clean else "none" if seen == empty else "part"
    finished(start_writer(found.host_env(host), archive))  # the next run on the same host
    after = lake_contents(lake_settings(found, host))
    return Trial(
        trial=number,
        kill_delay_seconds=round(delay, 3),
        killed_mid_commit=mid_commit,
        visible_after_kill=visible,
        half_visible=visible == "part",
        complete_after_rerun=after == clean,
    )
