"""Where an event took place: venue, city, country and coordinates, from cues in the release.

Cues, strongest first: a place stated in the sentence reporting the event ("met ... in Madrid",
"at NATO Headquarters in Brussels", "will travel to Honiara, Solomon Islands"), the dateline and
venue lines a transcript opens with ("Kuwait City, Kuwait" / "The Sheraton Hotel"), the headline
("Travel to Germany"), and for trips the first stop named anywhere. Places that are only topics
("the war in Ukraine") are not locations; a call is located only by a place stated for it.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass

from ingest.extract import dates
from ingest.extract import gazetteer as gz
from ingest.extract.text import EventAnchor, sentences
from ingest.records import Document, Evidence, Participant

__all__ = [
    "Location",
    "countries_mentioned",
    "dateline_country",
    "locate_event",
    "resolve_place",
    "stated_country",
]

NOWHERE_TYPES = frozenset({"call"})  # located only by a place stated in the event's sentence
TRIP_TYPES = frozenset({"visit"})
# The headline of a speech, briefing or announcement names what it is about, not where it was
# held ("Briefing on the Secretary's Upcoming Travel to Indonesia", "Violence and Threats to Free
# Speech in El Salvador", "Remarks at Georgetown Commencement"): on the State Department corpus
# all nine places the headline gave such events were of that kind; on the four labeled sets the
# headline placed none of them. Only a headline that is a place line locates them.
HEADLINE_TOPIC_TYPES = frozenset({"other"})
# A statement's sentences name places as subjects ("sanctions on financiers in Guinea"): it is
# located only by a dateline or a venue.
TOPICAL_TYPES = frozenset({"statement"})


@dataclass(frozen=True, slots=True)
class Location:
    location_name: str | None = None
    city: str | None = None
    country_code: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    evidence: tuple[Evidence, ...] = ()

    @property
    def found(self) -> bool:
        return self.country_code is not None or self.location_name is not None


NO_LOCATION = Location()


def countries_mentioned(text: str) -> list[tuple[str, int, int]]:
    """Every country referenced in `text` by name, alias or demonym: (ISO code, start, end), in
    text order, one entry per occurrence (the caller de-duplicates codes)."""
    return [(hit.key, hit.start, hit.end) for hit in gz.country_hits(text)]


# ---------------------------------------------------------------- place phrases

# A capitalised place phrase: up to five words, each capitalised (or a linking particle).
_WORD = r"(?:[A-Z\u00c0-\u00de][\w'’.\-]*|d[’']\w+)"
_LINK = r"(?:de|del|da|do|la|le|al|el|of|upon|on|am|an|sur|es|en|of\s+the)"
PLACE = rf"(?:[Tt]he\s+)?{_WORD}(?:\s+(?:{_LINK}\s+)?{_WORD}){{0,4}}"
_PLACE_RE = re.compile(
    # the qualifier ends with its line or sentence: "in Kananaskis, Canada.\n\nThe leaders ..."
    rf"(?P<place>{PLACE})(?:,\s*(?P<qual>(?:[A-Z][\w'’.\-]*\.?)"
    rf"(?:(?<!\.)[ \t]+[A-Z][\w'’.\-]*){{0,3}}))?"
)
_PLACE_LIST_RE = re.compile(
    rf"(?P<first>{PLACE})(?:,?\s+(?:and\s+)?{PLACE}){{0,4}},\s*(?P<qual>{PLACE})"
)

# Words that may open a capitalised run but are never places.
_NOT_PLACES = frozenset(
    {
        "the",
        "a",
        "an",
        "his",
        "her",
        "their",
        "our",
        "its",
        "this",
        "that",
        "these",
        "those",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "today",
        "yesterday",
        "tomorrow",
        "person",
        "support",
        "order",
        "addition",
        "response",
        "particular",
        "light",
        "line",
        "part",
        "turn",
        "fact",
        "total",
        "accordance",
        "office",
        "charge",
        "place",
        "time",
        "advance",
    }
)

# Nouns after which "in <Place>" is a topic, not where the event happened.
_TOPIC_NOUNS = frozenset(
    {
        "war",
        "wars",
        "situation",
        "crisis",
        "crises",
        "conflict",
        "conflicts",
        "invasion",
        "aggression",
        "people",
        "peoples",
        "democracy",
        "peace",
        "stability",
        "security",
        "elections",
        "election",
        "events",
        "developments",
        "investment",
        "investments",
        "presence",
        "operations",
        "violence",
        "attack",
        "attacks",
        "interests",
        "cooperation",
        "progress",
        "rights",
        "abuses",
        "atrocities",
        "violations",
        "reforms",
        "reform",
        "detention",
        "detained",
        "troops",
        "forces",
        "deployment",
        "projects",
        "project",
        "activities",
        "growth",
        "transition",
        "efforts",
        "role",
        "refugees",
        "citizens",
        "communities",
        "community",
        "assistance",
        "aid",
        "partners",
        "allies",
        "ally",
        "offensive",
        "fighting",
        "ceasefire",
        "truce",
        "tensions",
        "protests",
        "unrest",
        "coup",
        "famine",
        "floods",
        "earthquake",
        "disaster",
        "outbreak",
        "pandemic",
        "emergency",
        "access",
        "opportunities",
        "trade",
        "interest",
        "embassy",
        "engagement",
        "history",
        "killed",
        "deaths",
        "victims",
        "hostages",
        "prisoners",
        "governance",
        "matters",
        "issues",
        "process",
        "settlement",
        "solution",
        "sovereignty",
        "integrity",
        "independence",
        "future",
        "everyone",
        "partner",
        "counterparts",
        "officials",
        "leaders",
        "investors",
        "businesses",
        "companies",
        "organizations",
        "organisations",
        "groups",
        "stakeholders",
        "society",
        "operating",
        "based",
        "located",
        "living",
        "resident",
        "residing",
        "born",
        "stationed",
        "deployed",
        "serving",
        "posted",
        "accredited",
        "recovery",
        "reconstruction",
        "energy",
        "food",
        "markets",
        "production",
        "economy",
        "sector",
        "percent",
        "interference",
    }
)

# Where a clause turns from the engagement to its subject matter: places after it are topics.
_TOPIC_TURN = re.compile(
    r"\b(?:to\s+(?:discuss|review|reaffirm|underscore|highlight|advance|address|express|"
    r"convey|coordinate|strengthen|deepen|explore|exchange|consult|emphasi[sz]e|condemn|"
    r"share|thank|congratulate|commend|raise|urge|welcome|seek)|"
    r"about|regarding|concerning|on\s+the\s+(?:situation|issue|question|importance|need)|"
    r"discuss(?:ed|ing)?|reviewed|reaffirmed|emphasi[sz]ed|underscored|highlighted|"
    r"condemned|expressed|focus(?:ed|ing)?\s+on|amid|following|after\s+the)\b"
)

_VIRTUAL = re.compile(
    r"\b(?:virtual(?:ly)?|video\s*(?:link|conference|call)|online|by\s+phone|"
    r"tele(?:phone|conference))\b",
    re.IGNORECASE,
)

# Location cues inside a sentence. `travel` cues name a destination; `at` names a venue.
_CUE = re.compile(
    r"\b(?P<cue>[Ii]n|[Aa]t|to|from|[Ww]hile\s+in|visit(?:s|ed|ing)?|visit\s+to|trip\s+to|tour(?:s|ed|ing)?|"
    r"travel(?:s|ed|led|ing|ling)?"
    r"\s+(?:\w+\s+){0,4}?to|arriv(?:e|es|ed|ing)\s+in|(?:leave|leaves|left|leaving|depart|departs|"
    r"departed|departing)\s+for|touch(?:es|ed|ing)?\s+down\s+in|hosted\s+by(?:\s+the\s+(?:Government|"
    r"government)\s+of)?|held\s+in|took\s+place\s+in|convened\s+in)\s+"
    r"(?=[A-Z\u00c0-\u00de]|the\s+[A-Z]|the\s+(?:[\w-]+\s+){0,2}?(?:capital|city|town)\b)"
)

# A place introduced by what it is: "in the city of Buenos Aires", "in the temporary capital
# Aden", "a state visit to the Guinea capital Conakry": the name after the descriptor.
_DESCRIBED_PLACE = re.compile(
    r"the\s+(?:[\w'’-]+\s+){0,2}?(?:capital|city|town)(?:\s+city)?(?:\s+of)?,?\s+"
    r"(?=[A-Z\u00c0-\u00de])"
)

_DATE_WORDS = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?"
)
_YEAR = r"(?:\s*,?\s*\d{4})?"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
# A news agency's tag after a dateline: "(WAM)", "(Ukrinform)", "(UzA)"
_WIRE_TAG = r"(?:\s*\([A-Z][\w-]{1,14}\))"
# "12 May 2022", "12th March, 2025", "May 12, 2022", "24.06.2025"; a wire tag may follow: "(WAM)"
_DATE = (
    rf"(?:(?:{_DAY}\s+{_DATE_WORDS}{_YEAR}|{_DATE_WORDS}\s+{_DAY}{_YEAR}"
    rf"|\d{{1,2}}[./]\d{{1,2}}[./]\d{{2,4}}){_WIRE_TAG}?)"
)
_DATELINE_PLACE = r"[A-Z][\w'’.\-]*(?:\s+[A-Z][\w'’.\-]*){0,3}"
# Registry of dateline forms, tried in order; each names the groups `place` and maybe `qual`.
_DATELINE_RES = (
    # "BRUSSELS —", "London, 12 May 2022 –", "New Delhi, May 5, 2022:", "Tokyo, Japan -",
    # "Tashkent, Uzbekistan (UzA) --"
    re.compile(
        rf"^\s*(?P<place>{_DATELINE_PLACE})"
        rf"(?:\s*,\s*(?P<qual>{_DATELINE_PLACE}))?"
        rf"(?:\s*,?\s*\(?{_DATE}\)?|{_WIRE_TAG})?\s*(?:[—–:]|-{{1,2}}\s|$)"
    ),
    # "May 16, 2022 – Berlin, Germany"
    re.compile(
        rf"^\s*{_DATE}\s*[—–:-]+\s*(?P<place>{_DATELINE_PLACE})"
        rf"(?:\s*,\s*(?P<qual>{_DATELINE_PLACE}))?"
    ),
    # "5 May 2024, Ljubljana - The Minister ..."
    re.compile(
        rf"^\s*{_DATE}\s*,\s*(?P<place>{_DATELINE_PLACE})"
        rf"(?:\s*,\s*(?P<qual>{_DATELINE_PLACE}))?\s*(?:[—–:]|-{{1,2}}\s)"
    ),
    # a dated dateline closed by a full stop: "Vilnius, 5 May 2024. The Minister ...", "Baku,
    # May 5, AZERTAC. The Minister ..."
    re.compile(
        rf"^\s*(?P<place>{_DATELINE_PLACE})(?:\s*,\s*(?P<qual>{_DATELINE_PLACE}))?"
        rf"\s*,\s*{_DATE}(?:\s*,\s*[A-Z]{{3,10}})?\.\s"
    ),
    # bracketed: "[Tokyo] 5 May 2024 -", "(Tirana, 5 May 2024) The Minister ..."
    re.compile(
        rf"^\s*[\[(](?P<place>{_DATELINE_PLACE})(?:\s*,\s*(?P<qual>{_DATELINE_PLACE}))?"
        rf"(?:\s*,?\s*{_DATE})?[\])]"
    ),
)

# A dateline written in pieces, tried when the forms above fail: a venue before the city ("State
# House, Freetown, Thursday 8 February 2024 -", "East African Community Secretariat; Arusha,
# Tanzania; 17 May 2017:"), a weekday before the date, a country named with "of" ("Jeddah,
# Kingdom of Saudi Arabia, 12 May 2023 -"), any agency tag after it ("Juba, 25 January 2025
# (MFA&IC) -"), a dash between place and date ("St. John's, Antigua and Barbuda - June 4, 2025 -")
# or a dashed date first ("06-11-2018, Djibouti (Djibouti):"). The pieces before the date are
# read in turn: the first that resolves (with the next as its qualifier) is the place, the ones
# before it the venue.
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_PIECE = (
    rf"(?!{_WEEKDAY}\b)[A-Z][\w'’.&\-]*"
    r"(?:\s+(?:(?:of|de|du|la|and|&)\s+(?:the\s+)?)?[A-Z][\w'’.&\-]*){0,5}"
)
_LOOSE_DATE = (
    rf"(?:{_WEEKDAY},?\s+)?(?:{_DAY}\s+{_DATE_WORDS},?{_YEAR}|{_DATE_WORDS}\s+{_DAY}{_YEAR}"
    r"|\d{1,2}[./-]\d{1,2}[./-]\d{2,4})"
)
_ANY_TAG = r"(?:\s*\([^()\n]{1,20}\))"
_PIECEWISE_DATELINES = (
    re.compile(
        rf"^\s*(?P<head>{_PIECE}(?:\s*[,;]\s*{_PIECE}){{0,3}})(?:\s*[,;]\s*|\s*[—–-]\s*|\s+)"
        rf"{_LOOSE_DATE}{_ANY_TAG}?\s*(?:[—–:,]|-{{1,2}}\s|\.\s)"
    ),
    re.compile(
        rf"^\s*{_LOOSE_DATE}\s*,\s*(?P<head>{_PIECE}(?:\s*[,;]\s*{_PIECE}){{0,2}})"
        rf"(?:\s*\((?P<qual>{_PIECE})\))?\s*(?:[—–:]|-{{1,2}}\s)"
    ),
    # "Geneva- June 11, 2022 Minister ...": a dated dateline run into the first sentence
    re.compile(
        rf"^\s*(?P<head>{_PIECE}(?:\s*,\s*{_PIECE})?)\s*[—–-]\s*(?:{_WEEKDAY},?\s+)?"
        rf"(?:{_DAY}\s+{_DATE_WORDS},?|{_DATE_WORDS}\s+{_DAY},?)\s*\d{{4}}\s+(?=[A-Z])"
    ),
    # "Washington (Dec. 19/19). The Minister ...": the date in brackets
    re.compile(
        rf"^\s*(?P<head>{_PIECE}(?:\s*,\s*{_PIECE})?)\s*\(\s*(?:{_DATE_WORDS}\s*{_DAY}"
        rf"(?:\s*[/,]\s*\d{{2,4}})?|{_DAY}\s+{_DATE_WORDS}(?:\s*[/,]?\s*\d{{2,4}})?)\s*\)"
        r"\s*(?:[.:—–]|-{1,2})?\s"
    ),
)
# "New York. The Organization of American States ...": a city alone closed by a full stop
_CITY_DATELINE = re.compile(r"^\s*(?P<head>[A-Z][a-z]+(?:\s+[A-Z][a-z]+){0,2})\.\s+(?=[A-Z])")


# Head words of a venue written on its own line under a transcript's dateline.
_VENUE_HEADS = re.compile(
    r"\b(?:Room|Hall|House|Hotel|Airport|Palace|Building|Center|Centre|Headquarters|HQ|Embassy|"
    r"Residence|Base|Ministry|Museum|University|Library|Memorial|Park|Gardens?|Chamber|"
    r"Auditorium|Club|Institute|School|College|Port|Station|Square|Castle|Villa|Terminal|"
    r"Theat(?:er|re)|Church|Cathedral|Mosque|Temple|Tower|Plaza|Pavilion|Lodge|Stadium|Arena|"
    r"Office|Consulate|Complex|Campus|Field|Ridge|Harbou?r|Pier|Bhavan|Bhawan|Kantei|Mansion|"
    r"Guesthouse|Guest\s+House|Hangar|Ballroom|Suite|Lounge|Courtyard|Rotunda|"
    # legislatures, where speeches and debates take place: "at the Riksdag, Stockholm"
    r"Parliament|Riksdag|Bundestag|Bundesrat|Storting|Stortinget|Folketing|Eduskunta|Sejm|"
    r"Knesset|Duma|Oireachtas|Althing|Saeima|Seimas|Riigikogu|Sabha|Majlis|"
    # the same heads in the languages venues keep their names in: "Palacio de Viana"
    r"Pal[aá]cio|Palais|Palazzo|Palau|Pałac|Schloss|Casa|Maison|Villa)\b"
)


@dataclass(frozen=True, slots=True)
class _Place:
    name: str | None  # venue as written
    city: str | None
    country: str
    lat: float | None
    lon: float | None
    spans: tuple[tuple[str, int, int], ...]  # (field, start, end) in the searched text
    gathering: bool = False  # the city named in a gathering's name: itself an engagement


def resolve_place(phrase: str, qualifier: str | None = None) -> tuple[str | None, str] | None:
    """(city, country) a place phrase names, or None: "Brussels" -> ("Brussels", "BE"),
    "Solomon Islands" -> (None, "SB"), ("Matera", "Italy") -> ("Matera", "IT")."""
    found = _resolve(phrase, qualifier, 0, 0)
    return (found.city, found.country) if found else None


def _resolve(phrase: str, qualifier: str | None, start: int, qstart: int) -> _Place | None:
    phrase = re.sub(r"^[Tt]he\s+", "", phrase.strip()).rstrip(".,;:")
    if not phrase or phrase.split()[0].lower() in _NOT_PLACES:
        return None
    end = start + len(phrase)
    publisher = _PUBLISHER.get()
    if publisher and gz.fold(phrase) in gz.self_references():
        # "during his visit to the Sultanate" in a release of Oman's government
        return _country_place(publisher, (("country_code", start, end),))
    country = gz.lookup_country(phrase)
    qual_code = _qualifier_country(qualifier)
    if (
        country
        and qual_code
        and qual_code != country
        and gz.lookup_city(phrase, qual_code) is not None
    ):
        # a namesake placed by its qualifier: "Antigua, Guatemala" is a city in Guatemala
        country = None
    if country and gz.is_country_phrase(phrase):
        if country in gz.city_states():
            city = gz.lookup_city(phrase, country)
            if city is not None:
                return _city_place(city, (("city", start, end), ("country_code", start, end)))
        return _country_place(country, (("country_code", start, end),))
    spans: tuple[tuple[str, int, int], ...] = (("city", start, end),)
    if qualifier and qual_code:
        spans += (("country_code", qstart, qstart + len(qualifier.rstrip(".,;:"))),)
    else:
        spans += (("country_code", start, end),)
    if qual_code:
        city = gz.lookup_city(phrase, qual_code)
    else:
        city = gz.lookup_city_in_context(phrase, _DOC_COUNTRIES.get())
    if city is not None and _plausible_city(phrase, city, qual_code):
        return _city_place(city, spans)
    if qual_code and _looks_like_place_name(phrase):
        # "Kangerlussuaq, Greenland": a place the tables lack, vouched for by its country
        return _centred(None, phrase, qual_code, spans)
    return None


def _qualifier_country(qualifier: str | None) -> str | None:
    if not qualifier:
        return None
    qualifier = qualifier.strip().rstrip(",;:")
    code = gz.lookup_country(qualifier)
    if code:
        return code
    if qualifier.rstrip(".") in gz.us_state_names() or qualifier in gz.us_state_names():
        return "US"
    if re.fullmatch(r"D\.?\s?C\.?", qualifier):
        return "US"
    return gz.region_country(qualifier)


def _plausible_city(phrase: str, city: gz.City, qualified: str | None) -> bool:
    """A bare capitalised word is a city only if it is not also an office or common word."""
    if phrase.isupper() and len(phrase) <= 4 and gz.fold(phrase) == gz.fold(city.name):
        # an acronym spelling a town's name: "at the UN" is no visit to Un, India ("NYC", an
        # alias, names its city otherwise)
        return False
    if qualified:
        return True
    if _VENUE_HEADS.fullmatch(phrase.split()[-1]) and len(phrase.split()) > 1:
        # "White House", "State House", "Lancaster House": a venue's name, not a namesake town
        return False
    words = gz.office_words()
    if all(gz.fold(w).rstrip(".") in words.words for w in phrase.split()):
        return False
    # a small town only in a release that names its country ("in Koror" about Palau)
    return city.population >= 15000 or city.country_code in _DOC_COUNTRIES.get()


def _looks_like_place_name(phrase: str) -> bool:
    """A name the tables lack may be a place when its qualifier is a country, unless it opens
    with an English word or holds an acronym: "the Coalition to Defeat ISIS, the United States"
    names no town "Defeat ISIS"."""
    words = phrase.split()
    office = gz.office_words()
    return (
        len(words) <= 3
        # "students from Cranbrook Junior School, Bellevue Hill, New South Wales": a venue's
        # name is not a town
        and not _VENUE_HEADS.fullmatch(words[-1])
        and gz.fold(words[0]).rstrip(".") not in gz.common_words()
        and not any(len(w) > 1 and w.isupper() for w in words)
        and not any(gz.fold(w).rstrip(".") in office.heads for w in words)
        and not gz.org_hits(phrase)
    )


def _city_place(city: gz.City, spans: tuple[tuple[str, int, int], ...]) -> _Place:
    return _Place(None, city.name, city.country_code, city.latitude, city.longitude, spans)


def _centred(
    name: str | None, city: str | None, code: str, spans: tuple[tuple[str, int, int], ...]
) -> _Place:
    """A place whose coordinates are its country's centre (the tables lack the city)."""
    lat, lon = gz.country_centre(code) or (None, None)
    return _Place(name, city, code, lat, lon, spans)


