"""The serving DuckDB file: storage version, rebuilds, read-only access, docs, live readers."""

from __future__ import annotations

import os
import re
import struct
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner
from tests.warehouse.factories import EXTRACTED_AT, FETCHED_AT, make_document, make_event

from ingest import store, warehouse
from ingest.cli import cli
from ingest.config import Settings
from ingest.errors import StoreError

# DuckDB 1.4 reads database files whose header version is at most 67 (v1.4's format)
DUCKDB_1_4_MAX_HEADER_VERSION = 67


def write_release(settings: Settings, doc_id: str, load_id: str) -> None:
    document = make_document(doc_id)
    store.write_documents(settings, [document], FETCHED_AT, load_id)
    store.write_events(settings, [make_event(document)], load_id, EXTRACTED_AT)


def test_the_file_is_in_a_storage_version_duckdb_1_4_reads(settings: Settings) -> None:
    warehouse.refresh_serving_file(settings)
    with open(settings.serving_path, "rb") as handle:
        magic, header_version = struct.unpack("<8x4sQ", handle.read(20))
    assert magic == b"DUCK"
    assert 64 <= header_version <= DUCKDB_1_4_MAX_HEADER_VERSION
    with duckdb.connect(settings.serving_path, read_only=True) as connection:
        (tags,) = connection.execute(
            "select tags from duckdb_databases() where path = ?", [settings.serving_path]
        ).fetchone()  # type: ignore[misc]
    assert tags["storage_version"].startswith("v1.4.")


def test_the_file_is_rebuilt_only_when_view_definitions_or_location_change(
    settings: Settings, tmp_path: Path
) -> None:
    assert warehouse.refresh_serving_file(settings) is True
    inode = os.stat(settings.serving_path).st_ino
    write_release(settings, "doc-1", "L1")
    assert warehouse.refresh_serving_file(settings) is False  # new data: no rebuild
    assert os.stat(settings.serving_path).st_ino == inode
    assert warehouse.query(settings, "select count(*) from fct_events").rows == [(1,)]
    assert warehouse.refresh_serving_file(settings, force=True) is True
    moved = Settings(data_root=str(tmp_path / "elsewhere"), serving_path=settings.serving_path)
    assert warehouse.refresh_serving_file(moved) is True
    assert not list(Path(settings.serving_path).parent.glob("*.tmp-*"))


def test_views_read_parquet_through_absolute_paths(settings: Settings) -> None:
    warehouse.refresh_serving_file(settings)
    sql = warehouse.query(
        settings, "select sql from duckdb_views() where view_name = 'stg_events'"
    ).rows[0][0]
    assert f"read_parquet('{Path(settings.data_root).resolve()}/events/**/*.parquet'" in sql


def test_every_view_and_column_has_a_comment(settings: Settings) -> None:
    warehouse.refresh_serving_file(settings)
    views = warehouse.query(
        settings, "select view_name, comment from duckdb_views() where not internal"
    ).rows
    assert {name for name, _ in views} >= {v.name for v in warehouse.load_views()}
    assert all(comment for _, comment in views), views
    columns = warehouse.query(
        settings,
        "select table_name, column_name from duckdb_columns() "
        "where table_name in (select view_name from duckdb_views() where not internal) "
        "and (comment is null or comment = '')",
    ).rows
    assert columns == []


def test_the_query_in_the_sql_help_runs(reused_settings: Settings) -> None:
    printed = CliRunner().invoke(cli, ["sql", "--help"]).output
    found = re.search(r'ingest sql "([^"]+)"', " ".join(printed.split()))
    assert found, printed
    warehouse.refresh_serving_file(reused_settings)
    views = warehouse.query(reused_settings, found.group(1)).rows
    assert {name for name, *_ in views} >= {v.name for v in warehouse.load_views()}


@pytest.mark.parametrize("view", [v.name for v in warehouse.load_views()])
def test_every_view_has_a_data_check(view: str) -> None:
    checked = [name for name, _, sql in warehouse.load_checks() if view in sql]
    assert checked, f"no check under warehouse/checks reads {view}"


