"""Every view a BI tool lists has scalar columns only: it reflects through SQLAlchemy 1.4 (what
Apache Superset pins, in .venv-bi) and 2.x with duckdb-engine as known types without a warning,
and pandas and polars write it to CSV and read it back. Lists live in the event_* bridges."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import pytest

from ingest import warehouse
from ingest.config import Settings
from ingest.errors import StoreError

HERE = Path(__file__).resolve().parent
QUERY_PATH_SCRIPT = HERE / "bi_query_path.py"
BI_PYTHON = HERE.parents[1] / ".venv-bi" / "bin" / "python"
NESTED_TYPES = ("[]", "STRUCT", "MAP", "UNION", "[")


def run_query_path(python: Path | str, *args: str) -> dict[str, Any]:
    """bi_query_path.py in another interpreter; its JSON answer."""
    done = subprocess.run(
        [str(python), str(QUERY_PATH_SCRIPT), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    answer: dict[str, Any] = json.loads(done.stdout)
    return answer


def bi_python() -> Path:
    assert BI_PYTHON.exists(), f"{BI_PYTHON} is missing: `make setup` creates it"
    return BI_PYTHON


def served_views(settings: Settings) -> list[str]:
    with duckdb.connect(settings.serving_path, read_only=True) as connection:
        rows = connection.execute(
            "select view_name from duckdb_views() where not internal order by 1"
        ).fetchall()
    return [row[0] for row in rows]


def nested_columns(settings: Settings) -> dict[str, list[str]]:
    """Columns of a list, struct, map or union type, by view (DuckDB's own type names)."""
    with duckdb.connect(settings.serving_path, read_only=True) as connection:
        rows = connection.execute(
            "select table_name, column_name, data_type from duckdb_columns() "
            "where not internal and table_name in (select view_name from duckdb_views())"
        ).fetchall()
    nested: dict[str, list[str]] = {}
    for view, column, data_type in rows:
        if any(marker in data_type for marker in NESTED_TYPES):
            nested.setdefault(view, []).append(column)
    return {view: sorted(columns) for view, columns in nested.items()}


def test_every_view_has_scalar_columns_only(demo_settings: Settings) -> None:
    assert nested_columns(demo_settings) == {}


@pytest.mark.parametrize("version", ["1.4", "2.x"])
def test_every_view_reflects_as_known_types_without_warnings(
    demo_settings: Settings, version: str
) -> None:
    python = bi_python() if version == "1.4" else sys.executable
    answer = run_query_path(python, "reflect", demo_settings.serving_path)
    assert answer["sqlalchemy"].startswith("1.4." if version == "1.4" else "2.")
    assert sorted(answer["views"]) == served_views(demo_settings)
    unknown = {
        view: sorted(c["name"] for c in columns if not c["known"])
        for view, columns in answer["views"].items()
        if not all(c["known"] for c in columns)
    }
    assert unknown == {}
    assert answer["warnings"] == []


def view_params() -> list[str]:
    return [view.name for view in warehouse.load_views()]


@pytest.fixture(scope="module")
def csv_round_trips(demo_settings: Settings) -> dict[str, list[str]]:
    """Every view written to CSV and read back by pandas and polars, in .venv-bi (an analyst's
    environment: the pipeline's own has no pandas)."""
    answer = run_query_path(bi_python(), "csv", demo_settings.serving_path)
    assert answer["warnings"] == [], answer["warnings"]
    problems: dict[str, list[str]] = answer["views"]
    return problems


@pytest.mark.parametrize("view", view_params())
def test_every_view_goes_to_csv_and_back_with_pandas_and_polars(
    csv_round_trips: dict[str, list[str]], view: str
) -> None:
    assert view in csv_round_trips, f"{view} is not served"
    assert csv_round_trips[view] == []


def test_ephemeral_models_are_inlined_never_served(demo_settings: Settings) -> None:
    ephemerals = warehouse.load_ephemerals()
    assert "int_event_records" in ephemerals
    assert not set(ephemerals) & set(served_views(demo_settings))
    sql = warehouse.expand_ephemerals("select * from {{ ephemeral('int_event_records') }}")
    assert "ephemeral(" not in sql and "{{ source('events') }}" in sql


def test_an_unknown_ephemeral_model_is_a_one_line_error() -> None:
    with pytest.raises(StoreError, match=r"^view template names unknown ephemeral model 'nope'$"):
        warehouse.expand_ephemerals("select * from {{ ephemeral('nope') }}")
