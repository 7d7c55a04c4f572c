"""Incremental marts: a run's publish computes the engagement links of the days it touches and
the engagements of the records it touches, keeps every other row of the previous snapshot, and
gives the rows a full recompute gives (after new reports of old engagements, a superseded
document whose date moves, and a lone surname that a later run's full name, weeks away, makes
ambiguous)."""

from __future__ import annotations

import dataclasses
import tempfile
from datetime import UTC, date, datetime, time
from pathlib import Path

import duckdb
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from tests.warehouse.factories import (
    EXTRACTED_AT,
    FETCHED_AT,
    make_document,
    make_event,
    mart_rows,
)

from ingest import publication, store, warehouse
from ingest.config import Settings
from ingest.records import Participant

RUBIO = Participant("Marco Rubio", "Secretary of State", "US", "guest")
RUTTE = Participant("Mark Rutte", "Secretary General", "NATO", "host")
KALLAS = Participant("Kaja Kallas", "High Representative", "EU", "guest")
BLINKEN = Participant("Antony Blinken", "Secretary of State", "US", "guest")
LONE_BLINKEN = Participant("Blinken", "Secretary", "US", "guest", name_status="surname_only")
LAVROV = Participant("Sergey Lavrov", "Foreign Minister", "RU", "host")
OTHER_BLINKEN = Participant("Donald Blinken", "Secretary", "US", "guest")
# Antony Blinken on a trip, tagged with the host's affiliation: his person gains PA; a lone
# "Blinken" tagged PA without a title fits him only then
BLINKEN_IN_PANAMA = Participant("Antony Blinken", "Secretary of State", "PA", "guest")
LONE_BLINKEN_PA = Participant("Blinken", None, "PA", "guest", name_status="surname_only")
# a release: doc_id, publisher, event date, participants, text (a new text is a new version)
Release = tuple[str, str, date, tuple[Participant, ...], str]


def run(settings: Settings, load_id: str, releases: list[Release]) -> warehouse.Published:
    """One pipeline run: its rows in flight, then published with its marts."""
    publication.begin(settings, load_id, EXTRACTED_AT)
    documents, events = [], []
    for doc_id, source, day, people, text in releases:
        noon = datetime.combine(day, time(12), tzinfo=UTC)
        document = make_document(
            doc_id, text=text, source_id=source, published_at=noon, published=noon.isoformat()
        )
        documents.append(document)
        events.append(make_event(document, participants=people, event_date=day, quotes=()))
    store.write_documents(settings, documents, FETCHED_AT, load_id)
    store.write_events(settings, events, load_id, EXTRACTED_AT)
    return warehouse.publish(settings, load_id)


def full_rows(settings: Settings) -> dict[str, list[tuple[object, ...]]]:
    """The marts recomputed from every row (what `ingest refresh --full` does)."""
    published = warehouse.publish(settings, force=True)
    assert published.marts_recomputed and not published.incremental
    return mart_rows(settings)


def assert_runs_build_on_previous_and_equal_full(runs: list[list[Release]]) -> None:
    """Publish each run into a fresh warehouse: every run that computes the marts builds
    participant_persons on the previous snapshot (lone surnames or not, and a run of texts
    already stored computes none), and the end equals a full recompute."""
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            data_root=str(Path(folder) / "data"), serving_path=str(Path(folder) / "x.duckdb")
        )
        for number, releases in enumerate(runs):
            published = run(settings, f"L{number}", releases)
            built_on_previous = "participant_persons" in published.incremental
            assert number == 0 or built_on_previous or not published.marts_recomputed
        assert mart_rows(settings) == full_rows(settings)


def engagements(settings: Settings) -> list[list[str]]:
    rows = warehouse.query(
        settings,
        "select string_agg(doc_id, ',' order by doc_id) from engagement_events "
        "group by engagement_id order by 1",
    ).rows
    return [str(row[0]).split(",") for row in rows]


