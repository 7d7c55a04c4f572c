"""Read-only consumers cannot change the warehouse; user text never becomes SQL code.

BI tools open the serving file read-only; `ingest sql` runs the user's query on a connection
that is read-only, cannot reach files outside the data, and cannot turn those limits back off.
"""

from __future__ import annotations

import ast
import hashlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from ingest import store, warehouse
from ingest.config import Settings
from ingest.errors import StoreError
from reliability.faultserver import FaultServer
from reliability.harness import corpus_feed, fault_settings, make_feed, run_pipeline
from support.feedserver import Route

ROOT = Path(__file__).resolve().parents[2]
INGEST = Path(sys.executable).with_name("ingest")


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    # a quote and SQL in the warehouse path: every path must reach DuckDB as a quoted literal
    root = tmp_path_factory.mktemp("ro") / "it's'; drop view stg_documents; --"
    settings = fault_settings(root)
    with FaultServer() as server:
        server.route("/feed.xml", Route(body=corpus_feed(330, 3, "ro")))
        summary = run_pipeline(settings, [make_feed("ro", server.url("/feed.xml"))])
    assert summary.status == "ok", summary.failures
    yield settings


def _digest(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def test_paths_with_quotes_stay_literals(settings: Settings) -> None:
    assert warehouse.query(settings, "select count(*) from stg_documents").rows == [(3,)]


WRITES = (
    "create table x as select 1",
    "insert into _meta values ('x')",
    "drop view stg_documents",
    "create or replace view stg_documents as select 1",
    "alter view stg_documents rename to y",
    "comment on view stg_documents is 'x'",
    "attach '{tmp}/new.duckdb' as other",
)


@pytest.mark.parametrize("statement", WRITES)
def test_a_read_only_open_of_the_serving_file_cannot_write(
    settings: Settings, statement: str, tmp_path: Path
) -> None:
    """What a BI tool's read-only connection can do: nothing to the serving file.

    (Such a connection can still COPY query results to files it may write: that is the BI
    user's own file access, limited by OS permissions on the data directory, not by DuckDB.)
    """
    before = _digest(settings.serving_path)
    with (
        duckdb.connect(settings.serving_path, read_only=True) as connection,
        pytest.raises(duckdb.Error),
    ):
        connection.execute(statement.format(tmp=tmp_path))
    assert _digest(settings.serving_path) == before
    assert not (tmp_path / "new.duckdb").exists()


def _escapes(tmp: Path) -> list[str]:
    """Statements that would write, reach outside the data, or lift the limits."""
    return [
        "create table x as select 1",
        "drop view stg_documents",
        f"attach '{tmp / 'new.duckdb'}' as other",
        f"copy (select 1) to '{tmp / 'out.csv'}'",
        f"copy (select * from stg_documents) to '{tmp / 'out.parquet'}' (format parquet)",
        "select * from read_csv('/etc/passwd')",
        "select * from read_text('/etc/hostname')",
        "set enable_external_access = true",
        "set allowed_directories = ['/']",
        "install httpfs",
        "load httpfs",
        "select 1; drop view stg_documents",
        "pragma database_size",
        "export database '/tmp/x'",
    ]


def test_the_sql_command_connection_refuses_every_escape(
    settings: Settings, tmp_path: Path
) -> None:
    before = _digest(settings.serving_path)
    accepted = []
    for statement in _escapes(tmp_path):
        try:
            warehouse.query(settings, statement)
        except StoreError as error:
            assert "\n" not in str(error)
        else:
            accepted.append(statement)
    assert accepted == []
    assert list(tmp_path.iterdir()) == []  # nothing written outside
    assert _digest(settings.serving_path) == before


@pytest.mark.parametrize(
    "statement",
    ["CREATE TABLE x AS SELECT 1", "COPY (SELECT 1) TO '{tmp}/leak.csv'"],
)
def test_ingest_sql_refuses_with_one_line(
    settings: Settings, tmp_path: Path, statement: str
) -> None:
    toml = tmp_path / "settings.toml"
    toml.write_text(
        "\n".join(
            f'{key} = "{getattr(settings, key)}"'
            for key in ("data_root", "serving_path", "state_path")
        )
        + "\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [str(INGEST), "sql", statement.format(tmp=tmp_path), "--settings", str(toml)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        env={**os.environ, "INGEST_SETTINGS": str(toml)},
    )
    assert done.returncode == 2, done
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert not (tmp_path / "leak.csv").exists()


# --- SQL built by our code: only our own names and quoted literals are interpolated ----------

# expressions allowed inside f-string SQL: view names from our schema.toml, DuckDB's own column
# names, quoted literals and rendered templates (whose sources are quoted)
SAFE_INTERPOLATIONS = frozenset(
    {
        "view.name",
        "column",
        "text",
        "render(view.template, settings)",
        "render(view.template, settings, hidden)",
        "serving_sql(view, settings)",
        "serving_sql(view, settings, marts_snapshot)",
        "sql.strip().rstrip(';')",  # a check file of ours, not user text
        "built_at",  # a timestamp we format
        "order",  # " order by " + the sort_by column names of a view in schema.toml
        # warehouse's computed and incremental marts: `source` is a view name of schema.toml;
        # `fresh` and `touched` rendered templates; `old` a read_parquet of a _quote'd path;
        # `near`, `months`, `surname` constant SQL; `name`, `reach` constant table names and
        # day counts; `rows` a union of those
        "source",
        "fresh",
        "touched",
        "old",
        "near",
        "months",
        "surname",
        "name",
        "reach",
        "reach + 1",
        "rows",
        # incremental person resolution: `mentions` a temporary view name of ours; the run's
        # documents and events constant templates rendered with a _quote'd load id;
        # `old_persons`, `old_participants` _quote'd mart paths
        "mentions",
        "render(documents, settings, hidden)",
        "render(run_events, settings, hidden)",
        "old_persons",
        "old_participants",
        # the run's rows read from its own files: `run_events`, `run_mentions` templates
        # rendered over _quote'd file paths; `glob` a _quote'd path
        "run_events",
        "run_mentions",
        "glob",
        # fct_country_pairs' month scope: `side` "new" or "old", `participants` a view name or
        # `old`, `spans[...]` the ephemeral's SQL over those
        "side",
        "participants",
        "spans['new']",
        "spans['old']",
        # the store's index of events files: `paths` a list of _quote'd index file paths
        "paths",
        # a sorted mart's rows before their sort: `MART_ROWS` a temporary table name of ours
        "MART_ROWS",
        # marts streamed to their files: `PERSON_ROWS` a temporary view name of ours, `into`
        # that name or another of ours, `mart_sql` a mart's rendered SQL
        "PERSON_ROWS",
        "into",
        "mart_sql",
    }
)
SQL_CALLS = frozenset({"execute", "sql", "query"})


def _sql_interpolations(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if node.func.attr not in SQL_CALLS or not node.args:
            continue
        for part in ast.walk(node.args[0]):
            if isinstance(part, ast.FormattedValue):
                expression = ast.unparse(part.value)
                quoted = expression.startswith(("_quote(", "_quote_list("))
                if not quoted and expression not in SAFE_INTERPOLATIONS:
                    found.append(f"{path.name}:{node.lineno}: {{{expression}}}")
    return found


def test_sql_strings_interpolate_only_names_and_quoted_literals() -> None:
    sources = [
        *sorted((ROOT / "src" / "ingest").rglob("*.py")),
        *sorted((ROOT / "flows").glob("*.py")),
    ]
    unsafe = [hit for path in sources for hit in _sql_interpolations(path)]
    assert unsafe == [], "SQL built from values: use parameters or warehouse._quote"


def test_user_values_reach_duckdb_as_parameters(settings: Settings) -> None:
    hostile = "x'; drop view stg_documents; --"
    result = warehouse.query(
        settings, "select count(*) from stg_documents where source_id = ?", [hostile]
    )
    assert result.rows == [(0,)]
    assert store.read_table(settings, "documents").num_rows == 3
    assert warehouse.query(settings, "select count(*) from stg_documents").rows == [(3,)]
