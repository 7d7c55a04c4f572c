"""An s3:// data root against a real S3-compatible server (moto's server mode on 127.0.0.1).

The whole path: a backfill writes Parquet to the bucket, the marts are computed from it, the
serving file's views read it, `ingest sql` answers through the restricted connection; the
credentials reach DuckDB as a temporary secret and are written nowhere.
"""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import boto3
import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ingest.backfill import backfill_feed
from ingest.config import Settings, load_settings
from ingest.errors import ConfigError, StoreError
from ingest.files import filesystem
from ingest.pipeline.archive import backfill
from ingest.warehouse import query, read_only_connection, run_checks
from support.lakehosts import s3_bucket
from support.s3server import ACCESS_KEY, SECRET_KEY

ROOT = Path(__file__).resolve().parents[2]
FEED = ROOT / "tests" / "fixtures" / "feeds" / "state.gov_press-releases_rss_2021-05-23.xml"
BUCKET = "ingest-lake"


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    with s3_bucket(BUCKET) as url:
        yield url


@pytest.fixture
def s3_settings(
    endpoint: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> Settings:
    for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_PROFILE", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    prefix = request.node.name.replace("[", "-").replace("]", "")
    return Settings(
        data_root=f"s3://{BUCKET}/{prefix}",
        serving_path=str(tmp_path / "serving.duckdb"),
        state_path=str(tmp_path / "state" / "feeds.json"),
        s3_endpoint=endpoint,
    )


def keys_under(endpoint: str, prefix: str) -> list[str]:
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        region_name="us-east-1",
    )
    pages = client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix)
    return [item["Key"] for page in pages for item in page.get("Contents", [])]


def test_a_run_into_an_s3_data_root_is_queryable_and_keeps_no_secret(
    s3_settings: Settings, endpoint: str, tmp_path: Path
) -> None:
    summary = backfill(s3_settings, backfill_feed(), str(FEED))
    assert summary.status == "ok", summary.to_markdown()
    assert summary.documents_new > 0 and summary.events_written > 0

    prefix = s3_settings.data_root.split(f"{BUCKET}/", 1)[1]
    stored = keys_under(endpoint, prefix)
    assert any(key.startswith(f"{prefix}/events/") for key in stored), stored
    assert any(key.startswith(f"{prefix}/_marts/dim_people/snapshot=") for key in stored), stored

    counted = query(s3_settings, "select count(*) from stg_documents").rows
    assert counted == [(summary.documents_new,)]
    events = query(s3_settings, "select count(*) from fct_events").rows[0][0]
    assert events == summary.events_written
    assert [c.name for c in run_checks(s3_settings) if not c.passed] == []

    # the credentials were a temporary secret: not in the serving file, nor beside it
    for path in tmp_path.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert SECRET_KEY.encode() not in data and ACCESS_KEY.encode() not in data, path


def test_ingest_sql_on_an_s3_root_reads_only_that_root(s3_settings: Settings) -> None:
    backfill(s3_settings, backfill_feed(), str(FEED))
    fs, _ = filesystem(s3_settings)
    pq.write_table(
        pa.table({"secret": ["other team's row"]}), f"{BUCKET}/elsewhere/x.parquet", filesystem=fs
    )
    with pytest.raises(StoreError):
        query(s3_settings, f"select * from read_parquet('s3://{BUCKET}/elsewhere/x.parquet')")
    with pytest.raises(StoreError):
        query(s3_settings, f"copy (select 1) to 's3://{BUCKET}/leak.csv'")
    # the connection itself, under the guard, reaches nothing outside the data root
    with read_only_connection(s3_settings) as connection:
        assert connection.execute("select count(*) from fct_events").fetchone()[0] > 0
        with pytest.raises(duckdb.Error):
            connection.execute(f"select * from read_parquet('s3://{BUCKET}/elsewhere/x.parquet')")
        with pytest.raises(duckdb.Error):
            connection.execute(f"copy (select 1) to 's3://{BUCKET}/elsewhere/leak.csv'")


def test_a_bi_tool_reads_the_serving_file_with_its_own_secret(
    s3_settings: Settings, endpoint: str
) -> None:
    """What README tells a BI user: open the file read-only, create a secret, query."""
    backfill(s3_settings, backfill_feed(), str(FEED))
    host = endpoint.split("://", 1)[1]
    script = textwrap.dedent(
        f"""
        import duckdb
        from ingest.objectstore import extension_directory
        con = duckdb.connect({s3_settings.serving_path!r}, read_only=True)
        con.execute("set extension_directory = ?", [extension_directory()])
        con.execute("load httpfs")
        try:
            con.execute("select count(*) from fct_events").fetchone()
            print("read without a secret")
        except duckdb.Error:
            pass
        con.execute(
            "create temporary secret bi (type s3, key_id '{ACCESS_KEY}', secret '{SECRET_KEY}', "
            "region 'us-east-1', endpoint '{host}', url_style 'path', use_ssl false)"
        )
        print(con.execute("select count(*) from fct_events").fetchone()[0])
        """
    )
    env = {"PATH": "/usr/bin:/bin", "HOME": str(Path(s3_settings.serving_path).parent)}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, env=env
    )
    assert done.returncode == 0, done.stderr
    expected = query(s3_settings, "select count(*) from fct_events").rows[0][0]
    assert done.stdout.split() == [str(expected)]


def test_s3_settings_are_checked_with_one_line_errors(tmp_path: Path) -> None:
    settings_file = tmp_path / "settings.toml"
    settings_file.write_text('s3_url_style = "sideways"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"s3_url_style.*'path', 'vhost'"):
        load_settings(settings_file, environ={})
    bad = dataclasses.replace(Settings(), data_root="s3://b/p", s3_endpoint="ftp://host:21")
    from ingest.objectstore import s3_access

    with pytest.raises(ConfigError, match="expected host:port or http"):
        s3_access(bad, environ={})
