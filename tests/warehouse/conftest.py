"""Fixtures for the warehouse tests: settings pointing into a temporary folder."""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest.config import Settings


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        data_root=str(tmp_path / "data"),
        serving_path=str(tmp_path / "ingest.duckdb"),
        row_group_size=1000,
    )


@pytest.fixture(scope="module")
def _module_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("warehouse")
    return Settings(data_root=str(root / "data"), serving_path=str(root / "ingest.duckdb"))


@pytest.fixture
def reused_settings(_module_settings: Settings) -> Iterator[Settings]:
    """Settings whose data folder starts empty but whose serving file is built once per module:
    its views depend on the data location only, so tests that only change data skip rebuilds."""
    shutil.rmtree(_module_settings.data_root, ignore_errors=True)
    yield _module_settings


@pytest.fixture(scope="session")
def demo_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A warehouse holding the demo's data (read it, never write): built once per test session,
    by the first of pytest-xdist's workers that asks, the others waiting on a lock and reading
    the same files (read-only connections of several processes share a DuckDB file)."""
    from warehouse.demo_warehouse import build_demo_warehouse

    if os.environ.get("PYTEST_XDIST_WORKER") is None:
        root = tmp_path_factory.mktemp("demo")
    else:  # the session's base folder, shared by its workers (each has its own below it)
        root = tmp_path_factory.getbasetemp().parent / "demo-shared"
        root.mkdir(exist_ok=True)
    settings = Settings(data_root=str(root / "data"), serving_path=str(root / "ingest.duckdb"))
    built = root / "built"
    with (root / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not built.exists():
            shutil.rmtree(settings.data_root, ignore_errors=True)  # a failed build's leftovers
            Path(settings.serving_path).unlink(missing_ok=True)
            build_demo_warehouse(settings)
            built.touch()
    return settings
