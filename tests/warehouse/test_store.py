"""Parquet tables: layout, idempotent writes, versions, compaction, empty reads."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from tests.warehouse.factories import EXTRACTED_AT, FETCHED_AT, make_document, make_event

from ingest import files, store, warehouse
from ingest.config import Settings
from ingest.errors import StoreError
from ingest.records import Document, EventRecord, Reject
from ingest.schemas import TABLES

MARTS = [v.name for v in warehouse.load_views() if not v.name.startswith("ref_")]


def load_once(
    settings: Settings,
    load_id: str,
    docs: list[Document] | None = None,
    events: list[EventRecord] | None = None,
    when: datetime = FETCHED_AT,
) -> None:
    store.write_documents(settings, docs or [], when, load_id)
    store.write_events(settings, events or [], load_id, when + timedelta(minutes=1))


def snapshot(settings: Settings) -> dict[str, list[tuple[object, ...]]]:
    """Every view's rows, sorted: what a reader of the warehouse can see."""
    warehouse.refresh_serving_file(settings)
    return {
        name: sorted(warehouse.query(settings, f"select * from {name}").rows, key=repr)
        for name in MARTS
    }


@pytest.mark.parametrize("name", sorted(TABLES))
def test_reading_a_table_that_was_never_written_gives_its_empty_schema(
    settings: Settings, name: str
) -> None:
    table = store.read_table(settings, name)
    assert table.num_rows == 0
    assert table.schema.equals(TABLES[name])


def test_unknown_tables_and_columns_are_store_errors(settings: Settings) -> None:
    with pytest.raises(StoreError, match="unknown table"):
        store.read_table(settings, "nope")
    with pytest.raises(StoreError, match="no column"):
        store.read_table(settings, "events", ["nope"])


def test_files_are_zstd_month_partitions_with_unique_names_and_no_leftovers(
    settings: Settings,
) -> None:
    document = make_document()
    load_once(settings, "L1", [document], [make_event(document)])
    root = Path(settings.data_root)
    files = sorted(root.glob("*/month=*/*.parquet"))
    names = {f.relative_to(root).parts[:2] for f in files}
    assert ("events", "month=2025-04") in names and ("documents", "month=2025-04") in names
    for file in files:
        assert file.name.startswith("L1-") and len(file.stem) > 30
        metadata = pq.ParquetFile(file).metadata
        assert metadata.row_group(0).column(0).compression == "ZSTD"
    assert not list(root.rglob("_tmp-*")), "temporary files left behind"


def test_row_groups_follow_the_setting(settings: Settings) -> None:
    document = make_document()
    events = [make_event(document, i, is_primary=i == 0) for i in range(2500)]
    store.write_events(settings, events, "L1", EXTRACTED_AT)
    (file,) = Path(settings.data_root, "events").glob("month=*/*.parquet")
    sizes = [pq.ParquetFile(file).metadata.row_group(i).num_rows for i in range(3)]
    assert sizes == [1000, 1000, 500]


def test_timestamps_are_stored_in_utc(settings: Settings) -> None:
    document = make_document()
    local = datetime(2025, 4, 3, 14, 0, tzinfo=UTC).astimezone().replace(microsecond=0)
    store.write_documents(settings, [document], local, "L1")
    (row,) = store.read_table(settings, "documents").to_pylist()
    assert row["fetched_at"] == local and row["fetched_at"].utcoffset() == timedelta(0)
    assert row["published_local"] == "2025-04-03T14:00:00-04:00"


def test_the_same_input_twice_gives_identical_tables(settings: Settings) -> None:
    documents = [make_document(f"doc-{i}") for i in range(3)]
    events = [make_event(d, 0) for d in documents] + [
        make_event(documents[0], 1, event_type="call")
    ]
    rejects = [Reject("state-gov", "entry-9", "parse", "no title and no text", "<item/>")]
    for load_id in ("L1", "L2"):
        load_once(settings, load_id, documents, events)
        store.write_rejects(settings, rejects, load_id, FETCHED_AT)
    assert store.write_documents(settings, documents, FETCHED_AT, "L3") == 0
    assert store.write_events(settings, events, "L3", EXTRACTED_AT) == 0
    assert store.write_rejects(settings, rejects, "L3", FETCHED_AT) == 0
    assert store.read_table(settings, "documents").num_rows == 3
    assert store.read_table(settings, "events").num_rows == 4
    assert store.read_table(settings, "rejects").num_rows == 1
    assert set(store.read_table(settings, "events").column("load_id").to_pylist()) == {"L1"}


def test_duplicates_inside_one_batch_are_written_once(settings: Settings) -> None:
    document = make_document()
    event = make_event(document)
    assert store.write_documents(settings, [document, document], FETCHED_AT, "L1") == 1
    assert store.write_events(settings, [event, event], "L1", EXTRACTED_AT) == 1


