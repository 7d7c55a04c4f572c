"""How governments other than the US write releases: each test one general rule, own examples."""

from __future__ import annotations

from datetime import date

import pytest

from ingest.extract import extract
from ingest.extract.dates import find_dates
from ingest.extract.gazetteer import lookup_city, publisher_of
from ingest.records import Document, EventRecord


def _records(
    text: str,
    title: str,
    url: str | None = None,
    published: str = "2025-06-11T18:00:00+02:00",
) -> list[EventRecord]:
    return extract(Document(doc_id="o-1", text=text, title=title, url=url, published=published))


def _primary(text: str, title: str, url: str | None = None, **kw: str) -> EventRecord:
    return _records(text, title, url, **kw)[0]


def _people(record: EventRecord) -> dict[str, str | None]:
    return {p.name: p.affiliation for p in record.participants}


# ---------------------------------------------------------------- publisher from the domain


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://foreignaffairs.gov.zm/news/x", "ZM"),
        ("https://www.mofa.go.ug/statement", "UG"),
        ("https://cancilleria.gob.cl/noticias/1", "CL"),
        ("https://www.diplomatie.gouv.ci/a", "CI"),
        ("https://www.gov.lv/en/article", "LV"),
        ("https://www.mfa.govt.fj/x", "FJ"),
        ("https://news.example.com/x", None),
        ("https://www.gov.eu/x", None),
    ],
)
def test_publisher_from_a_government_domain(url: str, expected: str | None) -> None:
    assert publisher_of(url) == expected


def test_own_officials_serve_the_publisher_of_a_government_domain() -> None:
    record = _primary(
        "The Minister of Foreign Affairs, Hon. Kwame Asante, on Monday received the Foreign "
        "Minister of Latvia, Baiba Kalnina, at the Ministry in Lusaka.",
        "Foreign Minister receives Latvian counterpart",
        url="https://www.mfa.gov.zm/press/1",
    )
    assert _people(record) == {"Kwame Asante": "ZM", "Baiba Kalnina": "LV"}


# ---------------------------------------------------------------- who else took part


@pytest.mark.parametrize(
    "attendance",
    [
        "Also present at the talks were the Minister of State, Dr. Ines Obura, and the "
        "Permanent Secretary, Amb. Peter Kamau.",
        "Attending the meeting were the Minister of State Ines Obura and Permanent Secretary "
        "Peter Kamau.",
        "The Minister was accompanied by the Minister of State, Ines Obura, and the Permanent "
        "Secretary, Peter Kamau.",
        "The meeting was held in the presence of Minister of State Ines Obura and Permanent "
        "Secretary Peter Kamau.",
    ],
)
def test_people_present_at_a_meeting_take_part(attendance: str) -> None:
    text = (
        "The Minister of Foreign Affairs, Hon. Grace Wanjiru, today held talks with the Foreign "
        "Minister of Estonia, Kristjan Tamm, in Nairobi.\n\n"
        "The two Ministers discussed trade, digital government and security in the region.\n\n"
        + attendance
    )
    record = _primary(text, "Foreign Minister holds talks with Estonian counterpart")
    names = set(_people(record))
    assert {"Grace Wanjiru", "Kristjan Tamm", "Ines Obura", "Peter Kamau"} <= names
    assert record.participants[0].name == "Grace Wanjiru"  # the event's own people first


def test_opened_by_and_joined_the_ministers_take_part() -> None:
    text = (
        "Foreign ministers of the Union met today in Riga for their annual conference.\n\n"
        "The conference was opened by the President of Latvia, Edgars Ozols, who called for "
        "unity.\n\nLater, Moldova's Foreign Minister Ion Rusu joined the ministers for a "
        "session on enlargement."
    )
    record = _primary(text, "Annual conference of foreign ministers in Riga")
    assert {"Edgars Ozols", "Ion Rusu"} <= set(_people(record))


def test_a_principal_represented_is_not_a_participant() -> None:
    text = (
        "On behalf of President Ana Lopes, Foreign Minister Rui Matos participated today in the "
        "summit of the Community of Portuguese Language Countries held in Praia."
    )
    record = _primary(text, "Foreign Minister attends summit in Praia")
    assert set(_people(record)) == {"Rui Matos"}
    assert "Ana Lopes" in {p.name for p in record.mentioned_people}


