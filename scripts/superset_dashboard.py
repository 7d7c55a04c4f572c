"""The Apache Superset dashboard of the warehouse: build its import bundle, or load it.

warehouse/bi/superset/ holds Superset's dashboard export format (YAML): the database, one
dataset per view of the serving file, the charts and the dashboard. The database's URI is left
as SERVING_FILE_URI; `bundle` fills in the absolute path of your serving file (read-only) and
zips the folder the way `superset export-dashboards` writes it, `load` then runs
`superset import-dashboards` on it (Superset with duckdb-engine installed, on the same machine
or with the same path to the warehouse). `datasets` rewrites the dataset files from
warehouse/models/schema.toml and a serving file's column types, after a view changes.

    .venv/bin/python scripts/superset_dashboard.py bundle warehouse/ingest.duckdb -o dash.zip
    .venv/bin/python scripts/superset_dashboard.py load warehouse/ingest.duckdb --user admin
    .venv/bin/python scripts/superset_dashboard.py datasets warehouse/ingest.duckdb
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import uuid
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import yaml

from ingest.warehouse import load_views

BUNDLE_DIR = Path(__file__).resolve().parents[1] / "warehouse" / "bi" / "superset"
URI_PLACEHOLDER = "SERVING_FILE_URI"
DATABASE_UUID = "5f1c2a2e-8d0b-4c59-9f3e-6a1d3c1b0e01"
DATETIME_TYPES = ("DATE", "TIMESTAMP")
# a fixed namespace: a view's dataset keeps its uuid, so charts and re-imports find it
DATASET_NAMESPACE = uuid.UUID("0b6f3e52-3c61-4f7e-9a43-2f1a4f9c7d10")


def serving_uri(serving_file: str) -> str:
    """duckdb-engine's URI of the serving file, absolute and read-only."""
    path = Path(serving_file).resolve()
    if not path.exists():
        raise SystemExit(f"error: {serving_file}: no serving file (run `make demo` first)")
    return f"duckdb:///{path}?access_mode=read_only"


def bundle(serving_file: str, output: Path) -> Path:
    """The export zip with the database URI filled in."""
    uri = serving_uri(serving_file)
    root = f"dashboard_export_{datetime.now(UTC).strftime('%Y%m%dT%H%M%S')}"
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(BUNDLE_DIR.rglob("*.yaml")):
            text = path.read_text(encoding="utf-8").replace(URI_PLACEHOLDER, uri)
            archive.writestr(f"{root}/{path.relative_to(BUNDLE_DIR)}", text)
    return output


def load(serving_file: str, user: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        archive = bundle(serving_file, Path(folder) / "ingest-dashboard.zip")
        command = ["superset", "import-dashboards", "-p", str(archive), "-u", user]
        done = subprocess.run(command, check=False)
    if done.returncode != 0:
        raise SystemExit(f"error: {' '.join(command[:2])} exited {done.returncode}")


def dataset_uuid(view: str) -> str:
    return str(uuid.uuid5(DATASET_NAMESPACE, view))


def write_datasets(serving_file: str) -> None:
    """One dataset file per view: its columns, types and descriptions, a row-count metric."""
    folder = BUNDLE_DIR / "datasets" / "ingest"
    folder.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(serving_file, read_only=True) as connection:
        for view in load_views():
            described = connection.execute(f"describe {view.name}").fetchall()
            types = {str(row[0]): str(row[1]) for row in described}
            dataset = _dataset(view.name, view.description, view.columns, types)
            text = yaml.safe_dump(dataset, sort_keys=False, width=100)
            (folder / f"{view.name}.yaml").write_text(text, encoding="utf-8")


def _dataset(
    name: str, description: str, columns: dict[str, str], types: dict[str, str]
) -> dict[str, Any]:
    dates = [c for c, t in types.items() if t.startswith(DATETIME_TYPES)]
    return {
        "table_name": name,
        "main_dttm_col": dates[0] if dates else None,
        "description": description,
        "default_endpoint": None,
        "offset": 0,
        "cache_timeout": None,
        "schema": "main",
        "sql": None,
        "params": None,
        "template_params": None,
        "filter_select_enabled": True,
        "fetch_values_predicate": None,
        "extra": None,
        "normalize_columns": False,
        "always_filter_main_dttm": False,
        "uuid": dataset_uuid(name),
        "metrics": [
            {
                "metric_name": "count",
                "verbose_name": "rows",
                "metric_type": "count",
                "expression": "COUNT(*)",
                "description": None,
                "d3format": None,
                "currency": None,
                "extra": {},
                "warning_text": None,
            }
        ],
        "columns": [
            {
                "column_name": column,
                "verbose_name": None,
                "is_dttm": column_type.startswith(DATETIME_TYPES),
                "is_active": True,
                "type": column_type,
                "advanced_data_type": None,
                "groupby": True,
                "filterable": True,
                "expression": None,
                "description": columns.get(column),
                "python_date_format": None,
                "extra": {},
            }
            for column, column_type in types.items()
        ],
        "version": "1.0.0",
        "database_uuid": DATABASE_UUID,
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("bundle", "load", "datasets"):
        command = commands.add_parser(name)
        command.add_argument("serving_file")
        if name == "bundle":
            command.add_argument("-o", "--output", default="ingest-dashboard.zip")
        if name == "load":
            command.add_argument("--user", default="admin")
    args = parser.parse_args(argv)
    if args.command == "bundle":
        print(bundle(args.serving_file, Path(args.output)))
    elif args.command == "load":
        load(args.serving_file, args.user)
    else:
        write_datasets(args.serving_file)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