def test_a_revised_release_adds_one_version_and_views_show_only_the_newest(
    settings: Settings,
) -> None:
    original = make_document()
    load_once(settings, "L1", [original], [make_event(original), make_event(original, 1)])
    revised = make_document(text="Secretary Rubio met Secretary General Rutte in Brussels.")
    later = FETCHED_AT + timedelta(hours=2)
    load_once(settings, "L2", [revised], [make_event(revised, city="Bruxelles")], when=later)

    assert store.latest_content_hashes(settings) == {original.doc_id: revised.content_hash}
    assert store.read_table(settings, "documents").num_rows == 2
    assert store.read_table(settings, "events").num_rows == 3  # history stays
    warehouse.refresh_serving_file(settings)
    current = warehouse.query(settings, "select event_id, city, content_hash from fct_events")
    assert current.rows == [(make_event(revised).event_id, "Bruxelles", revised.content_hash)]
    history = warehouse.query(
        settings, "select load_id, is_current, count(*) from stg_event_versions group by all"
    )
    assert sorted(history.rows) == [("L1", False, 2), ("L2", True, 1)]
    versions = warehouse.query(
        settings, "select version_number, is_current from stg_document_versions order by 1"
    )
    assert versions.rows == [(1, False), (2, True)]


def test_a_release_that_reverts_to_its_first_text_shows_that_text_again(
    settings: Settings,
) -> None:
    first, second = make_document(), make_document(text="A corrected readout.")
    for hours, (load_id, document) in enumerate([("L1", first), ("L2", second), ("L3", first)]):
        when = FETCHED_AT + timedelta(hours=hours)
        load_once(settings, load_id, [document], [make_event(document)], when=when)
    assert store.latest_content_hashes(settings) == {first.doc_id: first.content_hash}
    warehouse.refresh_serving_file(settings)
    rows = warehouse.query(settings, "select content_hash, load_id from fct_events").rows
    assert rows == [(first.content_hash, "L3")]


def test_a_new_extractor_version_writes_new_rows_and_the_views_show_them(
    settings: Settings,
) -> None:
    document = make_document()
    load_once(settings, "L1", [document], [make_event(document, extractor_version="1.0.0")])
    newer = [make_event(document, extractor_version="1.1.0", topics=("NATO",))]
    assert store.write_events(settings, newer, "L2", EXTRACTED_AT + timedelta(days=1)) == 1
    # re-running either extractor on the same text adds nothing: the newest version stays
    old = [make_event(document, extractor_version="1.0.0")]
    assert store.write_events(settings, old, "L3", EXTRACTED_AT + timedelta(days=2)) == 0
    assert store.write_events(settings, newer, "L4", EXTRACTED_AT + timedelta(days=3)) == 0
    warehouse.refresh_serving_file(settings)
    sql = "select extractor_version, topic from fct_events join event_topics using (event_id)"
    assert warehouse.query(settings, sql).rows == [("1.1.0", "NATO")]
    assert store.read_table(settings, "events").num_rows == 2


def test_a_load_row_is_written_once(settings: Settings) -> None:
    row = {"load_id": "L1", "flow": "ingest", "started_at": FETCHED_AT, "status": "ok"}
    store.write_load(settings, row)
    store.write_load(settings, row)
    (stored,) = store.read_table(settings, "loads").to_pylist()
    assert stored["status"] == "ok" and stored["feeds_ok"] is None
    with pytest.raises(StoreError, match="unknown column"):
        store.write_load(settings, {**row, "surprise": 1})


def test_latest_content_hashes_filters_by_source(settings: Settings) -> None:
    a = make_document("a", source_id="state-gov")
    b = make_document("b", source_id="nato")
    store.write_documents(settings, [a, b], FETCHED_AT, "L1")
    assert store.latest_content_hashes(settings, "nato") == {"b": b.content_hash}
    assert store.latest_content_hashes(settings) == {"a": a.content_hash, "b": b.content_hash}


def test_load_ids_sort_by_time_and_are_unique() -> None:
    early = store.new_load_id(datetime(2025, 1, 1, tzinfo=UTC))
    late = store.new_load_id(datetime(2025, 1, 2, tzinfo=UTC))
    assert early < late and early != store.new_load_id(datetime(2025, 1, 1, tzinfo=UTC))


def test_compaction_merges_files_and_keeps_every_view_equal(settings: Settings) -> None:
    for i in range(4):
        document = make_document(f"doc-{i}")
        when = FETCHED_AT + timedelta(hours=i)
        load_once(settings, f"L{i}", [document], [make_event(document), make_event(document, 1)])
        store.write_rejects(settings, [Reject("s", f"x{i}", "parse", "bad")], f"L{i}", when)
    revised = make_document("doc-0", text="revised")
    load_once(settings, "L9", [revised], [make_event(revised)], when=FETCHED_AT + timedelta(days=1))
    before = snapshot(settings)
    files_before = len(store.data_files(settings, "events"))

    report = store.compact(settings)

    assert report["events"]["files_before"] == files_before > report["events"]["files_after"] == 1
    assert len(store.data_files(settings, "events")) == 1
    assert snapshot(settings) == before
    assert store.compact(settings)["events"]["partitions_merged"] == 0


