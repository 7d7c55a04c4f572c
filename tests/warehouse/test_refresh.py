"""`ingest refresh [--full]`: brings marts and serving file up to date; --full recomputes every
mart from all rows, and gives the rows the runs' publications gave."""

from __future__ import annotations

from datetime import date

from click.testing import CliRunner
from tests.warehouse.factories import (
    EXTRACTED_AT,
    FETCHED_AT,
    make_document,
    make_event,
    mart_rows,
)

from ingest import publication, store, warehouse
from ingest.cli.warehouse import refresh_command
from ingest.config import Settings
from ingest.records import Participant


def run(settings: Settings, load_id: str, releases: dict[str, dict[str, object]]) -> None:
    """One pipeline run: its rows in flight, then published with its marts."""
    publication.begin(settings, load_id, EXTRACTED_AT)
    for doc_id, event in releases.items():
        text = event.pop("text", None)
        document = make_document(doc_id, text=None if text is None else str(text))
        store.write_documents(settings, [document], FETCHED_AT, load_id)
        store.write_events(settings, [make_event(document, **event)], load_id, EXTRACTED_AT)
    warehouse.publish(settings, load_id)


def test_a_full_refresh_gives_the_rows_the_runs_published(settings: Settings) -> None:
    rutte = Participant("Mark Rutte", "Secretary General", "NATO", "host")
    kallas = Participant("Kaja Kallas", "High Representative", "EU", "guest")
    run(settings, "L1", {"doc-1": {}, "doc-2": {"participants": (rutte, kallas)}})
    # a new version of doc-1, and Mark Rutte again, spelled the short way
    short = Participant("M. Rutte", "Secretary General", "NATO", "host")
    run(
        settings,
        "L2",
        {
            "doc-1": {"text": "A revised release.", "event_date": date(2024, 11, 5)},
            "doc-3": {"participants": (short,)},
        },
    )
    run(settings, "L3", {"doc-4": {"participants": (kallas,)}})
    assert store.read_table(settings, "superseded").column("doc_id").to_pylist() == ["doc-1"]
    published = mart_rows(settings)
    assert any(row for row in published["stg_participants"] if "doc-3" in row)

    runner = CliRunner()
    env = {"INGEST_DATA_ROOT": settings.data_root, "INGEST_SERVING_PATH": settings.serving_path}
    again = runner.invoke(refresh_command, [], env=env)
    assert again.exit_code == 0, again.output
    assert "marts: up to date" in again.output
    full = runner.invoke(refresh_command, ["--full"], env=env)
    assert full.exit_code == 0, full.output
    assert "marts: recomputed" in full.output and "participant_persons" in full.output
    assert mart_rows(settings) == published
