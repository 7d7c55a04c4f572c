"""DuckLake, Apache Iceberg and Delta Lake measured side by side for the store (issue 19, item 3).

The 2,025-release corpus (the demo's three captured feeds and its archive, extracted once) is
cut into K runs; each run's documents, events and loads rows (the store's own schemas,
ingest.schemas) are committed to three table formats whose data files live on one S3 server
(moto, 127.0.0.1) and whose catalogs live in one PostgreSQL cluster, both started here:

- DuckLake, PostgreSQL catalog, attached the way ingest.lake attaches it: one transaction
  (and one commit) per run for all three tables;
- Iceberg, pyiceberg's SqlCatalog on PostgreSQL, its S3 FileIO pointed at moto: one commit per
  table (pyiceberg commits one table at a time);
- Delta Lake, deltalake (delta-rs) on S3 with conditional put (`aws_conditional_put=etag`, S3's
  If-None-Match, which moto's server honours: checked here), one commit per table; delta-rs 1.x
  has no DynamoDB lock any more.

Measured: write throughput (rows/s, runs/s) and each run's time until visible and its commit
time (p50/p95); TWO writer processes committing the same runs at once, each inserting only rows
it does not find (the store's rule): conflicts detected, rows duplicated or lost; whether one
commit spans two tables (a run whose events write fails: are its documents left visible?);
three mart queries taken from warehouse/models run by DuckDB 1.4 over each format (p50); and
which readers open each format with no network: DuckDB 1.4, duckdb-engine (SQLAlchemy), pyarrow
alone, the format's own Python library. Ratios against DuckLake from the same run.

Iceberg and Delta come from the optional dependency group `table-formats`:

    make table-formats
    .venv/bin/python benchmarks/bench_table_formats.py [--runs 10] [-o table_formats.json]
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from ingest import lake, objectstore, store  # noqa: E402
from ingest.config import Settings  # noqa: E402
from ingest.schemas import TABLES  # noqa: E402
from support.lakehosts import BUCKET, Servers, credentials, lake_servers  # noqa: E402
from support.s3server import ACCESS_KEY, SECRET_KEY  # noqa: E402

INSTALL = (
    "make table-formats  # or: .venv/bin/python -m pip install --group pyproject.toml:table-formats"
)
RUN_TABLES = ("documents", "events", "loads")  # what one run of the store commits
KEYS = {"documents": "doc_id", "events": "event_id", "loads": "load_id"}
QUERY_RUNS = 5  # timed runs per query, after one untimed
WRITER_RUNS = 4  # runs each of the two concurrent writers commits (the same runs for both)
WRITER_ATTEMPTS = 20
CORPUS = (ROOT / "config" / "demo" / "feeds", ROOT / "config" / "demo" / "archive")
Run = dict[str, pa.Table]  # one run's rows per table

# Taken from warehouse/models, over the raw tables (the current events of a store that never
# superseded any, so int_event_records is the events table, with its event_month):
# fct_country_pairs (tests/warehouse/test_table_formats_queries.py holds it to the mart), the
# who-met self-join of stg_participants, and agg_events_monthly joined to the documents.
QUERIES = {
    "fct_country_pairs": """
        with unnested as (
            select event_id, event_date, published_at, is_primary, event_type,
                unnest(participants) as participant
            from {events}
        ),
        event_affiliations as (
            select distinct event_id, cast(date_trunc('month', coalesce(event_date,
                cast(timezone('UTC', published_at) as date))) as date) as event_month,
                event_date, is_primary, participant.affiliation as affiliation
            from unnested
            where participant.affiliation is not null
                and event_type in ('meeting', 'call', 'visit', 'conference', 'signing')
        ),
        pairs as (
            select a.event_id, a.event_month, a.event_date, a.is_primary,
                a.affiliation as affiliation_a, b.affiliation as affiliation_b
            from event_affiliations as a
            join event_affiliations as b
                on a.event_id = b.event_id and a.affiliation < b.affiliation
        )
        select event_month, affiliation_a, affiliation_b, count(*) as event_count,
            count(*) filter (where is_primary) as primary_event_count,
            min(event_date) as first_event_on, max(event_date) as last_event_on
        from pairs group by event_month, affiliation_a, affiliation_b""",
    "who_met": """
        with people as (
            select event_id, unnest(participants).name as person_name from {events}
        )
        select a.person_name, b.person_name as met, count(*) as n
        from people as a join people as b
            on a.event_id = b.event_id and a.person_name <> b.person_name
        group by all""",
    "events_monthly_by_source": """
        select cast(date_trunc('month', coalesce(e.event_date,
                cast(timezone('UTC', e.published_at) as date))) as date) as event_month,
            e.event_type,
            d.source_id, count(*) as event_count, count(distinct e.doc_id) as documents
        from {events} as e join {documents} as d on e.doc_id = d.doc_id
        group by all""",
}


# --- the corpus ------------------------------------------------------------------------------


def corpus_store(workdir: Path) -> Settings:
    """The corpus extracted once into a local store (what `make demo` loads)."""
    from ingest.backfill import backfill_feed  # the extractor: imported only to run it
    from ingest.pipeline.archive import backfill

    settings = Settings(
        data_root=str(workdir / "corpus" / "data"),
        serving_path=str(workdir / "corpus" / "ingest.duckdb"),
        state_path=str(workdir / "corpus" / "state" / "feeds.json"),
    )
    backfill(settings, backfill_feed(), str(CORPUS[0]))
    backfill(settings, backfill_feed(), str(next(CORPUS[1].iterdir())))
    return settings


def cut_runs(settings: Settings, runs: int) -> list[Run]:
    """The store's documents cut into `runs` runs (events follow their documents), each with
    a loads row of its own."""
    documents = store.read_table(settings, "documents")
    events = store.read_table(settings, "events")
    loads = store.read_table(settings, "loads").slice(0, 1)
    doc_ids = sorted(set(documents.column("doc_id").to_pylist()))
    result = []
    for number in range(runs):
        part = pa.array(doc_ids[number::runs])
        load_id = f"bench-run-{number:03d}"
        result.append(
            {
                "documents": relabelled(
                    documents.filter(pc.is_in(documents["doc_id"], part)), load_id
                ),
                "events": relabelled(events.filter(pc.is_in(events["doc_id"], part)), load_id),
                "loads": relabelled(loads, load_id),
            }
        )
    return result


def relabelled(table: pa.Table, load_id: str) -> pa.Table:
    index = table.schema.get_field_index("load_id")
    column = pa.array([load_id] * table.num_rows, pa.string())
    return table.set_column(index, table.schema.field(index), column)


# --- where things live -----------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """One trial's tables in each format: a DuckLake catalog database and data root, an
    Iceberg namespace, a Delta prefix; all under one S3 prefix."""

    servers: Servers
    name: str  # also the PostgreSQL database of the DuckLake catalog

    @property
    def data_root(self) -> str:
        return f"s3://{BUCKET}/{self.name}"

    @property
    def lake_settings(self) -> Settings:
        pg = self.servers.postgres
        return Settings(
            data_root=self.data_root,
            serving_path="/nonexistent/ingest.duckdb",
            state_path="/nonexistent/state/feeds.json",
            s3_endpoint=self.servers.s3_endpoint,
            catalog=f"postgres:host={pg.host} port={pg.port} user={pg.user} dbname={self.name}",
        )

    def delta_uri(self, name: str) -> str:
        return f"{self.data_root}/delta/{name}"

    def iceberg_identifier(self, name: str) -> str:
        return f"{self.name}.{name}"


def spec(place: Place) -> dict[str, Any]:
    """What a writer process needs to find a place (JSON)."""
    pg = place.servers.postgres
    return {
        "name": place.name,
        "s3_endpoint": place.servers.s3_endpoint,
        "postgres": {k: getattr(pg, k) for k in ("host", "port", "user", "password", "database")},
    }


def place_from(found: dict[str, Any]) -> Place:
    from support.postgres import Postgres

    return Place(Servers(Postgres(**found["postgres"]), found["s3_endpoint"]), found["name"])


def iceberg_catalog(servers: Servers) -> Any:
    from pyiceberg.catalog.sql import SqlCatalog

    return SqlCatalog(
        "bench",
        uri=servers.postgres.url("postgresql+psycopg2", "iceberg_catalog"),
        warehouse=f"s3://{BUCKET}/iceberg-warehouse",
        **{
            "s3.endpoint": servers.s3_endpoint,
            "s3.access-key-id": ACCESS_KEY,
            "s3.secret-access-key": SECRET_KEY,
            "s3.region": "us-east-1",
        },
    )


def delta_options(servers: Servers) -> dict[str, str]:
    return {
        "AWS_ENDPOINT_URL": servers.s3_endpoint,
        "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        "AWS_REGION": "us-east-1",
        "AWS_ALLOW_HTTP": "true",
        # S3's If-None-Match on the log entry: of two writers of version N one gets 412 and
        # delta-rs re-checks its commit against the winner's (safe concurrent commits on S3)
        "aws_conditional_put": "etag",
    }


def create_tables(
    place: Place, catalog: Any, iceberg_properties: dict[str, str] | None = None
) -> None:
    """The run tables, empty, in every format."""
    from deltalake import write_deltalake

    place.servers.postgres.create_database(place.name)
    with lake.cursor(place.lake_settings):
        pass  # attaching makes the lake's tables and its _commits row (ingest.lake)
    catalog.create_namespace_if_not_exists(place.name)
    for name in RUN_TABLES:
        catalog.create_table(
            place.iceberg_identifier(name),
            schema=TABLES[name],
            location=f"{place.data_root}/iceberg/{name}",
            properties=iceberg_properties or {},
        )
        write_deltalake(
            place.delta_uri(name),
            TABLES[name].empty_table(),
            mode="append",
            storage_options=delta_options(place.servers),
        )


# --- writing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Timing:
    run_seconds: float  # from the first write until the run is visible
    commit_seconds: float | None  # the commit alone, where the format's API separates it


def ducklake_write(place: Place, _catalog: Any, run: Run) -> Timing:
    """One transaction: the run's three tables and the _commits row ingest.lake updates so
    that overlapping commits conflict."""
    began = time.perf_counter()
    with lake.cursor(place.lake_settings) as connection:
        connection.execute("begin")
        try:
            for name in RUN_TABLES:
                connection.register("_rows", run[name])
                connection.execute(f'insert into lake."{name}" by name select * from _rows')
                connection.unregister("_rows")
            connection.execute(lake.UPDATE_COMMITS_SQL, [run["loads"]["load_id"][0].as_py()])
            written = time.perf_counter()
            connection.execute("commit")
        except duckdb.Error:
            with suppress(duckdb.Error):
                connection.execute("rollback")
            raise
    done = time.perf_counter()
    return Timing(done - began, done - written)


def iceberg_write(place: Place, catalog: Any, run: Run) -> Timing:
    """One pyiceberg transaction per table: append writes the data files and manifests,
    commit_transaction swaps the table's metadata location in the catalog."""
    began = time.perf_counter()
    commit = 0.0
    for name in RUN_TABLES:
        table = catalog.load_table(place.iceberg_identifier(name))
        transaction = table.transaction()
        transaction.append(run[name])
        written = time.perf_counter()
        transaction.commit_transaction()
        commit += time.perf_counter() - written
    return Timing(time.perf_counter() - began, commit)