def _country_place(code: str, spans: tuple[tuple[str, int, int], ...]) -> _Place:
    return _centred(None, None, code, spans)


def stated_country(text: str, start: int, end: int) -> str | None:
    """The country text[start:end] says something happens in ("In Cambodia, ...", "traveled to
    the People's Republic of China for meetings"), or None."""
    places = _places_in(text, start, end, trip=False, strict=False)
    return places[0].country if places else None


# ---------------------------------------------------------------- cues in running text


def _places_in(
    text: str, start: int, end: int, *, trip: bool, strict: bool, topic_turn: bool = True
) -> list[_Place]:
    """Places the clause text[start:end] states as where something happens, in order.

    `strict` (calls) keeps only "in"/"at"/"from" cues; topic turns end the search unless `trip`.
    """
    segment = text[start:end]
    limit = len(segment)
    turn = _TOPIC_TURN.search(segment)
    if turn and topic_turn and not trip:
        limit = turn.start()
    found: list[_Place] = []
    venue_spans: list[tuple[int, int]] = []
    for venue, vstart, vend in gz.venue_hits(segment[:limit]):
        if _POSSESSIVE.match(segment, vend):
            # "the Kremlin's unprovoked war", "the White House's statement": the institution
            # acting, not a place where something happens
            continue
        if venue.session and not _SESSION_ATTENDED.search(segment, max(0, vstart - 40), vstart):
            continue
        at = _AT_BEFORE.search(text, max(0, start + vstart - 40), start + vstart)
        if at is not None and _office_posting(text, at.start(), start + vend):
            continue
        place = _venue_place(text, start + vstart, start + vend, venue)
        # a session attended is itself an engagement, like a gathering named for its city
        found.append(dataclasses.replace(place, gathering=venue.session))
        venue_spans.append((start + vstart, start + vend))
    for cue in _CUE.finditer(segment, 0, limit):
        word = _cue_word(cue.group("cue"))
        if strict and word not in {"in", "at", "from"}:
            continue
        if (
            word in {"to", "from"}
            and not trip
            and not strict
            and not (word == "to" and _welcomed_to(segment, cue.start()))
        ):
            continue
        if word == "in" and _previous_word(segment, cue.start()) in _TOPIC_NOUNS:
            continue
        if word == "to" and _ACCREDITED_TO.search(segment, max(0, cue.start() - 60), cue.start()):
            continue
        if word == "in" and _POSTED_IN.search(segment, max(0, cue.start() - 80), cue.start()):
            continue
        if (
            not trip
            and not _LOCATING_GATHERING.get()
            and _ANOTHER_OCCASION.search(segment, max(0, cue.start() - 90), cue.end())
            and not _WITHIN_GATHERING.search(segment, max(0, cue.start() - 200), cue.start())
        ):
            continue
        after = _place_after(text, start + cue.end(), venue_ok=word == "at")
        if after is None and word == "hosted":
            after = _country_in_run(text, start + cue.end())
        if after is not None and not _inside_venue(after, venue_spans):
            found.append(after)
    for cue in _GATHERING_CUE.finditer(segment, 0, limit):
        gathered = _gathering_place(text, start + cue.end())
        if gathered is not None:
            found.append(gathered)
    home = _PUBLISHER.get()
    if home is not None:
        for cue in _HOME_COUNTRY.finditer(segment, 0, limit):
            spans = (("country_code", start + cue.start("country"), start + cue.end()),)
            found.append(_country_place(home, spans))
    found.sort(key=lambda p: min(s for _, s, _ in p.spans))
    return found