# ---------------------------------------------------------------- abbreviated offices


def test_an_abbreviated_office_before_a_surname_is_the_same_person() -> None:
    text = (
        "Foreign Minister Tomas Varga today held talks with Foreign Minister Nora Lind of Norway "
        "in Budapest. FM Varga said the two countries share a long friendship. "
        '"We will open a new consulate," said FM Lind.'
    )
    record = _primary(text, "FM Varga meets Norwegian counterpart")
    assert set(_people(record)) == {"Tomas Varga", "Nora Lind"}


def test_headline_verbs_after_a_comma_are_not_names() -> None:
    text = (
        "The Minister of Foreign Affairs, Amb. Musa Bello, on Monday received the Foreign "
        "Minister of Austria, Karl Huber, in Abuja."
    )
    record = _primary(text, "Bello Receives Austrian Foreign Minister, Seeks Closer Trade Ties")
    assert set(_people(record)) == {"Musa Bello", "Karl Huber"}


# ---------------------------------------------------------------- long office names


def test_an_office_with_inner_commas_is_one_title_and_no_person() -> None:
    text = (
        "The Minister of Foreign Affairs, Regional Integration and Worship, Lucia Ferraro, held "
        "a telephone conversation yesterday with the Minister of Foreign Affairs of Chile, "
        "Pablo Rojas."
    )
    record = _primary(text, "Foreign Minister Ferraro spoke with her Chilean counterpart")
    people = {p.name: p.title for p in record.participants}
    assert set(people) == {"Lucia Ferraro", "Pablo Rojas"}
    assert (
        people["Lucia Ferraro"] == "Minister of Foreign Affairs, Regional Integration and Worship"
    )


def test_the_last_word_of_an_office_is_not_part_of_the_name() -> None:
    text = (
        "On Monday the Secretary General met Deputy Prime Minister for Reconciliation Ana "
        "Petrova and the Minister for Foreign and Diaspora Affairs, Ivan Kolev, in Sofia. She "
        "was accompanied by the Special Envoy of the Secretary General for the Danube Cooperation "
        "Process, Lena Brandt."
    )
    names = {p.name for p in _primary(text, "Secretary General visits Bulgaria").participants}
    assert {"Ana Petrova", "Ivan Kolev", "Lena Brandt"} <= names
    assert not names & {"Reconciliation Ana Petrova", "Diaspora", "Danube Cooperation"}


# ---------------------------------------------------------------- multilateral or bilateral


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Informal meeting of EU defence ministers in Lisbon", "conference"),
        ("Meeting of NATO foreign ministers opens in Brussels", "conference"),
        ("47th Session of the Committee of Ministers held in Vaduz", "conference"),
        ("Minister opens the session of the General Assembly of the Union", "conference"),
        ("Minister co-chairs the 5th Session of the Kenya–Uganda Joint Commission", "meeting"),
        ("Bi-National Commission between Nigeria and Benin holds first session", "meeting"),
        ("Meeting of the two foreign ministers in Rome", "meeting"),
    ],
)
def test_gatherings_of_many_and_commissions_of_two(title: str, expected: str) -> None:
    text = "Ministers met on 10 June 2025 in the capital and adopted conclusions."
    assert _primary(text, title).event_type == expected


def test_a_joint_commission_session_is_a_meeting_of_its_co_chairs() -> None:
    text = (
        "MEDIA STATEMENT\n\nKampala, 10 June 2025 – The Minister of Foreign Affairs, Mr Odongo "
        "Okello, today co-chaired the 5th Session of the Uganda–Tanzania Joint Permanent "
        "Commission with his counterpart, the Minister for Foreign Affairs of Tanzania, Hon. "
        "Mahmoud Kombo, at the State House.\n\nAt the end of the Session, the two Ministers "
        "witnessed the signing of three agreements. The agreements were signed by the Permanent "
        "Secretary, Mr Vincent Bagiire, and the High Commissioner of Tanzania, Ms Grace Mgovano."
    )
    title = "Minister Okello co-chairs the 5th Session of the Uganda–Tanzania Joint Commission"
    record = _primary(text, title, url="https://www.mofa.go.ug/media/1")
    assert record.event_type == "meeting"
    people = {p.name: p.title for p in record.participants}
    assert set(people) == {"Odongo Okello", "Mahmoud Kombo"}  # signatories only signed
    assert people["Mahmoud Kombo"] == "Minister for Foreign Affairs"


