"""`ingest extract` as a user runs it: a real subprocess over real JSONL files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SEED = {
    "id": "seed",
    "url": None,
    "title": "Secretary's Meeting with the Secretary General",
    "published": "2025-04-03T18:00:00+02:00",
    "text": "Secretary of State Marco Rubio and NATO Secretary General Mark Rutte met at NATO "
    "Headquarters in Brussels, Belgium, on April 3, 2025.",
}
STATEMENT = {"id": "s2", "title": "On the Elections", "published": None, "text": "We welcome it."}


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from ingest.cli import main; main()", "extract", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )


def _write(path: Path, rows: list[object]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows) + "\n", encoding="utf-8")
    return path


def test_extract_writes_one_record_per_event(tmp_path: Path) -> None:
    docs = _write(tmp_path / "docs.jsonl", [SEED, STATEMENT])
    out = tmp_path / "out.jsonl"
    result = _run(str(docs), "-o", str(out))
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["doc_id"] for r in rows] == ["seed", "s2"]
    first = rows[0]
    assert (first["event_type"], first["event_date"], first["is_primary"]) == (
        "meeting",
        "2025-04-03",
        True,
    )
    assert first["published_at"] == "2025-04-03T16:00:00+00:00"
    assert rows[1]["event_type"] == "statement"
    assert rows[1]["date_basis"] == "none"


def test_extract_to_stdout(tmp_path: Path) -> None:
    result = _run(str(_write(tmp_path / "d.jsonl", [STATEMENT])))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[0])["doc_id"] == "s2"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "malformed JSON"),
        (json.dumps({"id": "x"}), "missing required field 'text'"),
        (json.dumps({"text": "x"}), "missing required field 'id'"),
        (json.dumps([1, 2]), "expected a JSON object"),
    ],
)
def test_bad_line_is_one_line_error(tmp_path: Path, line: str, message: str) -> None:
    docs = tmp_path / "bad.jsonl"
    docs.write_text(json.dumps(STATEMENT) + "\n" + line + "\n", encoding="utf-8")
    result = _run(str(docs), "-o", str(tmp_path / "out.jsonl"))
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert f"{docs}:2: {message}" in result.stderr  # file and line number
    assert not (tmp_path / "out.jsonl").exists()  # nothing half-written


def test_missing_file_is_one_line_error(tmp_path: Path) -> None:
    result = _run(str(tmp_path / "absent.jsonl"))
    assert result.returncode == 2
    assert "absent.jsonl" in result.stderr and result.stderr.strip().count("\n") == 0


def test_unwritable_output_is_one_line_error(tmp_path: Path) -> None:
    docs = _write(tmp_path / "d.jsonl", [STATEMENT])
    result = _run(str(docs), "-o", str(tmp_path / "no" / "such" / "dir" / "out.jsonl"))
    assert result.returncode == 2
    assert "cannot write" in result.stderr and result.stderr.strip().count("\n") == 0


def test_invalid_utf8_is_one_line_error(tmp_path: Path) -> None:
    docs = tmp_path / "latin1.jsonl"
    docs.write_bytes(json.dumps(STATEMENT).encode() + b"\n" + b'{"id": "x", "text": "caf\xe9"}\n')
    result = _run(str(docs))
    assert result.returncode == 2
    assert f"{docs}:2: not valid UTF-8" in result.stderr
    assert result.stderr.strip().count("\n") == 0


def test_the_issuing_site_decides_whose_officials_a_carried_release_names(tmp_path: Path) -> None:
    """real-tune-2: a Solomon Islands release carried by a news site; its `source`, the
    government's site, makes the Prime Minister the publisher's (he was given Japan)."""
    doc = {
        "id": "sb",
        "source": "pmpress.gov.sb",
        "url": "https://www.solomontimes.com/news/x",
        "title": "Solomon Islands Honorary Consul to Japan pays courtesy visit to Prime Minister.",
        "published": None,
        "text": "Solomon Islands Honorary Consul to Japan and President of KITANO CONSTRUCTION "
        "CORP, Mr. Takahiro Kitano paid courtesy visit to Prime Minister Hon. Manasseh Sogavare "
        "MP. Prime Minister Sogavare and the Honorary Consul deliberated on maintaining ties.",
    }
    out = tmp_path / "out.jsonl"
    result = _run(str(_write(tmp_path / "docs.jsonl", [doc])), "-o", str(out))
    assert result.returncode == 0, result.stderr
    first = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    people = {p["name"]: p["affiliation"] for p in first["participants"]}
    assert people["Manasseh Sogavare"] == "SB"
    assert first["source_id"] == "pmpress.gov.sb"
