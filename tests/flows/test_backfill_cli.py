"""`ingest backfill` on files that are too large, cut short, binary or links: nothing lost silently.

Each case runs the real command (`ingest.cli.main`, in this process, on the session's Prefect
API) over real files written in tmp_path, and checks what is stored, what is rejected and why,
the summary line and the exit status: 0 when everything was read whole, PARTIAL_EXIT when
anything was refused or read in part.
"""

from __future__ import annotations

import io
import json
import random
import sys
import tarfile
from pathlib import Path
from typing import Any

import pytest

from conftest import FIXTURE_FEEDS, SettingsFactory
from ingest import store
from ingest.cli import main
from ingest.config import load_settings

pytestmark = pytest.mark.usefixtures("prefect_harness")

PARTIAL_EXIT = 3
SECRET = "root:x:0:0:SECRET-4b1d-NOT-FOR-THE-WAREHOUSE:/root:/bin/bash"
RELEASE = (
    "Secretary of State Antony Blinken met with French Foreign Minister Catherine Colonna in "
    "Paris on June 5, 2023 to discuss support for Ukraine and energy security."
)


def ingest(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    """Run `ingest ARGV` as the console script does; (exit status, stdout + stderr)."""
    monkeypatch.setattr(sys, "argv", ["ingest", *argv])
    monkeypatch.setenv("COLUMNS", "200")  # rich tables wrap at the terminal width
    try:
        main()
        status = 0
    except SystemExit as exited:
        status = exited.code if isinstance(exited.code, int) else 1
    captured = capsys.readouterr()
    return status, captured.out + captured.err


def corpus_lines(count: int) -> list[str]:
    from ingest.htmltext import html_to_text
    from reliability.harness import corpus_items

    items = corpus_items(full=True)[:count]
    return [
        json.dumps(
            {
                "id": f"doc-{n}",
                "url": item["link"],
                "title": item["title"],
                "text": html_to_text(item["content"]),
            }
        )
        for n, item in enumerate(items)
    ]


def rejects_of(settings_path: Path) -> list[dict[str, Any]]:
    return store.read_table(load_settings(settings_path), "rejects").to_pylist()


def doc_ids_of(settings_path: Path) -> list[str]:
    table = store.read_table(load_settings(settings_path), "documents", ["doc_id"])
    return [str(v) for v in table.column("doc_id").to_pylist()]


def test_a_jsonl_over_the_http_body_cap_is_stored_whole(
    make_settings: SettingsFactory,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    lines = corpus_lines(400)
    source = tmp_path / "releases.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert source.stat().st_size > 3 * 200_000
    # the HTTP body cap has nothing to do with files: JSONL is read line by line
    settings = make_settings(max_body_bytes=200_000)
    status, output = ingest(
        monkeypatch, capsys, "backfill", str(source), "--settings", str(settings)
    )
    assert status == 0, output
    assert "backfill: ok" in output
    assert sorted(doc_ids_of(settings)) == sorted(f"doc-{n}" for n in range(400))
    assert rejects_of(settings) == []


def test_a_jsonl_line_over_the_line_limit_is_refused_and_the_run_is_partial(
    make_settings: SettingsFactory,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    lines = corpus_lines(3)
    huge = json.dumps({"id": "huge", "title": "Long", "text": "word " * 40_000})
    source = tmp_path / "docs"
    source.mkdir()
    (source / "releases.jsonl").write_text(
        "\n".join([lines[0], huge, lines[1], lines[2]]) + "\n", encoding="utf-8"
    )
    settings = make_settings(max_line_bytes=100_000)
    status, output = ingest(
        monkeypatch, capsys, "backfill", str(source), "--settings", str(settings)
    )
    assert status == PARTIAL_EXIT, output
    assert "backfill: partial" in output
    assert sorted(doc_ids_of(settings)) == ["doc-0", "doc-1", "doc-2"]
    (reject,) = rejects_of(settings)
    assert reject["item_id"] == "releases.jsonl:2"
    assert "max_line_bytes" in reject["reason"] and "100000" in reject["reason"]


def test_a_feed_file_cut_short_stores_its_whole_entries_and_says_partial(
    make_settings: SettingsFactory,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    body = (FIXTURE_FEEDS / "state.gov_press-releases_rss_2021-05-23.xml").read_bytes()
    # the file ends inside the fifth entry's <![CDATA[ description
    cut = body[: body.index(b"The delegations discussed the deteriorating") + 20]
    source = tmp_path / "saved"
    source.mkdir()
    (source / "feed.xml").write_bytes(cut)
    settings = make_settings()
    status, output = ingest(
        monkeypatch, capsys, "backfill", str(source), "--settings", str(settings)
    )
    assert status == PARTIAL_EXIT, output
    assert "backfill: partial" in output
    assert len(doc_ids_of(settings)) == 4
    reasons = {r["reason"] for r in rejects_of(settings) if r["item_id"] == "feed.xml"}
    assert any("parsed with errors" in r and "unclosed CDATA section" in r for r in reasons)
    assert any("entry 5" in r and "incomplete" in r for r in rejects_of_reasons(settings))


def rejects_of_reasons(settings_path: Path) -> list[str]:
    return [str(r["reason"]) for r in rejects_of(settings_path)]


def test_a_truncated_tar_gz_stores_what_was_readable_and_exits_partial(
    make_settings: SettingsFactory,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    lines = [json.loads(line) for line in corpus_lines(40)]
    archive = tmp_path / "archive.tar.gz"
    noise = random.Random(7)
    with tarfile.open(archive, "w:gz") as tar:
        for n in range(20):
            # incompressible padding: half the archive then holds about half the files
            rows = [{**row, "padding": noise.randbytes(3000).hex()} for row in lines[2 * n :][:2]]
            data = "".join(json.dumps(row) + "\n" for row in rows).encode()
            info = tarfile.TarInfo(f"part-{n:02}.jsonl")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    whole = archive.read_bytes()
    archive.write_bytes(whole[: len(whole) // 2])
    settings = make_settings()
    status, output = ingest(
        monkeypatch, capsys, "backfill", str(archive), "--settings", str(settings)
    )
    assert status == PARTIAL_EXIT, output
    assert "aborted" not in output
    assert "backfill: partial" in output
    stored = doc_ids_of(settings)
    assert 4 <= len(stored) < 40
    archive_rejects = [r for r in rejects_of(settings) if r["item_id"] == "archive.tar.gz"]
    assert archive_rejects, rejects_of(settings)
    assert "Compressed file ended" in archive_rejects[0]["reason"]


def test_binary_files_and_links_are_refused_before_they_are_read(
    make_settings: SettingsFactory,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    secret = tmp_path / "passwd"
    secret.write_text(SECRET + "\n", encoding="utf-8")
    source = tmp_path / "saved"
    source.mkdir()
    (source / "good.jsonl").write_text(corpus_lines(1)[0] + "\n", encoding="utf-8")
    noise = random.Random(3).randbytes(400)
    paragraph = f"<p>{RELEASE}</p>\n".encode()
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + noise + b"tEXtComment\x00" + paragraph * 4
    (source / "image.html").write_bytes(png + noise)
    (source / "noise.html").write_bytes(noise + paragraph * 4 + noise)
    (source / "passwd.jsonl").symlink_to(secret)
    settings = make_settings()
    status, output = ingest(
        monkeypatch, capsys, "backfill", str(source), "--settings", str(settings)
    )
    assert status == PARTIAL_EXIT, output
    assert "backfill: partial" in output
    assert doc_ids_of(settings) == ["doc-0"]
    rejects = {r["item_id"]: r for r in rejects_of(settings)}
    assert set(rejects) == {"image.html", "noise.html", "passwd.jsonl"}
    assert "binary" in rejects["image.html"]["reason"]
    assert "binary" in rejects["noise.html"]["reason"]
    assert "symbolic link" in rejects["passwd.jsonl"]["reason"]
    assert "SECRET" not in json.dumps(list(rejects.values()), default=str)
    assert "SECRET" not in output
