"""Event types and dates of publishers the rules were not written from (real-tune-4 and -5,
classed by cause in x15-type12): each case is a real release whose primary was wrong before."""

from __future__ import annotations

from datetime import date

import pytest
from tests.extract.real_documents import primary_record


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
        # ceremonies: "Ceremony of awarding the President ... the Order 'For Service to the
        # Fatherland'", "Foreign Minister Lin confers Friendship Medal of Diplomacy on ..."
        ("real-tune-4", "president-tj-20231121-1", "other"),
        ("real-tune-4", "mofa-gov-tw-20250127-1", "other"),
        # a trip to a ceremony is the trip: "arrives in Dakar ahead of the swearing-in ceremony"
        ("real-tune-3", "statehouse-gov-sl-2024-04-02-1", "visit"),
        # "Address by the New Zealand Minister of Foreign Affairs and Trade ..."
        ("real-tune-5", "samoa-org-nz-2023-05-04-1", "other"),
        # "held the last meeting with journalists for this year"
        ("real-tune-3", "mfa-ks-net-2008-12-29-1", "other"),
        # "handed over to her successor ... at the Ministry headquarters"
        ("real-tune-4", "mfa-go-ke-20221116-2", "other"),
        # "attended a Parliamentary Reception in the presence of His Majesty King Charles III"
        ("real-tune-5", "govhouse-tas-gov-au-nodate-1", "other"),
        # "hosted a working breakfast earlier today at Viana Palace with her Argentinian ..."
        ("real-tune-4", "exteriores-gob-es-20210511-1", "meeting"),
        # "President Chakwera for enhanced bilateral relations": the lead's official visit
        ("real-tune-3", "malawi-gov-mw-nodate-1", "visit"),
        # "a series of high-level bilateral meetings on the margins of the AU Executive Council"
        ("real-tune-3", "mfa-gov-sc-2026-02-14-1", "meeting"),
        # a release naming itself a statement: "Joint statement: Norway and Mexico: A call for a
        # coalition ..." (its lead reports the officials' consultations), "COMESA has sent a
        # message of congratulations" (after the AU session that re-elected the addressee)
        ("real-tune-4", "regjeringen-no-20250410-1", "statement"),
        ("real-tune-3", "comesa-int-nodate-1", "statement"),
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


@pytest.mark.parametrize(
    ("set_name", "doc_id", "expected"),
    [
        # "met in New York this week and discussed ongoing partnerships"
        ("real-tune-3", "mfaet-gov-sb-2024-09-25-1", None),
        # "During their phone conversation last week, Acting Minister Le expressed ..."
        ("real-tune-4", "baochinhphu-vn-20251020-1", None),
        # "The meeting took place, earlier this week, on Monday, September 30, 2019"
        ("real-tune-5", "jis-gov-jm-20191004-1", date(2019, 9, 30)),
    ],
)
def test_a_week_without_its_day_dates_no_engagement(
    set_name: str, doc_id: str, expected: date | None
) -> None:
    assert primary_record(set_name, doc_id).event_date == expected
