"""Publication versions: each publication is a new file, never one replaced under a reader.

Reliability finding: test_a_reader_never_sees_part_of_a_backfill failed now and then with
`TProtocolException: Invalid data`. DuckDB opens a Parquet path more than once per query (bind,
then scan), and `_publication.parquet` was replaced at the same path on every publication.
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from tests.warehouse.factories import FETCHED_AT
from tests.warehouse.test_publication import counts, write_release

from ingest import publication, warehouse
from ingest.config import Settings
from ingest.schemas import PUBLICATION

READER = """
import json, sys, time
import duckdb
sql = "select (select count(*) from fct_events), (select count(*) from stg_participants)"
errors, reads, end = [], 0, time.time() + float(sys.argv[2])
config = {"enable_external_file_cache": False}  # every query opens the files again
connection = duckdb.connect(sys.argv[1], read_only=True, config=config)
while time.time() < end:
    try:
        connection.sql(sql).fetchall()
    except Exception as error:
        errors.append(str(error).splitlines()[0][:120])
    reads += 1
print(json.dumps({"reads": reads, "errors": errors}))
"""


def _versions(settings: Settings) -> list[str]:
    return sorted(p.name for p in Path(settings.data_root, publication.PUBLICATION_DIR).iterdir())


def test_a_reader_never_fails_while_publications_are_written(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # versions pruned while the reader reads (after a second, not ten minutes: a query under load
    # may take longer than a few hundred ms from listing to opening): it must not open them
    monkeypatch.setattr(publication, "SUPERSEDED_KEEP", timedelta(seconds=1))
    write_release(settings, "doc-1", "L1", "Person One")
    warehouse.refresh_serving_file(settings)
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, settings.serving_path, "3"],
        stdout=subprocess.PIPE,
        text=True,
    )
    writes = 0
    while reader.poll() is None:
        # files of different sizes: a footer read at bind then matches no file at the scan
        loads = tuple(publication.InFlight(f"gone-{i}", FETCHED_AT) for i in range(writes % 20))
        with publication.locked(settings) as current:
            publication.write(settings, dataclasses.replace(current, in_flight=loads))
        writes += 1
        time.sleep(0.01)
    out, _ = reader.communicate(timeout=60)
    result = json.loads(out)
    assert result["reads"] > 10 and writes > 10
    assert result["errors"] == [], result["errors"][:3]
    assert len(_versions(settings)) < writes  # pruned as it went


def test_the_newest_version_wins(settings: Settings) -> None:
    write_release(settings, "doc-1", "L1", "Person One")
    warehouse.refresh_serving_file(settings)
    publication.begin(settings, "L2", FETCHED_AT)
    publication.begin(settings, "L3", FETCHED_AT)
    assert publication.read(settings).hidden == {"L2", "L3"}
    assert len(_versions(settings)) >= 3  # every publication a new file
    # the views read the version with the greatest name too
    sql = warehouse.render("{{ unpublished_loads }}", settings)
    assert sorted(duckdb.sql(sql).fetchall()) == [("L2",), ("L3",)]
    with publication.locked(settings) as current:
        publication.write(settings, current.without(["L2"]))
    assert duckdb.sql(sql).fetchall() == [("L3",)]
    assert publication.read(settings).hidden == {"L3"}


def test_pruning_keeps_the_newest_and_the_recently_superseded() -> None:
    now = time.time_ns()
    minute = 60 * 10**9

    name = publication.version_name

    old = [name(now - (60 - i) * minute) for i in range(5)]  # superseded an hour ago
    recent = [name(now - (5 - i) * minute) for i in range(3)]  # within SUPERSEDED_KEEP
    versions = [*old, *recent, name(now)]
    # old[-1] was superseded by recent[0], five minutes ago: it stays
    assert publication.prunable(versions, now) == old[:-1]
    few = [name(now - (60 - i) * minute) for i in range(4)]
    assert publication.prunable(few, now) == few[:1]  # the newest KEEP_VERSIONS stay
    assert publication.prunable(few[:3], now) == []


def test_a_legacy_publication_file_is_read_then_migrated(settings: Settings) -> None:
    write_release(settings, "doc-1", "L1", "Person One")
    legacy = Path(settings.data_root, publication.LEGACY_FILE)
    row = {
        "in_flight": [{"load_id": "L1", "started_at": FETCHED_AT}],
        "marts_snapshot": None,
        "marts_fingerprint": None,
        "published_at": datetime.now(UTC),
    }
    pq.write_table(pa.Table.from_pylist([row], schema=PUBLICATION), legacy)
    assert publication.read(settings).hidden == {"L1"}

    publication.ensure(settings)  # the first write moves it into the directory
    assert not legacy.exists()
    assert len(_versions(settings)) == 1
    assert publication.read(settings).hidden == {"L1"}
    warehouse.refresh_serving_file(settings)
    assert counts(settings) == (0, 0, 0, 0)  # L1 still in flight
    warehouse.publish(settings, "L1")
    assert counts(settings) == (1, 1, 1, 1)
