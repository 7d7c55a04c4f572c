"""Who met whom: the self-join of stg_participants on event_key gives the rows the self-join on
event_id gives, and a date filter on one side prunes the other side's row groups."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, timedelta
from typing import Any

import duckdb
from tests.warehouse.factories import EXTRACTED_AT, FETCHED_AT, make_document, make_event

from ingest import store, warehouse
from ingest.config import Settings
from ingest.records import Participant

NAMES = ("Anna Berg", "Carl Dahl", "Eva Falk", "Gustav Holm", "Ida Jansson", "Karl Lind")
PAIRS = """select a.participant_id, b.participant_id
    from stg_participants a join stg_participants b on a.{key} = b.{key}
    order by all"""
WHO_MET = """select b.person_name, count(*) as n
    from stg_participants a join stg_participants b on a.{key} = b.{key}
    where a.person_name = 'Anna Berg' and b.person_name <> 'Anna Berg'
        and a.event_date >= date '2025-03-01'
    group by 1 order by n desc, 1"""


def write_events(settings: Settings, days: int, events_a_day: int) -> int:
    """Documents with two events each over `days` days (several on a day, one undated), 2-3
    participants drawn in turn from NAMES; the number of participant rows."""
    documents, events = [], []
    for number in range(days * events_a_day // 2):
        document = make_document(f"doc-{number}")
        day = date(2025, 1, 1) + timedelta(days=number * 2 // events_a_day)
        for ordinal, event_type in enumerate(("meeting", "call")):
            count = 2 + (number + ordinal) % 2
            first = number + 3 * ordinal
            people = tuple(
                Participant(NAMES[(first + i) % len(NAMES)], "Minister", "SE", "guest")
                for i in range(count)
            )
            undated = number == 1 and ordinal == 1
            events.append(
                make_event(
                    document,
                    ordinal,
                    event_type=event_type,
                    participants=people,
                    event_date=None if undated else day,
                )
            )
        documents.append(document)
    store.write_documents(settings, documents, FETCHED_AT, "L1")
    store.write_events(settings, events, "L1", EXTRACTED_AT)
    warehouse.refresh_serving_file(settings)
    return sum(len(event.participants) for event in events)


def rows(settings: Settings, sql: str) -> list[tuple[Any, ...]]:
    return warehouse.query(settings, sql).rows


def test_the_event_key_self_join_gives_the_rows_of_the_event_id_self_join(
    settings: Settings,
) -> None:
    write_events(settings, days=6, events_a_day=4)
    by_id = rows(settings, PAIRS.format(key="event_id"))
    assert len(by_id) > 24 * 4  # every participant with itself and the event's others
    assert rows(settings, PAIRS.format(key="event_key")) == by_id
    assert rows(settings, WHO_MET.format(key="event_key")) == rows(
        settings, WHO_MET.format(key="event_id")
    )
    # one key per event, in the order of (day, event_id): undated events take their month's
    keys = rows(
        settings,
        "select distinct event_key, coalesce(event_date, event_month), event_id "
        "from stg_participants order by event_key",
    )
    assert len(keys) == len({key for key, _, _ in keys}) == 24
    assert [(day, event) for _, day, event in keys] == sorted((d, e) for _, d, e in keys)


def probe_rows_read(settings: Settings, sql: str) -> int:
    """Rows the probe side's scan of stg_participants returned (EXPLAIN ANALYZE)."""
    with duckdb.connect(settings.serving_path, read_only=True) as connection:
        plan = json.loads(connection.sql(f"explain (analyze, format json) {sql}").fetchall()[0][1])
    scans: list[tuple[str, int]] = []

    def visit(node: dict[str, Any]) -> None:
        filters = str(node.get("extra_info", {}).get("Filters", ""))
        if "person_name" in filters:
            scans.append((filters, int(node["operator_cardinality"])))
        for child in node.get("children", []):
            visit(child)

    visit(plan)
    return next(count for filters, count in scans if "!=" in filters)


def test_a_date_filter_on_one_side_prunes_the_other_only_on_event_key(
    settings: Settings,
) -> None:
    # row groups of 4 rows: each holds one or two days of a sorted mart
    small_groups = dataclasses.replace(settings, row_group_size=4)
    participants = write_events(small_groups, days=90, events_a_day=2)
    others = (
        participants
        - rows(
            small_groups, "select count(*) from stg_participants where person_name = 'Anna Berg'"
        )[0][0]
    )
    # hashed ids: the min and max of the filtered side's ids span nearly every row group
    assert probe_rows_read(small_groups, WHO_MET.format(key="event_id")) > others * 3 / 4
    # March onwards is a third of the 90 days
    assert probe_rows_read(small_groups, WHO_MET.format(key="event_key")) < others / 2
