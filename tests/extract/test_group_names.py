"""A capitalised run closed by a plural body, a unit or a people, an assembly, a farm, an
employer or an island names no person (data/offices.toml `institutions`): "the European Olympic
Committees", "Bong and Margibi Counties", "the Crimean Tatar People", "Iran's Islamic
Consultative Assembly", "Kambeitz Farms", "Prince Edward Island Premier". The sentences are
real ones of tests/fixtures (real-tune-3, real-tune-4, real-tune-5) whose records had such a
name as a participant."""

from __future__ import annotations

import pytest
from tests.extract.real_documents import primary_record

from ingest.extract.people import find_people
from ingest.records import Document


@pytest.mark.parametrize(
    ("set_name", "doc_id", "not_a_person"),
    [
        ("real-tune-3", "olympics-com-nodate-2", "Olympic Committees"),
        ("real-tune-3", "mofa-gov-lr-nodate-2", "Margibi Counties"),
        ("real-tune-3", "saskatchewan-ca-2022-10-17-1", "Kambeitz Farms"),
        ("real-tune-3", "novascotia-ca-nodate-3", "Edward Island"),
        ("real-tune-3", "pmo-gov-vu-nodate-1", "Recognised Seasonal Employer"),
        ("real-tune-4", "president-az-nodate-2", "Islamic Consultative"),
        ("real-tune-5", "mfa-gov-ua-20170913-1", "Crimean Tatar People"),
    ],
)
def test_a_group_or_a_place_is_no_participant(
    set_name: str, doc_id: str, not_a_person: str
) -> None:
    assert not_a_person not in {p.name for p in primary_record(set_name, doc_id).participants}


def test_the_people_beside_the_group_stay() -> None:
    # "Welcomed by the President of the European Olympic Committees (EOC), IOC Member Spyros
    # Capralos, he addressed the 53rd General Assembly of the EOC" (olympics.com)
    text = (
        "IOC President Thomas Bach was in the Romanian capital, Bucharest, last Wednesday, 5 June."
        " Welcomed by the President of the European Olympic Committees (EOC), IOC Member Spyros"
        " Capralos, he addressed the 53rd General Assembly of the EOC."
    )
    names = {p.name for p in find_people(Document(doc_id="groups", text=text)).people}
    assert names == {"Thomas Bach", "Spyros Capralos"}
