"""benchmarks/bench_table_formats.py times its own copy of a mart over each table format's raw
tables: it must compute what the warehouse's mart computes (needs none of its optional group)."""

from __future__ import annotations

import importlib.util
import sys
from datetime import date
from pathlib import Path
from types import ModuleType

import duckdb
from tests.warehouse.factories import EXTRACTED_AT, FETCHED_AT, make_document, make_event

from ingest import store, warehouse
from ingest.config import Settings
from ingest.records import Participant

BENCHMARK = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_table_formats.py"
RUBIO = Participant("Marco Rubio", "Secretary of State", "US", None)
RUTTE = Participant("Mark Rutte", "Secretary General", "NATO", None)
KALLAS = Participant("Kaja Kallas", "High Representative", "EU", None)
LAMMY = Participant("David Lammy", "Foreign Secretary", "GB", None)


def benchmark() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_table_formats", BENCHMARK)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_table_formats", module)
    spec.loader.exec_module(module)
    return module


def test_the_benchmarks_country_pairs_query_is_the_mart(settings: Settings) -> None:
    releases = [
        ("doc-1", {"participants": (RUBIO, RUTTE, KALLAS)}),
        ("doc-2", {"participants": (RUBIO, LAMMY), "event_date": date(2025, 5, 20)}),
        ("doc-3", {"participants": (KALLAS, LAMMY), "event_type": "call"}),
        # no date of its own: its month is the publication's (int_event_records)
        ("doc-4", {"participants": (RUTTE, LAMMY), "event_date": None}),
        ("doc-5", {"participants": (RUBIO, KALLAS), "event_type": "statement"}),
    ]
    for doc_id, event in releases:
        document = make_document(doc_id)
        store.write_documents(settings, [document], FETCHED_AT, "L1")
        store.write_events(settings, [make_event(document, **event)], "L1", EXTRACTED_AT)
    warehouse.refresh_serving_file(settings)
    mart = sorted(warehouse.query(settings, "select * from fct_country_pairs").rows, key=repr)

    with duckdb.connect() as connection:
        connection.register("events_table", store.read_table(settings, "events"))
        sql = benchmark().QUERIES["fct_country_pairs"].format(events="events_table")
        copied = sorted(connection.execute(sql).fetchall(), key=repr)

    assert len(mart) == 6  # April: 3 + 1 + 1 (doc-4 by its publication), May: 1; doc-5 no meeting
    assert copied == mart
