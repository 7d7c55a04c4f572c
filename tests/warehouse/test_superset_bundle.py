"""The Superset dashboard under warehouse/bi/superset: one dataset per view, in step with the
view's columns; charts and dashboard that point at what exists; and the queries its datasets
and charts make, run through Superset's query path (SQLAlchemy 1.4 + duckdb-engine, .venv-bi)
on the demo warehouse."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml

from ingest import warehouse
from ingest.config import Settings
from warehouse.test_bi_views import bi_python, run_query_path

REPO = Path(__file__).resolve().parents[2]
BUNDLE = REPO / "warehouse" / "bi" / "superset"
SCRIPT = REPO / "scripts" / "superset_dashboard.py"
DATASET_ROWS = 100


def read(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return loaded


DATASETS = {path.stem: read(path) for path in sorted((BUNDLE / "datasets").rglob("*.yaml"))}
CHARTS = {path.stem: read(path) for path in sorted((BUNDLE / "charts").glob("*.yaml"))}
DASHBOARDS = [read(path) for path in sorted((BUNDLE / "dashboards").glob("*.yaml"))]
DATABASE = read(BUNDLE / "databases" / "ingest.yaml")


def test_every_view_has_a_dataset_with_its_columns_and_types(demo_settings: Settings) -> None:
    assert sorted(DATASETS) == sorted(v.name for v in warehouse.load_views())
    with duckdb.connect(demo_settings.serving_path, read_only=True) as connection:
        for name, dataset in DATASETS.items():
            described = connection.execute(f"describe {name}").fetchall()
            wanted = [(str(row[0]), str(row[1])) for row in described]
            listed = [(c["column_name"], c["type"]) for c in dataset["columns"]]
            assert listed == wanted, (
                f"{name}: dataset columns differ from the view: rerun "
                "`scripts/superset_dashboard.py datasets warehouse/ingest.duckdb`"
            )
            assert dataset["database_uuid"] == DATABASE["uuid"]


def test_charts_and_the_dashboard_point_at_what_exists() -> None:
    datasets = {dataset["uuid"]: name for name, dataset in DATASETS.items()}
    assert all(chart["dataset_uuid"] in datasets for chart in CHARTS.values())
    (dashboard,) = DASHBOARDS
    placed = {
        item["meta"]["uuid"]
        for item in dashboard["position"].values()
        if isinstance(item, dict) and item.get("type") == "CHART"
    }
    assert placed == {chart["uuid"] for chart in CHARTS.values()}


def metric_sql(metric: str | dict[str, Any], dataset: dict[str, Any]) -> str:
    """A metric as Superset writes it: a saved metric's expression, or AGG(column)."""
    if isinstance(metric, str):
        (saved,) = [m for m in dataset["metrics"] if m["metric_name"] == metric]
        return str(saved["expression"])
    return f"{metric['aggregate']}({metric['column']['column_name']})"


def chart_sql(chart: dict[str, Any], dataset: dict[str, Any]) -> str:
    """The aggregate query a chart's form data asks for (group by its dimensions)."""
    params = chart["params"]
    dimensions = [params[key] for key in ("x_axis", "entity", "source", "target") if key in params]
    dimensions += params.get("groupby", [])
    metrics = params.get("metrics") or [params["metric"]]
    selected = [*dimensions, *(metric_sql(m, dataset) for m in metrics)]
    filters = [f"{f['subject']} = '{f['comparator']}'" for f in params.get("adhoc_filters", [])]
    where = f" where {' and '.join(filters)}" if filters else ""
    return (
        f"select {', '.join(selected)} from main.{dataset['table_name']}{where} "
        f"group by all limit {params.get('row_limit', 10000)}"
    )


def superset_queries() -> dict[str, str]:
    by_uuid = {dataset["uuid"]: dataset for dataset in DATASETS.values()}
    queries = {
        f"dataset {name}": f"select * from main.{name} limit {DATASET_ROWS}" for name in DATASETS
    }
    for name, dataset in DATASETS.items():
        for metric in dataset["metrics"]:
            queries[f"metric {name}.{metric['metric_name']}"] = (
                f"select {metric['expression']} from main.{name}"
            )
    for name, chart in CHARTS.items():
        queries[f"chart {name}"] = chart_sql(chart, by_uuid[chart["dataset_uuid"]])
    return queries


def test_every_dataset_and_chart_query_runs_through_sqlalchemy_14(
    demo_settings: Settings, tmp_path: Path
) -> None:
    queries = superset_queries()
    path = tmp_path / "queries.json"
    path.write_text(json.dumps(queries), encoding="utf-8")
    answer = run_query_path(bi_python(), "run", demo_settings.serving_path, str(path))
    assert answer["sqlalchemy"].startswith("1.4.")
    failed = {name: rows for name, rows in answer["rows"].items() if not isinstance(rows, int)}
    assert failed == {}
    empty = [name for name, rows in answer["rows"].items() if name.startswith("chart") and not rows]
    assert empty == [], "charts with no rows on the demo's data"
    assert answer["warnings"] == []


def test_the_bundle_names_the_serving_file_read_only(
    demo_settings: Settings, tmp_path: Path
) -> None:
    output = tmp_path / "dashboard.zip"
    command = [sys.executable, str(SCRIPT), "bundle", demo_settings.serving_path, "-o", str(output)]
    subprocess.run(command, check=True, capture_output=True, timeout=60)
    with zipfile.ZipFile(output) as archive:
        names = archive.namelist()
        (database,) = [n for n in names if n.endswith("databases/ingest.yaml")]
        uri = yaml.safe_load(archive.read(database))["sqlalchemy_uri"]
    assert uri == f"duckdb:///{Path(demo_settings.serving_path).resolve()}?access_mode=read_only"
    assert len({name.split("/")[0] for name in names}) == 1  # one export folder, as Superset's
    assert sum(n.endswith(".yaml") for n in names) == len(list(BUNDLE.rglob("*.yaml")))


def test_bundle_refuses_a_missing_serving_file_in_one_line(tmp_path: Path) -> None:
    missing = tmp_path / "nope.duckdb"
    command = [sys.executable, str(SCRIPT), "bundle", str(missing), "-o", str(tmp_path / "x.zip")]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode != 0
    assert done.stderr.strip() == f"error: {missing}: no serving file (run `make demo` first)"


@pytest.mark.parametrize("name", sorted(CHARTS))
def test_every_chart_names_columns_of_its_dataset(name: str) -> None:
    chart = CHARTS[name]
    (dataset,) = [d for d in DATASETS.values() if d["uuid"] == chart["dataset_uuid"]]
    columns = {c["column_name"] for c in dataset["columns"]}
    params = chart["params"]
    named = [params[k] for k in ("x_axis", "entity", "source", "target") if k in params]
    named += params.get("groupby", [])
    assert set(named) <= columns