# The publishing government's country written as "the country" after a word of presence: "Lord
# Tariq Ahmed, who is visiting the country", "a delegation ... is currently in the country for a
# two-day visit", "who is spending the day in our country".
_HOME_COUNTRY = re.compile(
    r"\b(?:(?:is|are|was|were|currently|now)\s+(?:\w+\s+){0,3}?in|visiting|visit\s+to|"
    r"arriv(?:e|es|ed|ing)\s+in)\s+(?P<country>(?:the|our)\s+country)\b"
)
_POSSESSIVE = re.compile(r"['’]s?\b")
# A word that puts someone at a body's session: "on the sidelines of the 78th", "the main
# sessions of", "during the", "attended the", "addressed the". Not "in" or "to", which name it as
# a topic on the State Department corpus ("the resolution in the UN General Assembly", "an
# observer to the World Health Assembly").
_SESSION_ATTENDED = re.compile(
    r"\b(?:at|during|attend(?:s|ed|ing)?|address(?:es|ed|ing)?|"
    r"(?:sidelines|margins?|sessions?|meetings?|week|occasion|debate)\s+of)\s+(?:the\s+)?"
    r"(?:\d{1,3}(?:st|nd|rd|th)\s+(?:session\s+of\s+the\s+)?)?$",
    re.IGNORECASE,
)


# A gathering named after its host city, attended or met on the sidelines of: "on the occasion of
# the 56th Munich Security Conference", "on the sidelines of the Hiroshima G7 Summit", "met ... in
# the framework of the works of the Trieste Summit", "will take part in the inaugural Antalya
# Diplomatic Forum".
_GATHERING_CUE = re.compile(
    r"\b(?:(?:[Oo]n|[Aa]t|[Ii]n|[Ww]ithin)\s+the\s+(?:sidelines|margins|margin|occasion)\s+of|"
    r"(?:[Ii]n|[Ww]ithin)\s+the\s+framework\s+of(?:\s+the\s+works\s+of)?|"
    r"(?:take|takes|took|taking|taken)\s+part\s+in|participat(?:e|es|ed|ing)\s+in|"
    r"attend(?:s|ed|ing)?|at)\s+(?:the\s+)?(?:(?:inaugural|annual|informal|extraordinary)\s+)?"
    r"(?=[A-Z0-9])"
)
_GATHERING_RUN = re.compile(
    r"(?:(?:\d{1,4}(?:st|nd|rd|th)?|[A-Z][\w'’.\-]*)(?:\s+|(?=[,.;:()])|$)){1,7}"
)
_GATHERING_HEADS = re.compile(
    r"\b(?:Conference|Summit|Forum|Dialogue|Expo|Session|Ministerial|Meeting|Congress|Games|"
    r"Assembly|Week|Council)\b"
)


def _gathering_place(text: str, offset: int) -> _Place | None:
    """The host city a gathering's name carries ("56th Munich Security Conference" -> Munich),
    when the run after the cue is a gathering's name."""
    run = _GATHERING_RUN.match(text, offset, min(len(text), offset + 90))
    if run is None or not _GATHERING_HEADS.search(run.group(0)):
        return None
    for word in re.finditer(r"[A-Z][\w'’\-]+", run.group(0)):
        if _GATHERING_HEADS.fullmatch(word.group(0)):
            continue
        wstart = offset + word.start()
        place = _resolve(word.group(0), None, wstart, 0)
        if place is not None and place.city is not None:
            return dataclasses.replace(place, gathering=True)
    return None


# An occasion other than the one reported, still to come: its place is not where this event
# happened ("at the next meeting ... to be held in Paris", "an event ... to be held on 17
# December in Washington", "invites the Prime Minister to visit Latvia").
_ANOTHER_OCCASION = re.compile(
    r"\b(?:(?:will|to)\s+be\s+(?:held|hosted|organi[sz]ed|convened)|will\s+take\s+place|"
    r"next\s+(?:\w+\s+)?(?:meeting|session|round|summit|conference|talks)|"
    r"invit(?:e|es|ed|ing)\b[^.;]{0,80}?\bto\s+(?:visit|come)|"
    r"would\s+be\s+coming)\b[^.;]{0,60}$",
    re.IGNORECASE,
)


# An office accredited to a country names no destination: "received Mr Max Willis, Head of
# Mission Designate to the Republic of Vanuatu", "the Ambassador of Chile to Japan".
_ACCREDITED_TO = re.compile(
    r"\b(?i:Ambassador|Ambassadors|High\s+Commissioner|Head\s+of\s+Mission|Envoy|Representative|"
    r"Consul(?:\s+General)?|Delegate|Charg[eé]\s+d['’]\s?Affaires)(?:[\s-]+[Dd]esignate)?"
    r"(?:\s+of\s+(?:the\s+)?[A-Z][\w'’.\-]*(?:\s+[A-Z][\w'’.\-]*){0,3})?\s*$"
)


# An office's post written with "in" after the government it serves is the office's, not where
# the event was ("received the Ambassador of the United Kingdom in Prishtina", "the Ambassador of
# the Republic of Kosovo in Albania", "heads of diplomatic missions ... accredited in
# Azerbaijan"): gold leaves such home engagements unplaced. A bare "ambassadors in Brasilia"
# may be where they were met, so the serving government must be named. A non-resident envoy's
# residence is the post too: "accredited to Mauritius, with residence in Maputo, Mozambique".
_POSTED_IN = re.compile(
    r"\b(?:(?i:Ambassadors?|High\s+Commissioners?|Head\s+of\s+Mission|Envoy|Representative|"
    r"Consul(?:\s+General)?|Charg[eé]\s+d['’]\s?Affaires)(?:[\s-]+[Dd]esignate)?"
    r"\s+of\s+(?:the\s+)?[A-Z][\w'’.\-]*(?:\s+(?:of\s+)?[A-Z][\w'’.\-]*){0,3}|"
    r"accredited|with\s+(?:(?:his|her|its)\s+)?residence|resident)\s*$"
)


# The event held within a gathering: the gathering's place is the event's, even when the text
# speaks of it as still to come ("held a meeting ... within the framework of the APEC Leaders'
# Meeting that will take place in the city of San Francisco").
_WITHIN_GATHERING = re.compile(
    r"\b(?:within\s+the\s+framework|on\s+the\s+(?:sidelines|margins?)|in\s+the\s+margins?|"
    r"in\s+the\s+context)\s+of\b[^.;]{0,160}$"
)


def _cue_word(cue: str) -> str:
    """The preposition a cue places by: "held in", "took place in", "while in" place like "in"
    (a call's strict search keeps them); "visited", "travel to" keep their own first word."""
    words = cue.lower().split()
    return "in" if words[-1] == "in" else words[0]


def _inside_venue(place: _Place, venue_spans: list[tuple[int, int]]) -> bool:
    """A known venue is never a city: "at the White House" is the venue's Washington, not a
    namesake town "White House" elsewhere."""
    return any(
        s < vend and e > vstart and place.name is None
        for vstart, vend in venue_spans
        for field, s, e in place.spans
        if field == "city"
    )