def test_runs_published_incrementally_give_the_rows_of_a_full_recompute(
    settings: Settings,
) -> None:
    april = date(2025, 4, 3)
    first = run(
        settings,
        "L1",
        [
            ("doc-a", "state-gov", april, (RUBIO, RUTTE), "Rubio met Rutte."),
            ("doc-b", "nato-int", april, (RUBIO, RUTTE), "Rutte met Rubio."),
            ("doc-c", "state-gov", date(2025, 4, 10), (RUBIO, KALLAS), "Rubio met Kallas."),
            ("doc-d", "state-gov", date(2025, 4, 20), (LONE_BLINKEN, LAVROV), "Blinken, Lavrov."),
            ("doc-h", "mid-ru", date(2025, 4, 20), (BLINKEN, LAVROV), "Lavrov met Blinken."),
        ],
    )
    assert first.incremental == ()  # nothing to build on
    assert ["doc-a", "doc-b"] in engagements(settings)
    assert ["doc-d", "doc-h"] in engagements(settings)  # the lone Blinken is Antony

    # a later report of the meeting, a day later by a third publisher; and six weeks later a
    # second Secretary Blinken: doc-d's lone "Blinken" no longer names one person, and its
    # engagement with doc-h comes apart although the run touches no day near it
    second = run(
        settings,
        "L2",
        [
            ("doc-e", "eeas", date(2025, 4, 4), (RUBIO, RUTTE), "Rubio and Rutte met."),
            ("doc-f", "eeas", date(2025, 6, 1), (OTHER_BLINKEN, KALLAS), "Blinken, Kallas."),
        ],
    )
    # the lone Blinken too is resolved on the previous snapshot (persons.surname_keys_changed)
    assert set(second.incremental) == {"participant_persons", *warehouse.INCREMENTAL_MARTS}
    assert ["doc-a", "doc-b", "doc-e"] in engagements(settings)
    assert ["doc-d"] in engagements(settings) and ["doc-h"] in engagements(settings)
    incremental = mart_rows(settings)
    assert incremental == full_rows(settings)

    # doc-a revised: now dated a week later, with Kallas: it leaves the April 3 meeting and
    # joins doc-c's; an unrelated release far away
    third = run(
        settings,
        "L3",
        [
            ("doc-a", "state-gov", date(2025, 4, 10), (RUBIO, KALLAS), "Revised: Rubio, Kallas."),
            ("doc-g", "state-gov", date(2026, 1, 5), (RUBIO, LAVROV), "Rubio met Lavrov."),
        ],
    )
    assert set(third.incremental) == {"participant_persons", *warehouse.INCREMENTAL_MARTS}
    assert store.read_table(settings, "superseded").column("doc_id").to_pylist() == ["doc-a"]
    assert ["doc-a", "doc-c"] in engagements(settings)
    assert ["doc-b", "doc-e"] in engagements(settings)
    incremental = mart_rows(settings)
    assert incremental == full_rows(settings)


def pairs(settings: Settings) -> list[tuple[object, ...]]:
    return warehouse.query(
        settings,
        "select event_month, affiliation_a, affiliation_b, event_count from fct_country_pairs "
        "order by all",
    ).rows


def test_a_run_stating_a_persons_affiliation_recomputes_the_pairs_of_other_months(
    settings: Settings,
) -> None:
    """fct_country_pairs counts a participant for their person's affiliation at the date: a run
    in June where Blinken's own words give US makes April's PA (an inference of a release on
    Panama) give way, although the run touches no April record."""
    stated_us = Participant(
        "Antony Blinken", "Secretary of State", "US", "guest", affiliation_rule="affiliation.stated"
    )
    inferred_pa = Participant(
        "Antony Blinken", "Secretary", "PA", "guest", affiliation_rule="affiliation.most_named"
    )
    stated_ru = dataclasses.replace(LAVROV, affiliation_rule="affiliation.stated")
    stated_eu = dataclasses.replace(KALLAS, affiliation_rule="affiliation.stated")
    april = [("doc-a", "state-gov", date(2025, 4, 3), (inferred_pa, stated_ru), "Blinken, Lavrov.")]
    run(settings, "L1", april)
    # nothing says otherwise yet: the release's PA counts
    assert pairs(settings) == [(date(2025, 4, 1), "PA", "RU", 1)]
    june = [("doc-j", "state-gov", date(2025, 6, 2), (stated_us, stated_eu), "Blinken, Kallas.")]
    second = run(settings, "L2", june)
    assert "fct_country_pairs" in second.incremental
    assert pairs(settings) == [(date(2025, 4, 1), "RU", "US", 1), (date(2025, 6, 1), "EU", "US", 1)]
    incremental = mart_rows(settings)
    assert incremental == full_rows(settings)


def test_a_publish_not_built_on_the_previous_snapshot_computes_every_mart(
    settings: Settings,
) -> None:
    run(settings, "L1", [("doc-a", "state-gov", date(2025, 4, 3), (RUBIO, RUTTE), "One.")])
    # rows written outside any run: the previous snapshot is not "everything but this run"
    document = make_document("doc-x", text="Written by hand.")
    store.write_documents(settings, [document], FETCHED_AT, "L-hand")
    store.write_events(settings, [make_event(document)], "L-hand", EXTRACTED_AT)
    second = run(settings, "L2", [("doc-b", "nato-int", date(2025, 4, 3), (RUBIO, RUTTE), "Two.")])
    assert second.marts_recomputed and second.incremental == ()
    assert ["doc-a", "doc-b", "doc-x"] in engagements(settings)


