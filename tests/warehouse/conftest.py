"""Fixtures for the warehouse tests: settings pointing into a temporary folder."""

from __future__ import annotations

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
    """A warehouse holding the demo's data (built once per session; read it, never write)."""
    from warehouse.demo_warehouse import build_demo_warehouse

    root = tmp_path_factory.mktemp("demo")
    settings = Settings(data_root=str(root / "data"), serving_path=str(root / "ingest.duckdb"))
    build_demo_warehouse(settings)
    return settings
