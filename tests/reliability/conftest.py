"""Fixtures of the reliability suite: a misbehaving local server, short limits, the fault report."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# before Prefect is first imported (the flow modules import it): no telemetry, quiet logs
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "WARNING")

TESTS = Path(__file__).resolve().parents[1]
if str(TESTS) not in sys.path:  # makes tests/support importable
    sys.path.insert(0, str(TESTS))

from reliability.faultserver import FaultServer  # noqa: E402

# fault name -> (survived, items lost, note); filled by test_faults, printed at the end
FAULT_REPORT: dict[str, tuple[bool, int, str]] = {}


@contextlib.contextmanager
def reported(name: str, lost: Callable[[], int] = lambda: 0) -> Iterator[None]:
    """Record a test's outcome as one row of the fault report (then re-raise any failure)."""
    try:
        yield
    except BaseException as error:
        FAULT_REPORT[name] = (False, _safe(lost), f"{type(error).__name__}: {error}"[:200])
        raise
    FAULT_REPORT[name] = (True, _safe(lost), "")


def _safe(count: Callable[[], int]) -> int:
    try:
        return count()
    except Exception:
        return -1


@pytest.fixture
def fault_server() -> Iterator[FaultServer]:
    with FaultServer() as running:
        yield running


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The table fault | survived | items lost, also written to $INGEST_FAULT_REPORT if set."""
    if not FAULT_REPORT:
        return
    lines = ["| fault | survived | items lost | note |", "| --- | --- | --- | --- |"]
    for name, (survived, lost, note) in sorted(FAULT_REPORT.items()):
        note = note.replace("|", "/").replace("\n", " ")
        lines.append(f"| {name} | {'yes' if survived else 'NO'} | {lost} | {note} |")
    terminalreporter.section("fault report")
    for line in lines:
        terminalreporter.write_line(line)
    target = os.environ.get("INGEST_FAULT_REPORT")
    if target:
        Path(target).write_text("\n".join(lines) + "\n", encoding="utf-8")
