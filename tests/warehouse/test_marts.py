"""Materialized views: same rows as their SQL, fresh after every refresh, sorted for filters."""

from __future__ import annotations

import dataclasses
import os
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from tests.warehouse.factories import EXTRACTED_AT, FETCHED_AT, make_document, make_event

from ingest import publication, store, warehouse
from ingest.config import Settings
from ingest.errors import StoreError
from ingest.records import Participant, Quote, Reject

MATERIALIZED = [v for v in warehouse.load_views() if v.materialized]


def write_release(settings: Settings, doc_id: str, load_id: str, **event: object) -> None:
    document = make_document(doc_id)
    store.write_documents(settings, [document], FETCHED_AT, load_id)
    store.write_events(settings, [make_event(document, **event)], load_id, EXTRACTED_AT)


def rows(settings: Settings, sql: str) -> list[tuple[object, ...]]:
    return sorted(warehouse.query(settings, sql).rows, key=repr)


def live_rows(settings: Settings, names: list[str]) -> dict[str, list[tuple[object, ...]]]:
    """The views computed from their SQL over the tables right now (marts computed in Python
    computed again, with the person registry as published), by name; every view and mart is
    set up once for all of them (once per name was most of this module's time)."""
    with duckdb.connect() as connection:
        for view in warehouse.load_views():
            connection.execute(
                f"create view {view.name} as {warehouse.render(view.template, settings)}"
            )
            if view.computed:
                connection.register(
                    f"{view.name}_rows", warehouse.mart_table(connection, view, settings)
                )
                connection.execute(
                    f"create or replace view {view.name} as select * from {view.name}_rows"
                )
        return {
            name: sorted(connection.execute(f"select * from {name}").fetchall(), key=repr)
            for name in names
        }


def test_participants_and_quotes_show_a_new_event_after_the_refresh(settings: Settings) -> None:
    write_release(settings, "doc-1", "L1")
    warehouse.refresh_serving_file(settings)
    people = "select person_name, doc_id from stg_participants"
    assert rows(settings, people) == [("Marco Rubio", "doc-1"), ("Mark Rutte", "doc-1")]

    write_release(
        settings,
        "doc-2",
        "L2",
        participants=(Participant("Kaja Kallas", "High Representative", "EU", "host"),),
        quotes=(Quote("Kaja Kallas", "Europe stands with Ukraine."),),
    )
    assert warehouse.refresh_serving_file(settings) is False  # same views: the file is kept
    assert ("Kaja Kallas", "doc-2") in rows(settings, people)
    quotes = rows(settings, "select speaker_name, doc_id from fct_quotes")
    assert quotes == [("Kaja Kallas", "doc-2"), ("Marco Rubio", "doc-1")]
    assert ("Kaja Kallas", 1) in rows(settings, "select person_name, event_count from dim_people")


def test_a_revised_release_replaces_its_participants_after_the_refresh(settings: Settings) -> None:
    write_release(settings, "doc-1", "L1")
    warehouse.refresh_serving_file(settings)
    revised = make_document("doc-1", text="Secretary Rubio met President Stubb.")
    store.write_documents(settings, [revised], FETCHED_AT + timedelta(days=1), "L2")
    stubb = (Participant("Alexander Stubb", "President", "FI", "host"),)
    store.write_events(settings, [make_event(revised, participants=stubb)], "L2", EXTRACTED_AT)
    warehouse.refresh_serving_file(settings)
    assert rows(settings, "select person_name from stg_participants") == [("Alexander Stubb",)]


def test_materialized_views_hold_exactly_what_their_sql_computes(settings: Settings) -> None:
    for i in range(6):
        people = (
            Participant(f"Person {i % 3}", "Minister", ["US", "FR", "NATO"][i % 3], "host"),
            Participant("Marco Rubio", "Secretary of State", "US", "guest"),
        )
        write_release(
            settings, f"doc-{i}", f"L{i}", participants=people, event_date=date(2024, i + 1, 9)
        )
    warehouse.refresh_serving_file(settings)
    live = live_rows(settings, [view.name for view in MATERIALIZED])
    for view in MATERIALIZED:
        assert rows(settings, f"select * from {view.name}") == live[view.name]


def published_mart(settings: Settings, name: str) -> Path:
    snapshot = publication.read(settings).marts_snapshot
    assert snapshot is not None
    return Path(store.mart_path(settings, name, snapshot))


def test_marts_are_recomputed_only_when_the_data_changed(settings: Settings) -> None:
    write_release(settings, "doc-1", "L1")
    warehouse.refresh_serving_file(settings)
    mart = published_mart(settings, "stg_participants")
    before = os.stat(mart).st_mtime_ns
    assert warehouse.publish(settings).marts_recomputed is False
    assert published_mart(settings, "stg_participants") == mart
    assert os.stat(mart).st_mtime_ns == before
    write_release(settings, "doc-2", "L2")
    assert warehouse.publish(settings).marts_recomputed is True
    assert warehouse.publish(settings).marts_recomputed is False


