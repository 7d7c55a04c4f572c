"""After `scripts/superset_dashboard.py load`: Superset itself queries what was imported.

Run with the Python of Superset's environment (its config in SUPERSET_CONFIG_PATH):

    /path/to/superset-venv/bin/python scripts/superset_check_import.py

Prints the imported database, datasets, charts and dashboard, reads every dataset through
Superset's database engine, and runs every chart's query through Superset's query context
(as the chart would, as the admin user); exits 1 on any failure or empty chart.
"""

from __future__ import annotations

import sys
from typing import Any

DIMENSION_KEYS = ("x_axis", "entity", "source", "target")


def chart_query(form_data: dict[str, Any]) -> dict[str, Any]:
    """The query object a chart's form data asks for."""
    columns = [form_data[key] for key in DIMENSION_KEYS if key in form_data]
    filters = [
        {"col": f["subject"], "op": "==", "val": f["comparator"]}
        for f in form_data.get("adhoc_filters", [])
    ]
    return {
        "columns": columns + form_data.get("groupby", []),
        "metrics": form_data.get("metrics") or [form_data["metric"]],
        "row_limit": form_data.get("row_limit", 100),
        "filters": filters,
    }


def main() -> int:
    from flask import g
    from superset.app import create_app

    app = create_app()
    with app.app_context():
        from superset.common.query_context_factory import QueryContextFactory
        from superset.connectors.sqla.models import SqlaTable
        from superset.extensions import db, security_manager
        from superset.models.core import Database
        from superset.models.dashboard import Dashboard
        from superset.models.slice import Slice

        database = db.session.query(Database).filter_by(database_name="ingest").one()
        tables = db.session.query(SqlaTable).filter_by(database_id=database.id).all()
        (dashboard,) = db.session.query(Dashboard).filter_by(slug="diplomatic-events").all()
        print(f"database {database.sqlalchemy_uri}")
        print(f"{len(tables)} datasets; dashboard {dashboard.dashboard_title!r}")
        failures = []
        for table in tables:
            frame = database.get_df(f"select * from main.{table.table_name} limit 5", "main")
            if list(frame.columns) != [c.column_name for c in table.columns]:
                failures.append(f"dataset {table.table_name}: columns differ from the view")
        g.user = security_manager.find_user("admin")
        charts: list[Slice] = dashboard.slices
        for chart in charts:
            context = QueryContextFactory().create(
                datasource={"id": chart.datasource_id, "type": "table"},
                queries=[chart_query(chart.form_data)],
                form_data=chart.form_data,
                result_type="full",
            )
            (result,) = context.get_payload()["queries"]
            print(f"chart {chart.slice_name!r}: {result.get('rowcount')} rows")
            if result.get("error") or not result.get("rowcount"):
                failures.append(f"chart {chart.slice_name}: {result.get('error') or 'no rows'}")
    for failure in failures:
        print(f"error: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
