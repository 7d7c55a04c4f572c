"""`ingest sql` is read-only by construction: a corpus of escape attempts, each refused.

Every attempt (writes into the data root or elsewhere, readers of files and settings, statements
that lift the limits, and variants of them generated with hypothesis: case, whitespace, comments,
wrappers) must fail with a one-line error, leave every file under the data root and the serving
file as it was, and create no file outside. The corpus runs for each form data_root takes: a
plain path and a `file://` URI (the connection's own limits are also checked for `s3://`).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, replace
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from ingest import tour, warehouse
from ingest.cli import cli
from ingest.config import Settings
from ingest.errors import StoreError
from reliability.faultserver import FaultServer
from reliability.harness import corpus_feed, fault_settings, make_feed, run_pipeline
from support.feedserver import Route

ROOT = Path(__file__).resolve().parents[2]
INGEST = Path(sys.executable).with_name("ingest")
FORMS = ("path", "file-uri")


@dataclass(frozen=True)
class Warehouse:
    """One warehouse under test and the places an attack names."""

    settings: Settings
    path: Path  # the data root as a plain path
    outside: Path  # an empty folder outside the data root (also the working directory)
    document_file: str  # a stored Parquet file of the documents table

    def fill(self, template: str) -> str:
        """The attempt with its places filled in, quoted as SQL string literals want them."""
        places = {
            "root": self.settings.data_root,
            "path": str(self.path),
            "out": str(self.outside),
            "doc": self.document_file,
        }
        return template.format(**{key: value.replace("'", "''") for key, value in places.items()})


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """One pipeline run's warehouse, copied (never used) by each form below."""
    settings = fault_settings(tmp_path_factory.mktemp("escapes-built"))
    with FaultServer() as server:
        server.route("/feed.xml", Route(body=corpus_feed(340, 3, "esc")))
        summary = run_pipeline(settings, [make_feed("esc", server.url("/feed.xml"))])
    assert summary.status == "ok", summary.failures
    return settings


