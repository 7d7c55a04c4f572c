"""Engagement linking: real releases of one engagement by several publishers become one row of
fct_engagements, and records of different engagements (the hard negatives) stay apart."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from tests.warehouse.factories import EXTRACTED_AT, FETCHED_AT, make_document, make_event

from ingest import store, warehouse
from ingest.config import Settings
from ingest.records import Participant

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "engagements"


def _scorer() -> ModuleType:
    path = ROOT / "scripts" / "score_engagements.py"
    spec = importlib.util.spec_from_file_location("score_engagements", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks its module up there
    spec.loader.exec_module(module)
    return module


score_engagements = _scorer()


@pytest.fixture(scope="module")
def fixture_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """The fixture's 63 real releases extracted, stored and published once for the module."""
    root = tmp_path_factory.mktemp("engagements")
    settings = Settings(data_root=str(root / "data"), serving_path=str(root / "ingest.duckdb"))
    score_engagements.load_fixture(settings, FIXTURE)
    yield settings


def engagement_of(settings: Settings) -> dict[str, str]:
    return score_engagements.predicted_engagements(settings)  # type: ignore[no-any-return]


# --- over the real releases -------------------------------------------------------------------


def test_links_from_extractor_output_reach_precision_and_recall_of_0_95(
    fixture_warehouse: Settings,
) -> None:
    truth = score_engagements.true_engagements(FIXTURE)
    result = score_engagements.score(engagement_of(fixture_warehouse), truth)
    assert result.true_pairs == 23
    assert result.precision >= 0.95, result.false_links
    assert result.recall >= 0.95, result.missed_links


@pytest.mark.parametrize(
    ("first", "second", "why"),
    [
        ("mofa-20211211-hayashi-blinken", "mofa-20211211-hayashi-payne", "same day and city"),
        ("mofa-20211118-mori-sherman", "state-20211117-sherman-choi-mori", "trilateral day before"),
        (
            "err-20220217-liimets-blinken",
            "state-20220308-secretary-antony-j-blinken-and-estonian-foreign-minister-eva-mari",
            "a later meeting that recalls the earlier one's date",
        ),
        ("mofa-20220226-hayashi-blinken-call", "mofa-20220324-hayashi-blinken-call", "other day"),
        (
            "kantei-20230131-kishida-stoltenberg",
            "kantei-20240923-kishida-stoltenberg",
            "other year",
        ),
    ],
)
def test_hard_negatives_stay_apart(
    fixture_warehouse: Settings, first: str, second: str, why: str
) -> None:
    engagements = engagement_of(fixture_warehouse)
    assert engagements[first] != engagements[second], why


def test_an_engagement_row_says_where_the_accounts_differ(fixture_warehouse: Settings) -> None:
    sql = (
        "select e.event_dates, e.is_date_disputed, e.publishers, e.source_count, "
        "e.first_reported_by, e.is_participants_disputed, e.participants_in_one_report "
        "from fct_engagements as e join engagement_events as b using (engagement_id) "
        "where b.doc_id = ? and b.is_primary"
    )
    # Tokyo's readout dates the Washington meeting by Japan's clock, a day later; it is dated
    # without a time, which counts as midnight UTC, before Washington's readout that evening
    washington = warehouse.query(fixture_warehouse, sql, ["mofa-20220729-hayashi-blinken"]).rows
    assert washington == [
        ("2022-07-29; 2022-07-30", True, "mofa.go.jp; state.gov", 2, "mofa.go.jp", False, None)
    ]
    # Downing Street calls its own Prime Minister "the Prime Minister", never by name
    elmau = warehouse.query(fixture_warehouse, sql, ["kantei-20220628-kishida-johnson"]).rows
    assert elmau == [
        ("2022-06-28", False, "gov.uk; japan.kantei.go.jp", 2, "gov.uk", True, "Boris Johnson")
    ]


def test_the_engagement_checks_pass_on_the_real_releases(fixture_warehouse: Settings) -> None:
    results = {r.name: r for r in warehouse.run_checks(fixture_warehouse)}
    for name in (
        "fct_engagements_unique_engagement_id",
        "engagement_events_one_engagement_per_event",
    ):
        assert results[name].passed, results[name].sample


# --- each rule on its own -------------------------------------------------------------------


@pytest.fixture
def settings(reused_settings: Settings) -> Settings:
    """An empty data folder per test, one serving file for the module (the views are fixed)."""
    return reused_settings


BLINKEN = Participant("Antony J. Blinken", "Secretary of State", "US", None)
HAYASHI = Participant("HAYASHI Yoshimasa", "Minister for Foreign Affairs", "JP", None)


def lone_surname(name: str, affiliation: str | None) -> Participant:
    """A one-word name as the extractor writes it when nothing in the release completes it."""
    return Participant(name, None, affiliation, None, name_status="surname_only")


def write_report(
    settings: Settings, doc_id: str, published: str = "2022-05-23", **event: Any
) -> None:
    published_at = datetime.fromisoformat(published) if "T" in published else None
    document = make_document(
        doc_id, source_id=doc_id.split("-")[0], published=published, published_at=published_at
    )
    defaults: dict[str, Any] = {
        "event_date": date(2022, 5, 23),
        "city": "Tokyo",
        "country_code": "JP",
        "participants": (BLINKEN, HAYASHI),
    }
    store.write_documents(settings, [document], FETCHED_AT, "L1")
    store.write_events(
        settings, [make_event(document, **{**defaults, **event})], "L1", EXTRACTED_AT
    )