# "welcomed the Foreign Minister of X to Canberra": the host's place is where they met; not
# "welcomed X's commitment to Ukraine"
_WELCOMED = re.compile(r"\bwelcom(?:e|es|ed|ing)\b[^.;:]{0,100}$", re.IGNORECASE)
_NOT_WELCOMED_TO = frozenset(
    "commitment commitments support contribution contributions pledge pledges return accession "
    "access path transition approach assistance aid".split()
)


def _welcomed_to(segment: str, offset: int) -> bool:
    if not _WELCOMED.search(segment, max(0, offset - 120), offset):
        return False
    previous = _previous_word(segment, offset)
    return previous not in _TOPIC_NOUNS and previous not in _NOT_WELCOMED_TO


def _previous_word(segment: str, offset: int) -> str:
    match = re.search(r"([A-Za-z]+)[ \t,]*$", segment[max(0, offset - 40) : offset])
    return match.group(1).lower() if match else ""


# Venue heads in the languages palaces keep their names in; a run they open is never a city.
_PALACE = re.compile(r"(?:Pal[aá]cio|Palais|Palazzo|Palau|Pałac|Schloss|Casa|Maison|Villa)\b")
# A venue's whole name, linking words of any language included: "Palacio das Necessidades".
_PLACE_RUN = re.compile(
    r"(?:[Tt]he\s+)?[A-Z\u00c0-\u00de][\w'’.\-]*(?:\s+(?:[a-z]{1,4}\s+){0,2}"
    r"(?:[A-Z\u00c0-\u00de][\w'’.\-]*|d[’']\w+))*"
)
_VENUE_IN_CITY = re.compile(
    rf"(?P<venue>(?:[Tt]he\s+)?{_WORD}(?:\s+(?:(?:and|of|the|for|de|du)\s+)*{_WORD}){{0,7}})"
    r"(?:\s*\([^)]{1,40}\))?\s*,?\s+in\s+"
)


def _place_after(text: str, offset: int, *, venue_ok: bool) -> _Place | None:
    """The place phrase starting at `offset` ("Rome and Matera, Italy", "Brussels, Belgium")."""
    described = _DESCRIBED_PLACE.match(text, offset)
    if described is not None:
        named = _place_after(text, described.end(), venue_ok=False)
        if named is not None and named.city is not None:
            return named
    if venue_ok:
        venue = _VENUE_IN_CITY.match(text, offset)
        if venue and _VENUE_HEADS.search(venue.group("venue")):
            found = _venue_then_city(text, offset, venue.group("venue"))
            if found is not None:
                return found
    joined = _joined_country(text, offset)
    if joined is not None:
        return joined
    match = _PLACE_RE.match(text, offset)
    if not match or not match.group("place"):
        return None
    phrase, qual = match.group("place"), match.group("qual")
    if _palace(phrase):
        # "at the Palacio das Necessidades": a venue, placed only by a city written after it
        run = _PLACE_RUN.match(text, offset)
        return _venue_then_city(text, offset, run.group(0) if run else phrase)
    if not qual and _REGION_WORD.match(text, match.end("place")):
        # "arrived in Khorezm region": a region named after its city is not that city
        place = _resolve(phrase, None, offset, 0)
        if place is None or place.city is None:
            return place
        spans = tuple((("country_code", s, e) for f, s, e in place.spans if f == "country_code"))
        return _centred(None, None, place.country, spans)
    place = _resolve(phrase, qual, offset, match.start("qual") if qual else 0)
    listed = _PLACE_LIST_RE.match(text, offset)
    if place is None and listed:
        place = _resolve(listed.group("first"), listed.group("qual"), offset, listed.start("qual"))
    if place is None and qual:
        place = _resolve(phrase, None, offset, 0)
    if place is None and not _palace(phrase):
        # a venue's first word is never its city ("at the Palacio de Viana")
        place = _shortest_prefix_place(text, offset, phrase)
    if place is None and venue_ok:
        place = _venue_then_city(text, offset, phrase)
    if place is None:
        # the qualifier may be a direction: "Al-Ula, Northwest of the Kingdom of Saudi Arabia"
        place = _town_near(text, offset, match.end("place"), phrase)
    if place is None:
        place = _unit_of_country(text, offset)
    return place


def _palace(phrase: str) -> bool:
    """Whether a place phrase opens with a palace's head word ("Palacio de Viana", "Palau de la
    Generalitat"), not with a country spelled like one ("travel to Palau April 12-15")."""
    words = re.sub(r"^[Tt]he\s+", "", phrase)
    return bool(_PALACE.match(words)) and gz.lookup_country(words.split()[0]) is None


_NEAR = re.compile(
    r",?\s+(?:outside|near|on\s+the\s+outskirts\s+of|"
    r"(?i:(?:north|south)(?:-?(?:east|west))?|east|west)(?:ern)?\s+of)\s+(?=[A-Z]|the\s+[A-Z])"
)
# A subnational unit written with its country ("in the Torba Province of Vanuatu"): the
# country only; a province, region or state is never the event's city.
_UNIT_OF_COUNTRY = re.compile(
    r"(?:[Tt]he\s+)?(?:[A-Z][\w'’\-]*\s+){1,3}(?:Province|Region|District|County|"
    r"Governorate|Oblast|Prefecture|Municipality|Parish)\s+of\s+(?=[A-Z]|the\s+[A-Z])"
)


def _unit_of_country(text: str, offset: int) -> _Place | None:
    unit = _UNIT_OF_COUNTRY.match(text, offset)
    if unit is None:
        return None
    hits = gz.country_hits(text[unit.end() : unit.end() + 60])
    if not hits or hits[0].start > 4:
        return None
    start, end = unit.end() + hits[0].start, unit.end() + hits[0].end
    return _country_place(hits[0].key, (("country_code", start, end),))


# A town written with the unit it lies in: "at Silene in Skudraliena Parish of Daugavpils
# District", "Motalava, in the Torba Province of Vanuatu".
_UNIT_WORDS = r"(?:Parish|District|Province|Region|County|Municipality|Governorate|Oblast)"
_IN_UNIT = re.compile(
    rf",?\s+in\s+(?:the\s+)?(?P<unit>(?P<inner>[A-Z][\w'’\-]*(?:\s+[A-Z][\w'’\-]*)?)\s+{_UNIT_WORDS}"
    rf"(?:\s+of\s+(?:the\s+)?(?P<outer>[A-Z][\w'’\-]*(?:\s+[A-Z][\w'’\-]*){{0,3}}))?)"
)


def _unit_country(unit: re.Match[str]) -> str | None:
    """The country of a subnational unit: the country it is "of", else the country of the city
    it is named after ("Daugavpils District")."""
    for name in (unit.group("outer"), unit.group("inner")):
        if not name:
            continue
        name = re.sub(rf"\s+{_UNIT_WORDS}$", "", name)
        code = gz.lookup_country(name) if gz.is_country_phrase(name) else None
        city = gz.lookup_city_in_context(name, _DOC_COUNTRIES.get()) if code is None else None
        code = code or (city.country_code if city is not None else None)
        if code is not None:
            return code
    return None


def _town_near(text: str, offset: int, end: int, phrase: str) -> _Place | None:
    """A town the tables lack, placed by the city it is near: "at his residence in Paynesville
    outside Monrovia" is in Paynesville, Liberia."""
    if not _looks_like_place_name(phrase):
        return None
    unit = _IN_UNIT.match(text, end)
    if unit is not None:
        code = _unit_country(unit)
        if code is None:
            return None
        in_unit: tuple[tuple[str, int, int], ...] = (
            ("city", offset, end),
            ("country_code", unit.start("unit"), unit.end()),
        )
        return _centred(None, phrase, code, in_unit)
    near = _NEAR.match(text, end)
    if near is None:
        return None
    city = _place_after(text, near.end(), venue_ok=False)
    if city is None:
        # near a city, or lying in a country ("Al-Ula, Northwest of the Kingdom of Saudi Arabia")
        return None
    spans = (("city", offset, end), *((f, s, e) for f, s, e in city.spans if f == "country_code"))
    return _centred(None, phrase, city.country, spans)


def _joined_country(text: str, offset: int) -> _Place | None:
    """A country whose name joins two names with "and", which a place phrase stops at: "visit
    to St Kitts and Nevis", "in Trinidad and Tobago"."""
    window = text[offset : offset + 60]
    if " and " not in window:
        return None
    hits = gz.country_hits(window)
    if not hits or hits[0].start > 4 or " and " not in window[hits[0].start : hits[0].end]:
        return None
    if window[: hits[0].start] not in ("", "the "):
        return None
    return _resolve(window[hits[0].start : hits[0].end], None, offset + hits[0].start, 0)


_REGION_WORD = re.compile(
    r"\s+(?:region|province|district|oblast|governorate|prefecture|county|state|"
    r"municipality|parish)\b"
)


def _country_in_run(text: str, offset: int) -> _Place | None:
    """ "hosted by ASEAN Chair Brunei Darussalam" -> BN: a country closing a capitalised run."""
    run = re.match(rf"{PLACE}", text[offset : offset + 80])
    if not run:
        return None
    hits = gz.country_hits(run.group(0))
    if not hits or hits[-1].kind != "name":
        return None
    hit = hits[-1]
    return _country_place(hit.key, (("country_code", offset + hit.start, offset + hit.end),))


def _shortest_prefix_place(text: str, offset: int, phrase: str) -> _Place | None:
    """ "in Madrid Spanish officials" -> Madrid: try shorter word prefixes of a long run."""
    ends = [m.end() for m in re.finditer(r"\S+", phrase)]
    for end in reversed(ends[:-1]):
        place = _resolve(phrase[:end], None, offset, 0)
        if place is not None:
            if _VENUE_HEADS.search(phrase, end) and not _named_host(place):
                # "at George Washington University" is no venue in George, South Africa
                return None
            return place
    return None


def _named_host(place: _Place) -> bool:
    """A venue's leading city is its host only if it is a capital or in a country the release
    names ("Brussels Airport", not "George Washington University" in a US release)."""
    if place.country in _DOC_COUNTRIES.get():
        return True
    capital = gz.capital_of(place.country)
    return capital is not None and capital.name == place.city


# "the Sheraton Hotel in Kuwait City", "the Ministry of Foreign Affairs, Bangkok"
_THEN_IN = re.compile(r"\s*(?:\([^)]{1,40}\)\s*)?(?:,\s*(?:in\s+)?|in\s+)")