def delta_write(place: Place, _catalog: Any, run: Run) -> Timing:
    """One delta-rs append per table (it writes the files and commits in one call)."""
    from deltalake import write_deltalake

    began = time.perf_counter()
    for name in RUN_TABLES:
        write_deltalake(
            place.delta_uri(name),
            run[name],
            mode="append",
            storage_options=delta_options(place.servers),
        )
    return Timing(time.perf_counter() - began, None)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def bench_writes(name: str, write: Callable[[Run], Timing], runs: list[Run]) -> dict[str, Any]:
    timings = [write(run) for run in runs]
    seconds = sum(t.run_seconds for t in timings)
    rows = {table: sum(run[table].num_rows for run in runs) for table in RUN_TABLES}
    commits = [t.commit_seconds for t in timings if t.commit_seconds is not None]
    result = {
        "format": name,
        "runs": len(runs),
        "rows_written": rows,
        "seconds": round(seconds, 3),
        "rows_per_second": round(sum(rows.values()) / seconds, 1),
        "events_per_second": round(rows["events"] / seconds, 1),
        "runs_per_second": round(len(runs) / seconds, 3),
        "run_seconds_p50": round(statistics.median(t.run_seconds for t in timings), 4),
        "run_seconds_p95": round(percentile([t.run_seconds for t in timings], 0.95), 4),
        "commit_seconds_p50": round(statistics.median(commits), 4) if commits else None,
        "commit_seconds_p95": round(percentile(commits, 0.95), 4) if commits else None,
    }
    print(json.dumps(result), flush=True)
    return result


