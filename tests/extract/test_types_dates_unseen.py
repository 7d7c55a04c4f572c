"""Event types and dates of publishers the rules were not written from (real-tune-4 and -5,
classed by cause in x15-type12): each case is a real release whose primary was wrong before."""

from __future__ import annotations

from datetime import date

import pytest
from tests.extract.real_documents import primary_record

from ingest.extract import dates


@pytest.mark.parametrize(
    ("set_name", "doc_id", "expected"),
    [
        # a trip in every form of its verb: "US Secretary of State visited Iceland"
        ("real-tune-4", "government-is-nodate-5", "visit"),
        # a delegation sent: "Taiwan sends delegation to the 60th Inaugural Ceremonies"
        ("real-tune-4", "mofa-gov-tw-20250118-1", "visit"),
        # "Prime Minister Departs the Country" (the lead: "to attend the Meeting")
        ("real-tune-5", "pressoffice-gov-bz-20230606-1", "visit"),
        # a visit received: "receives official visit from French Foreign Minister Le Drian"
        ("real-tune-4", "mvep-gov-hr-nodate-3", "visit"),
        # officials met by office: "Top UN officials meet Prime Minister Imran Khan during ..."
        ("real-tune-4", "unhcr-org-20180907-1", "meeting"),
        # "Meetings held by Jean-Yves Le Drian and Nathalie Loiseau with Dutch Minister ..."
        ("real-tune-4", "diplomatie-gouv-fr-nodate-2", "meeting"),
        # talks on a gathering's sidelines: "... hold talks on the sidelines of the BIMSTEC Summit"
        ("real-tune-4", "news-lk-20220329-1", "meeting"),
        # an instrument signed: "signed memorandum of understanding for 2017 Annual Meeting"
        ("real-tune-5", "bid-cii-paraguay2017-gov-py-nodate-1", "signing"),
        # several meetings attended: "FM attends SEECP and CEI meetings, holds bilateral talks"
        ("real-tune-4", "mvep-gov-hr-nodate-1", "conference"),
        # a communiqué label: "Holy See Press Office Communiqué: Audience with the President"
        ("real-tune-5", "vatican-va-20210513-1", "meeting"),
        # the headline's talks, the lead's telephone: a call
        ("real-tune-4", "presidentti-fi-20160105-1", "call"),
        ("real-tune-5", "kormany-hu-nodate-1", "call"),
        # talked with, no medium named: still the headline's meeting
        ("real-tune-4", "mfa-gov-rs-20160513-1", "meeting"),
    ],
)
def test_event_types_of_unseen_publishers(set_name: str, doc_id: str, expected: str) -> None:
    assert primary_record(set_name, doc_id).event_type == expected


def test_talks_held_by_phone_name_their_rule() -> None:
    record = primary_record("real-tune-4", "presidentti-fi-20160105-1")
    assert "title.meeting.held_remotely" in {e.rule for e in record.evidence}


@pytest.mark.parametrize(
    ("set_name", "doc_id", "expected"),
    [
        # "a press gathering was held on Tuesday 7th March 2023" (no published date)
        ("real-tune-3", "iora-int-nodate-1", date(2023, 3, 7)),
        # "handed over to her successor ... at the Ministry headquarters on October 27, 2022"
        ("real-tune-4", "mfa-go-ke-20221116-2", date(2022, 10, 27)),
        # "delivered a statement ... to the 1120th meeting of the Permanent Council on 24 November"
        ("real-tune-5", "kmu-gov-ua-nodate-1", date(2016, 11, 24)),
    ],
)
def test_a_statement_dates_its_own_act(set_name: str, doc_id: str, expected: date) -> None:
    assert primary_record(set_name, doc_id).event_date == expected


@pytest.mark.parametrize(
    ("set_name", "doc_id", "published"),
    [
        # "condemns the attack that took place in the French City of Nice on 29 October 2020"
        ("real-tune-5", "kln-gov-my-2020-10-30-1", date(2020, 10, 30)),
        # "expresses its strongest rejection of the press release published on October 5, 2018"
        ("real-tune-2", "mppre-gob-ve-20181007-1", date(2018, 10, 7)),
    ],
)
def test_a_statement_about_a_dated_occasion_keeps_its_published_day(
    set_name: str, doc_id: str, published: date
) -> None:
    assert primary_record(set_name, doc_id).event_date == published


def test_a_dateline_is_the_release_day_not_the_engagement_day() -> None:
    # "THE HAGUE, Netherlands — 10 December 2018 — ... met at the OPCW Headquarters in The Hague,
    # on Friday, 7 December."
    assert primary_record("real-tune-5", "opcw-org-20181210-1").event_date == date(2018, 12, 7)


def test_a_dateline_dates_a_statement() -> None:
    # "Podgorica, Montenegro (27 April 2014) – Prime Minister Milo Đukanović congratulated ...",
    # fed on 28 April
    record = primary_record("real-tune-5", "gov-me-20140428-1")
    assert record.event_date == date(2014, 4, 27)
    assert "date.dateline" in {e.rule for e in record.evidence}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("THE HAGUE, Netherlands — 10 December 2018 — The Director", date(2018, 12, 10)),
        ("Kinshasa, Democratic Republic of Congo 5th June, 2018: The", date(2018, 6, 5)),
        ("State House, Freetown, Thursday 20 April 2023 – His", date(2023, 4, 20)),
        ("On 10 January 2022 the members were sworn in.", None),
        ("The Minister met on 3 May 2024 – in Oslo – with", None),
    ],
)
def test_datelines(text: str, expected: date | None) -> None:
    found = dates.dateline(text)
    assert (found.day if found is not None else None) == expected
