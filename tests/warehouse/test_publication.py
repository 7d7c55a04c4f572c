"""Readers see whole runs: a load's rows, and the marts made from them, appear at once.

Reliability finding (issue 17, item 6): during a backfill fct_events grew batch by batch while
dim_people and stg_participants changed only at the end. A load is now listed in flight from its
first row to its publication, which names the marts snapshot computed with its rows.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow.parquet as pq
from tests.warehouse.factories import EXTRACTED_AT, FETCHED_AT, make_document, make_event

from ingest import publication, store, warehouse
from ingest.config import Settings
from ingest.records import Participant

COUNTS = (
    "select (select count(*) from fct_events), (select count(*) from stg_participants), "
    "(select count(*) from dim_people), (select count(*) from stg_documents)"
)


def write_release(settings: Settings, doc_id: str, load_id: str, person: str) -> None:
    document = make_document(doc_id)
    people = (Participant(person, "Minister", "FR", "host"),)
    store.write_events(settings, [make_event(document, participants=people)], load_id, EXTRACTED_AT)
    store.write_documents(settings, [document], FETCHED_AT, load_id)


def counts(settings: Settings) -> tuple[object, ...]:
    return warehouse.query(settings, COUNTS).rows[0]


def test_a_load_in_flight_shows_nothing_until_it_is_published(settings: Settings) -> None:
    write_release(settings, "old", "L0", "Person Zero")
    warehouse.refresh_serving_file(settings)
    assert counts(settings) == (1, 1, 1, 1)

    publication.begin(settings, "L1", FETCHED_AT)
    for batch in range(3):  # three store batches of one run
        write_release(settings, f"doc-{batch}", "L1", f"Person {batch}")
        warehouse.refresh_serving_file(settings)  # a reader refreshing mid-run
        assert counts(settings) == (1, 1, 1, 1)
        assert store.read_table(settings, "events").num_rows == 1
        assert store.latest_content_hashes(settings).keys() == {"old"}

    outcome = warehouse.publish(settings, "L1")
    assert outcome.marts_recomputed
    assert counts(settings) == (4, 4, 4, 4)  # facts and marts together
    assert "L1" not in publication.read(settings).hidden


def test_the_marts_of_a_publication_are_ready_before_it_is_visible(settings: Settings) -> None:
    warehouse.refresh_serving_file(settings)  # a reader inside `before` must not build it
    publication.begin(settings, "L1", FETCHED_AT)
    write_release(settings, "doc-1", "L1", "Person One")
    seen: list[tuple[object, ...]] = []
    # the run's loads row is written just before the publication: the reader still sees nothing
    warehouse.publish(settings, "L1", before=lambda seconds: seen.append(counts(settings)))
    assert seen == [(0, 0, 0, 0)]
    assert counts(settings) == (1, 1, 1, 1)


def test_a_run_that_dies_before_publishing_is_written_again_by_the_next(
    settings: Settings,
) -> None:
    publication.begin(settings, "L1", FETCHED_AT)
    write_release(settings, "doc-1", "L1", "Person One")  # then the process dies

    publication.begin(settings, "L2", FETCHED_AT)
    # the next run sees nothing stored, so it extracts and writes the release again
    assert store.latest_content_hashes(settings) == {}
    write_release(settings, "doc-1", "L2", "Person One")
    assert store.read_table(settings, "events").num_rows == 0  # not published yet
    warehouse.publish(settings, "L2")
    assert counts(settings) == (1, 1, 1, 1)
    assert store.read_table(settings, "events").column("load_id").to_pylist() == ["L2"]


def test_a_writer_sees_its_own_rows_and_skips_them_on_a_retry(settings: Settings) -> None:
    publication.begin(settings, "L1", FETCHED_AT)
    document = make_document("doc-1")
    assert store.write_events(settings, [make_event(document)], "L1", EXTRACTED_AT) == 1
    assert store.write_events(settings, [make_event(document)], "L1", EXTRACTED_AT) == 0
    assert store.write_documents(settings, [document], FETCHED_AT, "L1") == 1
    assert store.write_documents(settings, [document], FETCHED_AT, "L1") == 0


def test_the_loads_row_says_whether_the_run_was_published(settings: Settings) -> None:
    for load_id in ("L1", "L2"):
        publication.begin(settings, load_id, FETCHED_AT)
        store.write_load(
            settings, {"load_id": load_id, "flow": "backfill", "started_at": FETCHED_AT}
        )
    warehouse.publish(settings, "L1")
    sql = "select load_id, is_published from stg_loads order by load_id"
    assert warehouse.query(settings, sql).rows == [("L1", True), ("L2", False)]


def test_compaction_keeps_loads_in_flight_and_deletes_old_orphans(settings: Settings) -> None:
    write_release(settings, "a", "L0", "Person A")
    write_release(settings, "b", "L00", "Person B")
    now = datetime.now(UTC)
    publication.begin(settings, "running", now - timedelta(hours=1))
    publication.begin(settings, "dead", now - publication.ORPHAN_MAX_AGE - timedelta(hours=1))
    write_release(settings, "c", "running", "Person C")
    write_release(settings, "d", "dead", "Person D")

    report = store.compact(settings)

    assert report["orphans"] == {"loads": 1, "files_deleted": 2}
    root = Path(settings.data_root)
    names = sorted(p.name.rsplit("-", 1)[0] for p in root.glob("events/*/*.parquet"))
    assert names == ["compact", "running"]
    assert publication.read(settings).hidden == {"running"}
    warehouse.publish(settings, "running")
    assert counts(settings) == (3, 3, 3, 3)


def test_a_data_root_from_before_publication_shows_everything(settings: Settings) -> None:
    write_release(settings, "doc-1", "L1", "Person One")
    # the one-file marts layout of earlier versions
    legacy = Path(settings.data_root, store.MARTS_DIR, "dim_people.parquet")
    legacy.parent.mkdir(parents=True)
    pq.write_table(store.read_table(settings, "loads"), legacy)
    assert not Path(settings.data_root, publication.PUBLICATION_DIR).exists()
    warehouse.refresh_serving_file(settings)
    assert counts(settings) == (1, 1, 1, 1)
    assert not legacy.exists()


def test_old_mart_snapshots_are_pruned_but_the_previous_one_stays(settings: Settings) -> None:
    snapshots = []
    for i in range(4):
        write_release(settings, f"doc-{i}", f"L{i}", f"Person {i}")
        warehouse.refresh_serving_file(settings)
        snapshots.append(publication.read(settings).marts_snapshot)
    on_disk = {
        p.name.removeprefix("snapshot=")
        for p in Path(settings.data_root, store.MARTS_DIR, "dim_people").iterdir()
    }
    assert on_disk == set(snapshots[-2:])