# --- one commit across tables? ---------------------------------------------------------------

BAD_EVENTS = pa.table({"no_such_column": pa.array([1], pa.int64())})


def documents_left_visible(
    table_format: TableFormat, place: Place, catalog: Any, run: Run
) -> dict[str, Any]:
    """Write a run whose events write fails after its documents: are the documents visible?"""
    broken = {**run, "events": BAD_EVENTS}
    before = count_rows(table_format, place, catalog, "documents")
    try:
        table_format.write(place, catalog, broken)
    except Exception as error:  # each library has its own error types
        failure = f"{type(error).__name__}: {str(error).strip().splitlines()[0][:160]}"
    else:
        raise AssertionError(f"{table_format.name}: a run with a bad events table was written")
    left = count_rows(table_format, place, catalog, "documents") - before
    return {
        "documents_left_visible": left,
        "one_commit_spans_tables": left == 0,
        "events_write_failed_with": failure,
    }


# --- reading ---------------------------------------------------------------------------------


def reader_setup(table_format: TableFormat, place: Place) -> list[str]:
    """The statements a DuckDB 1.4 client runs to read a format: the wheels' extensions, an S3
    secret for moto, then the format's own."""
    host = place.servers.s3_endpoint.removeprefix("http://")
    statements = [
        "set autoinstall_known_extensions = false",
        f"set extension_directory = '{objectstore.extension_directory()}'",
        "load httpfs",
        f"""create or replace secret bench_s3 (type s3, key_id '{ACCESS_KEY}',
            secret '{SECRET_KEY}', region 'us-east-1', endpoint '{host}',
            url_style 'path', use_ssl false)""",
    ]
    return statements + table_format.reader_statements(place)