def _venue_then_city(text: str, offset: int, phrase: str) -> _Place | None:
    """ "at the Sheraton Hotel in Kuwait City": an unknown venue placed by the city after it."""
    if not _VENUE_HEADS.search(phrase):
        return None
    after = offset + len(phrase)
    follow = _THEN_IN.match(text, after, after + 60)
    if not follow:
        return None
    place = _place_after(text, follow.end(), venue_ok=False)
    if place is None:
        return None
    vstart = offset + (4 if phrase.lower().startswith("the ") else 0)
    name = phrase[4:] if phrase.lower().startswith("the ") else phrase
    return _Place(
        name,
        place.city,
        place.country,
        place.lat,
        place.lon,
        (("location_name", vstart, vstart + len(name)), *place.spans),
    )


def _venue_place(text: str, start: int, end: int, venue: gz.Venue) -> _Place:
    """A known venue; a city written right after it ("NATO Headquarters in Brussels") wins."""
    spans: list[tuple[str, int, int]] = [
        ("location_name", start, end),
        ("country_code", start, end),
    ]
    city_name, country = venue.city, venue.country_code
    if city_name:
        spans.append(("city", start, end))
    follow = re.match(r"[ \t]*(?:,\s*|in\s+)?", text[end : end + 6])
    if follow:
        after = _place_after(text, end + follow.end(), venue_ok=False)
        if after is not None and after.country == country:
            return _Place(
                text[start:end],
                after.city,
                after.country,
                after.lat,
                after.lon,
                (("location_name", start, end), *after.spans),
            )
    city = gz.lookup_city(city_name, country) if city_name else None
    if city is not None:
        return _Place(
            text[start:end], city.name, country, city.latitude, city.longitude, tuple(spans)
        )
    return _centred(text[start:end], city_name, country, tuple(spans))


# ---------------------------------------------------------------- datelines and headlines


def _dateline(text: str) -> _Place | None:
    """A transcript's place lines ("Kuwait City, Kuwait" / "The Sheraton Hotel") or a news
    dateline ("BRUSSELS —", "London, 12 May 2022:") in the first lines of the text."""
    lines = _head_lines(text, 6)
    for i, (lstart, line) in enumerate(lines):
        place = _place_line(text, line, lstart)
        if place is None:
            continue
        if place.name is None:
            venue = _venue_line(lines, i)
            if venue is not None:
                vstart, vname = venue
                place = _Place(
                    vname,
                    place.city,
                    place.country,
                    place.lat,
                    place.lon,
                    (("location_name", vstart, vstart + len(vname)), *place.spans),
                )
        return place
    return None


# A speaker's turn opening a transcript's line: "SECRETARY BLINKEN:", "FOREIGN MINISTER LAPID:",
# "MR KESHAP:", "MODERATOR:".
_SPEAKER_TURN = re.compile(r"^(?:[A-Z][A-Z.’'\-]*[ \t]+){0,4}[A-Z][A-Z.’'\-]+:", re.MULTILINE)


def _transcript_place(text: str) -> _Place | None:
    """The place line of a transcript ("Riga, Latvia", "Thomas Jefferson Room" under the
    speakers' names, before the first speaker's turn): where the remarks were given. The spoken
    text names other places as topics and other occasions ("The war that is going on in
    Ukraine", "We just met in Washington"), so this line outranks them."""
    turn = _SPEAKER_TURN.search(text, 0, 600)
    if turn is None:
        return None
    lines = _head_lines(text[: turn.start()], 6)
    for i, (lstart, line) in enumerate(lines):
        if _place_line(text, line, lstart) is None:
            continue
        place = _whole_place_line(text, line, lstart)
        if place is None:
            return None  # a news dateline: where the release was issued
        venue = _venue_line(lines, i) if place.name is None else None
        if venue is not None:
            vstart, vname = venue
            spans = (("location_name", vstart, vstart + len(vname)), *place.spans)
            place = dataclasses.replace(place, name=vname, spans=spans)
        return place
    return None


def dateline_country(text: str) -> str | None:
    """The country of the release's dateline, if it opens with one."""
    place = _dateline(text)
    return place.country if place is not None else None


def _head_lines(text: str, count: int) -> list[tuple[int, str]]:
    lines: list[tuple[int, str]] = []
    offset = 0
    for raw in text.split("\n"):
        stripped = raw.strip()
        if stripped:
            lines.append((offset + raw.index(stripped), stripped))
            if len(lines) >= count:
                break
        offset += len(raw) + 1
    return lines


def _place_line(text: str, line: str, lstart: int) -> _Place | None:
    whole = _whole_place_line(text, line, lstart)
    if whole is not None:
        return whole
    for pattern in _DATELINE_RES:
        found = pattern.match(line)
        if found:
            qual = found.group("qual")
            phrase = found.group("place")
            place = _resolve(
                phrase.title() if phrase.isupper() else phrase,
                qual.title() if qual and qual.isupper() else qual,
                lstart + found.start("place"),
                lstart + found.start("qual") if qual else 0,
            )
            if place is not None:
                return place
    return _piecewise_dateline(line, lstart)


def _piecewise_dateline(line: str, lstart: int) -> _Place | None:
    """A dateline of `_PIECEWISE_DATELINES`: the first of its pieces that resolves, qualified by
    the piece after it; the pieces before it are the venue."""
    for pattern in _PIECEWISE_DATELINES:
        found = pattern.match(line)
        if found is None:
            continue
        head = found.start("head")
        pieces = [
            (head + m.start(), m.group(0)) for m in re.finditer(r"[^,;]+", found.group("head"))
        ]
        pieces = [(start + len(p) - len(p.lstrip()), p.strip()) for start, p in pieces]
        tagged = found.groupdict().get("qual")
        if tagged:
            pieces.append((found.start("qual"), tagged))
        for i, (start, piece) in enumerate(pieces):
            qstart, qual = pieces[i + 1] if i + 1 < len(pieces) else (0, None)
            place = _resolve(
                piece.title() if piece.isupper() else piece,
                qual.title() if qual and qual.isupper() else qual,
                lstart + start,
                lstart + qstart,
            )
            if place is None:
                continue
            if i == 0:
                return place
            vstart, vend = lstart + pieces[0][0], lstart + pieces[i - 1][0] + len(pieces[i - 1][1])
            venue = line[pieces[0][0] : pieces[i - 1][0] + len(pieces[i - 1][1])]
            return dataclasses.replace(
                place, name=venue, spans=(("location_name", vstart, vend), *place.spans)
            )
        return None
    alone = _CITY_DATELINE.match(line)
    if alone is not None:
        place = _resolve(alone.group("head"), None, lstart + alone.start("head"), 0)
        if place is not None and place.city is not None:
            return place
    return None


def _whole_place_line(text: str, line: str, lstart: int) -> _Place | None:
    """A whole line naming a place: "Washington, D.C.", "New Delhi, India", "UN Headquarters
    New York, New York", "Joint Base Andrews"."""
    if len(line) > 60 or re.search(r"[.!?:;]\s*$", line.replace("D.C.", "DC")):
        return None
    venues = gz.venue_hits(line)
    if venues and venues[0][1] == 0:
        venue, vstart, vend = venues[0]
        return _venue_place(text, lstart + vstart, lstart + vend, venue)
    match = re.fullmatch(r"(?P<place>[^,]{2,40}?)(?:,\s*(?P<qual>[^,]{2,30}))?", line.rstrip(". "))
    if match and not re.search(r"\d", line):
        qual = match.group("qual")
        place = _resolve(
            match.group("place"), qual, lstart, lstart + match.start("qual") if qual else 0
        )
        if place is not None and (qual or _single_place_line(match.group("place"))):
            return place
    return None


def _single_place_line(phrase: str) -> bool:
    # "Washington" alone on a line is a dateline; "Office of the Spokesperson" is not a place.
    return len(phrase.split()) <= 3


def _venue_line(lines: list[tuple[int, str]], index: int) -> tuple[int, str] | None:
    for lstart, line in lines[index + 1 : index + 2]:
        if len(line) <= 60 and _VENUE_HEADS.search(line) and not re.search(r"[.!?:]$", line):
            return lstart, line
    return None


_TITLE_CUE = re.compile(
    r"\b(?:in|at|to|visits?|visiting|arrives\s+in|travels?\s+to|trip\s+to|hosts?\s+.*?\s+in)\s+"
    r"(?=[A-Z]|the\s+[A-Z])"
)


# A transcript's headline closing with its place and date: "... Kasoulides (Athens, 07.11.2022)"
_TITLE_DATELINE = re.compile(r"\((?P<place>[A-Z][^,()\d]{1,40}),\s*[^()]*\d[^()]*\)\s*$")


def _title_dateline(title: str) -> _Place | None:
    found = _TITLE_DATELINE.search(title)
    if found is None:
        return None
    return _resolve(found.group("place"), None, found.start("place"), 0)


def _headline_place_line(title: str) -> _Place | None:
    """A headline that is nothing but a place line, the day's first stop first: "Canberra,
    Australian Capital Territory; Sydney, New South Wales" (a programme's day, titled by where
    it was spent)."""
    first = title.split(";")[0].strip()
    if not first or len(first) > 60 or _TITLE_CUE.search(first):
        return None
    return _place_line(first, first, 0)


def _title_places(title: str, *, trip: bool) -> list[_Place]:
    found: list[_Place] = []
    for cue in _TITLE_CUE.finditer(title):
        word = cue.group(0).split()[0].lower()
        if word == "to" and not trip and "travel" not in title.lower():
            continue
        if word == "to" and _ACCREDITED_TO.search(title, 0, cue.start()):
            continue
        if word == "in" and _POSTED_IN.search(title, 0, cue.start()):
            continue
        if not _LOCATING_GATHERING.get() and _ANOTHER_OCCASION.search(title, 0, cue.end()):
            continue
        place = _place_after(title, cue.end(), venue_ok=word == "at")
        if place is not None:
            found.append(place)
    return found


# ---------------------------------------------------------------- the event's location


# The countries the release being located names, and its publisher's: a bare city name resolves
# to a namesake among them ("San Jose" in a release about Costa Rica).
_DOC_COUNTRIES: ContextVar[frozenset[str]] = ContextVar("_DOC_COUNTRIES", default=frozenset())
# A gathering being located: "to be held in" names its own place (an announced conference),
# where for a meeting or a call it names another occasion's.
_LOCATING_GATHERING: ContextVar[bool] = ContextVar("_LOCATING_GATHERING", default=False)
# The publisher's country (None for an organisation or an unknown host): "the Sultanate" in its
# own releases.
_PUBLISHER: ContextVar[str | None] = ContextVar("_PUBLISHER", default=None)
# The event's participants as (folded title, government): whose seat an unowned seat is.
_PARTICIPANTS: ContextVar[tuple[tuple[str, str], ...]] = ContextVar("_PARTICIPANTS", default=())