def test_a_schema_file_lets_views_bind_before_any_data(settings: Settings) -> None:
    warehouse.refresh_serving_file(settings)
    assert warehouse.query(settings, "select count(*) from fct_events").rows == [(0,)]
    assert (Path(settings.data_root) / "events" / "month=none" / "_schema.parquet").exists()
    assert store.data_files(settings, "events") == []  # not a data file


def test_event_rows_keep_nested_lists_of_structs(settings: Settings) -> None:
    document = make_document()
    event = make_event(document)
    store.write_events(settings, [event], "L1", EXTRACTED_AT)
    (row,) = store.read_table(settings, "events").to_pylist()
    expected = event.to_row()
    for key in ("participants", "quotes", "amounts", "topics", "countries_mentioned", "evidence"):
        assert row[key] == expected[key], key
    assert dataclasses.asdict(event)["participants"][0]["name"] == "Marco Rubio"


def test_a_revision_moving_its_event_to_another_month_replaces_the_stored_one(
    settings: Settings,
) -> None:
    # the stored versions are looked up in the files holding the doc_id, whatever their month
    others = [make_document(f"other-{i}") for i in range(3)]
    for i, other in enumerate(others):
        event = make_event(other, event_date=date(2023, i + 1, 1))
        load_once(settings, f"L0{i}", [other], [event])
    original = make_document()
    load_once(settings, "L1", [original], [make_event(original)])
    revised = make_document(text="The meeting took place in December.")
    moved = [make_event(revised, event_date=date(2024, 12, 1))]
    load_once(settings, "L2", [revised], moved, when=FETCHED_AT + timedelta(days=1))
    assert store.write_events(settings, moved, "L3", EXTRACTED_AT + timedelta(days=2)) == 0
    assert store.write_documents(settings, [revised], FETCHED_AT + timedelta(days=2), "L3") == 0
    superseded = store.read_table(settings, "superseded", ["doc_id", "load_id", "superseded_by"])
    assert superseded.to_pylist() == [
        {"doc_id": original.doc_id, "load_id": "L1", "superseded_by": "L2"}
    ]
    warehouse.refresh_serving_file(settings)
    rows = warehouse.query(
        settings, "select event_date, load_id from fct_events where doc_id = ?", [original.doc_id]
    ).rows
    assert rows == [(date(2024, 12, 1), "L2")]


def test_data_root_as_a_uri_goes_through_the_filesystem_layer(tmp_path: Path) -> None:
    # object stores (s3://, gs://) take the same path: pyarrow resolves the URI to a FileSystem
    from ingest.warehouse import query, refresh_serving_file

    settings = Settings(
        data_root=(tmp_path / "data").as_uri(), serving_path=str(tmp_path / "ingest.duckdb")
    )
    document = make_document()
    store.write_documents(settings, [document], FETCHED_AT, "load-1")
    store.write_events(settings, [make_event(document)], "load-1", EXTRACTED_AT)
    assert list((tmp_path / "data").rglob("*.parquet"))  # the files are where the URI points
    assert store.read_table(settings, "events").num_rows == 1
    refresh_serving_file(settings)
    assert query(settings, "select count(*) from fct_events").rows == [(1,)]
    assert query(settings, "select count(*) from stg_participants").rows == [(2,)]


def test_a_mart_streamed_in_batches_is_the_file_of_the_whole_table(
    settings: Settings, tmp_path: Path
) -> None:
    """A mart is written from DuckDB's stream of batches, never held whole (issue 21: a
    warehouse's marts held as Arrow tables grew its publish's memory): the same row groups and
    rows as pq.write_table of the table (the same bytes, wherever the batches end), and an
    empty stream the same one empty row group."""
    settings = dataclasses.replace(settings, row_group_size=100)
    table = pa.table({"n": list(range(250)), "s": [f"row {n}" for n in range(250)]})
    for rows in (table, table.slice(0, 0)):
        whole, streamed = tmp_path / "whole.parquet", tmp_path / "streamed.parquet"
        files.write_parquet(rows, str(whole), None, settings)
        batches = pa.RecordBatchReader.from_batches(rows.schema, rows.to_batches(max_chunksize=70))
        files.write_parquet(batches, str(streamed), None, settings)
        written, expected = pq.ParquetFile(streamed), pq.ParquetFile(whole)
        groups = [written.metadata.row_group(i).num_rows for i in range(written.num_row_groups)]
        assert groups == [
            expected.metadata.row_group(i).num_rows for i in range(expected.num_row_groups)
        ]
        assert written.read().equals(expected.read())
        assert streamed.read_bytes() == whole.read_bytes()
