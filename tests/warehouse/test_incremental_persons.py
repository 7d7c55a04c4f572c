"""participant_persons built on the previous snapshot: a run resolves only the names its
documents add or drop (persons.resolve_changed_names) and gives the rows a full recompute
gives, ids included, after a name whose affiliation changes joins another person, a more
complete spelling becomes every spelling's canonical name, a superseded version drops
mentions; and lone surnames, each resolved again only when a person of its surname key changed:
one with no person that gains one, one whose person gains the affiliation it is tagged with,
one that a namesake makes ambiguous."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from tests.warehouse.factories import mart_rows
from tests.warehouse.test_incremental_marts import (
    BLINKEN,
    BLINKEN_IN_PANAMA,
    KALLAS,
    LAVROV,
    LONE_BLINKEN,
    LONE_BLINKEN_PA,
    OTHER_BLINKEN,
    RUTTE,
    Release,
    assert_runs_build_on_previous_and_equal_full,
    full_rows,
    run,
    run_sequences,
)

from ingest import publication, store, warehouse
from ingest.config import Settings
from ingest.records import Participant


def biden(name: str, affiliation: str = "US", status: str | None = None) -> Participant:
    return Participant(name, "President", affiliation, "guest", name_status=status)


def persons_by_name(settings: Settings) -> dict[str, set[tuple[str, str]]]:
    rows = warehouse.query(
        settings,
        "select s.person_name, s.person_id, p.canonical_name from stg_participants as s"
        " join participant_persons as p using (participant_id)",
    ).rows
    found: dict[str, set[tuple[str, str]]] = {}
    for name, person_id, canonical in rows:
        found.setdefault(name, set()).add((person_id, canonical))
    return found


def test_names_resolved_on_the_previous_snapshot_give_the_people_of_a_full_recompute(
    settings: Settings,
) -> None:
    run(
        settings,
        "L1",
        [
            ("doc-1", "state-gov", date(2025, 4, 3), (biden("Joe Biden"), RUTTE), "One."),
            ("doc-2", "eeas", date(2025, 4, 10), (biden("Joseph Biden", "GB"), KALLAS), "Two."),
            ("doc-3", "state-gov", date(2025, 4, 20), (biden("Jill Biden"), LAVROV), "Three."),
        ],
    )
    before = persons_by_name(settings)
    assert before["Joe Biden"] != before["Joseph Biden"]  # US and GB: two people
    snapshot = publication.read(settings).marts_snapshot
    assert snapshot is not None
    index = pq.read_table(store.mart_path(settings, warehouse.NAME_INDEX, snapshot))
    # every full name, participant or mentioned (make_event mentions Donald Trump)
    assert set(index.column("person_name").to_pylist()) >= {"Joe Biden", "Joseph Biden"}

    # Joseph Biden now mostly US: he joins Joe, whose documents the run does not touch
    second = run(
        settings,
        "L2",
        [
            ("doc-4", "state-gov", date(2025, 5, 1), (biden("Joseph Biden"), RUTTE), "Four."),
            ("doc-5", "state-gov", date(2025, 5, 2), (biden("Joseph Biden"), KALLAS), "Five."),
        ],
    )
    assert "participant_persons" in second.incremental
    joined = persons_by_name(settings)
    assert joined["Joe Biden"] == joined["Joseph Biden"]
    assert joined["Jill Biden"] != joined["Joe Biden"]
    incremental = mart_rows(settings)
    assert incremental == full_rows(settings)

    # a more complete spelling: every row of the person gets it as canonical name (Joseph
    # Biden's rows of documents the run does not touch too, although the run names him); doc-2's
    # revision drops its GB mention of Joseph Biden; "J. Biden" fits Joe and Jill: apart
    third = run(
        settings,
        "L3",
        [
            (
                "doc-6",
                "state-gov",
                date(2025, 5, 3),
                (biden("Joseph R. Biden"), biden("Joseph Biden")),
                "6",
            ),
            ("doc-2", "eeas", date(2025, 4, 10), (biden("J. Biden"), KALLAS), "Two, revised."),
        ],
    )
    assert "participant_persons" in third.incremental
    after = persons_by_name(settings)
    assert after["Joe Biden"] == after["Joseph Biden"] == after["Joseph R. Biden"]
    assert {canonical for _, canonical in after["Joe Biden"]} == {"Joseph R. Biden"}
    assert after["J. Biden"] not in (after["Joe Biden"], after["Jill Biden"])
    assert after["Joe Biden"] == {(joined["Joe Biden"].pop()[0], "Joseph R. Biden")}
    incremental = mart_rows(settings)
    assert incremental == full_rows(settings)

    # a lone surname: resolved against the people of its surname key, on the previous snapshot
    fourth = run(
        settings,
        "L4",
        [
            (
                "doc-7",
                "state-gov",
                date(2025, 5, 4),
                (biden("Biden", status="surname_only"),),
                "7.",
            ),
        ],
    )
    assert "participant_persons" in fourth.incremental
    incremental = mart_rows(settings)
    assert incremental == full_rows(settings)


def lone_surnames(settings: Settings) -> dict[str, tuple[str, str]]:
    """Each lone surname's rows by affiliation: its rule and canonical name."""
    rows = warehouse.query(
        settings,
        "select s.affiliation, p.resolution_rule, p.canonical_name from stg_participants as s"
        " join participant_persons as p using (participant_id) where s.person_name = 'Blinken'",
    ).rows
    return {str(affiliation): (str(rule), str(canonical)) for affiliation, rule, canonical in rows}


