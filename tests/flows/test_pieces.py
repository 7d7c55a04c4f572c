"""The plain parts under the flows, without Prefect: run summaries, backfill readers, archives."""

from __future__ import annotations

import dataclasses
import io
import json
import tarfile
import threading
import time
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import FIXTURE_FEEDS

from ingest.backfill import (
    Item,
    backfill_feed,
    iter_items,
    list_items,
    read_item,
    read_items,
)
from ingest.errors import InputError
from ingest.schemas import LOADS
from ingest.summary import COUNTERS, RunSummary, Tally

START = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def summary(**changes: object) -> RunSummary:
    tally = Tally("ingest-feeds", "20260102T030405Z-abcd", START, extractor_version="1.0")
    tally.add(feeds_ok=2, documents_new=5, events_written=7)
    tally.add(feeds_ok=1)
    return dataclasses.replace(tally.freeze(START + timedelta(seconds=3)), **changes)


def test_summary_counts_add_up_and_status_follows_failures() -> None:
    ok = summary()
    assert (ok.feeds_ok, ok.documents_new, ok.events_written, ok.status) == (3, 5, 7, "ok")
    partial = summary(feeds_failed=1, failures=(("feed-x", "HTTP 500 from http://x"),))
    assert partial.status == "partial"
    assert partial.message == "feed-x: HTTP 500 from http://x"
    failed = summary(error="StoreError: disk full")
    assert failed.status == "failed" and failed.message == "StoreError: disk full"


def test_load_row_has_exactly_the_loads_columns() -> None:
    row = summary().to_load_row()
    assert list(row) == LOADS.names
    assert row["ended_at"] - row["started_at"] == timedelta(seconds=3)


def test_markdown_shows_every_counter_and_escapes_cells() -> None:
    text = summary(failures=(("a|b", "line one\nline | two"),)).to_markdown()
    for _name, label in COUNTERS:
        assert f"| {label} |" in text
    assert "| a\\|b | line one line \\| two |" in text
    assert text.startswith("## ingest-feeds: partial")


def test_unknown_counter_is_a_bug() -> None:
    tally = Tally("x", "id", START)
    tally.add(feeds_exploded=1)
    with pytest.raises(ValueError, match="feeds_exploded"):
        tally.freeze(START)


FEED_FILE = FIXTURE_FEEDS / "news.gov.scot_rss_2017-06-27.xml"
JSONL = b'{"id": "d1", "text": "The Minister met the Ambassador.", "title": "Meeting"}\n'


def write_sources(tmp_path: Path) -> dict[str, Path]:
    """The same three files as a directory, a zip and a tar.gz."""
    directory = tmp_path / "dir"
    (directory / "sub").mkdir(parents=True)
    (directory / "sub" / "feed.xml").write_bytes(FEED_FILE.read_bytes())
    (directory / "docs.jsonl").write_bytes(JSONL)
    (directory / ".hidden.jsonl").write_bytes(JSONL)
    (directory / "README.txt").write_bytes(b"not read")
    zipped = tmp_path / "files.zip"
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.write(directory / "sub" / "feed.xml", "sub/feed.xml")
        archive.writestr("docs.jsonl", JSONL)
        archive.writestr("__MACOSX/._docs.jsonl", b"junk")
    tarred = tmp_path / "files.tar.gz"
    with tarfile.open(tarred, "w:gz") as archive:
        archive.add(directory / "sub" / "feed.xml", "sub/feed.xml")
        info = tarfile.TarInfo("docs.jsonl")
        info.size = len(JSONL)
        archive.addfile(info, io.BytesIO(JSONL))
    return {"dir": directory, "zip": zipped, "tar": tarred}


@pytest.mark.parametrize("kind", ["dir", "zip", "tar"])
def test_directories_and_archives_give_the_same_documents(tmp_path: Path, kind: str) -> None:
    source = write_sources(tmp_path)[kind]
    assert list_items(source) == ["docs.jsonl", "sub/feed.xml"]
    batch = read_items(list(iter_items(source, 10_000_000)), backfill_feed("scot"))
    assert not batch.rejects
    ids = [d.doc_id for d in batch.documents]
    assert "d1" in ids and len(ids) == len(set(ids)) == 3
    assert all(d.source_id == "scot" and d.content_hash for d in batch.documents)


def test_files_over_the_cap_are_rejected_not_read(tmp_path: Path) -> None:
    source = write_sources(tmp_path)["zip"]
    items = list(iter_items(source, 200))  # the feed is larger than 200 bytes, the JSONL not
    assert [len(i.data) > 0 for i in items] == [True, False]
    batch = read_items(items, backfill_feed())
    assert [r.item_id for r in batch.rejects] == ["sub/feed.xml"]
    assert "size cap" in batch.rejects[0].reason


def test_jsonl_lines_are_checked_one_by_one() -> None:
    lines = [
        {"id": "ok", "text": "Talks held.", "published": "2024-05-01T10:00:00+02:00"},
        {"id": "bad-date", "text": "x", "published": "May 1st"},
        {"id": "no-text", "text": ""},
        {"text": "no identity at all"},
        ["not", "an", "object"],
        {"id": "bad-title", "text": "x", "title": 42},
    ]
    data = "\n".join(json.dumps(line) for line in lines).encode()
    batch = read_item(Item("x.jsonl", data), backfill_feed())
    (document,) = batch.documents
    assert document.published_at == datetime(2024, 5, 1, 8, tzinfo=UTC)
    assert [r.item_id for r in batch.rejects] == [f"x.jsonl:{n}" for n in (2, 3, 4, 5, 6)]
    assert batch.entries == 6


def test_a_file_that_is_no_feed_is_one_reject_naming_it() -> None:
    batch = read_item(Item("broken.xml", b"\x00\x01<<< not xml"), backfill_feed())
    assert not batch.documents
    (reject,) = batch.rejects
    assert (reject.item_id, reject.stage) == ("broken.xml", "parse")


def test_unknown_sources_are_input_errors(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(InputError):
        list_items(tmp_path / "notes.txt")
    (tmp_path / "bad.zip").write_bytes(b"not a zip")
    with pytest.raises(InputError, match="archive"):
        list_items(tmp_path / "bad.zip")


def test_a_call_past_its_deadline_is_abandoned_with_a_timeout() -> None:
    from flows.tasks import call_with_deadline

    release = threading.Event()
    started = time.monotonic()
    with pytest.raises(TimeoutError, match="fetching 3 feeds still running after 0 s"):
        call_with_deadline(lambda: release.wait(30), 0.2, "fetching 3 feeds")
    assert time.monotonic() - started < 5  # the caller went on; the call still waits
    release.set()


def test_a_call_within_its_deadline_gives_its_result_or_its_error() -> None:
    from flows.tasks import call_with_deadline

    assert call_with_deadline(lambda: 42, 5, "answering") == 42
    with pytest.raises(KeyError, match="missing"):
        call_with_deadline(lambda: {}["missing"], 5, "looking up")
