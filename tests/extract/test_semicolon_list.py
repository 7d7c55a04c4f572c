"""The items of a list that semicolons split take part together (issue 15): the participant
model, reading one person at a time, kept two of five ambassadors presenting their credentials.
The releases are real labeled ones of tests/fixtures, of two publishers."""

from __future__ import annotations

from tests.extract.real_documents import primary_record

from ingest.extract import extract
from ingest.extract.people.participants import SEMICOLON_LIST_RULE
from ingest.records import Document


def test_every_item_of_a_semicolon_list_takes_part() -> None:
    # "Presenting their letters of credence were Archbishop H.E. Fortunatus Nwachukwu,
    # non-resident ambassador of the Holy See; H.E. Mr. Khaled AbdelRahman Shamaa, ...; and
    # H.E. Mr. Zvi Tal, non- resident ambassador of Israel."
    record = primary_record("real-tune-3", "mfa-gov-bz-nodate-1")
    names = {p.name for p in record.participants}
    assert {"Khaled AbdelRahman Shamaa", "Masaya Fujiwara", "Zvi Tal"} <= names
    assert SEMICOLON_LIST_RULE in {e.rule for e in record.evidence}


def test_the_speakers_of_an_opening_ceremony_take_part() -> None:
    # "remarks by the outgoing Chairman of the OECS Authority, Hon. Dr. Terrance Drew, Prime
    # Minister of Saint Kitts and Nevis; the incoming Chairman, Hon. Philip J. Pierre; and the
    # Director General of the OECS Commission, His Excellency Dr. Didacus Jules."
    names = {p.name for p in primary_record("real-tune-2", "oecs-int-nodate-1").participants}
    assert {"Terrance Drew", "Philip J. Pierre", "Didacus Jules"} <= names


def test_clauses_joined_by_semicolons_are_no_list() -> None:
    text = (
        "Secretary Antony J. Blinken met today with Japanese Foreign Minister Hayashi Yoshimasa "
        "in Washington; they discussed the war against Ukraine; President Joseph R. Biden has "
        "condemned it; Chinese Foreign Minister Wang Yi said nothing."
    )
    records = extract(Document(doc_id="clauses", text=text, url="https://www.state.gov/x/"))
    assert SEMICOLON_LIST_RULE not in {e.rule for e in records[0].evidence}
    assert "Joseph R. Biden" not in {p.name for p in records[0].participants}