# ---------------------------------------------------------------- first person and speeches


def test_a_first_person_release_is_the_byline_ministers() -> None:
    text = (
        "The Hon Mere Tipoki MP\nMinister of Foreign Affairs\n\nMedia release\n\n4 June 2025\n\n"
        "Today I welcomed Japan's Minister for Foreign Affairs, Iwaya, to Wellington for our "
        "annual strategic dialogue.\n\nMinister Iwaya and I discussed security in the Pacific."
    )
    record = _primary(
        text,
        "New Zealand-Japan Foreign Ministers' Strategic Dialogue",
        url="https://www.beehive.govt.nz/release/x",
        published="2025-06-04T15:00:00+12:00",
    )
    assert _people(record) == {"Mere Tipoki": "NZ", "Iwaya": "JP"}
    assert (record.city, record.country_code) == ("Wellington", "NZ")


def test_welcomed_to_names_the_place_but_not_a_commitment_to_a_country() -> None:
    text = "The Prime Minister welcomed the Chancellor of Austria, Karl Brandt, to Oslo today."
    assert _primary(text, "Prime Minister meets Austrian Chancellor").city == "Oslo"
    text = (
        "At the meeting in the capital, Foreign Minister Ana Horvat welcomed Germany's "
        "commitment to Ukraine during talks with Foreign Minister Jonas Weber."
    )
    assert _primary(text, "Foreign Minister meets German counterpart").country_code != "UA"


def test_a_statement_delivered_as_a_speech_is_a_speech() -> None:
    text = (
        "Speech by Minister for Foreign Affairs Lars Holm at the Folketing, Copenhagen, "
        "5 March 2025.\n\nCheck against delivery.\n\nMr Speaker, Honourable Members,\n\n"
        "Denmark's security situation is serious."
    )
    records = _records(text, "Statement of Government Policy on Foreign Affairs 2025")
    assert len(records) == 1
    record = records[0]
    assert record.event_type == "other"
    assert set(_people(record)) == {"Lars Holm"}
    assert (record.city, record.country_code) == ("Copenhagen", "DK")


def test_a_statement_headline_without_a_speech_stays_a_statement() -> None:
    text = "The Ministry condemns the attack on the embassy compound and calls for restraint."
    assert _primary(text, "Statement on the attack in the capital").event_type == "statement"


def test_a_headline_about_many_ministers_is_a_conference() -> None:
    text = "Defence ministers of the Alliance met in Brussels on 12 June 2025 to review plans."
    title = "Defence Ministers agree new capability targets at meeting chaired by the Chair"
    assert _primary(text, title).event_type == "conference"
    title = "Foreign Ministers of Chile and Peru hold talks in Lima"
    assert _primary(text, title).event_type == "meeting"


def test_a_two_word_office_tail_is_no_person() -> None:
    text = (
        "Today, the Honourable Anne Roy, Minister of Export Promotion, International Trade and "
        "Economic Development, and Luis Vera, Minister of Foreign Trade of Peru, signed the "
        "agreement in Ottawa."
    )
    names = {p.name for p in _primary(text, "Canada and Peru sign trade agreement").participants}
    assert names == {"Anne Roy", "Luis Vera"}


def test_quotes_attributable_to_a_minister_keep_her_in_the_event() -> None:
    text = (
        "Minister for Foreign Affairs Senator the Hon Jane Hill will travel to Suva tomorrow.\n\n"
        "Senator Hill will call on Prime Minister Sitiveni Lala.\n\n"
        "Quotes attributable to Minister for Foreign Affairs, Senator the Hon Jane Hill:\n\n"
        '"Fiji is a close partner."'
    )
    record = _primary(text, "Visit to Fiji", url="https://www.foreignminister.gov.au/x")
    assert {"Jane Hill", "Sitiveni Lala"} <= set(_people(record))