@functools.lru_cache(maxsize=8)
def _countries_of(text: str, title: str, url: str) -> frozenset[str]:
    codes = {hit.key for hit in gz.country_hits(text)} | {hit.key for hit in gz.country_hits(title)}
    publisher = gz.publisher_of(url)
    if publisher and len(publisher) == 2:
        codes.add(publisher)
    return frozenset(codes)


def locate_event(
    doc: Document, anchor: EventAnchor, participants: Sequence[Participant] = ()
) -> Location:
    """Where the anchor's event took place, with evidence spans for each value found.
    `participants`: the event's, whose offices may tell whose seat the venue is."""
    token = _DOC_COUNTRIES.set(_countries_of(doc.text, doc.title or "", doc.url or ""))
    publisher = gz.publisher_of(doc.url)
    own = _PUBLISHER.set(publisher if publisher and len(publisher) == 2 else None)
    gathering = _LOCATING_GATHERING.set(anchor.event_type == "conference")
    people = _PARTICIPANTS.set(
        tuple(
            (gz.fold(p.title), p.affiliation)
            for p in participants
            if p.title and p.affiliation and len(p.affiliation) == 2
        )
    )
    try:
        return _locate_with_seat(doc, anchor)
    finally:
        _PARTICIPANTS.reset(people)
        _LOCATING_GATHERING.reset(gathering)
        _PUBLISHER.reset(own)
        _DOC_COUNTRIES.reset(token)


def _locate_with_seat(doc: Document, anchor: EventAnchor) -> Location:
    location = _locate(doc, anchor)
    if (
        location.city is not None
        or anchor.ordinal != 0
        or anchor.event_type in NOWHERE_TYPES | TOPICAL_TYPES
    ):
        return location
    title_seat = _seat_location(doc, 0, len(doc.title or ""), location, in_title=True)
    if anchor.start < 0:
        # an event the headline names: its lead sentence may put it at a headquarters, the
        # headline itself at a seat ("Celebration ... Held at Foreign Ministry")
        lead = re.search(r"[.!?](?:\s|$)", doc.text)
        lead_end = lead.end() if lead else len(doc.text)
        seated = _headquarters_location(doc.text, 0, lead_end, location) or title_seat
        return seated or _with_sole_city(doc.text, anchor, location)
    # "met ... at the Ministry of Foreign Affairs": a government's seat is in its capital
    for start, end in ((anchor.start, anchor.end), (0, anchor.start)):
        seated = _seat_location(doc, start, end, location) or _headquarters_location(
            doc.text, start, end, location
        )
        if seated is not None:
            return seated
    return title_seat or _with_sole_city(doc.text, anchor, location)


def _with_sole_city(text: str, anchor: EventAnchor, location: Location) -> Location:
    """A country-only location gains the city when the release places something "in", "at" or
    "from" exactly one city of that country ("met ... on the sidelines of his official visit to
    the UK ... the GCC embassies in London"; "signed at the beginning of the ... Workshop hosted
    in Brisbane, Australia"). Two cities of the country leave it without one: which of them the
    event was in, the text does not say. A trip's stop gains its city by its own rule, from the
    places stated from the stop on (`_refine`): on the State Department corpus the one trip this
    rule placed was a travel advisory's city named as a topic."""
    if location.country_code is None or anchor.event_type in TRIP_TYPES:
        return location
    stated = [
        place
        for place in _places_in(text, 0, len(text), trip=False, strict=True, topic_turn=False)
        if place.city is not None and place.country == location.country_code
    ]
    if len({place.city for place in stated}) != 1:
        return location
    return _with_city_of(location, stated[0], "place.country_sole_city")


# An organisation's seat named as the venue: "at the headquarters of the General Secretariat of
# the League of Arab States", "at the General Secretariat's headquarters", "at the European
# Bank's London headquarters".
_HEADQUARTERS = re.compile(r"\b(?:[Hh]eadquarters|HQ|Secretariat)\b")
_HEADQUARTERS_CUE = re.compile(r"\b[Aa]t\s+(?:the\s+)?[^.;:!?]{0,90}$")


def _city_before(text: str, start: int, end: int) -> _Place | None:
    """A city of one to three capitalised words closing text[start:end] ("... Development's
    London")."""
    words = list(re.finditer(r"\S+", text[start:end]))[-3:]
    for first in reversed(range(len(words))):
        if not re.match(_WORD, words[first].group(0)):
            break
        phrase_start = start + words[first].start()
        place = _resolve(text[phrase_start : start + words[-1].end()], None, phrase_start, 0)
        if place is not None and place.city is not None:
            return place
    return None


def _headquarters_location(text: str, start: int, end: int, location: Location) -> Location | None:
    """Where an organisation's headquarters the event sentence puts it at are: the city written
    before "headquarters", else the seat of the organisation named with it, else of the one the
    sentence named before it (the host: "the Secretary-General of the League ... received ... at
    the General Secretariat's headquarters")."""
    for head in _HEADQUARTERS.finditer(text, start, end):
        cue = _HEADQUARTERS_CUE.search(text, max(start, head.start() - 90), head.start())
        if cue is None:
            continue
        place = _city_before(text, cue.start(), head.start())
        if place is not None and place.city is not None:
            return _seat_here(location, place.city, place.country, place.spans)
        after = text[head.end() : min(end, head.end() + 90)]
        named = gz.org_hits(text[cue.start() : head.end()]) or (
            gz.org_hits(after) if re.match(r"\s+of\b", after) else []
        )
        if not named and not re.match(r"\s+of\b", after):
            named = gz.org_hits(text[start : cue.start()])[-1:]
        for hit in named:
            seat = gz.org_seat(hit.key)
            if seat is not None:
                return _seat_here(location, seat[0], seat[1], (("city", head.start(), head.end()),))
    return None


def _seat_here(
    location: Location, city_name: str, country: str, spans: tuple[tuple[str, int, int], ...]
) -> Location | None:
    """`location` placed in a headquarters' city, unless it is already in another country."""
    if location.country_code not in (None, country):
        return None
    city = gz.lookup_city(city_name, country)
    if city is None:
        return None
    if location.country_code is None and all(f != "country_code" for f, _, _ in spans):
        spans += tuple(("country_code", s, e) for f, s, e in spans if f == "city")
    evidence = tuple(Evidence(f, s, e, "place.headquarters") for f, s, e in spans)
    return Location(
        location.location_name,
        city.name,
        country,
        city.latitude,
        city.longitude,
        location.evidence + evidence,
    )


# A seat is where the event happened when the text puts the event there: "at"/"in" before it.
_SEAT_CUE = re.compile(r"\b(?:[Aa]t|[Ii]n)\s+(?:the\s+)?[^.;:!?]{0,50}$")
# A seat after "of" belongs to a title or a body, not to where someone is: "a member of
# parliament", "the Committee of the Seimas", "at the invitation of the Ministry".
_OF_BEFORE = re.compile(r"\bof\s+(?:the\s+)?$")
_SEAT_OF = re.compile(r"\s*,?\s+(?:of|in)\s+(?:the\s+)?")


# An office posted at a seat, the holder's name right after it: "HE Minister of State at the
# Ministry of Foreign Affairs Dr. Mohammed ...", "Minister of State for the Middle East ... at
# the United Kingdom's Foreign, Commonwealth and Development Office Lord Tariq Ahmed": the seat is
# part of the title, not where the event was.
_OFFICE_AT = re.compile(
    r"\b(?:Minister|Secretary|Director|Ambassador|Adviser|Advisor|Officer|Counsell?or|Envoy|"
    r"Representative|Commissioner|Chief|Head)"
    r"(?:,?\s+(?:of|for|and|the|on|[A-Z][\w'’\-]*))*\s+[Aa]t\b"
)
_NAME_AFTER = re.compile(
    r"\s+(?:(?:HE|H\.E\.|Dr\.?|Mr\.?|Mrs\.?|Ms\.?|Lord|Sir|Hon\.?)\s+)?[A-Z][a-z]"
)
_AT_BEFORE = re.compile(r"\b[Aa]t\s+(?:the\s+)?(?:[A-Z][\w'’]*\s+){0,3}$")


def _office_posting(text: str, cue: int, end: int) -> bool:
    """Whether the seat or venue ending at `end`, after the "at" at `cue`, is an office's posting
    with the holder's name right after it."""
    return bool(
        _OFFICE_AT.search(text, max(0, cue - 120), cue + 2) and _NAME_AFTER.match(text, end)
    )


def _seat_location(
    doc: Document, start: int, end: int, location: Location, *, in_title: bool = False
) -> Location | None:
    """The capital of the government whose seat text[start:end] places the event in: the
    country named with the seat ("the Portuguese Ministry", "the Ministry of Foreign Affairs of
    Japan"), else the country the event is already placed in, else the publisher's. A national
    legislature's own city where it sits outside the capital. `in_title`: the span is the
    headline's ("Celebration ... Held at Foreign Ministry")."""
    text = (doc.title or "") if in_title else doc.text
    prefix = "title:" if in_title else ""
    for rule, sstart, send in gz.seat_hits(text[start:end]):
        sstart, send = start + sstart, start + send
        cue = _SEAT_CUE.search(text, max(start, sstart - 60), sstart)
        if cue is None or _OF_BEFORE.search(text, max(start, sstart - 8), sstart):
            continue
        if _office_posting(text, cue.start(), send):
            continue  # "Minister of State at the Ministry of Foreign Affairs Dr. X": a title
        if rule == "legislature" and not _national_legislature(text, cue.start(), sstart, send):
            continue
        named = gz.country_hits(text[cue.start() : sstart])
        code = named[-1].key if named else None
        after = _SEAT_OF.match(text, send)
        if code is None and after is not None:
            following = gz.country_hits(text[after.end() : after.end() + 40])
            if following and following[0].start == 0:
                code = following[0].key
        holder = None if code or location.country_code else _seat_holder(rule)
        code = code or location.country_code or holder or gz.publisher_of(doc.url)
        if code is None or len(code) != 2:
            continue
        city = gz.legislature_seat(code) if rule == "legislature" else gz.capital_of(code)
        if city is None:
            continue
        evidence: tuple[Evidence, ...] = (
            Evidence(prefix + "city", sstart, send, "place.venue_seat"),
        )
        if location.country_code != code:
            rule_id = "place.seat_holder" if holder else "place.venue_seat"
            evidence += (Evidence(prefix + "country_code", sstart, send, rule_id),)
            location = NO_LOCATION
        return Location(
            location.location_name or text[sstart:send],
            city.name,
            code,
            city.latitude,
            city.longitude,
            location.evidence + evidence,
        )
    return None


