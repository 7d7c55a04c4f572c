"""Release styles of many publishers: wire datelines, sign-offs, venues in other languages."""

from __future__ import annotations

from datetime import date

import pytest

from ingest.extract import extract
from ingest.records import Document, EventRecord


def _primary(text: str, title: str, published: str = "2025-05-06T10:00:00+02:00") -> EventRecord:
    doc = Document(doc_id="g-1", text=text, title=title, published=published)
    return next(r for r in extract(doc) if r.is_primary)


def _names(record: EventRecord) -> set[str]:
    return {p.name for p in record.participants}


@pytest.mark.parametrize(
    ("expected", "title"),
    [
        ("meeting", "Foreign Minister receives EU High Representative for Foreign Affairs"),
        ("meeting", "President welcomes the WHO Director-General to the capital"),
        ("other", "Secretary General addresses the Parliamentary Assembly"),
        ("other", "New Director-General assumes office at the Secretariat"),
        ("other", "Governor takes office in the capital"),
    ],
)
def test_headline_types(expected: str, title: str) -> None:
    text = "The official was in the capital on 5 May 2025 for the occasion."
    assert _primary(text, title).event_type == expected


def test_a_headline_topic_leaves_the_type_to_the_lead() -> None:
    # "discuss preparations for the Summit" names a topic: the lead says they met in Oslo
    record = _primary(
        "On 5 May, in Oslo, Minister of Foreign Affairs Ana Kovac met with the Deputy Secretary "
        "General of NATO, Piet Marsman.\n\nThey discussed the Summit in Madrid in July.",
        "Kovac and NATO Deputy Secretary General Marsman discuss preparations for Madrid Summit",
    )
    assert (record.event_type, record.city) == ("meeting", "Oslo")


@pytest.mark.parametrize(
    "dateline",
    ["VIENNA, 5th May, 2025 (APA) --", "Vienna, 05.05.2025 –"],
)
def test_wire_and_numeric_datelines_locate_the_event(dateline: str) -> None:
    record = _primary(
        f"{dateline} Secretary General Lena Ostrova addressed the Standing Council this morning.",
        "Secretary General Lena Ostrova addresses the Standing Council",
    )
    assert (record.city, record.country_code) == ("Vienna", "AT")


def test_a_venue_word_is_not_a_city_and_the_dateline_gives_the_city() -> None:
    record = _primary(
        "Lisbon, 5 May 2025\n\nThe Minister of Foreign Affairs, Rui Matos, and the Minister of "
        "Foreign Affairs of Chile, Elena Soto, today signed at the Palacio das Necessidades an "
        "agreement on student exchanges between Portugal and Chile.",
        "Matos and Chilean Foreign Minister Soto sign agreement on student exchanges",
    )
    assert (record.event_type, record.city, record.country_code) == ("signing", "Lisbon", "PT")


def test_a_venue_then_its_city_after_a_comma() -> None:
    record = _primary(
        "On 5 May 2025, Ms. Ana Kovac, Minister of Foreign Affairs, received a courtesy call from "
        "H.E. Mr. Piet Marsman, Ambassador of the Netherlands, at the Ministry of Foreign "
        "Affairs, Oslo, to mark the end of his posting.",
        "Minister of Foreign Affairs receives courtesy call from the Ambassador of the Netherlands",
    )
    assert (record.city, record.country_code) == ("Oslo", "NO")


def test_a_numbered_release_label_is_not_the_lead() -> None:
    record = _primary(
        "Press Release No. 42\n\nThe Minister of Foreign Affairs, Rui Matos, will chair the "
        "meeting of Mediterranean Foreign Ministers on 7 May, at the Palácio Foz in Lisbon.",
        "Mediterranean Foreign Ministers' Meeting – Lisbon, 7 May 2025",
    )
    assert (record.event_type, record.city, record.event_date) == (
        "conference",
        "Lisbon",
        date(2025, 5, 7),
    )


def test_a_stated_trip_range_beats_today() -> None:
    record = _primary(
        "Ms. Lena Ostrova, Managing Director of the Fund, issued the following statement today at "
        'the end of her visit to Lima, Peru, from May 2 to 4:\n\n"The talks went well."',
        "Managing Director Lena Ostrova Concludes Visit to Peru",
    )
    assert record.event_date == date(2025, 5, 2)


def test_people_who_attended_or_signed_are_participants() -> None:
    record = _primary(
        "ROME, 5th May, 2025 (ANSA) -- Foreign Minister Marco Ferri received Ana Kovac, Minister "
        "of Foreign Affairs of Norway, in Rome today.\n\nThe two discussed trade.\n\nThey also "
        "spoke about energy.\n\nThe meeting was attended by Lucia Bassi, Deputy Minister.",
        "Foreign Minister Ferri receives Norwegian Foreign Minister",
    )
    assert record.event_type == "meeting"
    assert {"Marco Ferri", "Ana Kovac", "Lucia Bassi"} <= _names(record)
    assert record.city == "Rome"


