"""One very long document: cut at a paragraph boundary, said so in the records, memory bounded.

A release longer than `max_document_chars` keeps its whole paragraphs up to the limit; the
document row and its events say the text was cut (and the document how long it was), so the
cut shows in the warehouse. `ingest extract` of a 50 MB document stays under the 600 MB the
README promises, and neither a failure nor SIGINT/SIGTERM/SIGKILL leaves a temporary file
beside its output.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from ingest import warehouse
from ingest.config import Settings
from reliability.harness import (
    corpus_items,
    fault_settings,
    make_feed,
    rss,
    rss_item,
    run_pipeline,
)

RSS_LIMIT_MB = 600
INGEST = [sys.executable, "-c", "from ingest.cli import main; main()"]
ROOT = Path(__file__).resolve().parents[2]


def paragraphs(total_chars: int) -> str:
    """Real release paragraphs, one per line, repeated up to total_chars."""
    from ingest.htmltext import html_to_text

    base = "\n".join(html_to_text(item["content"]) for item in corpus_items(full=True)[:200])
    text = base * (total_chars // len(base) + 1)
    return text[:total_chars]


def run_measured(command: list[str], timeout: float, **options: object) -> tuple[int, float]:
    """(exit status, peak RSS in MB) of a child; killed as soon as it passes RSS_LIMIT_MB.

    The peak is the kernel's high-water mark of the child's memory (VmHWM), read every 20 ms
    until it exits: a mark only grows, so the last reading holds the peak of all but the last
    20 ms (its exit). wait4's ru_maxrss would start at this test process's own size.
    """
    process = subprocess.Popen(command, **options)  # type: ignore[call-overload]
    status_file = Path(f"/proc/{process.pid}/status")
    deadline = time.monotonic() + timeout
    peak_kb = 0
    while process.poll() is None:
        with contextlib.suppress(OSError, ValueError, KeyError):  # gone, or a zombie
            fields = dict(line.split(":", 1) for line in status_file.read_text().splitlines())
            peak_kb = max(peak_kb, int(fields["VmHWM"].split()[0]))
        if peak_kb > RSS_LIMIT_MB * 1024 or time.monotonic() > deadline:
            process.kill()
        time.sleep(0.02)
    return process.returncode, peak_kb / 1024


def test_a_long_release_is_cut_at_a_paragraph_and_the_warehouse_says_so(tmp_path: Path) -> None:
    item = corpus_items()[3]
    text = paragraphs(60_000)
    body = rss([rss_item({**item, "content": "<p>" + text.replace("\n", "</p><p>") + "</p>"})])
    feed_file = tmp_path / "feed.xml"
    feed_file.write_bytes(body)
    settings = dataclasses.replace(
        fault_settings(tmp_path / "warehouse"), max_document_chars=20_000
    )
    summary = run_pipeline(settings, [make_feed("long", str(feed_file))])
    assert summary.status == "ok", summary.failures
    (row,) = warehouse.query(
        settings,
        "select text, is_text_cut, original_text_chars from stg_documents",
    ).rows
    stored, is_cut, original = row
    assert is_cut is True and original == len(text)
    assert 10_000 <= len(stored) <= 20_000
    assert text.startswith(stored) and text[len(stored)] == "\n"  # whole paragraphs
    flags = warehouse.query(settings, "select distinct is_text_cut from stg_events").rows
    assert flags == [(True,)]


def test_extract_of_a_50_mb_document_is_cut_and_stays_under_600_mb(tmp_path: Path) -> None:
    text = paragraphs(50_000_000)
    docs = tmp_path / "big.jsonl"
    with docs.open("w", encoding="utf-8") as handle:
        json.dump({"id": "big", "title": "A very long release", "text": text}, handle)
        handle.write("\n")
    cut_at = Settings().max_document_chars
    del text
    out = tmp_path / "out.jsonl"
    status, peak_mb = run_measured(
        [*INGEST, "extract", str(docs), "-o", str(out)],
        timeout=120,
        cwd=tmp_path,
        stderr=subprocess.PIPE,
    )
    assert status == 0
    assert peak_mb < RSS_LIMIT_MB
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert records and all(r["is_text_cut"] is True for r in records)
    assert all(e["end"] <= cut_at for r in records for e in r["evidence"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.jsonl", "out.jsonl"]


def many_documents(path: Path, count: int) -> Path:
    """`count` documents, the corpus's releases over again when it has fewer."""
    items = corpus_items(full=True)
    with path.open("w", encoding="utf-8") as handle:
        for n in range(count):
            item = items[n % len(items)]
            row = {"id": f"d{n}", "title": item["title"], "text": item["content"]}
            handle.write(json.dumps(row) + "\n")
    return path


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL])
def test_an_interrupted_extract_leaves_no_file_behind(tmp_path: Path, how: signal.Signals) -> None:
    docs = many_documents(tmp_path / "docs.jsonl", 2000)
    out = tmp_path / "out.jsonl"
    process = subprocess.Popen(
        [*INGEST, "extract", str(docs), "-o", str(out)],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        # a shell starting the suite in the background ignores SIGINT, and its children inherit
        # that: the run then finished whole (exit 0) instead of being interrupted
        preexec_fn=_default_sigint,
    )
    watched = psutil.Process(process.pid)
    deadline = time.monotonic() + 60
    # past start-up and into extraction (the output is opened before the first document)
    while watched.cpu_times().user < 3.0 and time.monotonic() < deadline:
        assert process.poll() is None, "extract finished before it could be interrupted"
        time.sleep(0.05)
    process.send_signal(how)
    assert process.wait(timeout=30) != 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["docs.jsonl"]


@pytest.mark.parametrize("system", ["linkat refused", "no unnamed files"])
def test_extract_output_falls_back_to_a_named_file_and_still_leaves_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, system: str
) -> None:
    from ingest.cli import extract as extract_cli

    if system == "linkat refused":

        def refuse(*args: object, **kwargs: object) -> None:
            raise PermissionError(1, "Operation not permitted")

        monkeypatch.setattr(extract_cli.os, "link", refuse)
    else:
        monkeypatch.setattr(extract_cli, "_open_unnamed", lambda target: None)
    docs = many_documents(tmp_path / "docs.jsonl", 3)
    out = tmp_path / "out.jsonl"
    with docs.open("rb") as source:
        extract_cli._write_atomically(source, str(docs), out, 200_000, 1_000_000)
    assert [json.loads(line)["doc_id"] for line in out.read_text().splitlines()][:1] == ["d0"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["docs.jsonl", "out.jsonl"]