# ---------------------------------------------------------------- weekdays ahead


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("On Thursday, the Minister will travel to Nairobi.", date(2025, 4, 3)),
        ("On Friday the delegation is scheduled to attend the forum.", date(2025, 4, 4)),
        ("She will call on King Letsie III. on Friday.", date(2025, 4, 4)),
        ("He will meet President Peter A. Mutharika on Friday.", date(2025, 4, 4)),
        ("On Monday, the Minister met his counterpart.", date(2025, 3, 31)),
        ("The Minister met the President on Monday and will travel on.", date(2025, 3, 31)),
    ],
)
def test_a_weekday_in_the_future_tense_lies_ahead(sentence: str, expected: date) -> None:
    # published on Wednesday 2 April 2025
    assert [m.day for m in find_dates(sentence, date(2025, 4, 2))] == [expected]


# ---------------------------------------------------------------- issuers and counterparts


def test_an_organisation_head_issuing_in_the_third_person() -> None:
    text = (
        "Addis Ababa, 3 April 2025: The Chairperson of the Commission, H.E. Amina Diallo, is "
        "following with deep concern the fighting in the east of the country.\n\n"
        "The Chairperson calls on all parties to respect the ceasefire."
    )
    record = _primary(text, "Statement of the Chairperson of the Commission on the situation")
    assert set(_people(record)) == {"Amina Diallo"}


def test_co_issuers_in_a_joint_release_header() -> None:
    text = (
        "Joint media release with:\nThe Hon Tom Reid MP, Minister for Trade and Tourism\n\n"
        "Senator the Hon Kate Lowe\nMinister for Foreign Affairs\n\n"
        "Australia is providing $3 million in emergency assistance after the floods."
    )
    record = _primary(text, "Australia supports flood response", url="https://www.dfat.gov.au/x")
    assert _people(record) == {"Tom Reid": "AU", "Kate Lowe": "AU"}


def test_received_name_then_office_is_the_counterpart() -> None:
    text = (
        "DOHA, 3rd June, 2025 (QNA) -- H.H. Sheikh Hamad bin Khalid Al Thani, Minister of State, "
        "received Ana Lind, Minister of Foreign Affairs of the Republic of Latvia, who is "
        "currently visiting the country.\n\nDuring the meeting, H.H. Sheikh Hamad bin Khalid "
        "welcomed the Latvian minister and discussed ways to enhance cooperation.\n\n"
        "The meeting was attended by Khalid Al Mansoori, Director of the Europe Department."
    )
    records = _records(text, "Minister of State receives Latvian Foreign Minister")
    assert len(records) == 1  # the later sentences tell the same meeting
    assert {"Hamad bin Khalid Al Thani", "Ana Lind", "Khalid Al Mansoori"} <= set(
        _people(records[0])
    )
    assert _people(records[0])["Ana Lind"] == "LV"


# ---------------------------------------------------------------- readouts of many publishers


def test_held_a_named_bilateral_meeting_with() -> None:
    text = (
        "On April 2, commencing at 10:00 a.m. for approximately 30 minutes, Mr. SATO Kenji, "
        "Minister for Foreign Affairs, held a Japan-Ghana Foreign Ministers' Meeting with H.E. "
        "Ms. Efua Mensah, Minister for Foreign Affairs of the Republic of Ghana. The overview of "
        "the meeting is as follows.\n\n1. At the outset, Minister Sato welcomed Minister "
        "Mensah's visit to Japan."
    )
    record = _primary(text, "Japan-Ghana Foreign Ministers' Meeting", published="2025-04-03")
    assert record.event_date == date(2025, 4, 2)
    assert _people(record) == {"SATO Kenji": None, "Efua Mensah": "GH"}


def test_a_headline_phone_call_is_not_a_name() -> None:
    text = "Minister of Foreign Affairs Kim Min-jun had a phone call with the Foreign Minister."
    record = _primary(text, "Outcome of Foreign Minister's Phone Call with Chilean Minister")
    assert "Phone" not in {p.name for p in record.participants + record.mentioned_people}


