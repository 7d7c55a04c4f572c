"""Every value traces to its rule: evidence names a registered rule id, the events table stores it
(and still reads files written before it had one), and `ingest explain` prints it."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from tests.warehouse.factories import EXTRACTED_AT, FETCHED_AT, make_document, write_settings_file

from ingest import store, warehouse
from ingest.cli import cli
from ingest.cli.extract import read_documents
from ingest.config import Settings, load_settings
from ingest.extract import extract
from ingest.extract.rules import rules

GOLD_DIR = Path(__file__).resolve().parents[3] / "shared" / "gold"
TEXT = (
    "Secretary of State Marco Rubio met NATO Secretary General Mark Rutte at NATO Headquarters "
    "in Brussels, Belgium, on April 3, 2025."
)


@pytest.mark.parametrize("gold_set", ["dev", "world"])
def test_every_evidence_item_names_a_registered_rule(gold_set: str) -> None:
    docs = GOLD_DIR / gold_set / "docs.jsonl"
    if not docs.exists():
        pytest.skip(f"shared gold set {gold_set} not present")
    known = rules()
    unknown: list[str] = []
    count = 0
    with docs.open("rb") as stream:
        for document in read_documents(stream, str(docs), 1_000_000):
            for record in extract(document):
                for evidence in record.evidence:
                    count += 1
                    if not evidence.rule or evidence.rule not in known:
                        unknown.append(f"{document.doc_id} {evidence.field} {evidence.rule!r}")
    assert count > 1000  # the set was read and extracted
    assert unknown == []


def test_rule_ids_are_unique_and_described() -> None:
    known = rules()
    assert "place.venue_seat" in known and "person.apposition" in known
    assert "body.meeting" in known  # event type rules come from cues.toml
    assert all(meaning.strip() for meaning in known.values())


def test_each_mechanism_reports_its_own_rule() -> None:
    [record] = extract(make_document("doc-1", text=TEXT, title="Secretary Rubio Meets Rutte"))
    by_field = {(e.field, e.rule) for e in record.evidence}
    assert ("event_date", "date.event_sentence") in by_field
    assert ("city", "place.event_sentence") in by_field
    assert ("participants", "person.title_before") in by_field  # how the name was found
    assert ("title:participants", "participant.headline") in by_field  # why it takes part


def test_a_seat_venue_names_the_seat_rule() -> None:
    text = (
        "Foreign Minister Annalena Baerbock met with Portuguese Foreign Minister Joao Gomes "
        "Cravinho at the Portuguese Ministry of Foreign Affairs on Tuesday, May 3, 2022."
    )
    [record] = extract(make_document("doc-seat", text=text, title="Meeting in Portugal"))
    assert record.city == "Lisbon"
    assert any(e.field == "city" and e.rule == "place.venue_seat" for e in record.evidence)


def test_explain_prints_each_passage_with_its_rule(tmp_path: Path) -> None:
    docs = tmp_path / "docs.jsonl"
    row = {"id": "seed", "title": "Secretary Rubio's Meeting with Rutte", "text": TEXT}
    docs.write_text(json.dumps(row) + "\n", encoding="utf-8")
    settings = str(write_settings_file(tmp_path))
    result = CliRunner().invoke(
        cli, ["explain", "seed", "--docs", docs.as_posix(), "--settings", settings]
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    city = lines.index("  city: Brussels")
    assert lines[city + 1].endswith("[place.event_sentence]")
    assert any(line.endswith("[participant.headline]") for line in lines)


_OLD_EVIDENCE = pa.struct([("field", pa.string()), ("start", pa.int32()), ("end", pa.int32())])
_OLD_PERSON = pa.struct(
    [
        ("name", pa.string()),
        ("title", pa.string()),
        ("affiliation", pa.string()),
        ("role", pa.string()),
    ]
)


def _as_written_before_rules(path: Path) -> None:
    """Rewrite an events file as extractor 0.8 wrote it: no `rule`, no `name_status`."""
    table = pq.read_table(path, partitioning=None)
    older = {
        "evidence": _OLD_EVIDENCE,
        "participants": _OLD_PERSON,
        "mentioned_people": _OLD_PERSON,
    }
    fields = [
        pa.field(f.name, pa.list_(older[f.name])) if f.name in older else f for f in table.schema
    ]
    old_schema = pa.schema(fields)
    rows = table.to_pylist()
    for row in rows:
        for name, struct in older.items():
            keep = [child.name for child in struct]
            row[name] = [{k: item[k] for k in keep} for item in row[name] or []]
    pq.write_table(pa.Table.from_pylist(rows, schema=old_schema), path)


def _events_files(settings: Settings) -> list[Path]:
    return sorted(Path(settings.data_root, "events").rglob("*.parquet"))


def test_a_store_written_before_rules_and_one_after_read_together(tmp_path: Path) -> None:
    settings = load_settings(str(write_settings_file(tmp_path)))
    before = make_document("doc-before", text=TEXT)
    store.write_documents(settings, [before], FETCHED_AT, "L1")
    store.write_events(settings, extract(before), "L1", EXTRACTED_AT)
    for path in _events_files(settings):
        _as_written_before_rules(path)
    assert "rule" not in str(pq.read_schema(_events_files(settings)[-1]))
    after = make_document("doc-after", text=TEXT.replace("April 3", "April 4"))
    store.write_documents(settings, [after], FETCHED_AT, "L2")
    store.write_events(settings, extract(after), "L2", EXTRACTED_AT)

    def rules_by_doc() -> dict[str, set[str | None]]:
        warehouse.refresh_serving_file(settings, force=True)
        rows = warehouse.query(
            settings,
            "select doc_id, rule_id from event_evidence order by doc_id",
        ).rows
        found: dict[str, set[str | None]] = {}
        for doc_id, rule in rows:
            found.setdefault(doc_id, set()).add(rule)
        return found

    found = rules_by_doc()
    assert found["doc-before"] == {None}
    assert None not in found["doc-after"] and "place.event_sentence" in found["doc-after"]
    statuses = warehouse.query(
        settings,
        "select doc_id, name_status from stg_participants order by doc_id",
    ).rows
    # files from before 0.9.0 carry no name_status: the person resolution gives it from the
    # name's shape (ingest.persons.name_status_of), so every row has one
    valid = {"full", "resolved", "surname_only"}
    assert {s for d, s in statuses if d == "doc-before"} <= valid
    assert {s for d, s in statuses if d == "doc-after"} <= valid
    people = warehouse.query(settings, "select count(*) from stg_participants").rows
    assert people[0][0] == 4
    failed = [c.name for c in warehouse.run_checks(settings) if not c.passed]
    assert failed == []
    store.compact(settings)  # merging old and new files keeps both
    assert rules_by_doc()["doc-before"] == {None}
    result = CliRunner().invoke(
        cli, ["explain", "doc-before", "--settings", str(write_settings_file(tmp_path))]
    )
    assert result.exit_code == 0, result.output
    assert "[rule not recorded]" in result.output


def test_people_patterns_are_named_data_in_the_registry() -> None:
    from ingest.extract import gazetteer
    from ingest.extract.people.patterns import PATTERN_FILE, pattern

    ids = [str(entry["id"]) for entry in gazetteer._toml(PATTERN_FILE)["pattern"]]
    assert len(ids) >= 20 and set(ids) <= set(rules())
    assert pattern("participants.attended_by").search("The meeting was attended by X")
