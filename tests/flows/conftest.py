"""Fixtures for the flow tests: ONE Prefect test harness per session, warehouses in tmp_path."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# before Prefect is first imported: no telemetry, no waiting on hosts we cannot reach
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "WARNING")

TESTS = Path(__file__).resolve().parents[1]
ROOT = TESTS.parent
if str(TESTS) not in sys.path:  # makes tests/support importable
    sys.path.insert(0, str(TESTS))

DEMO_FEEDS = ROOT / "config" / "demo" / "feeds"
FIXTURE_FEEDS = TESTS / "fixtures" / "feeds"
SettingsFactory = Callable[..., Path]


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """A temporary Prefect API for the whole session (it costs seconds to start)."""
    from prefect.testing.utilities import prefect_test_harness

    from ingest.flows.common import one_off_runs

    # test runs are runs by hand: without heartbeats each flow run ends up to 1 s sooner
    with prefect_test_harness(server_startup_timeout=120), one_off_runs():
        yield


def feed_entry(feed_id: str, url: str, schedule: str = "*/30 * * * *") -> str:
    return (
        f'[[feeds]]\nid = "{feed_id}"\nurl = "{url}"\npublisher = "U.S. Department of State"\n'
        f'country = "US"\ntimezone = "America/New_York"\nschedule = "{schedule}"\n'
        'full_text = "never"\n\n'
    )


def demo_feeds_toml(directory: Path) -> Path:
    """config/demo.toml with its feed files copied next to it (fresh mtimes, fresh paths)."""
    feeds_dir = directory / "demo" / "feeds"
    feeds_dir.mkdir(parents=True, exist_ok=True)
    for path in sorted(DEMO_FEEDS.glob("*.xml")):
        shutil.copy(path, feeds_dir / path.name)
    target = directory / "demo.toml"
    shutil.copy(ROOT / "config" / "demo.toml", target)
    return target


@pytest.fixture
def make_settings(tmp_path: Path) -> SettingsFactory:
    """Write settings.toml for a warehouse in tmp_path; feeds default to the demo feeds."""

    def make(feeds_path: Path | None = None, **overrides: object) -> Path:
        feeds = feeds_path or demo_feeds_toml(tmp_path / "config")
        values: dict[str, object] = {
            "data_root": str(tmp_path / "warehouse" / "data"),
            "serving_path": str(tmp_path / "warehouse" / "ingest.duckdb"),
            "state_path": str(tmp_path / "warehouse" / "state" / "feeds.json"),
            "feeds_path": str(feeds),
            "retries": 0,
            "backoff_base_seconds": 0.01,
            "connect_timeout": 2.0,
            "read_timeout": 2.0,
            "total_timeout": 5.0,
            "max_concurrency": 4,
        }
        values.update(overrides)
        lines = [f"{key} = {_toml(value)}" for key, value in values.items()]
        path = tmp_path / "settings.toml"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    return make


def _toml(value: object) -> str:
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return str(value).lower() if isinstance(value, bool) else str(value)
