"""Writer hosts on one DuckLake for the tests and benchmarks: a real PostgreSQL catalog, a real
S3 server (moto) and writer PROCESSES, each with its own state folder as a separate host has.

A writer is `python -m support.lakehosts PATH`: a backfill of PATH (what `ingest backfill` runs,
without Prefect's server start) with its settings from INGEST_* variables, the catalog password
from PGPASSWORD; it prints its summary as one JSON line and logs the store's steps to stderr.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3

from support.postgres import Postgres, postgres_server
from support.s3server import ACCESS_KEY, SECRET_KEY, s3_server

BUCKET = "ingest-lake-hosts"
TESTS_DIR = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Servers:
    postgres: Postgres
    s3_endpoint: str


@dataclass(frozen=True)
class Lake:
    """One lake: a catalog database and a data root, shared by every host writing it."""

    servers: Servers
    database: str

    @property
    def catalog(self) -> str:
        pg = self.servers.postgres  # no password: writers take it from PGPASSWORD
        return f"postgres:host={pg.host} port={pg.port} user={pg.user} dbname={self.database}"

    @property
    def data_root(self) -> str:
        return f"s3://{BUCKET}/{self.database}"

    def host_env(self, host_dir: Path) -> dict[str, str]:
        """The environment of one writer host: its own state and serving file."""
        settings_file = host_dir / "settings.toml"
        host_dir.mkdir(parents=True, exist_ok=True)
        settings_file.write_text("", encoding="utf-8")
        return {
            **os.environ,
            "PYTHONPATH": str(TESTS_DIR),
            "INGEST_SETTINGS": str(settings_file),
            "INGEST_DATA_ROOT": self.data_root,
            "INGEST_CATALOG": self.catalog,
            "INGEST_S3_ENDPOINT": self.servers.s3_endpoint,
            "INGEST_STATE_PATH": str(host_dir / "state" / "feeds.json"),
            "INGEST_SERVING_PATH": str(host_dir / "ingest.duckdb"),
            "PREFECT_HOME": str(host_dir / "prefect"),
            **credentials(self.servers),
        }


def credentials(servers: Servers) -> dict[str, str]:
    return {
        "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        "AWS_REGION": "us-east-1",
        "PGPASSWORD": servers.postgres.password,
    }


@contextmanager
def lake_servers() -> Iterator[Servers]:
    """A PostgreSQL cluster and an S3 server with the bucket made; both stopped afterwards."""
    with postgres_server("postgres_lakes") as postgres, s3_bucket() as endpoint:
        yield Servers(postgres, endpoint)


@contextmanager
def s3_bucket(bucket: str = BUCKET) -> Iterator[str]:
    """An S3 server with `bucket` made (its endpoint URL); stopped afterwards."""
    with s3_server() as endpoint:
        boto3.client(
            "s3",
            endpoint_url=endpoint,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            region_name="us-east-1",
        ).create_bucket(Bucket=bucket)
        yield endpoint


def new_lake(servers: Servers, name: str) -> Lake:
    servers.postgres.create_database(name)
    return Lake(servers, name)


def start_writer(env: dict[str, str], path: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "support.lakehosts", str(path)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finished(writer: subprocess.Popen[str], timeout: float = 300) -> dict[str, Any]:
    """The summary a writer printed; its stderr in the error when it failed."""
    out, err = writer.communicate(timeout=timeout)
    if writer.returncode != 0:
        raise AssertionError(f"writer failed ({writer.returncode}): {err[-3000:]}")
    return dict(json.loads(out.strip().splitlines()[-1]))


def _main(path: str) -> None:
    from ingest.backfill import backfill_feed
    from ingest.config import load_settings
    from ingest.pipeline.archive import backfill

    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(message)s")
    logging.getLogger("ingest.lake").setLevel(logging.INFO)  # commit begin/end, conflicts
    summary = backfill(load_settings(), backfill_feed(), path)
    row = summary.to_load_row()
    print(json.dumps({k: row[k] for k in ("load_id", "status", "documents_new", "events_written")}))


if __name__ == "__main__":
    _main(sys.argv[1])