def test_a_publish_parses_the_view_definitions_at_most_once(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every view's SQL is rendered two or three times a publish, each inlining ephemeral
    models from schema.toml: parsed each time, that was 109 parses and half of a small
    warehouse's publish (1.4 of 3 s)."""
    import tomllib

    write_release(settings, "doc-1", "L1")
    warehouse.publish(settings)
    write_release(settings, "doc-2", "L2")
    parsed: list[int] = []
    parse = tomllib.loads
    monkeypatch.setattr(tomllib, "loads", lambda text: parsed.append(len(text)) or parse(text))
    assert warehouse.publish(settings).marts_recomputed is True
    assert parsed == []  # schema.toml's text is the same: its parse is kept


def test_a_run_that_wrote_only_its_load_row_and_rejects_keeps_the_marts(
    settings: Settings,
) -> None:
    write_release(settings, "doc-1", "L1")
    warehouse.refresh_serving_file(settings)
    store.write_load(settings, {"load_id": "L2", "flow": "ingest-feeds", "started_at": FETCHED_AT})
    store.write_rejects(settings, [Reject("feed", "x", "parse", "empty feed")], "L2", FETCHED_AT)
    assert warehouse.publish(settings).marts_recomputed is False
    assert rows(settings, "select load_id from stg_loads") == [("L2",)]  # a view, not a mart
    write_release(settings, "doc-2", "L3")
    assert warehouse.publish(settings).marts_recomputed is True


def test_tables_read_follows_the_views_a_view_selects_from() -> None:
    views = [
        warehouse.View("mart", "select * from middle join {{ source('events') }}", ""),
        warehouse.View("middle", "select * from {{ source('superseded') }}, mart", ""),
        warehouse.View("middle_two", "select * from {{ source('loads') }}", ""),
        warehouse.View("other", "select * from {{ source('rejects') }}", ""),
    ]
    # `middle` names `mart` back (a cycle ends); `middle_two` is another word, not `middle`
    assert warehouse.tables_read(views, ["mart"]) == {"events", "superseded"}
    assert warehouse.tables_read(views, ["other", "middle_two"]) == {"rejects", "loads"}
    assert warehouse.tables_read(views, []) == set()


def test_every_materialized_view_is_refreshed_by_the_tables_its_sql_names() -> None:
    views = warehouse.load_views()
    read = warehouse.tables_read(views, [view.name for view in MATERIALIZED])
    for view in MATERIALIZED:
        assert set(warehouse.SOURCE_PATTERN.findall(view.template)) <= read, view.name
    assert {"events", "superseded"} <= read


def test_materialized_files_are_sorted_by_their_filters(settings: Settings) -> None:
    days = [date(2025, 3, 1) - timedelta(days=40 * i) for i in range(8)]  # newest first
    for i, day in enumerate(days):
        write_release(settings, f"doc-{i}", f"L{i}", event_date=day)
    warehouse.refresh_serving_file(settings)
    for view in MATERIALIZED:
        if not view.sort_by:
            continue
        table = pq.read_table(published_mart(settings, view.name))
        expected = table.sort_by([(c, "ascending") for c in view.sort_by])
        assert table.num_rows > 0 and table.equals(expected), view.name
    participants = pq.read_table(published_mart(settings, "stg_participants"))
    assert pc.min(participants.column("event_date")).as_py() == min(days)
    sql = rows(settings, "select sql from duckdb_views() where view_name = 'stg_participants'")
    assert "_marts/stg_participants/" in str(sql[0][0])


def test_dim_people_breaks_ties_alphabetically_whatever_the_row_order(settings: Settings) -> None:
    # one event each: "Kaja  Kallas" (EU) and "Kaja Kallas" (EE) are one person seen once per
    # spelling and affiliation; the pick must not depend on the order rows are read in
    for i, (name, affiliation) in enumerate([("Kaja Kallas", "EU"), ("Kaja  Kallas", "EE")]):
        person = (Participant(name, "High Representative", affiliation, "host"),)
        write_release(settings, f"doc-{i}", f"L{i}", participants=person)
    warehouse.refresh_serving_file(settings)
    people = rows(settings, "select person_name, affiliation, event_count from dim_people")
    assert people == [("Kaja  Kallas", "EE", 2)]
    aliases = rows(settings, "select alias, rule from person_aliases")
    assert aliases == [("Kaja  Kallas", "canonical"), ("Kaja Kallas", "spelling")]


def test_spellings_that_differ_by_middle_initials_are_one_person(settings: Settings) -> None:
    spellings = ["Wendy R. Sherman", "Wendy Sherman", "WENDY  R SHERMAN", "Ferdinand Marcos Jr."]
    spellings += ["Ferdinand Marcos Jr", "J. Sherman"]  # a first initial is not a middle one
    for i, name in enumerate(spellings):
        person = (Participant(name, "Deputy Secretary", "US", "host"),)
        said = (Quote(name, f"Statement {i}."),)
        write_release(settings, f"doc-{i}", f"L{i}", participants=person, quotes=said)
    warehouse.refresh_serving_file(settings)
    people = rows(settings, "select person_name, event_count from dim_people")
    assert people == [("Ferdinand Marcos Jr", 2), ("J. Sherman", 1), ("WENDY  R SHERMAN", 3)]
    joined = rows(
        settings,
        "select p.person_name, count(*) from fct_quotes q "
        "join dim_people p on p.person_id = q.speaker_person_id group by all",
    )
    assert joined == [("Ferdinand Marcos Jr", 2), ("J. Sherman", 1), ("WENDY  R SHERMAN", 3)]


def test_fct_events_flags_records_more_likely_wrong_than_right(settings: Settings) -> None:
    write_release(settings, "doc-sure", "L1", confidence=0.8)
    write_release(settings, "doc-doubt", "L2", confidence=0.3)
    warehouse.refresh_serving_file(settings)
    flagged = rows(settings, "select doc_id, needs_review from fct_events")
    assert flagged == [("doc-doubt", True), ("doc-sure", False)]


def test_a_marts_compression_from_schema_toml_reaches_its_file(settings: Settings) -> None:
    # stg_participants is lz4 (the who-met self-join decodes all of it), the others zstd
    write_release(settings, "doc-1", "L1")
    warehouse.refresh_serving_file(settings)
    for view in MATERIALIZED:
        metadata = pq.ParquetFile(published_mart(settings, view.name)).metadata
        codec = metadata.row_group(0).column(0).compression if metadata.num_row_groups else None
        expected = (view.compression or "zstd").upper()
        assert codec in (None, expected), view.name
    assert {v.name: v.compression for v in MATERIALIZED}["stg_participants"] == "lz4"


def test_an_unknown_mart_compression_is_a_one_line_error(tmp_path: Path) -> None:
    models = tmp_path / "models"
    models.mkdir()
    (models / "only.sql").write_text("select 1 as one", encoding="utf-8")
    (models / "schema.toml").write_text(
        '[views.only]\npath = "only.sql"\nmaterialized = true\ncompression = "brotli"\n'
        'description = "One."\n[views.only.columns]\none = "One."\n',
        encoding="utf-8",
    )
    with pytest.raises(StoreError, match=r"view only: compression = 'brotli' needs") as error:
        warehouse.load_views(models)
    assert "\n" not in str(error.value)


def test_the_marts_memory_setting_bounds_duckdb_while_a_publish_computes(
    settings: Settings,
) -> None:
    """settings.marts_memory_mb reaches DuckDB's memory_limit (0, the default, leaves DuckDB's
    own), with a spill folder; a publish under a small limit computes the same marts as
    under DuckDB's own."""
    bounded = dataclasses.replace(settings, marts_memory_mb=64)
    spill = str(Path(settings.data_root).parent)
    with duckdb.connect() as connection:
        own = connection.sql("select current_setting('memory_limit')").fetchone()
        warehouse._bound_memory(connection, settings, spill)
        assert connection.sql("select current_setting('memory_limit')").fetchone() == own
        warehouse._bound_memory(connection, bounded, spill)
        limit = connection.sql("select current_setting('memory_limit')").fetchone()
    assert limit is not None and limit[0] in {"64.0 MiB", "61.0 MiB", "64.0 MB"}, limit
    write_release(settings, "doc-1", "L1")
    warehouse.refresh_serving_file(bounded)
    small = warehouse.query(bounded, "select * from stg_participants order by all").rows
    warehouse.publish(settings, force=True)  # the marts computed again, DuckDB's own limit
    assert warehouse.query(settings, "select * from stg_participants order by all").rows == small


# operators DuckDB holds in memory whatever its memory_limit, in the plans of the marts built
# from every pair of (participant, affiliation) or (record, record) sharing a person: a lateral
# subquery decorrelated by a DELIM_JOIN holds the rows it joins back, distinct counts and
# any_value hold their states (issue 21: both marts ran out under marts_memory_mb)
UNSPILLABLE = {
    "fct_country_pairs": ("DELIM_JOIN",),
    "int_engagement_links": ("DELIM_JOIN", "any_value", "count(DISTINCT"),
}


@pytest.mark.parametrize("mart", sorted(UNSPILLABLE))
def test_the_pair_marts_plan_no_operator_that_cannot_spill(settings: Settings, mart: str) -> None:
    write_release(settings, "doc-1", "L1")
    warehouse.refresh_serving_file(settings)
    snapshot = publication.read(settings).marts_snapshot or ""
    with duckdb.connect() as connection:
        for view in warehouse.load_views():
            if view.materialized and view.name != mart:  # as a publish reads them: their files
                written = store.mart_path(settings, view.name, snapshot, for_duckdb=True)
                sql = f"select * from read_parquet('{written}')"
            else:
                sql = warehouse.render(view.template, settings, frozenset())
            connection.execute(f"create view {view.name} as {sql}")
        plan = connection.sql(f"explain select * from {mart}").fetchall()[0][1]
    assert [name for name in UNSPILLABLE[mart] if name in plan] == []
