"""The plain parts under the flows, without Prefect: run summaries, backfill readers, archives."""

from __future__ import annotations

import dataclasses
import io
import json
import random
import tarfile
import threading
import time
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from conftest import FIXTURE_FEEDS
from ingest.backfill import backfill_feed, read_item, read_items
from ingest.config import Settings
from ingest.errors import InputError
from ingest.schemas import LOADS
from ingest.sources import Item, iter_items, list_items
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
    batch = read_items(list(iter_items(source, Settings())), backfill_feed("scot"))
    assert not batch.rejects
    ids = [d.doc_id for d in batch.documents]
    assert "d1" in ids and len(ids) == len(set(ids)) == 3
    assert all(d.source_id == "scot" and d.content_hash for d in batch.documents)


@pytest.mark.parametrize("kind", ["dir", "zip", "tar"])
def test_files_over_the_limit_are_refused_not_read(tmp_path: Path, kind: str) -> None:
    source = write_sources(tmp_path)[kind]
    # the feed is larger than 200 bytes; the JSONL too, but JSONL is read line by line
    items = list(iter_items(source, Settings(max_file_bytes=200, max_line_bytes=200)))
    assert sorted((i.name, bool(i.data), i.refused is None) for i in items) == [
        ("docs.jsonl", True, True),
        ("sub/feed.xml", False, False),
    ]
    batch = read_items(items, backfill_feed())
    assert [r.item_id for r in batch.rejects] == ["sub/feed.xml"]
    assert "over max_file_bytes (200)" in batch.rejects[0].reason
    assert [d.doc_id for d in batch.documents] == ["d1"]


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
    from ingest.pipeline.steps import call_with_deadline

    release = threading.Event()
    started = time.monotonic()
    with pytest.raises(TimeoutError, match="fetching 3 feeds still running after 0 s"):
        call_with_deadline(lambda: release.wait(30), 0.2, "fetching 3 feeds")
    assert time.monotonic() - started < 5  # the caller went on; the call still waits
    release.set()


def test_a_call_within_its_deadline_gives_its_result_or_its_error() -> None:
    from ingest.pipeline.steps import call_with_deadline

    assert call_with_deadline(lambda: 42, 5, "answering") == 42
    with pytest.raises(KeyError, match="missing"):
        call_with_deadline(lambda: {}["missing"], 5, "looking up")


def test_jsonl_is_read_in_pieces_with_its_line_numbers(tmp_path: Path) -> None:
    from ingest import sources

    rows = [{"id": f"d{n}", "text": "x" * 1000} for n in range(50)]
    lines = [json.dumps(row) for row in rows]
    lines[30] = json.dumps({"id": "long", "text": "y" * 5000})
    lines[40] = "{not json"
    (tmp_path / "docs.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    settings = Settings(max_line_bytes=2000)
    original, sources.PIECE_BYTES = sources.PIECE_BYTES, 10_000
    try:
        items = list(iter_items(tmp_path / "docs.jsonl", settings))
    finally:
        sources.PIECE_BYTES = original
    assert len(items) > 3 and [i.last for i in items].count(True) == 1 and items[-1].last
    refused = [i for i in items if i.refused]
    assert [(i.line, i.refused) for i in refused] == [(31, "line 31 is over max_line_bytes (2000)")]
    batch = read_items(items, backfill_feed())
    assert len(batch.documents) == 48
    assert [r.item_id for r in batch.rejects] == ["docs.jsonl:31", "docs.jsonl:41"]


def test_a_corrupt_zip_member_is_refused_and_the_others_read(tmp_path: Path) -> None:
    source = write_sources(tmp_path)["zip"]
    data = bytearray(source.read_bytes())
    at = data.index(b"The Minister met")  # docs.jsonl is stored, not deflated: flip a byte
    data[at] ^= 0x20
    source.write_bytes(bytes(data))
    batch = read_items(list(iter_items(source, Settings())), backfill_feed())
    assert [r.item_id for r in batch.rejects] == ["docs.jsonl"]
    assert "CRC" in batch.rejects[0].reason
    assert len(batch.documents) == 2  # the feed's entries


def test_links_in_archives_are_refused(tmp_path: Path) -> None:
    tarred = tmp_path / "links.tar"
    with tarfile.open(tarred, "w") as archive:
        link = tarfile.TarInfo("passwd.jsonl")
        link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
        archive.addfile(link)
        info = tarfile.TarInfo("docs.jsonl")
        info.size = len(JSONL)
        archive.addfile(info, io.BytesIO(JSONL))
    zipped = tmp_path / "links.zip"
    with zipfile.ZipFile(zipped, "w") as archive:
        link_info = zipfile.ZipInfo("passwd.jsonl")
        link_info.external_attr = 0o120777 << 16
        archive.writestr(link_info, "/etc/passwd")
        archive.writestr("docs.jsonl", JSONL)
    for source in (tarred, zipped):
        assert list_items(source) == ["docs.jsonl", "passwd.jsonl"]
        batch = read_items(list(iter_items(source, Settings())), backfill_feed())
        assert [d.doc_id for d in batch.documents] == ["d1"]
        (reject,) = batch.rejects
        assert reject.item_id == "passwd.jsonl" and "link" in reject.reason
        assert "root" not in reject.excerpt + reject.reason


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"%PDF-1.7\n", "a PDF"),
        (b"\x89PNG\r\n\x1a\n", "a PNG image"),
        (b"<html>\x00\x01\x02</html>", "NUL bytes"),
        (b"<html>" + bytes(range(1, 9)) * 4 + b"</html>", "control bytes"),
        (b"\xff\xfe<\x00r\x00s\x00s\x00", None),  # UTF-16 with its byte order mark
        ("<rss>caf\u00e9 \u2013 \u65e5\u672c</rss>".encode(), None),
        ("<rss>caf\u00e9</rss>".encode("cp1252"), None),
    ],
)
def test_binary_files_are_told_from_text_by_their_first_bytes(head: bytes, kind: str) -> None:
    from ingest.sources import binary_kind

    assert binary_kind(head) == kind


def test_a_cut_tar_gz_gives_its_readable_files_then_one_refusal(tmp_path: Path) -> None:
    source = tmp_path / "many.tar.gz"
    noise = random.Random(5)
    with tarfile.open(source, "w:gz") as archive:
        for n in range(10):
            row = {"id": f"d{n}", "text": "Talks held.", "pad": noise.randbytes(2000).hex()}
            data = (json.dumps(row) + "\n").encode()
            info = tarfile.TarInfo(f"{n}.jsonl")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    source.write_bytes(source.read_bytes()[: source.stat().st_size // 2])
    names = list_items(source)
    assert 2 <= len(names) < 10
    items = list(iter_items(source, Settings()))
    assert items[-1].name == "many.tar.gz" and not items[-1].last
    assert "archive cut short or corrupt" in (items[-1].refused or "")
    batch = read_items(items, backfill_feed())
    assert 1 <= len(batch.documents) < 10
    assert [r.item_id for r in batch.rejects] == ["many.tar.gz"]