def _seat_holder(seat: str) -> str | None:
    """The government of the event's participants who hold the office `seat` is the seat of,
    when they all serve one (a visiting counterpart of another government leaves it open)."""
    holders = gz.seat_holders().get(seat, ())
    governments = {
        government
        for title, government in _PARTICIPANTS.get()
        if any(title == h or title.startswith(h + " ") for h in holders)
    }
    return governments.pop() if len(governments) == 1 else None


def _national_legislature(text: str, cue: int, start: int, end: int) -> bool:
    """Whether the legislature named at text[start:end] is a country's own: the capitalised word
    before it, if any, names a country ("the Lithuanian Seimas"), not a body ("the European
    Parliament"), and an "of" after it names a country too ("the Parliament of Uganda", not "the
    National Assembly of Québec")."""
    before = re.search(r"([A-Z][\w'’-]+)\s+$", text[cue:start])
    named_by = before.group(1) if before is not None else "The"
    if named_by not in ("The", "At", "In") and not gz.country_hits(named_by):
        return False
    after = re.match(r"\s+of\s+(?:the\s+)?(?=[A-Z])", text[end:])
    if after is not None:
        named = gz.country_hits(text[end + after.end() : end + after.end() + 40])
        return bool(named) and named[0].start == 0
    return True


# Where a party to a call was: "spoke ... from Washington, D.C.", "while in Brussels", "from the
# Oval Office". A call's sentence names other places as topics or other occasions ("to follow up
# on their April 24 meeting in Kyiv", "attacks that continue to kill civilians in Ukraine",
# "the Kremlin's ongoing war"): on the State Department corpus six of the seven places a call's
# sentence gave by any other cue were of that kind.
_WHEREABOUTS = re.compile(r"\b(?:from|while\s+(?:in|at))\s+(?:the\s+)?$", re.IGNORECASE)


def _whereabouts(text: str, place: _Place) -> bool:
    """Whether the cue before `place` says a party to a call was there."""
    first = min(s for _, s, _ in place.spans)
    return _WHEREABOUTS.search(text, max(0, first - 30), first) is not None


def _locate(doc: Document, anchor: EventAnchor) -> Location:
    text = doc.text
    trip = anchor.event_type in TRIP_TYPES
    strict = anchor.event_type in NOWHERE_TYPES
    if anchor.event_type in TOPICAL_TYPES:
        dateline = _dateline(text) if anchor.ordinal == 0 else None
        return (
            _as_location(dateline, rule="place.dateline") if dateline is not None else NO_LOCATION
        )
    spoken_at = _transcript_place(text) if anchor.ordinal == 0 and not strict else None
    if spoken_at is not None:
        return _as_location(spoken_at, rule="place.transcript_line")
    if anchor.start >= 0:
        sentence = text[anchor.start : anchor.end]
        if _VIRTUAL.search(sentence) and not trip:
            return NO_LOCATION
        places = _places_in(text, anchor.start, anchor.end, trip=trip, strict=strict)
        if strict:
            places = [place for place in places if _whereabouts(text, place)]
        rule = "place.event_sentence"
        if trip and anchor.ordinal == 0:
            # an announced trip is located at its first stop, which an earlier sentence may name
            # ("will travel to France, Germany and Belgium ... will then travel to Munich")
            first_stop = _places_in(text, 0, anchor.start, trip=True, strict=False)[:1]
            places, rule = (first_stop, "place.trip_first_stop") if first_stop else (places, rule)
        held = _held_place(text, anchor) if not trip and not strict else None
        if held is not None:
            return _as_location(held, rule="place.event_held")
        if places:
            located = _refine(doc, _first(places, trip), anchor, trip, rule=rule)
            return _with_framing_city(text, anchor, _with_dateline_city(text, anchor, located))
        tied = None if strict else _engagement_place(text, anchor.start, anchor.end)
        if tied is not None:
            return _refine(doc, tied, anchor, trip, rule="place.engagement_word")
        told = None if strict or anchor.ordinal != 0 else _told_again(text, anchor, trip)
        if told is not None:
            return _refine(doc, told, anchor, trip, rule="place.next_sentence")
    if strict:
        return NO_LOCATION
    lead = _lead_telling_headline(doc, anchor)
    if lead is not None:
        return _refine(doc, lead, anchor, trip, rule="place.lead_sentence")
    if anchor.ordinal == 0 and anchor.start > 0:
        framed = _engagement_place(text, 0, anchor.start)
        if framed is not None:
            return _as_location(framed, rule="place.engagement_word")
    if anchor.ordinal == 0:
        dateline = _dateline(text)
        if dateline is not None:
            return _as_location(dateline, rule="place.dateline")
        headline_names_topic = anchor.event_type in HEADLINE_TOPIC_TYPES
        title_places = [] if headline_names_topic else _title_places(doc.title or "", trip=trip)
        title_dateline = _title_dateline(doc.title or "")
        if title_dateline is not None and not trip:
            title_places = [title_dateline]
        headline_line = _headline_place_line(doc.title or "")
        if headline_line is not None:
            title_places = [headline_line]
        if title_places:
            return _refine(
                doc, title_places[0], anchor, trip, field_prefix="title:", rule="place.headline"
            )
        if anchor.start >= 0:
            # "... have today signed a treaty. The Treaty ... was signed at the V&A in London."
            later = _engagement_place(text, anchor.end, min(len(text), anchor.end + 700), reach=80)
            if later is not None and not _another_day(doc, anchor, later):
                return _refine(doc, later, anchor, trip, rule="place.engagement_word")
    if trip:
        places = _places_in(text, 0, len(text), trip=True, strict=False)
        if places:
            return _refine(doc, places[0], anchor, trip, rule="place.trip_anywhere")
    if anchor.ordinal == 0:
        hosted = _hosted_visit(text) if anchor.event_type in HOSTED_TYPES else None
        if hosted is not None:
            return _as_location(hosted, rule="place.hosted_visit")
        received = _receiving_country(doc, anchor)
        if received is not None:
            return _as_location(received, rule="place.visiting_guest")
    return NO_LOCATION


# A guest the event's sentence calls visiting ("received a courtesy call from the visiting Deputy
# Prime Minister of Papua New Guinea", "meetings with the visiting ... Ministerial Contact
# Group"): the engagement is at home for the other side. Not "is visiting Singapore", which
# names the place itself.
def _lead_telling_headline(doc: Document, anchor: EventAnchor) -> _Place | None:
    """The place the lead sentence states, for a primary event found in a later sentence when
    the lead tells the headline's engagement with a word no cue knows ("PRESENTS LETTERS OF
    CREDENCE" ... "presented her Letters of Credence ... at the Mohamed V Palace in Conakry";
    "Malki briefs" ... "Malki briefed on Thursday at the ministry's headquarters in the city of
    Ramallah"): a headline word other than an office's told again in lower case."""
    if anchor.ordinal != 0 or anchor.start <= 0 or not doc.title:
        return None
    spans = sentences(doc.text)
    if not spans or spans[0][1] > anchor.start:
        return None
    lstart, lend = spans[0]
    if not _headline_word_told(doc.title, doc.text[lstart:lend]):
        return None
    for place in _places_in(doc.text, lstart, lend, trip=False, strict=True):
        first = min(s for _, s, _ in place.spans)
        if _AT_VENUE.search(doc.text, max(lstart, first - 60), first):
            return place
    return None


# "at" before the place, in its clause: where someone was ("at the Mohamed V Palace in Conakry"),
# not a thing's place ("offered the former High Commissioner's Residence in Nuku'alofa").
_AT_VENUE = re.compile(r"\b[Aa]t\s+[^,;.]{0,60}$")


def _headline_word_told(title: str, lead: str) -> bool:
    office = gz.office_words().words
    told = {w[:5] for w in re.findall(r"\b[a-z]{5,}\b", lead)}
    return any(
        w[:5] in told and w not in office
        for w in (gz.fold(word) for word in re.findall(r"[A-Za-z]{5,}", title))
    )


_VISITING_GUEST = re.compile(
    r"\b(?:the|a|an|with|from|received|receives|welcomed|welcomes|hosted|hosts)\s+visiting\s+"
    r"(?=[A-Z]|[a-z]+\s+(?:delegation|minister|president|prime|head|leader|officials?)\b)"
)


def _receiving_country(doc: Document, anchor: EventAnchor) -> _Place | None:
    """The publishing government's country, for an event whose own sentence names no place but
    meets a visiting guest: last, when nothing stronger speaks (and only for a government: an
    organisation's visitor tells no country)."""
    if anchor.start < 0 or anchor.event_type in TRIP_TYPES:
        return None
    cue = _VISITING_GUEST.search(doc.text, anchor.start, anchor.end)
    if cue is None:
        return None
    publisher = _PUBLISHER.get() or _source_government(doc.source_id)
    if publisher is None:
        return None
    return _country_place(publisher, (("country_code", cue.start(), cue.end()),))


def _source_government(source_id: str | None) -> str | None:
    """The government a source named by its host is ("pmpress.gov.sb" -> SB): the publisher of a
    release read from a republished copy, whose URL names another site."""
    if not source_id or "." not in source_id:
        return None
    publisher = gz.publisher_of(f"https://{source_id}")
    return publisher if publisher and len(publisher) == 2 else None


# A meeting held during the counterpart's visit: "welcomed the Foreign Minister on her visit to
# Pakistan", "I welcome your visit to Japan", "received the Speaker during his visit to ...".
_HOSTED_VISIT = re.compile(
    r"\b(?:(?:on|during)\s+(?:his|her|their|your|the)\s+(?:(?:official|working|state|first|"
    r"current|ongoing|two-day|three-day|one-day)\s+)*visit\s+to|"
    # "within the framework of the state visit of the President of Belarus ... to Zimbabwe"
    r"(?:state|official|working)\s+visit\s+of\s+[^.;]{3,120}?\s+to|welcom(?:e|es|ed|ing)\s+"
    r"(?:your|his|her|their)\s+(?:(?:official|working|state|first)\s+)*visit\s+to|"
    # the guest's stay said outright: "Minister Song is visiting Singapore at the invitation
    # of ...", "let me welcome you to India"
    r"(?:is|are)\s+(?:currently\s+|now\s+)?visiting|welcom(?:e|es|ed|ing)\s+(?:you|him|her|them)"
    r"\s+(?:back\s+)?to|"
    # the visit welcomed as the guests' own: "welcomed the delegation's visit to Armenia",
    # "welcomed the visit of the delegation of the French Senate to Armenia"
    r"welcom(?:e|es|ed|ing)\s+the\s+(?:[\w'’-]+\s+){0,3}?visit\s+(?:of\s+[^.;]{3,100}?\s+)?to|"
    # the guests placed there for their visit: "the delegation ... was in Grenada on a short
    # visit", "is in Ireland for a six day visit", "are in Brazzaville to attend ..."
    r"(?:was|were|is|are)\s+in(?=\s+[A-Z][^.;]{0,40}?\s+(?:(?:on|for)\s+(?:a|an|his|her|their)\s+"
    r"(?:[\w-]+\s+){0,2}visit\b|to\s+attend\b)))\s+"
    r"(?=[A-Z]|the\s+[A-Z])"
)


