"""Several writers on one data root: DuckLake with a real PostgreSQL catalog, data on a real S3
server (moto on 127.0.0.1), writers as separate processes with separate state (two hosts)."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pytest

from ingest import lake, store
from ingest.backfill import backfill_feed
from ingest.config import Settings, load_settings
from ingest.errors import ConfigError
from ingest.parse import parse_bytes
from ingest.pipeline.archive import backfill
from ingest.warehouse import (
    publish,
    query,
    read_person_registry,
    run_checks,
    write_person_registry,
)
from support import postgres
from support.lakecrash import lake_settings, run_trials
from support.lakehosts import (
    Lake,
    Servers,
    credentials,
    finished,
    lake_servers,
    new_lake,
    start_writer,
)
from support.s3server import ACCESS_KEY, SECRET_KEY

ROOT = Path(__file__).resolve().parents[2]
FEEDS = ROOT / "tests" / "fixtures" / "feeds"
# two hosts' archives: both hold the two 2022 State Department feeds
HOST_A_FEEDS = (
    "state.gov_press-releases_rss_2021-05-23.xml",
    "state.gov_press-releases_rss_2022-02-24.xml",
    "state.gov_press-releases_rss_2022-08-03.xml",
)
HOST_B_FEEDS = (
    "state.gov_press-releases_rss_2022-02-24.xml",
    "state.gov_press-releases_rss_2022-08-03.xml",
    "news.gov.scot_rss_2017-06-27.xml",
)

pytestmark = pytest.mark.skipif(
    not postgres.available(), reason="PostgreSQL is not installed (make setup installs it)"
)


@pytest.fixture(scope="module")
def servers() -> Iterator[Servers]:
    with lake_servers() as started:
        yield started


def archive(directory: Path, names: tuple[str, ...]) -> Path:
    directory.mkdir(parents=True)
    for name in names:
        shutil.copyfile(FEEDS / name, directory / name)  # copies: backfill refuses links
    return directory


def reader_settings(found: Lake, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """This process as one more host reading the lake."""
    for name, value in credentials(found.servers).items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    return lake_settings(found, tmp_path / f"reader-{found.database}")


def contents(settings: Settings) -> dict[str, object]:
    """What a reader sees: the ids and counts the two-writer result must match."""

    def column(sql: str) -> list[object]:
        return [row[0] for row in query(settings, sql).rows]

    return {
        "doc_ids": column("select doc_id from stg_documents order by 1"),
        "event_ids": column("select event_id from fct_events order by 1"),
        "document_rows": column("select count(*) from stg_document_versions"),
        "event_rows": column("select count(*) from stg_event_versions"),
        "rejects": column("select count(*) from stg_rejects"),
    }


@pytest.mark.timeout(600)  # five processes: 21 s at load average 2.4, 145 s at 15 (2 cores)
def test_two_writer_hosts_at_once_store_what_one_writer_stores(
    servers: Servers, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    union = tuple(dict.fromkeys(HOST_A_FEEDS + HOST_B_FEEDS))
    alone = new_lake(servers, "one_writer")
    finished(start_writer(alone.host_env(tmp_path / "alone"), archive(tmp_path / "u", union)))

    shared = new_lake(servers, "two_writers")
    host_a, host_b = tmp_path / "host-a", tmp_path / "host-b"
    writers = [
        start_writer(shared.host_env(host_a), archive(tmp_path / "a", HOST_A_FEEDS)),
        start_writer(shared.host_env(host_b), archive(tmp_path / "b", HOST_B_FEEDS)),
    ]
    summaries = [finished(writer) for writer in writers]
    assert [s["status"] for s in summaries] == ["ok", "ok"], summaries

    expected = contents(reader_settings(alone, tmp_path, monkeypatch))
    together = reader_settings(shared, tmp_path, monkeypatch)
    assert expected["event_ids"] and contents(together) == expected
    assert [check.name for check in run_checks(together) if not check.passed] == []
    loads = query(together, "select count(*) from stg_loads where status = 'ok'").rows
    assert loads == [(2,)]

    # `ingest sql` on host A, and a DuckDB 1.4 reader of its serving file with its own secret
    env = shared.host_env(host_a)
    ingest = Path(sys.executable).with_name("ingest")
    done = subprocess.run(
        [str(ingest), "sql", "select count(*) from fct_events", "--csv"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[-1] == str(len(expected["event_ids"]))  # type: ignore[arg-type]
    assert read_with_duckdb_14(host_a / "ingest.duckdb", servers) == len(expected["event_ids"])  # type: ignore[arg-type]


def read_with_duckdb_14(serving_file: Path, servers: Servers) -> int:
    """A BI tool's read: DuckDB 1.4, httpfs, its own S3 secret, no catalog and no password."""
    host = servers.s3_endpoint.split("://", 1)[1]
    script = textwrap.dedent(
        f"""
        import duckdb
        from ingest.objectstore import extension_directory
        assert duckdb.__version__.startswith("1.4"), duckdb.__version__
        con = duckdb.connect({str(serving_file)!r}, read_only=True)
        con.execute("set extension_directory = ?", [extension_directory()])
        con.execute("load httpfs")
        con.execute(
            "create temporary secret bi (type s3, key_id '{ACCESS_KEY}', secret '{SECRET_KEY}', "
            "region 'us-east-1', endpoint '{host}', url_style 'path', use_ssl false)"
        )
        print(con.execute("select count(*) from fct_events").fetchone()[0])
        """
    )
    env = {"PATH": "/usr/bin:/bin", "HOME": str(serving_file.parent)}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, env=env
    )
    assert done.returncode == 0, done.stderr
    return int(done.stdout.split()[-1])


