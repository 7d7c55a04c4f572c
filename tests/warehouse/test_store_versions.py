"""Event writes are idempotent per row: a version stored in part is completed, never doubled."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from tests.warehouse.factories import EXTRACTED_AT, make_document, make_event

from ingest import files, store, warehouse
from ingest.config import Settings
from ingest.errors import StoreError

HOUR = timedelta(hours=1)


def current(settings: Settings) -> list[tuple[object, ...]]:
    warehouse.refresh_serving_file(settings)
    sql = "select event_id, content_hash, load_id from stg_events order by event_id"
    return warehouse.query(settings, sql).rows


def superseded(settings: Settings) -> set[tuple[str, str]]:
    rows = store.read_table(settings, "superseded", ["doc_id", "load_id"]).to_pylist()
    return {(r["doc_id"], r["load_id"]) for r in rows}


def test_a_version_stored_in_part_is_completed_with_exactly_its_missing_rows(
    settings: Settings,
) -> None:
    # reliability finding F7: one file per month partition, a crash between the two renames
    document = make_document()
    march = make_event(document, 0, event_date=date(2025, 3, 28))
    april = [make_event(document, i, event_date=date(2025, 4, 3)) for i in (1, 2)]
    store.write_events(settings, [march], "L1", EXTRACTED_AT)  # what the crash left

    assert store.write_events(settings, [march, *april], "L2", EXTRACTED_AT + HOUR) == 2
    assert store.write_events(settings, [march, *april], "L3", EXTRACTED_AT + 2 * HOUR) == 0

    assert store.read_table(settings, "events").num_rows == 3
    assert superseded(settings) == set()  # both loads hold the one current version
    rows = current(settings)
    assert sorted((event_id, load) for event_id, _, load in rows) == sorted(
        [(march.event_id, "L1")] + [(e.event_id, "L2") for e in april]
    )


def test_a_revision_after_a_completed_version_supersedes_every_load_of_it(
    settings: Settings,
) -> None:
    document = make_document()
    events = [make_event(document, i, event_date=date(2025, 3 + i, 1)) for i in range(2)]
    store.write_events(settings, events[:1], "L1", EXTRACTED_AT)
    store.write_events(settings, events, "L2", EXTRACTED_AT + HOUR)
    revised = make_document(text="A corrected readout.")

    assert store.write_events(settings, [make_event(revised)], "L3", EXTRACTED_AT + 2 * HOUR) == 1

    assert superseded(settings) == {(document.doc_id, "L1"), (document.doc_id, "L2")}
    assert current(settings) == [(make_event(revised).event_id, revised.content_hash, "L3")]


def test_a_version_whose_loads_were_superseded_by_a_failed_write_is_written_again(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the revision's write lists the old load in `superseded`, then fails on its events file
    # (disk full); the next run brings the old text back: it must become current again
    first, second = make_document(), make_document(text="A corrected readout.")
    store.write_events(settings, [make_event(first)], "L1", EXTRACTED_AT)
    write_parquet = files.write_parquet

    def full_disk(table: object, where: object, *args: object) -> None:
        if "/events/" in str(getattr(where, "name", where)):
            raise OSError(28, "No space left on device")
        write_parquet(table, where, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(files, "write_parquet", full_disk)
    with pytest.raises(StoreError, match="No space left"):
        store.write_events(settings, [make_event(second)], "L2", EXTRACTED_AT + HOUR)
    monkeypatch.setattr(files, "write_parquet", write_parquet)
    assert superseded(settings) == {(first.doc_id, "L1")}

    assert store.write_events(settings, [make_event(first)], "L3", EXTRACTED_AT + 2 * HOUR) == 1
    assert current(settings) == [(make_event(first).event_id, first.content_hash, "L3")]
