"""Within-document person resolution: short forms and title back references name the full name
given earlier; a single word is a person only when its cue makes it a name; each participant
says how its name stands (name_status)."""

from __future__ import annotations

from tests.warehouse.factories import make_document

from ingest.extract import extract
from ingest.extract.people import find_people
from ingest.records import EventRecord, Participant


def _primary(text: str, title: str = "Readout") -> EventRecord:
    records = extract(make_document("doc-people", text=text, title=title))
    return next(r for r in records if r.is_primary)


def _names(people: tuple[Participant, ...]) -> list[str]:
    return [p.name for p in people]


def test_a_word_inside_an_office_name_is_not_a_person() -> None:
    record = _primary(
        "Assistant Secretary of State for Conflict and Stabilization Operations Anne A. "
        "Witkowsky met with senior officials at the Chancellery and Foreign Ministry in Berlin "
        "on June 3, 2022. U.S. Special Envoy to Monitor and Combat Antisemitism, Ambassador "
        "Deborah Lipstadt, joined the meeting."
    )
    everyone = _names(record.participants) + _names(record.mentioned_people)
    assert "Anne A. Witkowsky" in everyone
    assert not {"Stabilization", "Chancellery", "Monitor"} & set(everyone)


def test_a_single_name_after_its_office_stays_and_is_flagged_surname_only() -> None:
    record = _primary(
        "Secretary of Defense Austin met with Prime Minister Modi in Washington on April 11, 2022."
    )
    status = {p.name: p.name_status for p in record.participants}
    assert status == {"Austin": "surname_only", "Modi": "surname_only"}


def test_a_short_mention_resolves_to_the_full_name_given_earlier() -> None:
    record = _primary(
        "Secretary of State Antony J. Blinken spoke with Indian External Affairs Minister "
        "Subrahmanyam Jaishankar on May 2, 2022.\n\nLater, Secretary Blinken met with Foreign "
        "Minister Jaishankar in New Delhi.",
        title="Secretary Blinken's Call with Indian External Affairs Minister Jaishankar",
    )
    status = {p.name: p.name_status for p in record.participants}
    assert set(status) == {"Antony J. Blinken", "Subrahmanyam Jaishankar"}
    assert set(status.values()) <= {"full", "resolved"}


def test_a_title_without_a_name_refers_back_to_its_one_holder() -> None:
    text = (
        "Foreign Minister Penny Wong will travel to Fiji on May 26, 2022.\n\n"
        "The Foreign Minister will meet Prime Minister Frank Bainimarama in Suva."
    )
    index = find_people(make_document("doc-back", text=text, title="Travel to Fiji"))
    wong = next(i for i, p in enumerate(index.people) if p.name == "Penny Wong")
    back = [m for m in index.mentions if m.via]
    assert [(m.person, text[m.start : m.end]) for m in back] == [(wong, "Foreign Minister")]


def test_a_title_two_people_hold_refers_to_nobody() -> None:
    text = (
        "Foreign Minister Penny Wong met Foreign Minister Nanaia Mahuta in Wellington on June 9, "
        "2022. The Foreign Minister said the talks were productive."
    )
    index = find_people(make_document("doc-two", text=text, title="Meeting"))
    assert not [m for m in index.mentions if m.via]


def test_a_back_reference_takes_part_with_its_rule_and_resolved_status() -> None:
    text = (
        "Foreign Minister Penny Wong arrived in Suva, Fiji on May 26, 2022.\n\n"
        "The Foreign Minister met Prime Minister Frank Bainimarama on May 27, 2022."
    )
    records = extract(make_document("doc-fiji", text=text, title="Visit to Fiji"))
    meeting = next(r for r in records if r.event_type == "meeting")
    wong = next(p for p in meeting.participants if p.name == "Penny Wong")
    assert wong.name_status == "resolved"
    back = [e for e in meeting.evidence if e.rule == "person.title_back_reference"]
    assert [text[e.start : e.end] for e in back] == ["Foreign Minister"]


def test_an_honorific_word_that_closes_a_name_is_the_names_own() -> None:
    text = (
        "Secretary Blinken met with Cambodian Prime Minister Hun Sen in Phnom Penh on June 1, 2022."
    )
    index = find_people(make_document("doc-hun", text=text, title="Meeting"))
    assert "Hun Sen" in [p.name for p in index.people]
    rt_hon = "The Rt. Hon. Pradeep Kumar Gyawali met Foreign Minister Wang Yi in Beijing."
    index = find_people(make_document("doc-rt", text=rt_hon, title="Meeting"))
    assert "Rt. Hon." not in [p.name for p in index.people]


def test_a_title_head_after_its_modifier_is_no_given_name() -> None:
    """Real headlines of the State Department corpus: the name is "Al Thani", not "Minister Al
    Thani"; a title word before a particle name stays a given name when it follows a head."""
    cases = {
        "Secretary Blinken met Qatari Deputy Prime Minister and Foreign Minister Al Thani in "
        "Doha on May 3, 2022.": ("Al Thani", "Deputy Prime Minister and Foreign Minister"),
        "Secretary Blinken spoke with Qatari Deputy Prime Minister and Minister of Foreign "
        "Affairs Al Thani on May 3, 2022.": (
            "Al Thani",
            "Deputy Prime Minister and Minister of Foreign Affairs",
        ),
        "Deputy Secretary Sherman met Omani Deputy Foreign Minister Al Harthy in Muscat on May "
        "3, 2022.": ("Al Harthy", "Deputy Foreign Minister"),
        "Secretary Blinken met COP28 President Sultan Al Jaber in Dubai on May 3, 2023.": (
            "Sultan Al Jaber",
            "President",
        ),
    }
    for text, (name, title) in cases.items():
        people = {p.name: p.title for p in _primary(text).participants}
        assert people.get(name) == title, (text, people)


def test_a_place_with_a_date_or_a_body_is_no_person() -> None:
    """From real releases: "... and Honolulu May 25 to June 4" (a travel announcement) and a
    convention named by its head noun."""
    travel = _primary(
        "Deputy Secretary of State Wendy R. Sherman will travel to Brussels, Ankara, Jakarta, "
        "Phnom Penh, Bangkok, and Honolulu May 25 to June 4."
    )
    body = _primary(
        "Secretary Blinken met with the States Parties to the Biological Weapons Convention in "
        "Geneva on November 28, 2022."
    )
    everyone = _names(travel.participants) + _names(body.participants)
    assert not any("May" in n or "Convention" in n for n in everyone), everyone


def test_an_initial_and_a_surname_are_a_full_name() -> None:
    """ "S. Jaishankar" (as the State Department writes him) is no lone surname: person
    resolution must be able to merge him with "Subrahmanyam Jaishankar"."""
    record = _primary(
        "Secretary Blinken met Indian External Affairs Minister S. Jaishankar in Washington on "
        "April 11, 2022."
    )
    status = {p.name: p.name_status for p in record.participants}
    assert status.get("S. Jaishankar") == "full", status
    assert status.get("Blinken") == "surname_only"