def test_a_commit_that_conflicts_reads_the_lake_again_and_adds_no_duplicate(
    servers: Servers, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Writer A stages the same documents as writer B; B commits while A's transaction is open:
    A's commit conflicts, A decides again on B's snapshot and writes nothing twice."""
    shared = new_lake(servers, "conflict")
    settings_a = reader_settings(shared, tmp_path / "a", monkeypatch)
    settings_b = dataclasses.replace(
        settings_a, state_path=str(tmp_path / "b" / "state" / "feeds.json")
    )
    documents = parse_bytes(backfill_feed(), (FEEDS / HOST_A_FEEDS[0]).read_bytes()).documents[:5]
    assert len(documents) == 5
    at = datetime(2026, 12, 6, tzinfo=UTC)
    store.write_documents(settings_a, documents, at, "load-a")
    store.write_documents(settings_b, documents, at, "load-b")
    staged_a = store.read_table(lake.staging_settings(settings_a, "load-a"), "documents")

    attempts: list[int] = []

    def apply() -> int:
        attempts.append(len(attempts) + 1)
        written = store.write_documents_table(settings_a, staged_a, "load-a")
        if len(attempts) == 1:  # B commits now, from its own connection (its own host)
            other = threading.Thread(target=store.commit_run, args=(settings_b, "load-b"))
            other.start()
            other.join()
        return written

    assert lake.commit(settings_a, "load-a", apply) == 0
    assert attempts == [1, 2]
    stored = store.read_table(settings_a, "documents", ["doc_id", "load_id"])
    assert stored.num_rows == 5
    assert set(stored.column("load_id").to_pylist()) == {"load-b"}


def test_a_run_that_lost_a_conflict_counts_in_loads_what_it_stored(
    servers: Servers, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both runs staged the same 5 documents as new; B commits first, so A's retry stores none
    of them: A's `loads` row says 0 new, not the 5 it counted before the conflict."""
    shared = new_lake(servers, "conflict_counts")
    settings_a = reader_settings(shared, tmp_path / "a", monkeypatch)
    settings_b = dataclasses.replace(
        settings_a, state_path=str(tmp_path / "b" / "state" / "feeds.json")
    )
    documents = parse_bytes(backfill_feed(), (FEEDS / HOST_A_FEEDS[0]).read_bytes()).documents[:5]
    at = datetime(2026, 12, 6, tzinfo=UTC)
    for settings, load_id in ((settings_a, "load-a"), (settings_b, "load-b")):
        store.write_documents(settings, documents, at, load_id)
        store.write_load(
            settings,
            {"load_id": load_id, "started_at": at, "status": "ok", "documents_new": 5},
        )

    write_events = store.write_events_table
    calls: list[str] = []

    def b_commits_first(settings: Settings, table: pa.Table, load_id: str) -> int:
        calls.append(load_id)
        if calls == ["load-a"]:  # inside A's first attempt: B commits from its own connection
            other = threading.Thread(target=store.commit_run, args=(settings_b, "load-b"))
            other.start()
            other.join()
        return write_events(settings, table, load_id)

    monkeypatch.setattr(store, "write_events_table", b_commits_first)
    written = store.commit_run(settings_a, "load-a")

    assert calls == ["load-a", "load-b", "load-a"]  # A conflicted once and decided again
    assert written["documents"] == 0
    loads = store.read_table(settings_a, "loads", ["load_id", "documents_new"]).to_pylist()
    assert sorted(loads, key=lambda row: row["load_id"]) == [
        {"load_id": "load-a", "documents_new": 0},
        {"load_id": "load-b", "documents_new": 5},
    ]


def test_two_hosts_publishing_people_at_once_keep_both_their_new_person_ids(
    servers: Servers, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both hosts read the registry before either wrote: each adds its own new spellings, and
    neither write drops the other's (one registry file replaced whole lost host A's)."""
    shared = new_lake(servers, "registry")
    host_a = reader_settings(shared, tmp_path / "a", monkeypatch)
    host_b = dataclasses.replace(host_a, state_path=str(tmp_path / "b" / "state" / "feeds.json"))
    write_person_registry(host_a, {"antony blinken": "p-blinken"})
    base = read_person_registry(host_b)

    write_person_registry(host_a, {**base, "sergey lavrov": "p-lavrov", "rutte": "p-rutte-a"})
    write_person_registry(host_b, {**base, "mark rutte": "p-rutte", "rutte": "p-rutte-b"})

    assert read_person_registry(host_a) == {
        "antony blinken": "p-blinken",
        "sergey lavrov": "p-lavrov",
        "mark rutte": "p-rutte",
        "rutte": "p-rutte-a",  # a key keeps the id it was first given
    }


@pytest.mark.timeout(600)
def test_compacting_the_lake_merges_files_and_readers_keep_reading(
    servers: Servers, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Three runs, three files per table; `compact` merges them into one commit: the views see
    the same rows (and no column of DuckLake's own), a serving file written before the merge
    reads on (the replaced files are kept), and with no keep time they go on the next compact."""
    shared = new_lake(servers, "compact")
    settings = reader_settings(shared, tmp_path / "host", monkeypatch)
    for number, name in enumerate(HOST_B_FEEDS):
        summary = backfill(settings, backfill_feed(), archive(tmp_path / f"run-{number}", (name,)))
        assert summary.status == "ok"
    before = contents(settings)
    columns = query(settings, "select * from stg_event_versions limit 0").columns
    serving = Path(settings.serving_path)
    old_serving = serving.with_name("before-compact.duckdb")
    shutil.copyfile(serving, old_serving)

    assert len(store.data_files(settings, "events")) >= 3  # `ingest status` shows them
    report = store.compact(settings)

    assert report["events"]["files_before"] >= 3 and report["events"]["files_after"] == 1
    assert report["documents"]["files_after"] == 1
    assert len(store.data_files(settings, "events")) == 1
    publish(settings)
    assert contents(settings) == before
    assert query(settings, "select * from stg_event_versions limit 0").columns == columns
    assert [check.name for check in run_checks(settings) if not check.passed] == []
    events = len(before["event_ids"])  # type: ignore[arg-type]
    assert read_with_duckdb_14(old_serving, servers) == events

    gone = store.compact(dataclasses.replace(settings, lake_keep_hours=0))
    assert gone["lake"]["files_deleted"] >= 3
    assert gone["marts"]["snapshots_deleted"] >= 3  # each run's marts but the newest
    assert read_with_duckdb_14(serving, servers) == events  # the current file names merged files


def test_a_column_the_schema_gained_is_added_to_the_lakes_table(
    servers: Servers, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A lake made by an older version lacks a column of today's `loads`: the next writer to
    attach adds it, and the rows written before read it as null."""
    older = new_lake(servers, "schema_evolution")
    settings = reader_settings(older, tmp_path, monkeypatch)
    at = datetime(2026, 12, 6, tzinfo=UTC)
    with lake.cursor(settings) as connection:
        connection.execute('alter table lake."loads" drop column "message"')
        connection.execute("insert into lake.loads (load_id, started_at) values ('old', ?)", [at])
    monkeypatch.setattr(lake, "_DATABASES", {})  # a new process: attaches again

    rows = lake.read_rows(settings, "loads", ["load_id", "message"]).to_pylist()

    assert rows == [{"load_id": "old", "message": None}]


def test_the_catalog_setting_never_holds_a_password(tmp_path: Path) -> None:
    settings_file = tmp_path / "settings.toml"
    settings_file.write_text(
        'catalog = "postgres:host=db dbname=lake user=ingest password=hunter2"\n', encoding="utf-8"
    )
    with pytest.raises(ConfigError, match="without its password") as raised:
        load_settings(settings_file, environ={})
    assert "hunter2" not in str(raised.value)
    with pytest.raises(ConfigError, match=r"INGEST_CATALOG.*postgres:"):
        load_settings(settings_file, environ={"INGEST_CATALOG": "sqlite:lake.db"})
    settings_file.write_text("", encoding="utf-8")
    given = "postgres:host=db dbname=lake user=ingest"
    assert load_settings(settings_file, environ={"INGEST_CATALOG": given}).catalog == given
    assert not lake.enabled(load_settings(settings_file, environ={}))


@pytest.mark.slow  # three crash trials: seven writer processes
@pytest.mark.timeout(600)
def test_a_writer_killed_mid_commit_leaves_nothing_half_visible_and_nothing_lost(
    servers: Servers, tmp_path: Path
) -> None:
    """Three trials of benchmarks/bench_lake_crash.py's twenty (README: Object storage)."""
    found = run_trials(servers, archive(tmp_path / "in", HOST_A_FEEDS[:1]), tmp_path, 3, seed=3)
    assert found["half_visible"] == 0 and found["lost_after_rerun"] == 0, found
    assert found["clean_rows"]["events_rows"] > 0