def ducklake_reader_statements(place: Place) -> list[str]:
    """The lake attached read-only, its catalog's password from PGPASSWORD."""
    dsn = place.lake_settings.catalog.removeprefix("postgres:")
    return [
        "load postgres_scanner",
        "load ducklake",
        f"attach 'ducklake:postgres:{dsn}' as lake "
        f"(data_path '{lake.data_path(place.lake_settings)}', read_only)",
    ]


def ducklake_scan(_place: Place, _catalog: Any, table: str) -> str:
    return f'lake."{table}"'


def iceberg_scan(place: Place, catalog: Any, table: str) -> str:
    """The table's current metadata file, as the SQL catalog names it (DuckDB 1.4 attaches
    REST catalogs only)."""
    location = catalog.load_table(place.iceberg_identifier(table)).metadata_location
    return f"iceberg_scan('{location}')"


def delta_scan(place: Place, _catalog: Any, table: str) -> str:
    return f"delta_scan('{place.delta_uri(table)}')"


def reader(table_format: TableFormat, place: Place) -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect(config={"autoinstall_known_extensions": False})
    for statement in reader_setup(table_format, place):
        connection.execute(statement)
    return connection


def fingerprint(rows: list[tuple[Any, ...]]) -> str:
    return hashlib.sha256(repr(sorted(rows, key=repr)).encode()).hexdigest()[:16]


def bench_reads(table_format: TableFormat, place: Place, catalog: Any) -> dict[str, Any]:
    connection = reader(table_format, place)
    tables = {table: table_format.scan(place, catalog, table) for table in RUN_TABLES}
    p50s, prints = {}, {}
    for query_name, template in QUERIES.items():
        sql = template.format(**tables)
        prints[query_name] = fingerprint(connection.execute(sql).fetchall())  # untimed
        timings = []
        for _ in range(QUERY_RUNS):
            began = time.perf_counter()
            connection.execute(sql).fetchall()
            timings.append(time.perf_counter() - began)
        p50s[query_name] = round(statistics.median(timings), 4)
    connection.close()
    return {
        "query_seconds_p50": p50s,
        "query_seconds_p50_sum": round(sum(p50s.values()), 4),
        "result_fingerprints": prints,
    }


def count_rows(table_format: TableFormat, place: Place, catalog: Any, table: str) -> int:
    return _counted(table_format, place, catalog, table, "count(*)")