def test_a_statement_signed_off_at_the_end_has_its_signatory() -> None:
    record = _primary(
        "PRESS STATEMENT\n\nThe Government notes the decision of the regional body and regrets "
        "it.\n\nThe Ministry assures citizens abroad that consular services continue.\n\n"
        "Adaeze Okafor\nSpokesperson\nMinistry of Foreign Affairs",
        "Press Statement on the Decision of the Regional Body",
    )
    assert record.event_type == "statement"
    assert _names(record) == {"Adaeze Okafor"}


def test_a_statement_quoting_its_minister_has_the_minister() -> None:
    record = _primary(
        '"This ceasefire is welcome news for the region," said Minister of Foreign Affairs Ola '
        "Nordby.\n\nBoth parties announced the agreement yesterday.",
        "Norway welcomes the ceasefire agreement",
    )
    assert _names(record) == {"Ola Nordby"}


@pytest.mark.parametrize(
    "text",
    [
        "YB Dato' Seri Utama Haji Amir Hamzah will visit Cairo on 5 May 2025.",
        "Foreign Minister Karim Nasser received a phone call from Omar Haddad, Minister of Foreign "
        "and Expatriates Affairs of Jordan, on 5 May 2025.",
    ],
)
def test_honorifics_and_ministry_nouns_are_not_people(text: str) -> None:
    doc = Document(doc_id="g-2", text=text, title="", published="2025-05-06T10:00:00+02:00")
    names = {p.name for r in extract(doc) for p in (*r.participants, *r.mentioned_people)}
    assert "Utama" not in names and "Expatriates" not in names


def test_a_commission_chaired_by_others_and_a_phrase_with_among_add_no_one() -> None:
    record = _primary(
        "The Minister of Foreign Affairs, Ms Ana Kovac, will on Tuesday, 6 May 2025, host her "
        "counterpart from Chile, the Minister of Foreign Affairs, Mr Rui Soto, for bilateral talks "
        "in Oslo. The talks will prepare the next Joint Commission, which is co-chaired by "
        "President Lena Ostrova and President Piet Marsman. Trade among the three partners "
        "under President Mara Lind will also be raised.",
        "Minister Kovac to host Chilean counterpart for bilateral talks",
    )
    assert _names(record) == {"Ana Kovac", "Rui Soto"}
    assert (record.event_date, record.city) == (date(2025, 5, 6), "Oslo")


def test_an_organisation_before_an_office_is_not_a_person() -> None:
    record = _primary(
        "The Honourable Ama Mensah today assumed office as the eighth Secretary-General of the "
        "Commonwealth, at Marlborough House in London.",
        "Ama Mensah assumes office as eighth Commonwealth Secretary-General",
    )
    assert (record.event_type, record.city) == ("other", "London")
    assert _names(record) == {"Ama Mensah"}


def test_a_concluded_multi_day_visit_is_the_lead_and_its_traveller_takes_part() -> None:
    record = _primary(
        "VIENNA, 5 May 2025 – Secretary General Lena Ostrova today concluded a three-day visit to "
        "Austria.\n\nIn Vienna, the Secretary General was received by President Piet Marsman.\n\n"
        "The Secretary General also visited the Programme Office in Graz.",
        "Secretary General concludes visit to Austria",
    )
    assert record.event_type == "visit"
    assert {"Lena Ostrova", "Piet Marsman"} <= _names(record)


def test_a_home_dateline_names_the_publisher_of_officials_without_a_country() -> None:
    record = _primary(
        "NAIROBI – Kenya and Chile on Thursday, 1 May 2025, signed a memorandum at the Old "
        "Treasury Building, Nairobi.\n\nThe memorandum was signed by the Cabinet Secretary for "
        "Foreign Affairs, Hon. Amos Kariuki, and the Minister of Foreign Affairs of Chile, "
        "H.E. Rui Soto.",
        "Kenya and Chile sign memorandum on trade",
    )
    assert {(p.name, p.affiliation) for p in record.participants} == {
        ("Amos Kariuki", "KE"),
        ("Rui Soto", "CL"),
    }


def test_a_pilgrim_title_inside_a_name_is_part_of_it() -> None:
    doc = Document(
        doc_id="g-3",
        text="YB Dato' Seri Utama Haji Amir Haji Hamzah, Minister of Foreign Affairs, will visit "
        "Cairo on 5 May 2025.",
        title="Official visit of the Minister of Foreign Affairs to Egypt",
        published="2025-05-04T10:00:00+08:00",
    )
    record = next(r for r in extract(doc) if r.is_primary)
    assert _names(record) == {"Amir Haji Hamzah"}


def test_a_list_of_ministers_each_introduced_by_an_office_of_a_country() -> None:
    record = _primary(
        "The Minister of Foreign Affairs, Rui Matos, will chair the meeting of the group's foreign "
        "ministers on 7 May, at the Palácio Foz in Lisbon. Among the heads of delegation "
        "confirmed are the Minister of Foreign Affairs of Chile, Elena Soto, the Minister of "
        "Foreign Affairs of Japan, Taro Kono, and the Minister of Foreign Affairs of Kenya, Amos "
        "Kariuki.",
        "Foreign Ministers' Meeting – Lisbon, 7 May 2025",
    )
    found = {(p.name, p.affiliation) for p in record.participants}
    assert {("Elena Soto", "CL"), ("Taro Kono", "JP"), ("Amos Kariuki", "KE")} <= found