def run_sequences(
    documents: int,
    sources: list[str],
    days: st.SearchStrategy[date],
    people: tuple[Participant, ...],
    arriving: tuple[Participant, ...] = (),
) -> st.SearchStrategy[list[list[Release]]]:
    """Two or three runs of one to three releases: a release may come again in a later run
    with its text changed (a new version) or not (nothing to do). `arriving` people appear
    from the second run on only (a namesake or a new affiliation after a lone surname)."""

    def releases(cast: tuple[Participant, ...]) -> st.SearchStrategy[list[Release]]:
        release = st.tuples(
            st.sampled_from([f"doc-{n}" for n in range(1, documents + 1)]),
            st.sampled_from(sources),
            days,
            st.lists(st.sampled_from(cast), min_size=1, max_size=3, unique=True).map(tuple),
            st.sampled_from(["text one", "text two"]),
        )
        return st.lists(release, min_size=1, max_size=3, unique_by=lambda r: r[0])

    later = releases(people + arriving)
    return st.tuples(releases(people), st.lists(later, min_size=1, max_size=2)).map(
        lambda runs: [runs[0], *runs[1]]
    )


PEOPLE = (RUBIO, RUTTE, KALLAS, BLINKEN, LONE_BLINKEN, LONE_BLINKEN_PA, LAVROV)
APRIL = date(2025, 4, 1)


@hypothesis_settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    run_sequences(
        5,
        ["state-gov", "nato-int", "eeas"],
        st.integers(0, 4).map(lambda offset: date(2025, 4, 1 + offset)),
        PEOPLE,
        arriving=(OTHER_BLINKEN, BLINKEN_IN_PANAMA),
    )
)
# a lone surname with no person, then one
@example(
    [
        [("doc-1", "eeas", APRIL, (LONE_BLINKEN, LAVROV), "a")],
        [("doc-2", "eeas", APRIL, (BLINKEN,), "b")],
    ]
)
# a lone surname of one person, then of two (a namesake arrives)
@example(
    [
        [
            ("doc-1", "eeas", APRIL, (LONE_BLINKEN, LAVROV), "a"),
            ("doc-2", "eeas", APRIL, (BLINKEN,), "b"),
        ],
        [("doc-3", "eeas", APRIL, (OTHER_BLINKEN, KALLAS), "c")],
    ]
)
# a lone surname's only person gains the affiliation it is tagged with
@example(
    [
        [
            ("doc-1", "eeas", APRIL, (LONE_BLINKEN_PA, LAVROV), "a"),
            ("doc-2", "eeas", APRIL, (BLINKEN,), "b"),
        ],
        [("doc-3", "state-gov", APRIL, (BLINKEN_IN_PANAMA, KALLAS), "c")],
    ]
)
def test_any_sequence_of_runs_published_incrementally_equals_a_full_recompute(
    runs: list[list[Release]],
) -> None:
    assert_runs_build_on_previous_and_equal_full(runs)


def test_pair_months_leave_out_the_months_of_a_person_whose_affiliations_stay(
    settings: Settings,
) -> None:
    """A run naming Biden in June, between his April and August records and with his one
    affiliation, changes none of his affiliations' spans or ranks: April's and August's pairs
    are kept, only June (touched) is computed again; Lavrov, new in June, has no other month."""
    biden = Participant("Joe Biden", "President", "US", "guest")
    run(
        settings,
        "L1",
        [
            ("doc-a", "state-gov", date(2025, 4, 3), (biden, RUTTE), "April."),
            ("doc-h", "state-gov", date(2025, 8, 3), (biden, KALLAS), "August."),
        ],
    )
    base = publication.read(settings).marts_snapshot
    assert base is not None
    june = [("doc-j", "state-gov", date(2025, 6, 2), (biden, LAVROV), "June.")]
    second = run(settings, "L2", june)
    assert "fct_country_pairs" in second.incremental
    current = publication.read(settings).marts_snapshot
    assert current is not None
    participants = store.mart_path(settings, "stg_participants", current, for_duckdb=True)
    with duckdb.connect() as connection:
        connection.execute(
            f"create view stg_participants as select * from read_parquet('{participants}')"
        )
        connection.execute(
            "create temp table _touched_events as select distinct event_id as key"
            " from stg_participants where doc_id = 'doc-j'"
        )
        connection.execute(
            "create temp table _scope_event_months as select date '2025-06-01' as key"
        )
        warehouse._pair_months(connection, settings, warehouse._Base(base, "L2"))
        months = connection.sql("select key from _scope_pair_months").fetchall()
    assert months == [(date(2025, 6, 1),)]
    assert mart_rows(settings) == full_rows(settings)
