"""scripts/same_records.py: the check that a speed change leaves every record as it was."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("same_records", ROOT / "scripts/same_records.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _records(path: Path, *rows: dict[str, object]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def test_equal_outputs_have_no_difference(tmp_path: Path) -> None:
    rows = ({"doc_id": "a", "city": "Brussels"}, {"doc_id": "b", "city": None})
    before = _records(tmp_path / "before.jsonl", *rows)
    after = _records(tmp_path / "after.jsonl", *rows)
    assert _script().first_difference(before, after) is None


def test_a_changed_record_is_named_by_line_and_document(tmp_path: Path) -> None:
    before = _records(tmp_path / "before.jsonl", {"doc_id": "a", "x": 1}, {"doc_id": "b", "x": 2})
    after = _records(tmp_path / "after.jsonl", {"doc_id": "a", "x": 1}, {"doc_id": "b", "x": 3})
    assert _script().first_difference(before, after) == "line 2 (document b) differs"


def test_a_lost_record_is_counted(tmp_path: Path) -> None:
    before = _records(tmp_path / "before.jsonl", {"doc_id": "a"}, {"doc_id": "a"})
    after = _records(tmp_path / "after.jsonl", {"doc_id": "a"})
    assert _script().first_difference(before, after) == "2 records before, 1 now"


def test_the_corpus_becomes_documents_with_the_benchmark_ids(tmp_path: Path) -> None:
    target = _script().write_corpus_documents(tmp_path / "docs.jsonl")
    lines = target.read_text(encoding="utf-8").splitlines()
    first = json.loads(lines[0])
    assert len(lines) == 2025
    assert first["id"] == "bench-0" and first["text"] and "<" not in first["text"][:200]
