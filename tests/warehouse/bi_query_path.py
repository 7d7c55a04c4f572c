"""What a BI tool does with the serving file through SQLAlchemy and duckdb-engine, as JSON.

Runs under SQLAlchemy 1.4 (Apache Superset's pin: `.venv-bi/bin/python`, see the Makefile) and
2.x (the main venv), so it imports nothing of this project:

    python bi_query_path.py reflect SERVING_FILE          # every view's columns and types
    python bi_query_path.py run SERVING_FILE QUERIES.json # {name: sql} -> {name: row count}
    python bi_query_path.py csv SERVING_FILE              # every view to CSV with pandas and
                                                          # polars and back: {view: problems}

`csv` runs in .venv-bi only, where pandas and polars are installed: an analyst's environment.
The pipeline's own venv has no pandas (pyarrow would import it in every `ingest` process: +50
MB resident).

Warnings raised while reflecting or querying (SQLAlchemy's "did not recognize type") are
reported, not printed: the caller asserts there are none.
"""

from __future__ import annotations

import json
import sys
import warnings
from typing import Any

import sqlalchemy
from sqlalchemy import types

# the generic types a BI tool knows how to chart, filter and group (VARCHAR, BIGINT, DOUBLE,
# TIMESTAMP, ... are subclasses); NullType is what an unknown (nested) type reflects as
KNOWN_TYPES = (
    types.String,
    types.Integer,
    types.Float,
    types.Numeric,
    types.Boolean,
    types.Date,
    types.DateTime,
    types.Time,
    types.Interval,
)


def engine(serving_file: str) -> Any:
    """A read-only engine, as a BI tool is told to open the serving file."""
    return sqlalchemy.create_engine(f"duckdb:///{serving_file}", connect_args={"read_only": True})


def reflect(serving_file: str) -> dict[str, Any]:
    inspector = sqlalchemy.inspect(engine(serving_file))
    views: dict[str, list[dict[str, Any]]] = {}
    for view in sorted(inspector.get_view_names()):
        views[view] = [
            {
                "name": column["name"],
                "type": repr(column["type"]),
                "known": isinstance(column["type"], KNOWN_TYPES),
            }
            for column in inspector.get_columns(view)
        ]
    return {"sqlalchemy": sqlalchemy.__version__, "views": views}


def run(serving_file: str, queries_path: str) -> dict[str, Any]:
    with open(queries_path, encoding="utf-8") as stream:
        queries: dict[str, str] = json.load(stream)
    counts: dict[str, Any] = {}
    with engine(serving_file).connect() as connection:
        for name, sql in queries.items():
            try:
                counts[name] = len(connection.execute(sqlalchemy.text(sql)).fetchall())
            except Exception as error:  # reported per query: the caller names what failed
                counts[name] = f"error: {type(error).__name__}: {str(error).splitlines()[0]}"
    return {"sqlalchemy": sqlalchemy.__version__, "rows": counts}


def to_csv_and_back(serving_file: str) -> dict[str, Any]:
    """Per view: what went wrong writing it to CSV with pandas and polars and reading it back."""
    import io

    import duckdb
    import pandas as pd
    import polars as pl

    problems: dict[str, list[str]] = {}
    with duckdb.connect(serving_file, read_only=True) as connection:
        names = [
            row[0]
            for row in connection.execute(
                "select view_name from duckdb_views() where not internal order by 1"
            ).fetchall()
        ]
        for name in names:
            found: list[str] = []
            relation = connection.sql(f"select * from {name}")
            frame = relation.df()
            for column in frame.columns:
                cells = frame[column].dropna()
                if any(
                    isinstance(v, list | dict | tuple) or getattr(v, "ndim", 0) > 0 for v in cells
                ):
                    found.append(f"pandas: {column} holds lists (their repr would go to the CSV)")
            back = pd.read_csv(
                io.StringIO(frame.to_csv(index=False)), keep_default_na=False, na_values=[""]
            )
            if list(back.columns) != list(frame.columns) or len(back) != len(frame):
                found.append("pandas: the CSV read back differs in columns or rows")
            polars_frame = connection.sql(f"select * from {name}").pl()
            try:
                written = polars_frame.write_csv()
                again = pl.read_csv(io.StringIO(written), schema=polars_frame.schema)
                if not again.equals(polars_frame):
                    found.append("polars: the CSV read back differs")
            except Exception as error:  # a list or struct column: polars refuses to write it
                found.append(f"polars: {type(error).__name__}: {str(error).splitlines()[0]}")
            problems[name] = found
    return {"views": problems}


def main(argv: list[str]) -> int:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if argv[:1] == ["reflect"] and len(argv) == 2:
            result = reflect(argv[1])
        elif argv[:1] == ["run"] and len(argv) == 3:
            result = run(argv[1], argv[2])
        elif argv[:1] == ["csv"] and len(argv) == 2:
            result = to_csv_and_back(argv[1])
        else:
            print(__doc__, file=sys.stderr)
            return 2
    result["warnings"] = [f"{w.category.__name__}: {w.message}" for w in caught]
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