@pytest.mark.parametrize(
    "sql",
    [
        "create table x (a int)",
        "copy (select 1) to '{root}/events/month=2025-04/evil.parquet'",
        "select * from read_csv('/etc/passwd')",
        "attach '{root}/other.duckdb' as other",
        "set enable_external_access = true",
        "select 1; drop view fct_events",
    ],
)
def test_user_sql_cannot_change_anything(reused_settings: Settings, sql: str) -> None:
    settings = reused_settings
    warehouse.refresh_serving_file(settings)
    with pytest.raises(StoreError):
        warehouse.query(settings, sql.format(root=settings.data_root))
    assert not list(Path(settings.data_root).rglob("evil.parquet"))
    assert warehouse.query(settings, "select count(*) from fct_events").rows == [(0,)]


def test_even_a_select_cannot_leave_the_data_folder(settings: Settings) -> None:
    warehouse.refresh_serving_file(settings)
    with pytest.raises(StoreError, match=r"read_text\(\) is not allowed"):
        warehouse.query(settings, "select * from read_text('/etc/hostname')")


READER = textwrap.dedent(
    """
    import sys
    from sqlalchemy import create_engine, text

    engine = create_engine(f"duckdb:///{sys.argv[1]}", connect_args={"read_only": True})
    with engine.connect() as connection:  # one connection for the reader's whole life
        for line in sys.stdin:
            count = connection.execute(text("select count(*) from fct_events")).scalar()
            print(count, flush=True)
    """
)


def test_a_bi_reader_holding_the_file_sees_new_rows_without_reconnecting(
    settings: Settings, tmp_path: Path
) -> None:
    write_release(settings, "doc-1", "L1")
    warehouse.refresh_serving_file(settings)
    script = tmp_path / "reader.py"
    script.write_text(READER, encoding="utf-8")
    reader = subprocess.Popen(
        [sys.executable, str(script), settings.serving_path],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert reader.stdin is not None and reader.stdout is not None

    def ask() -> int:
        reader.stdin.write("?\n")  # type: ignore[union-attr]
        reader.stdin.flush()  # type: ignore[union-attr]
        return int(reader.stdout.readline())  # type: ignore[union-attr]

    try:
        assert ask() == 1
        write_release(settings, "doc-2", "L2")  # the writer is not blocked by the reader
        assert warehouse.refresh_serving_file(settings) is False
        assert ask() == 2
        assert warehouse.refresh_serving_file(settings, force=True) is True  # rename over it
        write_release(settings, "doc-3", "L3")
        assert ask() == 3  # still the old inode, whose views read the same globs
        assert warehouse.query(settings, "select count(*) from fct_events").rows == [(3,)]
    finally:
        reader.stdin.close()
        assert reader.wait(timeout=30) == 0


READ_WRITE_HOLDER = textwrap.dedent(
    """
    import sys
    import duckdb

    connection = duckdb.connect(sys.argv[1])  # read-write: DuckDB's lock on the file
    connection.execute("create view mine as select 1 as x")  # a write-ahead log beside it
    print(connection.execute("select count(*) from fct_events").fetchone()[0], flush=True)
    sys.stdin.readline()
    print(connection.execute("select count(*) from mine").fetchone()[0], flush=True)
    """
)


def test_a_read_write_holder_neither_blocks_the_pipeline_nor_breaks_later_readers(
    settings: Settings, tmp_path: Path
) -> None:
    write_release(settings, "doc-1", "L1")
    warehouse.refresh_serving_file(settings)
    script = tmp_path / "holder.py"
    script.write_text(READ_WRITE_HOLDER, encoding="utf-8")
    holder = subprocess.Popen(
        [sys.executable, str(script), settings.serving_path],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdin is not None and holder.stdout is not None
    try:
        assert holder.stdout.readline().strip() == "1"
        assert Path(settings.serving_path + ".wal").exists()
        write_release(settings, "doc-2", "L2")
        # the pipeline cannot read the held file's fingerprint: it builds a new file and
        # renames it over the held one, whose write-ahead log must not outlive it
        assert warehouse.refresh_serving_file(settings) is True
        assert warehouse.query(settings, "select count(*) from fct_events").rows == [(2,)]
        holder.stdin.write("\n")
        holder.stdin.flush()
        assert holder.stdout.readline().strip() == "1"  # the holder keeps its old file
    finally:
        holder.stdin.close()
        assert holder.wait(timeout=30) == 0
    assert warehouse.query(settings, "select count(*) from fct_events").rows == [(2,)]