def distinct_keys(table_format: TableFormat, place: Place, catalog: Any, table: str) -> int:
    return _counted(table_format, place, catalog, table, f"count(distinct {KEYS[table]})")


def _counted(
    table_format: TableFormat, place: Place, catalog: Any, table: str, aggregate: str
) -> int:
    """One count over a table of the format, read by DuckDB 1.4 as a BI tool would."""
    connection = reader(table_format, place)
    try:
        source = table_format.scan(place, catalog, table)
        row = connection.execute(f"select {aggregate} from {source}").fetchone()
    finally:
        connection.close()
    return int(row[0]) if row else 0


# --- which readers open each format with no network ------------------------------------------


def readers_that_open(
    table_format: TableFormat, place: Place, catalog: Any, expected_events: int
) -> dict[str, Any]:
    """Each reader counts the events table; a reader 'opens' the format when it gets the
    committed count (pyarrow alone reads every Parquet file under the table, committed or not)."""
    found: dict[str, Any] = {}
    for reader_name, count in (
        ("duckdb_1.4", lambda: count_rows(table_format, place, catalog, "events")),
        ("duckdb_engine_sqlalchemy", lambda: sqlalchemy_count(table_format, place, catalog)),
        ("pyarrow_alone", lambda: pyarrow_count(table_format, place)),
        ("format_python_library", lambda: library_count(table_format, place, catalog)),
    ):
        try:
            rows = count()
        except Exception as error:  # a reader that cannot open the format: say why
            found[reader_name] = {"opens": False, "error": str(error).strip().splitlines()[0][:200]}
            continue
        if rows is None:
            found[reader_name] = {"opens": False, "error": "no such reader for this format"}
        else:
            found[reader_name] = {"opens": rows == expected_events, "events_counted": rows}
    return found


def sqlalchemy_count(table_format: TableFormat, place: Place, catalog: Any) -> int:
    """Through duckdb-engine, the path BI tools take (tests/warehouse/test_bi_views.py)."""
    import sqlalchemy

    engine = sqlalchemy.create_engine("duckdb:///:memory:")
    try:
        with engine.connect() as connection:
            for statement in reader_setup(table_format, place):
                connection.execute(sqlalchemy.text(statement))
            source = table_format.scan(place, catalog, "events")
            return int(
                connection.execute(sqlalchemy.text(f"select count(*) from {source}")).scalar_one()
            )
    finally:
        engine.dispose()


def pyarrow_count(table_format: TableFormat, place: Place) -> int:
    """pyarrow's own S3 client over the table's Parquet files, knowing nothing of the format."""
    from pyarrow import dataset, fs

    s3 = fs.S3FileSystem(
        access_key=ACCESS_KEY,
        secret_key=SECRET_KEY,
        region="us-east-1",
        endpoint_override=place.servers.s3_endpoint,
        scheme="http",
    )
    folder = f"{BUCKET}/{place.name}/{table_format.events_files}"
    selector = fs.FileSelector(folder, recursive=True)
    paths = [f.path for f in s3.get_file_info(selector) if f.path.endswith(".parquet")]
    return int(dataset.dataset(paths, format="parquet", filesystem=s3).count_rows())


def library_count(table_format: TableFormat, place: Place, catalog: Any) -> int | None:
    """The events counted by the format's own Python library (DuckLake has none but DuckDB's
    extension, counted above)."""
    if table_format.library_count is None:
        return None
    return table_format.library_count(place, catalog)


def iceberg_library_count(place: Place, catalog: Any) -> int:
    return int(catalog.load_table(place.iceberg_identifier("events")).scan().count())


def delta_library_count(place: Place, _catalog: Any) -> int:
    from deltalake import DeltaTable

    table = DeltaTable(place.delta_uri("events"), storage_options=delta_options(place.servers))
    return int(table.to_pyarrow_dataset().count_rows())


# --- two writers at once ---------------------------------------------------------------------


def conditional_put_honoured(servers: Servers) -> bool:
    """Does the S3 server refuse a second If-None-Match: * put of one key (Delta's commit)?"""
    import boto3

    client = boto3.client(
        "s3",
        endpoint_url=servers.s3_endpoint,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        region_name="us-east-1",
    )
    client.put_object(Bucket=BUCKET, Key="probe/once", Body=b"1", IfNoneMatch="*")
    try:
        client.put_object(Bucket=BUCKET, Key="probe/once", Body=b"2", IfNoneMatch="*")
    except client.exceptions.ClientError as error:
        return "PreconditionFailed" in str(error) or "412" in str(error)
    return False


