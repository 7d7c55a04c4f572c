"""An event's company, listed after or before an attendance cue (data/cues.toml [[attendance]]),
takes part beside its principals. The texts are real releases (tests/fixtures/real-tune*) whose
companions the participant model alone left out."""

from __future__ import annotations

import pytest
from tests.extract.real_documents import primary_record

from ingest.extract import extract
from ingest.records import Document, EventRecord


def _primary(text: str, title: str) -> EventRecord:
    doc = Document(doc_id="a-1", text=text, title=title)
    return next(r for r in extract(doc) if r.is_primary)


def _names(record: EventRecord) -> set[str]:
    return {p.name for p in record.participants}


def _listed(record: EventRecord) -> set[str]:
    """The text the attendance-list rule credits."""
    return {str(e.start) for e in record.evidence if e.rule == "participant.attendance_list"}


@pytest.mark.parametrize(
    ("set_name", "doc_id", "companions"),
    [
        # "Honorable John Rosso is accompanied by the Minister of Internal Security, Honorable
        # Peter Tsiamalili Jnr and other senior government Officials."
        ("real-tune-2", "pmpress-gov-sb-nodate-1", {"Peter Tsiamalili Jnr"}),
        # "President Weah is accompanied at the Extraordinary Session of West African Heads of
        # State and Government by Minister of Foreign Affairs, Dee-Maxwell Saah Kemayah; Defense
        # Minister Daniel Ziankah, National Security Advisor Jefferson Karmo, and ..."
        (
            "real-tune-2",
            "emansion-gov-lr-2021-09-15-1",
            {"Daniel Ziankah", "Jefferson Karmo", "Lenn Eugene Nagbe"},
        ),
        # "The team, comprising of Mr Jeff Radebe, Ambassador Kingsley Mmabolo and Dr. Khulu
        # Mbatha, will visit Nigeria, ..."
        ("real-tune", "presidency-gov-za-nodate-2", {"Jeff Radebe", "Khulu Mbatha"}),
        # "... Edward Prado; political advisor Chris Andino; and advisor Mariju Bofill, who were
        # also present at the meeting."
        ("real-tune", "cancilleria-gob-ar-20191211-1", {"Chris Andino", "Mariju Bofill"}),
        # "Other participants included heads of the SCO observer states' delegations President
        # ... Ashraf Ghani, ..." and "Also in attendance were Secretary-General of the United
        # Nations Antonio Guterres, ..."
        ("real-tune-2", "sectsco-org-nodate-1", {"Ashraf Ghani", "Antonio Guterres"}),
        # a participle fronted before its copula, the list after: "Accompanying the Ambassador
        # were Mrs. Cierra Saylor, Second Secretary and Ms. Kay Hinds, Protocol Supervisor."
        ("real-tune-2", "gov-kn-nodate-1", {"Cierra Saylor", "Kay Hinds"}),
        # "Accompanying the Foreign Minister was Hon. Ramon Cervantes, Minister of State, and
        # Ambassador Amalia Mai, Chief Executive Officer in the Ministry of Foreign Affairs ..."
        ("real-tune-3", "mfa-gov-bz-nodate-1", {"Ramon Cervantes", "Amalia Mai"}),
    ],
)
def test_the_company_an_attendance_list_names_takes_part(
    set_name: str, doc_id: str, companions: set[str]
) -> None:
    record = primary_record(set_name, doc_id)
    assert companions <= _names(record)
    assert _listed(record)  # the attendance-list rule is the evidence


def test_a_listed_companion_keeps_the_office_written_with_the_name() -> None:
    record = primary_record("real-tune-2", "pmpress-gov-sb-nodate-1")
    titles = {p.name: p.title for p in record.participants}
    assert titles["Peter Tsiamalili Jnr"] == "Minister of Internal Security"


def test_a_clause_after_the_list_and_another_occasion_add_no_one() -> None:
    # state.gov: the list ends at the comma opening "traveled to Kyiv"; President Zelenskyy,
    # named after it, is only someone the Secretary pledged something to
    call = _primary(
        "Secretary of State Antony J. Blinken spoke by phone today with Ukrainian Foreign "
        "Minister Dmytro Kuleba. The Secretary informed Foreign Minister Kuleba that our Charge "
        "d’Affaires Kristina Kvien and a small group of diplomats, accompanied by State "
        "Department security, traveled to Kyiv to conduct diplomatic engagement in advance of "
        "the planned resumption of Embassy Kyiv operations, as the Secretary pledged to "
        "President Zelenskyy they would during his most recent visit to Kyiv.",
        "Secretary Blinken’s Call with Ukrainian Foreign Minister Kuleba",
    )
    assert "Zelenskyy" not in _names(call) and not _listed(call)
    # gg.gov.au: "attended the opening night" names another occasion of the day, not the meeting
    meeting = _primary(
        "On Thursday 8 June 2023, His Excellency General the Honourable David Hurley AC DSC "
        "(Retd) presided at a meeting of the Federal Executive Council. In the evening, the "
        "Governor-General and Mrs Hurley, as guests of Mr Alex Budd, Director, Canberra Theatre "
        "Centre, attended the opening night of Come From Away.",
        "Canberra, Australian Capital Territory",
    )
    assert not _listed(meeting)
