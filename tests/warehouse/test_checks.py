"""Data checks: all pass on good data, and each one fires on the bad data it guards against."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pyarrow as pa
import pytest
from tests.warehouse.factories import EXTRACTED_AT, FETCHED_AT, make_document, make_event

from ingest import store, warehouse
from ingest.config import Settings
from ingest.records import Document, EventRecord, Participant, Reject
from ingest.schemas import SUPERSEDED

Breaker = Callable[[Document], list[EventRecord]]


def good_events(document: Document) -> list[EventRecord]:
    return [make_event(document), make_event(document, 1, event_type="call")]


def write(settings: Settings, events: list[EventRecord], document: Document) -> None:
    store.write_documents(settings, [document], FETCHED_AT, "L1")
    store.write_events(settings, events, "L1", EXTRACTED_AT)


def failing(settings: Settings) -> set[str]:
    return {r.name for r in warehouse.run_checks(settings) if not r.passed}


def test_every_check_passes_on_good_data_and_on_no_data(settings: Settings) -> None:
    assert failing(settings) == set()
    document = make_document()
    write(settings, good_events(document), document)
    store.write_rejects(
        settings, [Reject("state-gov", "x", "parse", "empty feed")], "L1", FETCHED_AT
    )
    store.write_load(
        settings,
        {"load_id": "L1", "started_at": FETCHED_AT, "ended_at": FETCHED_AT, "status": "ok"},
    )
    assert failing(settings) == set()


def duplicate_event_id(document: Document) -> list[EventRecord]:
    first = make_event(document)
    return [first, dataclasses.replace(first, content_hash="another-hash", is_primary=False)]


def duplicate_event_id_on_two_days(document: Document) -> list[EventRecord]:
    first, again = duplicate_event_id(document)
    return [first, dataclasses.replace(again, event_date=date(2025, 4, 4))]


BREAKERS: dict[str, Breaker] = {
    "fct_events_unique_event_id": duplicate_event_id,
    "stg_events_unique_event_id": duplicate_event_id,
    "event_bridges_unique_known_events": duplicate_event_id,
    "fct_events_iso_country_codes": lambda d: [make_event(d, country_code="ZZ")],
    "fct_events_accepted_event_types": lambda d: [make_event(d, event_type="party")],
    "fct_events_one_primary_per_document": lambda d: [
        make_event(d),
        make_event(d, 1, event_type="call", is_primary=True),
    ],
    "fct_events_sane_dates": lambda d: [make_event(d, event_date=date(1815, 6, 18))],
    "fct_events_not_null_keys": lambda d: [make_event(d, extractor_version=None)],  # type: ignore[arg-type]
    "fct_event_locations_valid_coordinates": lambda d: [make_event(d, latitude=123.0)],
    "stg_participants_valid_affiliations": lambda d: [
        make_event(d, participants=(Participant("Jane Doe", "Minister", "Atlantis"),))
    ],
    # one event on two days gets two event_keys (a self-join on it would miss pairs)
    "stg_participants_one_event_per_event_key": duplicate_event_id_on_two_days,
    "stg_participants_not_null_names": lambda d: [
        make_event(d, participants=(Participant(" ", "Minister", "US", "boss"),))  # type: ignore[arg-type]
    ],
}


@pytest.mark.parametrize("check", sorted(BREAKERS))
def test_each_check_fires_on_the_bad_data_it_guards_against(settings: Settings, check: str) -> None:
    document = make_document()
    write(settings, BREAKERS[check](document), document)
    assert check in failing(settings)


def test_the_rejects_and_loads_checks_fire(settings: Settings) -> None:
    store.write_rejects(settings, [Reject("s", "x", "dreaming", "")], "L1", FETCHED_AT)
    store.write_load(
        settings,
        {"load_id": "L1", "started_at": EXTRACTED_AT, "ended_at": FETCHED_AT, "status": "meh"},
    )
    assert {"stg_rejects_not_null_keys", "stg_loads_valid_runs"} <= failing(settings)


def test_a_superseded_version_without_its_replacement_is_reported(settings: Settings) -> None:
    document = make_document()
    write(settings, good_events(document), document)
    # what a crash between the two writes of a new version leaves: L1 superseded, L2 missing
    row = {"doc_id": document.doc_id, "load_id": "L1", "superseded_by": "L2"}
    orphan = pa.Table.from_pylist([{**row, "superseded_at": EXTRACTED_AT}], schema=SUPERSEDED)
    store._write(settings, "superseded", orphan, "L2")
    assert "stg_superseded_replacement_exists" in failing(settings)
    assert warehouse.query(settings, "select count(*) from fct_events").rows == [(0,)]


def test_ingest_check_prints_one_line_per_failing_check_and_exits_non_zero(
    settings: Settings, tmp_path: Path
) -> None:
    document = make_document()
    write(settings, [make_event(document, country_code="ZZ", latitude=123.0)], document)
    config = tmp_path / "settings.toml"
    config.write_text(
        f'data_root = "{settings.data_root}"\nserving_path = "{settings.serving_path}"\n',
        encoding="utf-8",
    )
    command = [str(Path(sys.executable).parent / "ingest"), "check", "--settings", str(config)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 2, done.stderr
    # warnings print beside the failures (a city in ZZ is in another country than Brussels)
    lines = [line for line in done.stdout.splitlines() if not line.startswith("WARN ")]
    assert sorted(line.split(":")[0] for line in lines) == [
        "FAIL fct_event_locations_valid_coordinates",
        "FAIL fct_events_iso_country_codes",
    ]
    assert "2 of" in done.stderr and "checks failed" in done.stderr

    good = make_document("doc-2")
    fixed = tmp_path / "fixed"
    config.write_text(
        f'data_root = "{fixed}/data"\nserving_path = "{fixed}/ingest.duckdb"\n', encoding="utf-8"
    )
    write(
        Settings(data_root=f"{fixed}/data", serving_path=f"{fixed}/x.duckdb"),
        good_events(good),
        good,
    )
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0 and done.stdout.startswith("ok:"), done.stdout + done.stderr
