"""`ingest explain`: each value beside the passage that supports it (a file or the warehouse)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from tests.warehouse.factories import EXTRACTED_AT, FETCHED_AT, make_document, write_settings_file

from ingest import store
from ingest.cli import cli
from ingest.config import load_settings
from ingest.extract import extract
from ingest.records import Document

TEXT = (
    "Secretary of State Marco Rubio met NATO Secretary General Mark Rutte at NATO Headquarters "
    "in Brussels, Belgium, on April 3, 2025."
)


def test_explain_shows_each_value_with_its_passage_from_a_documents_file(tmp_path: Path) -> None:
    docs = tmp_path / "docs.jsonl"
    row = {"id": "seed", "title": "Secretary Rubio's Meeting with Rutte", "text": TEXT}
    docs.write_text(json.dumps(row) + "\n", encoding="utf-8")
    result = CliRunner().invoke(
        cli,
        ["explain", "seed", "--docs", str(docs), "--settings", str(write_settings_file(tmp_path))],
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "seed: Secretary Rubio's Meeting with Rutte"
    city = lines.index("  city: Brussels")
    assert lines[city + 1].startswith('      <- "Brussels" (')
    date = lines.index("  event_date: 2025-04-03 (explicit)")
    assert '"April 3, 2025"' in lines[date + 1]
    assert any('<- "Meeting with" (title ' in line for line in lines)  # the headline's words


def test_explain_reads_the_current_events_of_a_stored_document(tmp_path: Path) -> None:
    settings_file = write_settings_file(tmp_path)
    settings = load_settings(str(settings_file))
    document: Document = make_document("doc-1", text=TEXT)
    store.write_documents(settings, [document], FETCHED_AT, "L1")
    store.write_events(settings, extract(document), "L1", EXTRACTED_AT)
    result = CliRunner().invoke(cli, ["explain", "doc-1", "--settings", str(settings_file)])
    assert result.exit_code == 0, result.output
    assert "event 1 (primary): meeting [CAMEO 040]" in result.output
    assert '<- "Rutte" (title ' in result.output


def test_an_unknown_document_is_one_line(tmp_path: Path) -> None:
    settings_file = write_settings_file(tmp_path)
    result = CliRunner().invoke(cli, ["explain", "nope", "--settings", str(settings_file)])
    assert result.exit_code != 0
    assert "no stored document with id 'nope'" in str(result.exception or result.output)