@pytest.fixture(scope="module", params=FORMS)
def house(
    request: pytest.FixtureRequest, built: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Warehouse:
    base = tmp_path_factory.mktemp(f"escapes-{request.param}")
    if request.param == "path":
        # a quote and SQL in the path: every path must reach DuckDB as a literal
        base = base / "it's'; drop view stg_documents; --"
        data_root = str(base / "data")
    else:  # a file:// URI (which cannot hold the spaces above)
        base = base / "it's"
        data_root = f"file://{base / 'data'}"
    shutil.copytree(Path(built.data_root), base / "data")
    settings = replace(
        built,
        data_root=data_root,
        serving_path=str(base / "ingest.duckdb"),
        state_path=str(base / "state" / "feeds.json"),
    )
    warehouse.refresh_serving_file(settings)
    path = base / "data"
    documents = sorted(str(p) for p in (path / "documents").rglob("*.parquet"))
    stored = [d for d in documents if not Path(d).name.startswith("_")]
    outside = tmp_path_factory.mktemp(f"outside-{request.param}")
    return Warehouse(settings, path, outside, stored[0])


def _snapshot(house: Warehouse) -> dict[str, str]:
    """Digest of every file under the data root, the serving file and its folder, and the
    names of everything outside."""
    files = {}
    for path in sorted(p for p in house.path.rglob("*") if p.is_file()):
        files[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    serving = Path(house.settings.serving_path)
    files[str(serving)] = hashlib.sha256(serving.read_bytes()).hexdigest()
    for folder in (serving.parent, house.outside):
        files[f"listing:{folder}"] = "\n".join(sorted(p.name for p in folder.iterdir()))
    return files


# --- DuckDB's own limits hold on their own, for every form of data_root ----------------------


def _expected_directories(house: Warehouse) -> list[str]:
    return [f"{house.path.resolve()}/"]


def _assert_locked_down(connection: duckdb.DuckDBPyConnection, directories: list[str]) -> None:
    def setting(name: str) -> object:
        return connection.execute("select current_setting(?)", [name]).fetchall()[0][0]

    assert setting("access_mode") == "read_only"
    assert setting("enable_external_access") is False
    assert setting("lock_configuration") is True
    assert setting("autoinstall_known_extensions") is False
    assert setting("autoload_known_extensions") is False
    assert setting("allow_community_extensions") is False
    assert setting("python_enable_replacements") is False
    # DuckDB 1.4 reads "s3://b/p/" back as "s3:/b/p/": the same directory
    read_back = [re.sub(r"^(\w+):/+", r"\1://", d) for d in setting("allowed_directories")]  # type: ignore[attr-defined]
    assert sorted(read_back) == sorted(directories)
    for statement in (
        "set enable_external_access = true",
        "reset lock_configuration",
        "set allowed_directories = ['/']",
        "set autoload_known_extensions = true",
        "select * from read_text('/etc/passwd')",
        "select count(*) from glob('/*')",
        "select * from read_text('file:///etc/passwd')",
        "load httpfs",
    ):
        with pytest.raises(duckdb.Error):
            connection.execute(statement).fetchall()


def test_the_connection_limits_hold_on_their_own(house: Warehouse) -> None:
    """Without the statement checks: settings as set, locked, and no file outside the root."""
    with warehouse.read_only_connection(house.settings) as connection:
        _assert_locked_down(connection, _expected_directories(house))
        with pytest.raises(duckdb.Error):
            connection.execute(f"copy (select 1) to '{house.outside}/leak.csv'")
        # the views still read the data
        assert connection.execute("select count(*) from stg_documents").fetchall() == [(3,)]
    assert list(house.outside.iterdir()) == []


def test_a_remote_data_root_gets_the_same_limits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    loaded: list[tuple[str, object]] = []

    def record(connection: duckdb.DuckDBPyConnection, settings: Settings) -> None:
        # no S3 server here (tests/warehouse/test_object_storage.py has one): record the
        # load, which must come before the lock
        locked = connection.execute("select current_setting('lock_configuration')").fetchall()
        loaded.append((settings.data_root, locked[0][0]))

    monkeypatch.setattr(warehouse, "_load_remote_extension", record, raising=False)
    settings = Settings(
        data_root="s3://bucket/it's/ingest/", serving_path=str(tmp_path / "ingest.duckdb")
    )
    duckdb.connect(settings.serving_path).close()  # a serving file (no views: no S3 needed)
    with warehouse.read_only_connection(settings) as connection:
        _assert_locked_down(connection, ["s3://bucket/it's/ingest/"])
        with pytest.raises(duckdb.Error):
            connection.execute(f"copy (select 1) to '{tmp_path}/leak.csv'")
    assert loaded == [(settings.data_root, False)]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ingest.duckdb"]


def test_ingest_check_still_runs_on_the_read_only_connection(house: Warehouse) -> None:
    before = _snapshot(house)
    results = warehouse.run_checks(house.settings)
    assert results and all(r.passed for r in results), [r for r in results if not r.passed]
    assert _snapshot(house) == before


# --- the corpus: (attempt, what the one-line refusal names) -----------------------------------

ESCAPES: tuple[tuple[str, str], ...] = (
    # the attack found on main: overwrite a stored document file, add fake events
    (
        "EXPLAIN ANALYZE COPY (SELECT * FROM stg_documents LIMIT 0) TO '{doc}' (FORMAT parquet)",
        "EXPLAIN",
    ),
    ("EXPLAIN COPY (SELECT 1) TO '{path}/x.csv'", "EXPLAIN"),
    ("explain analyze copy (select * from stg_events) to '{root}/events/fake.parquet'", "COPY"),
    ("COPY (SELECT * FROM stg_documents LIMIT 0) TO '{doc}' (FORMAT parquet)", "COPY"),
    ("copy (select 1 as x) to '{root}/events/month=2025-04/fake.parquet' (format parquet)", "COPY"),
    ("copy (select 1) to '{out}/leak.csv'", "COPY"),
    ("COPY stg_events TO '{out}/events.csv'", "COPY"),
    ("copy (select 1) to 'relative.csv'", "COPY"),
    ("copy (select 1) to 'file://{out}/leak.csv'", "COPY"),
    ("copy stg_documents from '{out}/in.csv'", "COPY"),
    ("EXPORT DATABASE '{path}/exported'", "EXPORT"),
    ("export database '{out}/exported' (format parquet)", "EXPORT"),
    ("EXPLAIN ANALYZE EXPORT DATABASE '{path}/exported'", "invalid SQL"),
    ("ATTACH '{path}/new.duckdb' AS other", "ATTACH"),
    ("attach '{out}/new.duckdb' as other", "ATTACH"),
    ("DETACH ingest", "DETACH"),
    ("USE system", "SET"),
    ("INSTALL httpfs", "LOAD"),
    ("LOAD httpfs", "LOAD"),
    ("FORCE INSTALL httpfs", "LOAD"),
    ("UPDATE EXTENSIONS", "statement"),
    ("SET enable_external_access = true", "SET"),
    ("set allowed_directories = ['/']", "SET"),
    ("RESET lock_configuration", "SET"),
    ("SET VARIABLE secret = 1", "SET"),
    ("PRAGMA version", "PRAGMA"),
    ("pragma enable_profiling", "PRAGMA"),
    ("CREATE TABLE x AS SELECT 1", "CREATE"),
    ("create temp table x as select 1", "CREATE"),
    ("CREATE OR REPLACE VIEW fct_events AS SELECT 1", "CREATE"),
    ("create macro m() as table select 1", "CREATE"),
    ("CREATE SECRET s (TYPE s3, KEY_ID 'a', SECRET 'b')", "CREATE"),
    ("INSERT INTO _meta VALUES ('x', now(), 'x', 'x')", "INSERT"),
    ("UPDATE stg_documents SET title = 'x'", "UPDATE"),
    ("DELETE FROM stg_documents", "DELETE"),
    ("DROP VIEW stg_documents", "DROP"),
    ("ALTER VIEW stg_documents RENAME TO y", "ALTER"),
    ("COMMENT ON VIEW stg_documents IS 'x'", "ALTER"),
    ("TRUNCATE stg_documents", "DELETE"),
    ("CALL pragma_version()", "CALL"),
    ("CHECKPOINT", "CALL"),
    ("FORCE CHECKPOINT", "CALL"),
    ("VACUUM", "VACUUM"),
    ("ANALYZE", "VACUUM"),
    ("BEGIN TRANSACTION", "TRANSACTION"),
    ("PREPARE p AS SELECT 1", "PREPARE"),
    ("WITH x AS (SELECT 1) INSERT INTO _meta SELECT * FROM x", "INSERT"),
    # readers of files, inside the data root or anywhere
    ("select * from read_text('/etc/passwd')", "read_text"),
    ("select * from read_blob('/etc/passwd')", "read_blob"),
    ("select * from glob('/*')", "glob"),
    ("select * from read_csv('/etc/passwd')", "read_csv"),
    ("select * from read_csv_auto('{path}/../../leak.csv')", "read_csv_auto"),
    ("select * from read_json('/etc/passwd')", "read_json"),
    ("select * from read_text('file:///etc/passwd')", "read_text"),
    ("select * from read_parquet('{doc}')", "read_parquet"),
    ("select * from parquet_metadata('{doc}')", "parquet_metadata"),
    ("select * from glob('{root}/**')", "glob"),
    ("select * from read_text('{root}/documents/**/*.parquet')", "read_text"),
    ("select * from sniff_csv('/etc/passwd')", "sniff_csv"),
    ("select * from read_duckdb('{path}/../ingest.duckdb')", "read_duckdb"),
    ("FROM '{doc}'", "is not allowed"),
    ("select * from '/etc/passwd.csv'", "is not allowed"),
    ('select * from "{out}/x.csv"', "is not allowed"),
    ("select * from query('select current_setting(''threads'')')", "query"),
    ("select * from query_table('pg_settings')", "query_table"),
    ("select * from json_execute_serialized_sql(json_serialize_sql('select 1'))", "json_execute"),
    ("select * from stg_documents, read_text('/etc/passwd')", "read_text"),
    ("select (select count(*) from read_text('/etc/passwd'))", "read_text"),
    ("select * from stg_documents where exists (select * from glob('/*'))", "glob"),
    ("select 1 union all select count(*) from read_blob('/etc/passwd')", "read_blob"),
    ("EXPLAIN SELECT * FROM read_text('/etc/passwd')", "read_text"),
    ("DESCRIBE SELECT * FROM read_text('/etc/passwd')", "read_text"),
    # settings (with S3 credentials set as DuckDB settings, secrets)
    ("select current_setting('allowed_directories')", "current_setting"),
    # DuckDB 1.4's parser refuses some forms before our guard sees them: either way, refused
    ("select 'threads'.current_setting()", "current_setting|syntax error"),
    ("select main.current_setting('threads')", "current_setting"),
    ("EXPLAIN ANALYZE SELECT current_setting('s3_secret_access_key')", "current_setting"),
    ("select getenv('HOME')", "getenv"),
    ("select getvariable('x')", "getvariable"),
    ("select * from duckdb_settings()", "duckdb_settings"),
    ("select * from system.main.duckdb_settings()", "duckdb_settings"),
    ("select * from duckdb_secrets()", "duckdb_secrets"),
    ("select * from which_secret('s3://bucket/x', 's3')", "which_secret"),
    ("select * from duckdb_extensions()", "duckdb_extensions"),
    ("select * from pragma_show('fct_events')", "pragma_show"),
    ("select * from pg_settings", "pg_settings"),
    ("select * from pg_catalog.pg_settings", "pg_settings"),
    ("summarize pg_settings", "pg_settings"),
    ("show memory_limit", "memory_limit"),
    ("with s as (select * from pg_settings) select * from s", "pg_settings"),
    # CTE scope games: a CTE named like a catalog table, used where the CTE is out of scope
    ("select * from (with pg_settings as (select 1) select * from pg_settings), pg_settings", "pg"),
    ("with a as (select * from pg_settings), pg_settings as (select 1) select * from a", "pg"),
    # several statements, comments, nesting
    ("select 1; drop view stg_documents", "one SQL statement"),
    ("select 1; copy (select 1) to '{out}/leak.csv'", "one SQL statement"),
    ("/* harmless */ CoPy (SeLeCt 1) To '{out}/leak.csv'", "COPY"),
    ("-- a comment\ncopy (select 1) to '{path}/x.csv'", "COPY"),
    ("select * from (copy (select 1) to '{out}/leak.csv')", "invalid SQL"),
    # a COPY as a CTE's query: the statement is a SELECT, the CTE writes (found by hypothesis)
    ("with w as (copy (select 1) to '{out}/leak.csv') select * from w", "COPY|CTE needs a SELECT"),
    (
        "with w as (copy (select 1) to '{root}/events/x.parquet') select 1",
        "COPY|CTE needs a SELECT",
    ),
    ("EXPLAIN EXPLAIN ANALYZE COPY (SELECT 1) TO '{path}/x.csv'", "EXPLAIN"),
    ("EXPLAIN (FORMAT json) COPY (SELECT 1) TO '{path}/x.csv'", "EXPLAIN"),
    ("PIVOT stg_events ON event_type", "MULTI|one SQL statement"),
)
assert len({sql for sql, _ in ESCAPES}) >= 50


def _refused(house: Warehouse, sql: str) -> str:
    """The one-line refusal of sql; fails when it ran or changed anything."""
    before = _snapshot(house)
    with contextlib.chdir(house.outside):  # relative paths would land outside
        try:
            result = warehouse.query(house.settings, sql)
        except StoreError as error:
            message = str(error)
        else:
            pytest.fail(f"accepted: {sql!r} -> {result.rows[:3]}")
    assert "\n" not in message and message.strip(), (sql, message)
    assert _snapshot(house) == before, sql
    assert list(house.outside.iterdir()) == [], sql
    return message


@pytest.mark.parametrize(("template", "named"), ESCAPES, ids=[sql for sql, _ in ESCAPES])
def test_every_escape_is_refused_with_one_line(house: Warehouse, template: str, named: str) -> None:
    message = _refused(house, house.fill(template))
    assert any(word.lower() in message.lower() for word in named.split("|")), message


# --- variants: case, whitespace, comments, wrappers ----------------------------------------

GAPS = (" ", "  ", "\n", "\t", " /* x */ ", "/**/", " -- c\n", "\r\n")
WRAPPERS = (
    "{}",
    "{};",
    " {} ; ",
    "/* lead */ {}",
    "-- lead\n{}",
    "{} -- trail",
    "EXPLAIN {}",
    "EXPLAIN ANALYZE {}",
    "explain analyze {};",
    "select * from ({})",
    "with w as ({}) select * from w",
    "({})",
    "select 1; {}",
    "{}; select 1",
    "describe {}",
    "summarize {}",
)


@st.composite
def variants(draw: st.DrawFn, sql: str) -> str:
    """sql with its keywords and names re-cased, its gaps re-spaced, and wrapped."""
    tokens = duckdb.tokenize(sql)
    out = [sql[: tokens[0][0]]] if tokens else [sql]
    for index, (offset, kind) in enumerate(tokens):
        end = tokens[index + 1][0] if index + 1 < len(tokens) else len(sql)
        text = sql[offset:end]
        word = text.rstrip()
        gap = text[len(word) :]
        names = (duckdb.token_type.keyword, duckdb.token_type.identifier)
        if kind in names and not word.startswith('"'):  # quoted names keep their case
            case = draw(st.sampled_from(("upper", "lower", "swapcase", "title", "keep")))
            word = word if case == "keep" else getattr(word, case)()
        if gap and kind != duckdb.token_type.comment:
            gap = draw(st.sampled_from(GAPS))
        out.append(word + gap)
    return draw(st.sampled_from(WRAPPERS)).format("".join(out))


@st.composite
def attempts(draw: st.DrawFn) -> str:
    template, _ = draw(st.sampled_from(ESCAPES))
    return draw(variants(template))


@hypothesis_settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(template=attempts())
def test_variants_of_every_escape_are_refused(house: Warehouse, template: str) -> None:
    _refused(house, house.fill(template))


def test_the_attack_found_on_main_is_refused_by_the_command(house: Warehouse) -> None:
    """The reported attack, through `ingest sql`: one line on stderr, the stored file intact."""
    for template in (ESCAPES[0][0], "select * from read_text('/etc/passwd')"):
        before = _snapshot(house)
        done = _ingest_sql(house, house.fill(template))
        assert done.returncode == 2, done
        assert len(done.stderr.strip().splitlines()) == 1, done.stderr
        assert done.stderr.startswith("error: "), done.stderr
        assert _snapshot(house) == before


def _ingest_sql(house: Warehouse, sql: str, *options: str) -> subprocess.CompletedProcess[str]:
    toml = house.outside.parent / f"{house.outside.name}.toml"
    keys = ("data_root", "serving_path", "state_path")
    # JSON strings are TOML basic strings
    lines = [f"{key} = {json.dumps(getattr(house.settings, key))}\n" for key in keys]
    toml.write_text("".join(lines), encoding="utf-8")
    return subprocess.run(
        [str(INGEST), "sql", sql, *options, "--settings", str(toml)],
        capture_output=True,
        text=True,
        cwd=house.outside,
        timeout=120,
        env={**os.environ, "INGEST_SETTINGS": str(toml)},
    )


# --- ordinary queries still work ---------------------------------------------------------------

ORDINARY = (
    "select count(*) from stg_documents",
    "select view_name, comment from duckdb_views() where not internal",
    "select table_name, column_name, comment from duckdb_columns()",
    "select table_name from duckdb_tables()",
    "EXPLAIN SELECT * FROM fct_events",
    "explain analyze select count(*) from stg_events",
    "/* a note */ explain /* more */ analyze select 1;",
    "describe fct_events",
    "summarize stg_documents",
    "show tables",
    "from fct_events limit 1",
    "with recent as (select * from fct_events) select count(*) from recent",
    "select * from range(3) as r(n), unnest([1, 2]) as u(m)",
    "select * from ingest.main.stg_documents limit 1",
    "select count(*) from main.fct_events",
    "select e.event_id from fct_events e join stg_participants p using (event_id) limit 1",
)


def _readme_queries() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sql\n(.*?)```", text, flags=re.DOTALL)
    commands = re.findall(r'ingest sql (?:--\w+ +)?"([^"]+)"', text)
    return [*blocks, *(sql for sql in commands if "..." not in sql)]


def _help_query() -> str:
    result = CliRunner().invoke(cli, ["sql", "--help"])
    assert result.exit_code == 0, result.output
    found = re.search(r'ingest sql "([^"]+)"', " ".join(result.output.split()))
    assert found, result.output
    return found.group(1)


def test_ordinary_queries_still_run(house: Warehouse) -> None:
    queries = [
        *ORDINARY,
        *_readme_queries(),
        *(stop.sql for stop in tour.STOPS),
        *tour.FURTHER,
        *(sql for _, _, sql in warehouse.load_checks()),
        _help_query(),
    ]
    assert len(_readme_queries()) >= 4
    before = _snapshot(house)
    for sql in queries:
        try:
            warehouse.query(house.settings, sql)
        except StoreError as error:
            pytest.fail(f"{sql!r} refused: {error}")
    assert warehouse.query(house.settings, "select count(*) from stg_documents").rows == [(3,)]
    assert _snapshot(house) == before


def test_the_query_in_the_help_text_lists_the_views(house: Warehouse) -> None:
    result = warehouse.query(house.settings, _help_query())
    assert result.columns == ("view_name", "comment")
    assert {name for name, _ in result.rows} >= {v.name for v in warehouse.load_views()}


def test_ordinary_queries_through_the_command(house: Warehouse) -> None:
    done = _ingest_sql(house, _help_query(), "--csv")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "view_name,comment"
    assert "fct_events," in done.stdout
    done = _ingest_sql(house, "explain select count(*) from fct_events", "--json")
    assert done.returncode == 0, done.stderr
    assert "physical_plan" in done.stdout


def test_parameters_still_reach_duckdb_as_values(house: Warehouse) -> None:
    hostile = "x'; copy (select 1) to 'leak.csv'; --"
    result = warehouse.query(
        house.settings, "select count(*) from stg_documents where source_id = ?", [hostile]
    )
    assert result.rows == [(0,)]


def test_a_query_too_deep_to_check_is_refused_with_one_line(house: Warehouse) -> None:
    nested = "select " + "[" * 990 + "1" + "]" * 990
    assert "nested too deeply" in _refused(house, nested)