def concurrent_trial(
    servers: Servers,
    catalog: Any,
    workdir: Path,
    table_format: TableFormat,
    mode: str,
    runs: list[Run],
) -> dict[str, Any]:
    """Two writer processes commit the same runs (their own load ids) at the same moment, each
    inserting only the rows it does not find; then count what the table holds."""
    name = table_format.name
    place = Place(servers, f"trial_{name}_{mode}")
    no_retries = {"commit.retry.num-retries": "0"} if mode == "no_commit_retries" else None
    create_tables(place, catalog, no_retries)
    folder = workdir / place.name
    folder.mkdir()
    for number, run in enumerate(runs):
        for table in RUN_TABLES:
            pq.write_table(run[table], folder / f"{number}-{table}.parquet")
    start_at = time.time() + 8  # both processes imported and connected by then
    writers = [
        subprocess.Popen(
            [
                sys.executable,
                __file__,
                "--writer",
                json.dumps(
                    {
                        "place": spec(place),
                        "format": name,
                        "mode": mode,
                        "folder": str(folder),
                        "runs": len(runs),
                        "writer": writer,
                        "start_at": start_at,
                    }
                ),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, **credentials(servers)},
        )
        for writer in ("a", "b")
    ]
    reports = []
    for process in writers:
        out, err = process.communicate(timeout=600)
        if process.returncode != 0:
            raise RuntimeError(f"{name}/{mode} writer failed: {err.strip()[-2000:]}")
        reports.append(json.loads(out.strip().splitlines()[-1]))
    result: dict[str, Any] = {"format": name, "mode": mode, "writers": reports}
    for table in ("documents", "events"):
        expected = len(set(pa.concat_tables(run[table] for run in runs)[KEYS[table]].to_pylist()))
        rows = count_rows(table_format, place, catalog, table)
        distinct = distinct_keys(table_format, place, catalog, table)
        result[table] = {
            "expected": expected,
            "rows": rows,
            "duplicated": rows - distinct,
            "lost": expected - distinct,
        }
    result["conflicts_detected"] = sum(r["conflicts"] for r in reports)
    # files of lost or rolled-back commits stay on S3: a reader without the format counts them
    result["pyarrow_alone_events"] = pyarrow_count(table_format, place)
    result["loads_rows"] = count_rows(table_format, place, catalog, "loads")
    print(json.dumps({k: v for k, v in result.items() if k != "writers"}), flush=True)
    return result


def is_conflict(error: BaseException) -> bool:
    text = f"{type(error).__name__} {error}".lower()
    return any(
        word in text for word in ("conflict", "commitfailed", "concurrent", "updated by another")
    )


def writer_main(arguments: dict[str, Any]) -> None:
    """One of the two concurrent writers (a process of its own, as a separate host)."""
    place = place_from(arguments["place"])
    table_format, mode = FORMATS[arguments["format"]], arguments["mode"]
    folder = Path(arguments["folder"])
    runs = [
        {t: pq.read_table(folder / f"{n}-{t}.parquet") for t in RUN_TABLES}
        for n in range(arguments["runs"])
    ]
    catalog = iceberg_catalog(place.servers)
    with lake.cursor(place.lake_settings):
        pass  # connected before the start, as a running host is
    time.sleep(max(0.0, arguments["start_at"] - time.time()))
    conflicts = commits = 0
    began = time.perf_counter()
    for number, run in enumerate(runs):
        load_id = f"writer-{arguments['writer']}-run-{number}"
        run = {**run, "loads": relabelled(run["loads"], load_id)}
        for _ in range(WRITER_ATTEMPTS):
            try:
                commits += table_format.insert_new(place, catalog, run, mode)
                break
            except Exception as error:  # each library has its own error types
                if not is_conflict(error):
                    raise
                conflicts += 1
                time.sleep(0.05 * conflicts)
        else:
            raise RuntimeError(f"{table_format.name}: {WRITER_ATTEMPTS} conflicting commits")
    print(
        json.dumps(
            {
                "writer": arguments["writer"],
                "commits": commits,
                "conflicts": conflicts,
                "seconds": round(time.perf_counter() - began, 3),
            }
        )
    )