# The engagements a counterpart's visit places: on unseen releases (the State Department corpus)
# the rule's every firing for a gathering or a briefing was some other visit ("The United States
# welcomes the SOGI IE's official visit to the United States in August" for a Human Rights
# Council session in Geneva; "during her official visit to Thailand, U.S. Ambassador ...
# announced" in a Washington briefing), while on the four labeled sets it fired only for meetings.
HOSTED_TYPES = frozenset({"meeting", "signing"})

# A visit still to come is not the one the meeting was held during ("look forward to ... during
# his visit to Israel in July").
_COMING_VISIT = re.compile(
    r"\b(?:will|shall|look(?:s|ed|ing)?\s+forward|upcoming|forthcoming|planned|plans?\s+to)\b"
    r"[^.;!?]*$",
    re.IGNORECASE,
)


def _hosted_visit(text: str) -> _Place | None:
    """Where the counterpart is visiting, for a meeting whose own sentences name no place."""
    for cue in _HOSTED_VISIT.finditer(text, 0, min(len(text), 2000)):
        if _COMING_VISIT.search(text, max(0, cue.start() - 200), cue.start()):
            continue
        place = _place_after(text, cue.end(), venue_ok=False)
        if place is not None:
            return place
    return None


def _with_dateline_city(text: str, anchor: EventAnchor, location: Location) -> Location:
    """A country-only location gains the dateline's city in that country ("Madrid, 10 February"
    over "signed at the Palacio de Viana ... in Spain")."""
    if location.city is not None or anchor.ordinal != 0 or anchor.event_type in TRIP_TYPES:
        return location
    return _with_city_of(location, _dateline(text), "place.dateline_city")


def _with_framing_city(text: str, anchor: EventAnchor, location: Location) -> Location:
    """A country-only location gains the city an earlier sentence ties to the engagement in that
    country ("visited ... the headquarters of ECLAC in Santiago, Chile ... meeting with the
    staff. Guterres was received by ... the UN System in Chile")."""
    if location.city is not None or anchor.ordinal != 0 or anchor.event_type in TRIP_TYPES:
        return location
    framed = _engagement_place(text, 0, anchor.start)
    return _with_city_of(location, framed, "place.engagement_word")


def _with_city_of(location: Location, found: _Place | None, rule: str) -> Location:
    """`location` with the city of `found` and its evidence (rule), when `found` has a city in
    the location's country; else `location` as it is."""
    if found is None or found.city is None or found.country != location.country_code:
        return location
    city_spans = tuple(Evidence(f, s, e, rule) for f, s, e in found.spans if f == "city")
    return dataclasses.replace(
        location,
        city=found.city,
        latitude=found.lat,
        longitude=found.lon,
        evidence=location.evidence + city_spans,
    )


# The engagement told again in other words: a lead sentence's "after meeting with" is the next
# sentence's "met on Friday, April 8, at ...".
_TOLD_AGAIN = {
    "meeting": re.compile(r"\b(?:met|meet|meets)\b"),
    "visit": re.compile(r"\bvisit(?:s|ed|ing)?\b"),
    "signing": re.compile(r"\bsign(?:s|ed|ing)?\b"),
}
_SENTENCE_END = re.compile(r"[.!?](?=\s|$)")


# The engagement named as the subject of the verb that places it: "The meeting, held in Rome on
# 22 April 2024 at the premises of ...", "The meeting took place ... in Dar es Salaam", "During the
# meeting, which took place in ...". Said of the engagement itself, it outranks places the event's
# sentence names in passing ("resumed their debate, initiated in Trieste"). Not an occasion still
# to come ("will be held", "to be held"): the verb must follow the noun directly.
_HELD = re.compile(
    r"\b[Tt]he\s+(?:[\w'’-]+\s+){0,3}?(?:meeting|meetings|talks|consultations|summit|conference|"
    r"session|dialogue|forum|ceremony|signing)\s*,?\s+(?:which\s+|that\s+)?(?:was\s+|were\s+)?"
    r"(?:held|took\s+place|convened)\b"
)


def _held_place(text: str, anchor: EventAnchor) -> _Place | None:
    """The place of the release's first sentence, from the event's own on, that names the
    engagement as held somewhere, for the release's primary event."""
    if anchor.ordinal != 0:
        return None
    start = max(anchor.start, 0)
    for held in _HELD.finditer(text, start, min(len(text), start + 1500)):
        end = _SENTENCE_END.search(text, held.end())
        stop = end.start() if end else len(text)
        places = _places_in(text, held.end(), stop, trip=False, strict=False)
        if places:
            return _first(places, False)
    return None


def _told_again(text: str, anchor: EventAnchor, trip: bool) -> _Place | None:
    """The place of the next sentence, when it tells the anchor's engagement again with a verb
    of its kind and the anchor's own sentence named no place."""
    verb = _TOLD_AGAIN.get(anchor.event_type)
    end = _SENTENCE_END.search(text, anchor.end + 1)
    if verb is None or end is None:
        return None
    told = verb.search(text, anchor.end, end.start())
    if told is None:
        return None
    places = _places_in(text, told.start(), end.start(), trip=trip, strict=False)
    return _first(places, trip) if places else None


_ENGAGEMENT = re.compile(
    r"\b(?:met|meet|meeting|meetings|dialogue|talks|summit|consultations|conference|ministerial|"
    r"forum|session|held|hosted|convened|gathered|visit|visited|signed|signing|took\s+place)\b"
    r"[^.;]{0,140}$",
    re.IGNORECASE,
)
# The engagement named right after its place: "at State House, Entebbe in a meeting with ..."
_ENGAGEMENT_AFTER = re.compile(
    r"[^.;]{0,20}?\b(?:in|during|for)\s+(?:a\s+|the\s+|their\s+|his\s+|her\s+)?"
    r"(?:\w+\s+){0,2}?(?:meeting|meetings|talks|consultations|summit|dialogue|conference)\b",
    re.IGNORECASE,
)


def _engagement_place(text: str, start: int, end: int, reach: int = 160) -> _Place | None:
    """A place tied to an engagement word in framing text ("following their strategic dialogue
    in Reykjavik, Iceland"), for an event whose own sentence names none."""
    for place in _places_in(text, start, end, trip=False, strict=True, topic_turn=False):
        first = min(s for _, s, _ in place.spans)
        last = max(e for _, _, e in place.spans)
        if (
            place.gathering
            or _ENGAGEMENT.search(text, max(start, first - reach), first)
            or _ENGAGEMENT_AFTER.match(text, last, min(len(text), last + 40))
        ):
            return place
    return None


def _another_day(doc: Document, anchor: EventAnchor, place: _Place) -> bool:
    """Whether the sentence of a place after the event's names only days the event's sentence
    does not: another occasion's place ("held a press briefing today. ... consultations held on
    May 17th 2016, in Bangkok")."""
    text = doc.text
    first = min(s for _, s, _ in place.spans)
    start = max((m.end() for m in _SENTENCE_END.finditer(text, 0, first)), default=0)
    end_match = _SENTENCE_END.search(text, first)
    end = end_match.end() if end_match else len(text)
    published = dates.published_date(doc.published, doc.published_at)
    theirs = {m.day for m in dates.find_dates(text[start:end], published) if m.basis == "explicit"}
    if not theirs:
        return False
    ours = {m.day for m in dates.find_dates(text[anchor.start : anchor.end], published)}
    if not ours:
        # an event sentence naming no day is usually told again, dated, by the next ones ("The
        # first meeting ... took place yesterday, May 25, in Madrid"; published a day later), so
        # publication says nothing against that day; an undated release's event "today" is
        # not one a later sentence dates explicitly
        return _TODAY.search(text, anchor.start, anchor.end) is not None
    return not theirs & ours


_TODAY = re.compile(r"\b(?:today|this\s+(?:morning|afternoon|evening)|tonight)\b", re.IGNORECASE)


def _first(places: list[_Place], trip: bool) -> _Place:
    """The first place, unless a later one in the same country is more precise ("Putin, who is
    in China on a state visit, at the Great Hall of the People in Beijing"). A trip keeps its
    first stop."""
    first = places[0]
    if trip or first.city is not None:
        return first
    finer = next((p for p in places[1:] if p.country == first.country and p.city), None)
    return finer or first


def _refine(
    doc: Document,
    place: _Place,
    anchor: EventAnchor,
    trip: bool,
    field_prefix: str = "",
    *,
    rule: str,
) -> Location:
    """A trip's country-only stop gains its city in that country: the dateline's ("May 16, 2022
    – Berlin, Germany": the traveller is where the release was issued), the headline's ("to
    visit Bandar Seri Begawan, Brunei Darussalam"), else one the text states from the stop on
    ("while in Warsaw", "is now travelling to Washington, DC")."""
    location = _as_location(place, field_prefix, rule=rule)
    if not trip or place.city is not None:
        return location
    since = max(anchor.start, 0)
    if not field_prefix:
        since = min(since, min(s for _, s, _ in place.spans))
    candidates = _stop_cities(doc, anchor, since)
    for prefix, later in candidates:
        if later.city is not None and later.country == place.country:
            city_spans = tuple(
                Evidence(prefix + f, s, e, "place.trip_stop_city")
                for f, s, e in later.spans
                if f == "city"
            )
            return Location(
                place.name,
                later.city,
                place.country,
                later.lat,
                later.lon,
                location.evidence + city_spans,
            )
    return location


def _stop_cities(doc: Document, anchor: EventAnchor, since: int) -> Iterator[tuple[str, _Place]]:
    """Places that may give a trip's stop its city, most trusted first, found lazily:
    (evidence field prefix, place): the dateline, a place stated in or at from the stop on,
    the headline's, a later destination."""
    text = doc.text
    if anchor.ordinal == 0:
        dateline = _dateline(text)
        if dateline is not None:
            yield "", dateline
    for place in _places_in(text, since, len(text), trip=False, strict=True, topic_turn=False):
        yield "", place
    if anchor.ordinal == 0 and doc.title:
        for place in _title_places(doc.title, trip=True):
            yield "title:", place
    for place in _places_in(text, since, len(text), trip=True, strict=False):
        yield "", place


def _as_location(place: _Place, field_prefix: str = "", *, rule: str) -> Location:
    evidence = tuple(Evidence(field_prefix + f, s, e, rule) for f, s, e in place.spans)
    return Location(place.name, place.city, place.country, place.lat, place.lon, evidence)
