"""An official's own office phrase beside the name says whose official they are, before any
default of the release (issue 15): "the State Minister of Foreign Affairs of Japan, His
Excellency Shunsuke Takei" serves Japan in a Jamaican release. The releases are real labeled ones
of tests/fixtures (real-tune, real-tune-2, real-tune-3), each of another publisher."""

from __future__ import annotations

import pytest
from tests.extract.real_documents import primary_record, real_document

from ingest.extract.people import find_people
from ingest.extract.people.affiliation import OWN_PHRASE_RULE
from ingest.records import Document


def _affiliations(set_name: str, doc_id: str) -> dict[str, str | None]:
    """The primary event's participants with their affiliations."""
    return {p.name: p.affiliation for p in primary_record(set_name, doc_id).participants}


@pytest.mark.parametrize(
    ("set_name", "doc_id", "name", "expected"),
    [
        # "... bilateral talks with the State Minister of Foreign Affairs of Japan, His
        # Excellency Shunsuke Takei." (mfaft.gov.jm: the publisher, Jamaica, was given)
        ("real-tune", "mfaft-gov-jm-20241115-1", "Shunsuke Takei", "JP"),
        # "Ambassador Extraordinary and Plenipotentiary of the Russian Federation to the
        # Republic of Sierra Leone, His Excellency Alexey Popov": where posted is not whose
        ("real-tune-3", "statehouse-gov-sl-2024-02-08-1", "Alexey Popov", "RU"),
        ("real-tune-3", "statehouse-gov-sl-2024-02-08-1", "Angie Lavela von Ballmoos", "LR"),
        # "the newly appointed British High Commissioner to Barbados and the Eastern Caribbean,
        # His Excellency Simon Mustard" (ab.gov.ag)
        ("real-tune-3", "ab-gov-ag-2025-06-04-1", "Simon Mustard", "GB"),
        # "met today with the with the US Acting-Ambassador to the Republic of Yemen Kathy
        # Westly": no comma, the office right before the name
        ("real-tune-2", "mofa-ye-org-nodate-4", "Kathy Westly", "US"),
    ],
)
def test_the_office_phrase_beside_the_name_gives_the_affiliation(
    set_name: str, doc_id: str, name: str, expected: str
) -> None:
    assert _affiliations(set_name, doc_id)[name] == expected


def test_an_appositive_after_the_name_gives_the_affiliation() -> None:
    # "Her Excellency Mrs. Retno L.P Marsudi Minister of Foreign Affairs of Indonesia met in
    # New York" (mfaet.gov.sb: Solomon Islands was given)
    people = find_people(real_document("real-tune-3", "mfaet-gov-sb-2024-09-25-1"))
    marsudi = next(p for p in people.people if p.name == "Retno L.P Marsudi")
    assert (marsudi.affiliation, marsudi.affiliation_rule) == ("ID", OWN_PHRASE_RULE)


def _people(text: str, url: str = "https://www.state.gov/x/") -> dict[str, str | None]:
    index = find_people(Document(doc_id="own-phrase", text=text, url=url))
    return {p.name: p.affiliation for p in index.people}


def test_a_country_closing_the_sentence_before_is_not_the_office_phrase() -> None:
    # stdev-20210627-15: "... our enduring partnership with Italy. Secretary Blinken will then
    # co-chair": "Italy." ends a sentence, it does not qualify "Secretary"
    people = _people(
        "Secretary Antony J. Blinken will travel to Rome, Italy. They will also discuss the ties "
        "that strengthen our enduring partnership with Italy. Secretary Blinken will then "
        "co-chair the D-ISIS Ministerial with Foreign Minister Di Maio."
    )
    assert people["Antony J. Blinken"] == "US"


def test_an_appositive_that_a_list_goes_on_after_is_not_the_persons() -> None:
    # world state-20220614-14: "Vice Foreign Minister Ha Kim Ngoc, Chairman of the Communist
    # Party of Vietnam’s Commission on External Relations Le Hoai Trung, and ...": the
    # chairman's office, not Ha Kim Ngoc's (whose own phrase names no country)
    index = find_people(
        Document(
            doc_id="own-phrase-list",
            url="https://www.state.gov/x/",
            text=(
                "U.S. Deputy Secretary of State Wendy Sherman met yesterday in Hanoi with Foreign "
                "Minister Bui Thanh Son, Vice Foreign Minister Ha Kim Ngoc, Chairman of the "
                "Communist Party of Vietnam’s Commission on External Relations Le Hoai Trung, and "
                "Deputy Minister of Defense Sr. Lt. Gen. Hoang Xuan Chien in separate meetings."
            ),
        )
    )
    rules = {p.name: p.affiliation_rule for p in index.people}
    assert rules["Ha Kim Ngoc"] != OWN_PHRASE_RULE


def test_the_next_persons_office_after_and_is_not_an_appositive() -> None:
    # real-tune-3 isdb-org-nodate-1: "Islamic Development Bank (IsDB) President and Group
    # Chairman, H.E. Dr. Muhammad Al Jasser, and Minister of Economy and Finance of the Republic
    # of Benin who is also Chairman of IsDB Board of Governors, H.E. Romuald Wadagni"
    people = find_people(real_document("real-tune-3", "isdb-org-nodate-1"))
    jasser = next(p for p in people.people if p.name == "Muhammad Al Jasser")
    assert jasser.affiliation != "BJ"


def test_a_lower_case_appositive_gives_the_affiliation() -> None:
    # "H.E. Mr. Masaya Fujiwara, non-resident ambassador of Japan;" (mfa.gov.bz: Belize given)
    people = _affiliations("real-tune-3", "mfa-gov-bz-nodate-1")
    assert people["Masaya Fujiwara"] == "JP"
    assert people["Terézia Šajgalíková"] == "SK"


def test_offices_joined_by_and_give_the_name_only_its_own() -> None:
    # corpus bench-1710: "Foreign Minister Safadi of Jordan and Prime Minister Bennett": Jordan
    # is Safadi's; bench-958: "including Iran and President Putin’s war"
    people = _people(
        "We congratulate His Majesty King Abdullah II and Foreign Minister Safadi of Jordan and "
        "Prime Minister Naftali Bennett and Foreign Minister Yair Lapid of Israel for concluding "
        "these deals. They discussed Iran and President Vladimir Putin’s war."
    )
    assert people["Naftali Bennett"] != "JO"
    assert people["Vladimir Putin"] != "IR"


def test_a_portfolio_and_a_phrase_that_goes_on_name_no_affiliation() -> None:
    # corpus bench-423: "our Special Representative for the DPRK Ambassador Sung Kim"; bench-1401:
    # "Jennifer M. Granholm, EU High Representative/Vice President Josep Borrell Fontelles"
    people = _people(
        "MR PRICE: Well, our Special Representative for the DPRK Ambassador Sung Kim is in Seoul."
        " The Council met, chaired by U.S. Secretary of State Antony Blinken, U.S. Secretary of "
        "Energy Jennifer M. Granholm, EU High Representative/Vice President Josep Borrell "
        "Fontelles, and others."
    )
    assert people["Sung Kim"] != "KP"
    assert people["Granholm"] != "EU"  # the name reader keeps the surname here


def test_an_office_named_after_a_country_is_its_own() -> None:
    # real-tune-2 mfa-gov-af-nodate-1: "... Special Representatives for Afghanistan Germany’s
    # Ambassador Designate Mr. Marcus Potzel": the country nearest the name, before its office
    assert _affiliations("real-tune-2", "mfa-gov-af-nodate-1")["Marcus Potzel"] == "DE"