def new_rows(table: pa.Table, key: str, existing: pa.Array) -> pa.Table:
    return table.filter(pc.invert(pc.is_in(table[key], existing)))


def ducklake_insert_new(place: Place, _catalog: Any, run: Run, mode: str) -> int:
    """Insert the run's rows whose keys the table does not hold (the store's rule), in one
    transaction; with mode commits_row it also updates the _commits row (ingest.lake). Each
    insert_new returns the commits made; a conflict raises (the writer reads again)."""
    with lake.cursor(place.lake_settings) as connection:
        connection.execute("begin")
        try:
            for name in RUN_TABLES:
                key = KEYS[name]
                connection.register("_rows", run[name])
                connection.execute(
                    f'insert into lake."{name}" by name select * from _rows '
                    f'where "{key}" not in (select "{key}" from lake."{name}")'
                )
                connection.unregister("_rows")
            if mode == "commits_row":
                connection.execute(lake.UPDATE_COMMITS_SQL, [run["loads"]["load_id"][0].as_py()])
            connection.execute("commit")
        except duckdb.Error:
            with suppress(duckdb.Error):
                connection.execute("rollback")
            raise
    return 1


def iceberg_insert_new(place: Place, catalog: Any, run: Run, _mode: str) -> int:
    """Per table: read the keys of the latest snapshot, append the new rows; the catalog
    refuses the commit when the table moved since (pyiceberg's AssertRefSnapshotId)."""
    commits = 0
    for name in RUN_TABLES:
        table = catalog.load_table(place.iceberg_identifier(name))
        key = KEYS[name]
        existing = table.scan(selected_fields=(key,)).to_arrow()[key]
        rows = new_rows(run[name], key, existing.combine_chunks())
        if rows.num_rows:
            table.append(rows)
            commits += 1
    return commits


def delta_insert_new(place: Place, _catalog: Any, run: Run, mode: str) -> int:
    """Per table: read the keys then append the new rows (a blind append to delta-rs), or a
    MERGE ... WHEN NOT MATCHED INSERT, whose read delta-rs checks against concurrent commits."""
    from deltalake import DeltaTable, write_deltalake

    commits = 0
    options = delta_options(place.servers)
    for name in RUN_TABLES:
        table = DeltaTable(place.delta_uri(name), storage_options=options)
        key = KEYS[name]
        if mode == "merge":
            (
                table.merge(
                    source=run[name],
                    predicate=f"target.{key} = source.{key}",
                    source_alias="source",
                    target_alias="target",
                )
                .when_not_matched_insert_all()
                .execute()
            )
            commits += 1
            continue
        existing = table.to_pyarrow_dataset().to_table(columns=[key])[key]
        rows = new_rows(run[name], key, existing.combine_chunks())
        if rows.num_rows:
            write_deltalake(table, rows, mode="append")
            commits += 1
    return commits


# --- the formats -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TableFormat:
    """How the benchmark writes, reads and counts one table format."""

    name: str
    write: Callable[[Place, Any, Run], Timing]  # one run, as fast as the format commits it
    insert_new: Callable[[Place, Any, Run, str], int]  # a concurrent writer's run, by mode
    concurrent_modes: tuple[str, ...]  # the plain way first, then the guarded one
    reader_statements: Callable[[Place], list[str]]  # after httpfs and the S3 secret
    scan: Callable[[Place, Any, str], str]  # a table as DuckDB 1.4 reads it
    events_files: str  # where the events table's Parquet files are, under the place
    library_count: Callable[[Place, Any], int] | None  # its own Python library's reader


FORMATS = {
    table_format.name: table_format
    for table_format in (
        TableFormat(
            "ducklake",
            ducklake_write,
            ducklake_insert_new,
            ("plain", "commits_row"),
            ducklake_reader_statements,
            ducklake_scan,
            "lake/main/events",
            None,
        ),
        TableFormat(
            "iceberg",
            iceberg_write,
            iceberg_insert_new,
            # pyiceberg re-applies a losing append on the newer snapshot (5 times by default)
            # without checking what the writer read; with no retries the loser reads again
            ("read_then_append", "no_commit_retries"),
            lambda _place: ["load iceberg"],
            iceberg_scan,
            "iceberg/events/data",
            iceberg_library_count,
        ),
        TableFormat(
            "delta",
            delta_write,
            delta_insert_new,
            ("read_then_append", "merge"),
            lambda _place: ["load delta"],
            delta_scan,
            "delta/events",
            delta_library_count,
        ),
    )
}