def test_a_gathering_that_brought_together_ministers() -> None:
    text = (
        "March 3, 2025 - Halifax, Nova Scotia - Global Affairs Canada\n\nToday, Minister of "
        "Foreign Affairs Claire Dubois concluded the Ocean Ministers' Meeting in Halifax.\n\n"
        "The meeting brought together ministers of 12 countries, as well as the European "
        "Commissioner for Oceans, Costas Kadis."
    )
    record = _primary(text, "Minister concludes Ocean Ministers' Meeting")
    assert record.event_type == "conference"
    assert {"Claire Dubois", "Costas Kadis"} <= set(_people(record))
    assert record.country_code == "CA"


def test_people_met_at_a_later_stop_serve_that_stops_country() -> None:
    text = (
        "Foreign Minister Ana Reyes will travel to Vietnam and Laos this week.\n\n"
        "In Hanoi, Ms Reyes will meet Foreign Minister Bui Thanh Son. In Vientiane she will "
        "meet Foreign Minister Thongsavanh Phomvihane."
    )
    record = _primary(text, "Foreign Minister to travel to Southeast Asia")
    assert _people(record)["Thongsavanh Phomvihane"] == "LA"


def test_an_unnamed_subject_meeting_two_people_is_the_travellers_meeting() -> None:
    text = (
        "Foreign Minister Ana Reyes will visit Portugal from 4 to 6 May 2025.\n\n"
        "During the visit, she will call on President Marcelo Sousa and hold talks with Foreign "
        "Minister Paulo Rangel."
    )
    records = _records(text, "Foreign Minister to visit Portugal")
    assert {"Ana Reyes", "Marcelo Sousa", "Paulo Rangel"} <= {
        p.name for p in records[1].participants
    }
    assert "Ana Reyes" not in {p.name for p in records[1].mentioned_people}


def test_a_place_qualified_by_its_country_at_the_end_of_a_paragraph() -> None:
    text = (
        "President Ana Silva held a summit with Prime Minister of Japan Sato Ken on 17 June on "
        "the sidelines of the G7 Summit in Kananaskis, Canada.\n\nThe two leaders agreed to "
        "deepen relations."
    )
    record = _primary(text, "President holds summit with Prime Minister of Japan")
    assert (record.event_type, record.city, record.country_code) == (
        "meeting",
        "Kananaskis",
        "CA",
    )
    assert set(_people(record)) == {"Ana Silva", "Sato Ken"}


def test_signed_a_partnership_is_a_signing() -> None:
    text = (
        "The Defence Secretary Tom Reed and Danish Defence Minister Lars Berg signed a new "
        "defence partnership in Copenhagen today."
    )
    record = _primary(text, "UK and Denmark agree defence partnership")
    assert (record.event_type, record.city) == ("signing", "Copenhagen")


def test_an_announced_trip_is_dated_by_its_departure() -> None:
    text = (
        "Prime Minister Ana Reyes will lead a business delegation to India next week.\n\n"
        "In New Delhi, the Prime Minister will meet Prime Minister Narendra Modi.\n\n"
        "The Prime Minister departs on Monday 16 June and returns on Friday 20 June."
    )
    record = _primary(text, "Prime Minister to lead trade delegation to India")
    assert record.event_type == "visit"
    assert record.event_date == date(2025, 6, 16)


def test_a_delegations_leader_and_a_companion_serve_their_country() -> None:
    text = (
        "Foreign Minister Dan Levi received a delegation of the Austrian Federal Council led by "
        "President Karl Maier in Jerusalem today. FM Levi thanked the delegation.\n\n"
        '"We had a good meeting with Chancellor Eva Brandt of Austria, who was accompanied by '
        'Minister of Finance Paul Huber," the Foreign Minister said.'
    )
    record = _primary(text, "FM Levi meets Austrian delegation", url="https://www.gov.il/x")
    people = _people(record)
    assert people["Karl Maier"] == "AT"
    assert people["Dan Levi"] == "IL"
    companions = {p.name: p.affiliation for p in record.participants + record.mentioned_people}
    assert companions["Paul Huber"] == "AT"