def test_lone_surnames_are_resolved_again_when_a_person_of_their_name_changes(
    settings: Settings,
) -> None:
    day = date(2025, 4, 1)
    run(settings, "L1", [("doc-1", "eeas", day, (LONE_BLINKEN, LONE_BLINKEN_PA, LAVROV), "1")])
    assert {rule for rule, _ in lone_surnames(settings).values()} == {"unresolved"}
    steps = [
        # a Blinken arrives: the US Secretary's lone surname is his, the untitled PA one not
        (BLINKEN, {"US": ("surname", "Antony Blinken"), "PA": ("unresolved", "Blinken")}),
        # he is tagged PA on a trip: the PA lone surname fits him now
        (
            BLINKEN_IN_PANAMA,
            {"US": ("surname", "Antony Blinken"), "PA": ("surname", "Antony Blinken")},
        ),
        # a second US Secretary Blinken: the US one is ambiguous, the PA one still his
        (OTHER_BLINKEN, {"US": ("unresolved", "Blinken"), "PA": ("surname", "Antony Blinken")}),
    ]
    for number, (person, expected) in enumerate(steps, start=2):
        published = run(settings, f"L{number}", [(f"doc-{number}", "eeas", day, (person,), "x")])
        assert "participant_persons" in published.incremental
        assert lone_surnames(settings) == expected
        incremental = mart_rows(settings)
        assert incremental == full_rows(settings)


BIDENS = (
    biden("Joe Biden"),
    biden("Joseph Biden", "GB"),
    biden("Joseph R. Biden"),
    biden("J. Biden"),
    biden("Jill Biden"),
    biden("Biden", status="surname_only"),
    biden("Biden", "GB", status="surname_only"),
    RUTTE,
    KALLAS,
)


@hypothesis_settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    run_sequences(
        4,
        ["state-gov", "eeas"],
        st.integers(0, 4).map(lambda offset: date(2025, 4, 1) + timedelta(days=offset * 20)),
        BIDENS,
    )
)
def test_any_sequence_of_runs_resolved_on_the_previous_snapshot_equals_a_full_recompute(
    runs: list[list[Release]],
) -> None:
    assert_runs_build_on_previous_and_equal_full(runs)


def test_a_run_s_names_are_read_from_the_files_of_its_documents_alone(
    settings: Settings,
) -> None:
    day = date(2025, 4, 3)
    run(settings, "L1", [("doc-1", "eeas", day, (biden("Joe Biden"), RUTTE), "One.")])
    run(settings, "L2", [("doc-2", "eeas", day, (biden("Jill Biden"), KALLAS), "Two.")])
    # doc-1's new version supersedes L1's; doc-3 is new; L2's doc-2 is untouched
    run(
        settings,
        "L3",
        [
            ("doc-1", "eeas", day, (biden("Joseph Biden"), RUTTE), "One, again."),
            ("doc-3", "eeas", day, (LAVROV,), "Three."),
        ],
    )
    views = {view.name: view for view in warehouse.load_views()}
    template = views["participant_persons"].template
    with duckdb.connect() as connection:
        connection.execute(
            "create temp table _run_documents as select unnest(['doc-1', 'doc-3']) as doc_id"
        )
        files = warehouse._run_event_files(connection, settings)
        read = warehouse._run_sql(template, settings, frozenset(), files)
        rows = sorted(connection.sql(f"select * from ({read})").fetchall())
        whole = warehouse.render(template, settings, frozenset())
        wanted = sorted(
            connection.sql(f"select * from ({whole}) where doc_id in ('doc-1', 'doc-3')").fetchall()
        )
    # L3's files and L1's (doc-1's superseded version), never L2's
    assert sorted(Path(path).name.split("-")[0] for path in files) == ["L1", "L3"]
    assert rows == wanted
    assert {row[1] for row in rows} == {
        "Joseph Biden",
        "Mark Rutte",
        "Sergey Lavrov",
        "Donald Trump",
    }
