"""The store's index of which events files hold which documents (store.event_file_index): a
publish finds a run's files from the run's documents alone, without reading an events file;
the index is written before the data files (a crash leaves entries of absent files, never an
unnamed file), follows compaction, and a warehouse written before it is indexed on its first
publish with the marts a full recompute gives (issue 21, item 1)."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq
import pytest
from tests.warehouse.factories import mart_rows
from tests.warehouse.test_incremental_marts import KALLAS, LAVROV, RUTTE, full_rows, run
from tests.warehouse.test_incremental_persons import biden

from ingest import files, store, warehouse
from ingest.config import Settings
from ingest.errors import StoreError

DAY = date(2025, 4, 3)


def three_runs(settings: Settings) -> None:
    """doc-1 and doc-2 stored by L1 and L2; L3 revises doc-1 and adds doc-3."""
    run(settings, "L1", [("doc-1", "eeas", DAY, (biden("Joe Biden"), RUTTE), "One.")])
    run(settings, "L2", [("doc-2", "eeas", DAY, (biden("Jill Biden"), KALLAS), "Two.")])
    run(
        settings,
        "L3",
        [
            ("doc-1", "eeas", DAY, (biden("Joseph Biden"), RUTTE), "One, again."),
            ("doc-3", "eeas", DAY, (LAVROV,), "Three."),
        ],
    )


def run_files(settings: Settings, *doc_ids: str) -> tuple[list[str], list[str]]:
    """The files of these documents found from the index, and by scanning every events file."""
    with duckdb.connect() as connection:
        connection.execute(
            "create temp table _run_documents as select unnest(?::varchar[]) as doc_id",
            [list(doc_ids)],
        )
        return (
            warehouse._run_event_files(connection, settings),
            warehouse._scanned_run_event_files(connection, settings),
        )


def loads_of(paths: list[str]) -> list[str]:
    return sorted(store.file_load(Path(path).name) for path in paths)


def index_dir(settings: Settings) -> Path:
    return Path(settings.data_root) / store.EVENT_FILES_DIR


def test_a_run_s_files_are_found_from_the_index_without_reading_an_events_file(
    settings: Settings,
) -> None:
    three_runs(settings)
    assert store.event_file_index(settings).uncovered == ()
    found, scanned = run_files(settings, "doc-1", "doc-3")
    assert found == scanned
    assert loads_of(found) == ["L1", "L3"]  # doc-1's superseded version and L3's own
    # no events file is read: L2's, garbled, is never opened (the scan would fail on it)
    (l2_file,) = Path(settings.data_root, "events").glob("*/L2-*.parquet")
    l2_file.write_bytes(b"not parquet")
    with duckdb.connect() as connection:
        connection.execute("create temp table _run_documents as select 'doc-3' as doc_id")
        assert loads_of(warehouse._run_event_files(connection, settings)) == ["L3"]
        with pytest.raises(duckdb.Error):  # what a scan does
            warehouse._scanned_run_event_files(connection, settings)


def test_compaction_indexes_its_merged_files_and_drops_the_entries_of_the_merged_ones(
    settings: Settings,
) -> None:
    three_runs(settings)
    report = store.compact(settings)
    assert report["events"]["partitions_merged"] == 1
    index = store.event_file_index(settings)
    assert index.uncovered == ()
    # L1's, L2's and L3's index files are gone with their events files: only the merged one's
    names = [Path(path).name for path in index.index_files]
    assert names == [Path(path).name for path in index.data_files]
    assert report["event_files_index"] == {"files_deleted": 3}
    found, scanned = run_files(settings, "doc-1", "doc-3")
    assert found == scanned and loads_of(found) == ["compact"]
    # the first publish after compaction computes every mart (its files changed); the next one
    # builds on it, from the merged file's entries, as a full recompute gives it
    run(settings, "L4", [("doc-2", "eeas", DAY, (biden("Jill Biden"),), "Two, again.")])
    published = run(settings, "L5", [("doc-3", "eeas", DAY, (KALLAS,), "Three, again.")])
    assert "participant_persons" in published.incremental
    assert mart_rows(settings) == full_rows(settings)


def test_a_crash_between_the_index_and_the_data_files_leaves_no_unindexed_file(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    run(settings, "L1", [("doc-1", "eeas", DAY, (biden("Joe Biden"), RUTTE), "One.")])
    releases: list[Any] = [
        ("doc-1", "eeas", DAY, (biden("Joseph Biden"), RUTTE), "One, again."),
        ("doc-2", "eeas", date(2025, 5, 3), (LAVROV,), "Two."),
    ]
    written = files.write_file

    def crash_on_events_data(fs: Any, directory: str, *args: Any, **kwargs: Any) -> None:
        if directory.split("/")[-2] == "events":  # <root>/events/month=...: a data file
            raise StoreError("killed before the data files")
        written(fs, directory, *args, **kwargs)

    monkeypatch.setattr(store, "write_file", crash_on_events_data)
    with pytest.raises(StoreError):
        run(settings, "L2", releases)
    monkeypatch.undo()
    # L2's index names two files that were never written: read as nothing
    entries = pq.read_table(next(index_dir(settings).glob("L2-*.parquet")))
    assert sorted(set(entries.column("doc_id").to_pylist())) == ["doc-1", "doc-2"]
    index = store.event_file_index(settings)
    assert index.uncovered == () and loads_of(list(index.data_files)) == ["L1"]
    assert run_files(settings, "doc-1", "doc-2")[0] == run_files(settings, "doc-1", "doc-2")[1]
    # the next run stores them; its publish is as a full recompute's
    published = run(settings, "L3", releases)
    assert "participant_persons" in published.incremental
    found, scanned = run_files(settings, "doc-1", "doc-2")
    assert found == scanned and loads_of(found) == ["L1", "L3", "L3"]
    assert mart_rows(settings) == full_rows(settings)


def test_a_warehouse_written_before_the_index_is_indexed_on_its_first_publish(
    settings: Settings,
) -> None:
    run(settings, "L1", [("doc-1", "eeas", DAY, (biden("Joe Biden"), RUTTE), "One.")])
    run(settings, "L2", [("doc-2", "eeas", DAY, (biden("Jill Biden"), KALLAS), "Two.")])
    store.compact(settings)
    run(settings, "L3", [("doc-3", "eeas", DAY, (LAVROV,), "Three.")])
    shutil.rmtree(index_dir(settings))  # as an earlier version left it: no index
    assert len(store.event_file_index(settings).uncovered) == 2  # the merged file and L3's
    published = run(
        settings,
        "L4",
        [
            ("doc-1", "eeas", DAY, (biden("Joseph Biden"), RUTTE), "One, again."),
            ("doc-3", "eeas", DAY, (LAVROV, KALLAS), "Three, again."),
        ],
    )
    assert "participant_persons" in published.incremental
    assert store.event_file_index(settings).uncovered == ()
    found, scanned = run_files(settings, "doc-1", "doc-3")
    assert found == scanned and loads_of(found) == ["L3", "L4", "compact"]
    assert mart_rows(settings) == full_rows(settings)