def linked(settings: Settings, first: str, second: str) -> bool:
    warehouse.refresh_serving_file(settings)
    engagements = engagement_of(settings)
    return engagements[first] == engagements[second]


def test_names_in_either_order_capitals_and_accents_are_one_person(settings: Settings) -> None:
    write_report(
        settings, "mofa-1", participants=(HAYASHI, Participant("Antony Blinken", None, "US"))
    )
    write_report(
        settings,
        "state-1",
        participants=(BLINKEN, Participant("Hayashi Yoshimasa", "Foreign Minister", "JP")),
    )
    write_report(
        settings,
        "news-1",
        participants=(
            Participant("Yoshimasa Hayashi", None, "JP"),
            lone_surname("Blinken", None),
        ),
    )
    write_report(
        settings,
        "tr-1",
        published="2022-02-08",
        event_date=date(2022, 2, 8),
        participants=(Participant("Mevlüt Çavuşoğlu", None, "TR"),),
    )
    write_report(
        settings,
        "state-2",
        published="2022-02-08",
        event_date=date(2022, 2, 8),
        participants=(BLINKEN, Participant("Mevlut Cavusoglu", None, "TR")),
    )
    assert linked(settings, "mofa-1", "state-1") and linked(settings, "state-1", "news-1")
    assert linked(settings, "tr-1", "state-2")


def test_a_time_zone_day_apart_links_but_a_trilateral_the_day_before_does_not(
    settings: Settings,
) -> None:
    write_report(settings, "mofa-1", event_date=date(2022, 7, 30))
    write_report(settings, "state-1", event_date=date(2022, 7, 29))
    korea = Participant("Choi Jong Kun", "First Vice Foreign Minister", "KR")
    write_report(
        settings, "state-2", event_date=date(2022, 7, 28), participants=(BLINKEN, HAYASHI, korea)
    )
    assert linked(settings, "mofa-1", "state-1")
    assert not linked(settings, "state-1", "state-2")


def test_one_shared_person_links_only_when_nothing_contradicts_or_competes(
    settings: Settings,
) -> None:
    write_report(settings, "mofa-1")
    write_report(settings, "news-1", participants=(lone_surname("Hayashi", "JP"),))
    assert linked(settings, "mofa-1", "news-1")
    # the same day Hayashi also met Payne: the two meetings share one person, and the report
    # naming Hayashi alone fits both, so it is linked to neither
    payne = Participant("Marise Payne", "Minister for Foreign Affairs", "AU")
    write_report(settings, "mofa-2", participants=(HAYASHI, payne))
    assert not linked(settings, "mofa-1", "mofa-2")
    assert not linked(settings, "mofa-1", "news-1")
    assert not linked(settings, "mofa-2", "news-1")


def test_one_publishers_reports_differing_in_people_or_day_are_two_engagements(
    settings: Settings,
) -> None:
    # the State Department's roundtable with journalists (Blinken alone) and a meeting that day
    write_report(settings, "state-1", participants=(BLINKEN,))
    write_report(settings, "state-2")
    # its readouts of calls with the same minister on two days
    write_report(settings, "state-3", event_type="call", event_date=date(2022, 5, 24))
    write_report(settings, "state-4", event_type="call", event_date=date(2022, 5, 25))
    # another publisher's reports: its lone name is the counterpart's, and its call fits both
    # calls (a day apart by the clock) but the one on its own day first
    write_report(settings, "mofa-1", participants=(BLINKEN,))
    write_report(settings, "mofa-2", event_type="call", event_date=date(2022, 5, 25))
    assert not linked(settings, "state-1", "state-2")
    assert not linked(settings, "state-3", "state-4")
    assert linked(settings, "mofa-1", "state-2")
    assert linked(settings, "mofa-2", "state-4")
    assert not linked(settings, "mofa-2", "state-3")


def test_calls_meetings_cities_and_look_backs_keep_records_apart(settings: Settings) -> None:
    write_report(settings, "state-1")
    write_report(settings, "mofa-1", event_type="call", city=None)
    write_report(settings, "mofa-2", city="Osaka")
    # released a month later, dated by the meeting it recalls
    write_report(settings, "state-2", published="2022-06-20")
    assert not linked(settings, "state-1", "mofa-1")
    assert not linked(settings, "state-1", "mofa-2")
    assert not linked(settings, "state-1", "state-2")


def test_an_engagement_keeps_its_id_when_a_later_report_joins(settings: Settings) -> None:
    write_report(settings, "state-1", published="2022-05-23T09:00:00-04:00")
    warehouse.refresh_serving_file(settings)
    before = engagement_of(settings)["state-1"]
    write_report(settings, "mofa-1", published="2022-05-24T09:00:00+09:00")
    assert linked(settings, "state-1", "mofa-1")
    assert engagement_of(settings)["state-1"] == before


def test_spellings_of_one_resolved_person_link_where_their_surnames_differ(
    settings: Settings,
) -> None:
    """The demo's remarks before a meeting and its readout (Munich, 2022-02-18): "Al-Thani" and
    "Al Thani" are one person, so the two records are one engagement."""
    office = "Deputy Prime Minister and Minister of Foreign Affairs"
    for doc_id, name in (("state-1", "Al-Thani"), ("state-2", "Al Thani")):
        qatar = Participant(f"Mohammed bin Abdulrahman {name}", office, "QA")
        write_report(
            settings,
            doc_id,
            published="2022-02-18",
            event_date=date(2022, 2, 18),
            city="Munich",
            country_code="DE",
            participants=(BLINKEN, qatar),
        )
    assert linked(settings, "state-1", "state-2")
