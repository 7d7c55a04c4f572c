"""The run lives in the library: it runs without Prefect, with the same retry policy."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from ingest.config import Settings
from ingest.pipeline.execution import LocalRunner, retry_delays

ROOT = Path(__file__).resolve().parents[2]


def test_a_failed_step_is_retried_with_backoff_but_not_after_its_deadline() -> None:
    settings = Settings(retries=2, backoff_base_seconds=0.01)
    attempts: list[str] = []

    def flaky(kind: str, failures: int) -> str:
        attempts.append(kind)
        if attempts.count(kind) <= failures:
            raise TimeoutError("past the deadline") if kind == "timeout" else OSError("hiccup")
        return "done"

    with LocalRunner(settings) as runner:
        assert runner.submit(flaky, {"kind": "disk", "failures": 2}).result() == "done"
        with pytest.raises(OSError, match="hiccup"):
            runner.submit(flaky, {"kind": "full", "failures": 3}).result()
        with pytest.raises(TimeoutError):
            runner.submit(flaky, {"kind": "timeout", "failures": 1}).result()
    assert [attempts.count(k) for k in ("disk", "full", "timeout")] == [3, 3, 1]
    assert retry_delays(settings) == [0.01, 0.02]  # as Prefect's exponential_backoff


def test_steps_run_side_by_side_up_to_max_concurrency() -> None:
    import threading

    running, most = 0, 0
    lock = threading.Lock()
    gate = threading.Barrier(3, timeout=5)

    def step(n: int) -> int:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        if n < 3:
            gate.wait()  # three at once, or the barrier breaks
        with lock:
            running -= 1
        return n

    with LocalRunner(Settings(max_concurrency=3)) as runner:
        outcomes = [runner.submit(step, {"n": n}) for n in range(6)]
        assert [o.result() for o in outcomes] == list(range(6))
    assert most == 3


def test_a_whole_run_in_the_library_imports_no_prefect(tmp_path: Path) -> None:
    """`ingest.pipeline` runs the feeds without Prefect: nothing of it is even imported."""
    source = ROOT / "tests" / "fixtures" / "feeds" / "state.gov_press-releases_rss_2021-05-23.xml"
    script = textwrap.dedent(
        f"""
        import sys
        from ingest.backfill import backfill_feed
        from ingest.config import Settings
        from ingest.pipeline.archive import backfill
        settings = Settings(data_root={str(tmp_path / "data")!r},
                            serving_path={str(tmp_path / "serving.duckdb")!r},
                            state_path={str(tmp_path / "state.json")!r})
        summary = backfill(settings, backfill_feed(), {str(source)!r})
        print(summary.status, summary.documents_new, summary.events_written)
        print(sorted(m for m in sys.modules if m == "prefect" or m.startswith("prefect.")))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    status_line, modules_line = done.stdout.strip().splitlines()[-2:]
    status, documents, events = status_line.split()
    assert status == "ok" and int(documents) > 0 and int(events) > 0
    assert modules_line == "[]"