# --- the whole run ---------------------------------------------------------------------------


def missing_dependencies() -> list[str]:
    missing = [
        m for m in ("pyiceberg", "deltalake", "psycopg2") if importlib.util.find_spec(m) is None
    ]
    extensions = Path(objectstore.extension_directory())
    for extension in ("iceberg", "avro", "delta"):
        if not list(extensions.glob(f"*/*/{extension}.duckdb_extension")):
            missing.append(f"duckdb-ext-{extension}")
    return missing


def ratios(results: dict[str, dict[str, Any]]) -> dict[str, dict[str, float]]:
    keys = (
        "rows_per_second",
        "runs_per_second",
        "run_seconds_p50",
        "run_seconds_p95",
        "commit_seconds_p50",
        "query_seconds_p50_sum",
    )
    base = results["ducklake"]
    return {
        name: {k: round(r[k] / base[k], 2) for k in keys if r.get(k) and base.get(k)}
        for name, r in results.items()
        if name != "ducklake"
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="runs the corpus is cut into")
    parser.add_argument("-o", "--output", default=str(ROOT / "benchmarks" / "table_formats.json"))
    parser.add_argument("--writer", help=argparse.SUPPRESS)  # a concurrent writer process
    args = parser.parse_args()
    if args.writer:
        writer_main(json.loads(args.writer))
        return
    missing = missing_dependencies()
    if missing:
        print(f"missing {', '.join(missing)}: {INSTALL}", file=sys.stderr)
        raise SystemExit(2)
    load_average = os.getloadavg()
    workdir = Path(tempfile.mkdtemp(prefix="bench-formats-"))
    try:
        runs = cut_runs(corpus_store(workdir), args.runs)
        with lake_servers() as servers:
            os.environ.update(credentials(servers))
            output = measure(servers, workdir, runs)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    output = {
        "benchmark": "table_formats",
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.python_version()}",
        "load_average_at_start": [round(x, 2) for x in load_average],
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        "command": "python benchmarks/bench_table_formats.py " + " ".join(sys.argv[1:]),
        "versions": versions(),
        **output,
    }
    Path(args.output).write_text(json.dumps(output, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(output["ratios_to_ducklake"], indent=2))


def measure(servers: Servers, workdir: Path, runs: list[Run]) -> dict[str, Any]:
    servers.postgres.create_database("iceberg_catalog")
    catalog = iceberg_catalog(servers)
    place = Place(servers, "throughput")
    create_tables(place, catalog)
    events = sum(run["events"].num_rows for run in runs)
    results: dict[str, dict[str, Any]] = {}
    for name, table_format in FORMATS.items():
        results[name] = bench_writes(name, partial(table_format.write, place, catalog), runs)
        results[name].update(bench_reads(table_format, place, catalog))
        results[name]["readers"] = readers_that_open(table_format, place, catalog, events)
        results[name].update(documents_left_visible(table_format, place, catalog, runs[0]))
        print(json.dumps({name: {k: results[name][k] for k in ("query_seconds_p50", "readers")}}))
    trials = [
        concurrent_trial(servers, catalog, workdir, table_format, mode, runs[:WRITER_RUNS])
        for table_format in FORMATS.values()
        for mode in table_format.concurrent_modes
    ]
    prints = {name: r["result_fingerprints"] for name, r in results.items()}
    return {
        "corpus": {
            "documents": sum(run["documents"].num_rows for run in runs),
            "events": events,
            "runs": len(runs),
        },
        "s3_conditional_put_honoured_by_moto": conditional_put_honoured(servers),
        "results": list(results.values()),
        "same_query_results_in_every_format": len(
            {json.dumps(p, sort_keys=True) for p in prints.values()}
        )
        == 1,
        "concurrent_writers": trials,
        "ratios_to_ducklake": ratios(results),
    }


def versions() -> dict[str, str]:
    from importlib.metadata import version

    names = (
        "duckdb",
        "pyiceberg",
        "deltalake",
        "duckdb-ext-ducklake",
        "duckdb-ext-iceberg",
        "duckdb-ext-delta",
        "moto",
    )
    return {name: version(name) for name in names}


if __name__ == "__main__":
    main()
