"""Someone a meeting's or a call's release names only where a later sentence tells another
engagement ("also met", "In addition, ... held talks with", "her recent meeting with") is
mentioned, not a participant (data/cues.toml [[another_occasion]]); so is the guest of a visit
set at another time ([[visit_at_another_time]]) and the official holding the office at home
while the traveller is away ([[standing_in]]). The texts are real releases
(tests/fixtures/real-tune*) where the participant model took such a person."""

from __future__ import annotations

import pytest
from tests.extract.real_documents import primary_record, real_document

from ingest.extract import extract


@pytest.mark.parametrize(
    ("set_name", "doc_id", "met_another_time", "met_this_time"),
    [
        # "The President also met three other leaders, King Mswati of Swaziland, Lesotho’s Prime
        # Minister Pakalitha Mosisili and Ethiopian Prime Minister Hailemariam Desalegn."
        (
            "real-tune-2",
            "zambiapretoria-net-2015-06-15-1",
            "Hailemariam Desalegn",
            "Muhammadu Buhari",
        ),
        # "In addition, the Minister of Foreign Affairs ... held talks with the Emirati Minister
        # of State, Khalifa Shahine Almarar."
        (
            "real-tune",
            "maroc-ma-20240306-1",
            "Khalifa Shahine Almarar",
            "Mohamed Salem Ould Merzoug",
        ),
        # "... a press briefing to discuss her recent meeting with the International Monetary
        # Fund’s Managing Director, Christine Lagarde, in Washington."
        ("real-tune", "gisbarbados-gov-bb-nodate-1", "Christine Lagarde", "Luis Alberto Moreno"),
    ],
)
def test_a_person_of_another_engagement_is_only_mentioned(
    set_name: str, doc_id: str, met_another_time: str, met_this_time: str
) -> None:
    record = primary_record(set_name, doc_id)
    taking_part = {p.name for p in record.participants}
    assert met_another_time not in taking_part and met_this_time in taking_part
    assert met_another_time in {p.name for p in record.mentioned_people}
    demoted = [e for e in record.evidence if e.rule == "participant.another_occasion"]
    assert len(demoted) == 1 and demoted[0].field == "mentioned_people"


def test_a_trip_keeps_everyone_met_on_it() -> None:
    # "In addition to bilateral talks, the agenda included meetings with Austrian President
    # Alexander Van der Bellen and Chancellor Karl Nehammer": a visit's participants are all met
    record = primary_record("real-tune", "bmeia-gv-at-nodate-2")
    assert {"Alexander Van der Bellen", "Karl Nehammer"} <= {p.name for p in record.participants}


def test_a_later_meeting_told_after_a_topic_word_has_its_counterpart() -> None:
    # "She made the disclosure today ... during a press briefing to discuss her recent meeting
    # with the International Monetary Fund’s Managing Director, Christine Lagarde": the later
    # meeting's cue follows "to discuss", so its topics begin after the cue, not before it
    doc = real_document("real-tune", "gisbarbados-gov-bb-nodate-1")
    later = [r for r in extract(doc) if not r.is_primary]
    assert any("Christine Lagarde" in {p.name for p in r.participants} for r in later)


@pytest.mark.parametrize(
    ("set_name", "doc_id", "guest", "met_this_time"),
    [
        # "During the meeting, the parties discussed preparations for the upcoming official
        # visit of the Minister of Foreign Affairs of the Republic of Kazakhstan, Yerzhan
        # Kosherbayev, to the Republic of Uzbekistan"
        ("real-tune-3", "gov-kz-2026-03-19-1", "Yerzhan Kosherbayev", "Bobur Usmanov"),
        # "The preparations of the upcoming visit by President Berdimuhammedov to Türkiye and
        # trade, energy, transportation ... were also discussed"
        ("real-tune-4", "mfa-gov-tr-20231011-1", "Berdimuhammedov", "Rashid Meredov"),
        # "... as a follow-up to the recent visit to the country by His Excellency Mr Ibrahim
        # Mohamed Solih, President of the Republic of Maldives."
        ("real-tune-4", "foreign-gov-mv-nodate-2", "Ibrahim Mohamed Solih", "Abdulla Shahid"),
    ],
)
def test_the_guest_of_a_visit_at_another_time_is_only_mentioned(
    set_name: str, doc_id: str, guest: str, met_this_time: str
) -> None:
    record = primary_record(set_name, doc_id)
    taking_part = {p.name for p in record.participants}
    assert guest not in taking_part and met_this_time in taking_part
    assert guest in {p.name for p in record.mentioned_people}
    demoted = [e for e in record.evidence if e.rule == "participant.visit_another_time"]
    assert len(demoted) == 1 and demoted[0].field == "mentioned_people"


def test_a_guest_named_elsewhere_keeps_taking_part() -> None:
    # "... discussed a forthcoming visit of President Anastasiades to the country": the
    # President is named in the first sentence too, as the traveller the Minister accompanied
    record = primary_record("real-tune", "mfa-gov-cy-20210927-1")
    assert "Nikos Anastasiades" in {p.name for p in record.participants}


@pytest.mark.parametrize(
    ("set_name", "doc_id", "stays_home", "travels"),
    [
        # "Deputy Prime Minister Hon. John Rosso will be Acting Prime Minister during this period."
        ("real-tune-4", "pmnec-gov-pg-nodate-1", "John Rosso", "James Marape"),
        # "Hon. Francis Fonseca, Minister of Education, Culture, Science and Technology, will act
        # as Prime Minister."
        ("real-tune-5", "pressoffice-gov-bz-20210927-1", "Francis Fonseca", "John Briceño"),
    ],
)
def test_the_official_standing_in_at_home_is_only_mentioned(
    set_name: str, doc_id: str, stays_home: str, travels: str
) -> None:
    record = primary_record(set_name, doc_id)
    taking_part = {p.name for p in record.participants}
    assert stays_home not in taking_part and travels in taking_part
    assert stays_home in {p.name for p in record.mentioned_people}
    assert any(e.rule == "participant.standing_in" for e in record.evidence)
