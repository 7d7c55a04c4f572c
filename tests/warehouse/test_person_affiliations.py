"""A person's affiliation across releases (issue 16): what a release states in the person's own
words outweighs what another release infers (the country it names most, the place met), and
person_affiliations shows the releases and rules behind each, on real releases of the demo."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.warehouse.factories import archive_releases, publish_extracted, with_affiliation

from ingest import warehouse
from ingest.config import Settings
from ingest.records import EventRecord

# six State Department releases of config/demo/archive, taken whole (tests/fixtures/affiliations)
AFFILIATION_DOCS = Path(__file__).parents[1] / "fixtures" / "affiliations" / "docs.jsonl"


@pytest.fixture(scope="module")
def affiliations_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("affiliations")
    settings = Settings(data_root=str(root / "data"), serving_path=str(root / "ingest.duckdb"))
    publish_extracted(settings, archive_releases(AFFILIATION_DOCS))
    return settings


def _affiliations(settings: Settings, name: str) -> dict[str, tuple[object, ...]]:
    rows = warehouse.query(
        settings,
        "select a.affiliation, a.document_count, a.stated_document_count, a.rules, a.is_main, "
        "a.is_default_only from person_affiliations a join dim_people p using (person_id) "
        f"where p.person_name = '{name}'",
    ).rows
    return {str(row[0]): tuple(row[1:]) for row in rows}


def _main(settings: Settings, name: str) -> object:
    rows = warehouse.query(
        settings, f"select affiliation from dim_people where person_name = '{name}'"
    ).rows
    assert len(rows) == 1, rows
    return rows[0][0]


def test_the_envoy_s_own_office_phrase_states_it_in_every_release(
    affiliations_warehouse: Settings,
) -> None:
    # "Secretary Blinken's Meeting with UN Personal Envoy of the Secretary-General for Western
    # Sahara Staffan de Mistura" (twice) and the Algeria trip's fact sheet: each states UN since
    # the office phrase beside the name decides (affiliation.own_phrase, extractor 0.15.0)
    found = _affiliations(affiliations_warehouse, "Staffan de Mistura")
    assert set(found) == {"UN"}
    assert found["UN"][:2] == (3, 3) and found["UN"][3:] == (True, False)
    assert _main(affiliations_warehouse, "Staffan de Mistura") == "UN"


def _as_extracted_before(event: EventRecord) -> EventRecord:
    """The two meeting readouts' de Mistura as extractor 0.14.0 stored him: the country the
    release names most (Western Sahara), inferred, before his own office phrase was read."""
    if "western sahara" not in (event.title or "").lower():
        return event
    return with_affiliation(event, "Staffan de Mistura", "EH", "affiliation.most_named")


def test_one_release_stating_it_outweighs_two_inferring_another(
    tmp_path: Path,
) -> None:
    settings = Settings(
        data_root=str(tmp_path / "data"), serving_path=str(tmp_path / "ingest.duckdb")
    )
    publish_extracted(settings, archive_releases(AFFILIATION_DOCS), _as_extracted_before)
    found = _affiliations(settings, "Staffan de Mistura")
    assert found["UN"] == (1, 1, "affiliation.stated", True, False)
    assert found["EH"] == (2, 0, "affiliation.most_named", False, True)
    assert _main(settings, "Staffan de Mistura") == "UN"


def test_the_place_met_does_not_outvote_the_person_s_own_title(
    affiliations_warehouse: Settings,
) -> None:
    # met in Morocco on the Secretary's trip ("In Rabat, ... Crown Prince Mohammed bin Zayed"),
    # while "Crown Prince of Abu Dhabi Sheikh Mohammed bin Zayed" says whose he is
    found = _affiliations(affiliations_warehouse, "Mohammed bin Zayed Al Nahyan")
    assert found["AE"][1] >= 1 and found["AE"][3] is True
    assert "MA" not in found or found["MA"][3:] == (False, True)
    assert _main(affiliations_warehouse, "Mohammed bin Zayed Al Nahyan") == "AE"


def test_every_participant_carries_the_rule_of_its_affiliation(
    affiliations_warehouse: Settings,
) -> None:
    rows = warehouse.query(
        affiliations_warehouse,
        "select count(*) filter (where affiliation is not null and affiliation_rule is null), "
        "count(*) filter (where affiliation is null and affiliation_rule is not null), "
        "count(distinct affiliation_rule) from stg_participants",
    ).rows
    assert rows[0][0] == 0 and rows[0][1] == 0 and rows[0][2] >= 3


def _pairs(settings: Settings, month: str) -> set[tuple[str, str]]:
    rows = warehouse.query(
        settings,
        "select affiliation_a, affiliation_b from fct_country_pairs "
        f"where event_month = date '{month}'",
    ).rows
    return {(str(a), str(b)) for a, b in rows}


def test_country_pairs_count_a_participant_for_their_persons_affiliation_at_the_date(
    affiliations_warehouse: Settings,
) -> None:
    # de Mistura's two February meetings tagged EH (the country the releases name most) count
    # for the UN his own title gives in March; Mohammed bin Zayed, met in Rabat and tagged MA
    # (the host), for AE; Bourita, stated MA, stays MA
    assert _pairs(affiliations_warehouse, "2022-02-01") == {("UN", "US")}
    march = _pairs(affiliations_warehouse, "2022-03-01")
    assert {("AE", "MA"), ("AE", "US"), ("MA", "US")} <= march
    assert ("EH", "US") not in march