def test_a_trip_this_week_is_dated_by_its_departure_day() -> None:
    text = (
        "Foreign Minister Ana Reyes will travel to Fiji and Tonga this week.\n\n"
        "In Suva, Ms Reyes will meet Prime Minister Sitiveni Lala.\n\n"
        "Ms Reyes departs on Wednesday and returns on Saturday."
    )
    record = _primary(text, "Foreign Minister to travel to the Pacific", published="2025-04-01")
    assert record.event_date == date(2025, 4, 2)  # published on a Tuesday


def test_a_seat_after_the_office_is_not_part_of_the_title() -> None:
    text = (
        "Deputy Prime Minister and Foreign Minister Senator Ahmed Raza held a telephone "
        "conversation today with the Foreign Minister of Oman, Badr Albusaidi."
    )
    record = _primary(text, "DPM/FM's telephone conversation with the Foreign Minister of Oman")
    titles = {p.name: p.title for p in record.participants}
    assert titles["Ahmed Raza"] == "Deputy Prime Minister and Foreign Minister"


@pytest.mark.parametrize(
    ("written", "shown", "country"),
    [
        ("Seville", "Seville", "ES"),  # geonames: Sevilla
        ("SEVILLE", "Seville", "ES"),  # a dateline in capitals
        ("Lisbon", "Lisbon", "PT"),
        ("Brussels", "Brussels", "BE"),
    ],
)
def test_a_city_keeps_the_english_name_the_release_wrote(
    written: str, shown: str, country: str
) -> None:
    city = lookup_city(written)
    assert city is not None
    assert (city.name, city.country_code) == (shown, country)


def test_initials_run_together_do_not_end_a_sentence() -> None:
    from ingest.extract.text import sentences

    text = "On 2 May 2025, Minister R.K. Sharma signed the agreement. The talks went well."
    assert [text[s:e] for s, e in sentences(text)] == [
        "On 2 May 2025, Minister R.K. Sharma signed the agreement.",
        "The talks went well.",
    ]


@pytest.mark.parametrize("genre", ["Joint Declaration", "Joint Statement", "Joint Communiqué"])
def test_signing_a_text_is_a_signing_whatever_its_genre(genre: str) -> None:
    record = _primary(
        f"Lisbon – Foreign Minister Rui Costa and Ghanaian Foreign Minister Kwame Mensah "
        f"signed on Tuesday in Lisbon a {genre} on fisheries cooperation.",
        f"Portugal and Ghana Sign {genre} on Fisheries",
    )
    assert record.event_type == "signing"
    assert set(_people(record)) == {"Rui Costa", "Kwame Mensah"}
    assert record.event_date is not None and record.event_date.isoformat() == "2025-06-10"


def test_a_sentence_going_on_about_the_talks_takes_the_day_of_the_one_before() -> None:
    record = _primary(
        "Minister Ana Reyes of the Philippines and Minister Luis Soto of Chile co-chaired the "
        "4th Round of the Strategic Dialogue at the Department of Foreign Affairs in Manila on "
        "9 June 2025. The talks were held in a warm and constructive atmosphere.",
        "Joint Press Release: 4th Round of the Philippines-Chile Strategic Dialogue",
    )
    assert record.event_date is not None and record.event_date.isoformat() == "2025-06-09"
    assert record.date_basis == "explicit"  # the talks' own sentence has no day


def test_a_meeting_with_unnamed_authorities_names_them_in_the_next_sentences() -> None:
    text = (
        "The Secretary General Anna Berg met with Estonian authorities on a one day visit to "
        "Tallinn on 8 November to discuss Estonia's commitment to the mission.\n"
        "Ms. Berg first met with the Estonian President Kaja Tamm and the Prime Minister Juri "
        "Kask. She also met with the Defence Minister Mart Saar.\n"
        "Their discussions centred on the mission, in which Estonia plays an important role."
    )
    record = _primary(text, "", url="https://www.nato.int/x")
    names = [p.name for p in record.participants]
    assert names[0] == "Anna Berg"
    assert {"Kaja Tamm", "Juri Kask", "Mart Saar"} <= set(names)
