"""Extraction: one press release in, its event records out (`extract`), pure and deterministic.

Evidence convention: every extracted value has an `Evidence(field, start, end)` whose offsets
index `Document.text`; a value supported only by the headline uses the field name
`"title:<field>"` (e.g. `title:event_type`) and offsets into `Document.title`. Field names:
event_type, event_date, location_name, city, country_code, participants, mentioned_people,
quotes, amounts, topics, countries_mentioned.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from ingest.extract import anchors as _anchors
from ingest.extract import confidence as _confidence
from ingest.extract import dates as _dates
from ingest.extract import facts as _facts
from ingest.extract import people as _people
from ingest.extract import places as _places
from ingest.extract.text import EventAnchor, sentences
from ingest.records import Amount, Document, EventRecord, Evidence, Participant, Quote, event_id_of

__all__ = ["EXTRACTOR_VERSION", "EventAnchor", "extract"]

EXTRACTOR_VERSION = "0.17.0"

# A secondary engagement needs its named people: two for a bilateral kind, one for a gathering.
_MIN_PARTICIPANTS: dict[str, int] = {
    "meeting": 2,
    "call": 2,
    "signing": 2,
    "visit": 1,
    "conference": 1,
    "statement": 0,
    "other": 1,
}
_ENGAGEMENTS = frozenset({"meeting", "call", "visit", "conference", "signing"})


def _published_at(doc: Document) -> datetime | None:
    """UTC publication time: the document's own, else its local ISO string converted."""
    if doc.published_at is not None:
        return doc.published_at
    if not doc.published:
        return None
    try:
        parsed = datetime.fromisoformat(doc.published.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)  # a bare date or naive time: read as UTC
    return parsed.astimezone(UTC)


def _date_fields(
    doc: Document, anchor: EventAnchor, published: date | None, spans: list[tuple[int, int]]
) -> tuple[date | None, str, list[Evidence]]:
    engagement = anchor.event_type in _ENGAGEMENTS
    look: list[tuple[int, int]] = []
    if anchor.start >= 0:
        look.append((anchor.start, anchor.end))
    title = doc.title if anchor.ordinal == 0 else None
    day, basis, cue, in_title = _dates.event_day(
        doc.text, look, published, title, engagement, anchor.trigger_start
    )
    rule = "date.event_sentence"
    # an engagement its sentence places only in a week ("met in New York this week"): another
    # sentence may still give its day, else it has none
    week_only = (
        engagement
        and not in_title
        and anchor.start >= 0
        and (
            (cue is not None and _dates.WEEK.fullmatch(doc.text, cue[0], cue[1]) is not None)
            or (basis == "published" and _dates.WEEK.search(doc.text, anchor.start, anchor.end))
        )
    )
    if week_only:
        basis, cue = "published", None
    if anchor.ordinal > 0 and engagement and basis == "published":
        return None, "none", []
    if (
        anchor.ordinal == 0
        and engagement
        and basis == "published"
        and _GOES_ON_ABOUT.match(doc.text, max(anchor.start, 0))
    ):
        # "... co-chaired the Dialogue in Islamabad on 21 August. The talks were held in a
        # cordial atmosphere.": the sentence before, in the same paragraph, dates the event
        earlier = _earlier_in_paragraph(doc.text, spans, anchor.start)
        stated = _dates.event_day(doc.text, earlier, published, None, True, anchor.start)
        if stated[1] == "explicit" and _dates.near_publication(stated[0], published):
            day, basis, cue, in_title = stated
            rule = "date.earlier_sentence"
    if anchor.ordinal == 0 and engagement and basis in ("published", "none") and anchor.start >= 0:
        # a lead sentence that sums the engagement up, the next one telling it with its day:
        # "... after meeting with Foreign Minister Susana Malcorra. The Executive Secretary ...
        # met on Friday, April 8, at the Palacio San Martín"
        following = _restating_sentence(doc.text, spans, anchor)
        if following:
            stated = _dates.event_day(doc.text, following, published, None, True)
            if stated[1] == "explicit" and _dates.near_publication(stated[0], published):
                day, basis, cue, in_title = stated
                rule = "date.next_sentence"
    if anchor.ordinal == 0 and anchor.event_type == "visit" and basis in ("published", "none"):
        # a visit announced with its days, then spoken of without them: "announce the State
        # visit to Canada of ..., from October 29 to 31, 2017. 'I look forward to welcoming
        # President Santos on his State visit to Canada'"
        stem = _TRIGGER_STEMS["visit"]
        for announcing in reversed([sp for sp in spans if sp[1] <= anchor.start]):
            if stem.search(doc.text, announcing[0], announcing[1]):
                stated = _dates.event_day(doc.text, [announcing], published, None, True)
                if stated[1] == "explicit" and _dates.near_publication(stated[0], published):
                    day, basis, cue, in_title = stated
                    rule = "date.earlier_sentence"
                break
    headline_trigger = (
        _anchors.title_trigger(doc.title, anchor.event_type)
        if anchor.in_title and doc.title and anchor.ordinal == 0
        else None
    )
    if (
        headline_trigger is not None
        and engagement
        and basis in ("published", "none")
        # a day the event's sentence names relatively ("On Thursday") is its day, unresolved
        and not _RELATIVE_DAY.search(doc.text, max(anchor.start, 0), max(anchor.end, 0))
    ):
        # an engagement the headline names: the first sentence telling it again with the
        # headline's word and a day dates it ("Director General joins ASEAN Economic Ministers
        # special session" ... "On September 18, 2024, Mr. Tang joined the ASEAN ...")
        assert doc.title is not None
        trigger = doc.title[headline_trigger[0] : headline_trigger[1]]
        telling = _telling_the_headline(doc.text, spans, trigger)
        if telling:
            stated = _dates.event_day(doc.text, telling, published, None, True)
            if stated[1] == "explicit" and _dates.near_publication(stated[0], published):
                day, basis, cue, in_title = stated
                rule = "date.next_sentence"
    if anchor.ordinal == 0 and engagement and basis == "none":
        # no published date and none in the event's sentence: the release's own first stated
        # day ("On Friday 16 August 2024, ... received ... Then, the Governor-General visited")
        lead = _earlier_in_paragraph(doc.text, spans, anchor.start) if anchor.start >= 0 else []
        stated = _dates.event_day(doc.text, lead or spans[:1], None, None, True)
        if stated[1] == "explicit":
            day, basis, cue, in_title = stated
            rule = "date.release_day"
    vague = cue is not None and not in_title and doc.text[cue[0] : cue[1]].lower() == "this week"
    if anchor.event_type == "visit" and (basis == "published" or vague):
        # an announced trip dated only by its itinerary: "The Minister departs on Monday 16 June"
        departure = _DEPARTURE.search(doc.text)
        if departure is not None:
            found = [sp for sp in spans if sp[0] <= departure.start() < sp[1]]
            stated = _dates.event_day(doc.text, found, published)
            if stated[1] != "published":
                day, basis, cue, in_title = stated
                rule = "date.departure"
    if week_only and cue is None:
        return None, "none", []
    if cue is None:
        return day, basis, []
    field = "title:event_date" if in_title else "event_date"
    return day, basis, [Evidence(field, cue[0], cue[1], "date.headline" if in_title else rule)]


# a sentence that goes on about an engagement the sentence before introduced
_GOES_ON_ABOUT = re.compile(
    r"(?:(?:During|At|In)\s+)?(?:The|These|Their|Both)\s+(?:two\s+\w+|talks|meeting"
    r"|discussions?|consultations?|dialogue|call|conversation|visit|sides|ministers|leaders)\b"
    r"|(?:They|Both)\b",
    re.IGNORECASE,
)


def _earlier_in_paragraph(
    text: str, spans: list[tuple[int, int]], start: int
) -> list[tuple[int, int]]:
    """The sentence right before `start`, if no blank line separates them."""
    before = [sp for sp in spans if sp[1] <= start]
    if not before or "\n\n" in text[before[-1][1] : start]:
        return []
    return before[-1:]


def _restating_sentence(
    text: str, spans: list[tuple[int, int]], anchor: EventAnchor
) -> list[tuple[int, int]]:
    """The sentence right after the anchor's when it tells the same kind of engagement again
    (its trigger word's stem: "meeting" ... "met", "visit" ... "visited")."""
    after = [sp for sp in spans if sp[0] >= anchor.end][:1]
    if not after or anchor.trigger_start < 0:
        return []
    stem = _TRIGGER_STEMS.get(anchor.event_type)
    if stem is None or not stem.search(text, after[0][0], after[0][1]):
        return []
    return after


def _telling_the_headline(
    text: str, spans: list[tuple[int, int]], trigger: str
) -> list[tuple[int, int]]:
    """The first of the lead sentences holding the stem of the headline's trigger word, dated."""
    words = re.findall(r"[A-Za-z]{4,}", trigger)
    if not words:
        return []
    stem = re.compile(rf"\b{re.escape(words[0][:4])}", re.IGNORECASE)
    for span in spans[:_HEADLINE_TOLD_WITHIN]:
        if stem.search(text, span[0], span[1]):
            return [span]
    return []


_RELATIVE_DAY = re.compile(
    r"\b(?:today|yesterday|tomorrow|tonight|(?:mon|tues|wednes|thurs|fri|satur|sun)day)\b",
    re.IGNORECASE,
)

# How many of the first sentences may tell a headline's engagement again.
_HEADLINE_TOLD_WITHIN = 6

_TRIGGER_STEMS = {
    "meeting": re.compile(r"\b(?:met|meet|meets|meeting)\b", re.IGNORECASE),
    "visit": re.compile(r"\bvisit(?:s|ed|ing)?\b", re.IGNORECASE),
    "call": re.compile(r"\b(?:call|called|spoke|phone)\b", re.IGNORECASE),
    "signing": re.compile(r"\bsign(?:s|ed|ing)?\b", re.IGNORECASE),
}

_DEPARTURE = re.compile(
    r"\b(?:departs|departed|will\s+depart|leaves\s+for|left\s+for|will\s+leave\s+for)\b"
)


def _type_evidence(doc: Document, anchor: EventAnchor) -> list[Evidence]:
    found: list[Evidence] = []
    if anchor.trigger_start >= 0:
        found.append(
            Evidence("event_type", anchor.trigger_start, anchor.trigger_end, anchor.rule_id)
        )
    if anchor.in_title:
        span = _anchors.title_trigger(doc.title, anchor.event_type)
        if span is not None:
            found.append(Evidence("title:event_type", span[0], span[1], anchor.rule_id))
    return found


def _full_speaker(speaker: str | None, people: list[Participant]) -> str | None:
    """A quote's speaker as the full name of a known person with the same surname, if any."""
    if speaker is None:
        return None
    last = speaker.split()[-1].casefold()
    for person in people:
        if person.name.split() and person.name.split()[-1].casefold() == last:
            return person.name
    return speaker


@dataclass(frozen=True, slots=True)
class _Facts:
    """Document-wide findings, computed once and scoped to each event by offsets."""

    countries: tuple[tuple[str, int, int], ...]
    amounts: tuple[_facts.AmountMention, ...]
    topics: tuple[_facts.TopicMention, ...]
    quotes: tuple[_facts.QuoteMention, ...]

    def within(self, start: int, end: int) -> _Facts:
        """The findings inside [start, end) (a secondary event's own sentence)."""
        return _Facts(
            tuple(c for c in self.countries if start <= c[1] < end),
            tuple(a for a in self.amounts if start <= a.start < end),
            tuple(t for t in self.topics if start <= t.start < end),
            tuple(q for q in self.quotes if start <= q.start < end),
        )


def _facts_of(doc: Document) -> _Facts:
    return _Facts(
        tuple(_places.countries_mentioned(doc.text)),
        tuple(_facts.find_amounts(doc.text, doc.url)),
        tuple(_facts.find_topics(doc.text)),
        tuple(_facts.find_quotes(doc.text)),
    )


def _fact_fields(facts: _Facts, known: list[Participant]) -> dict[str, Any]:
    """Record fields for quotes, amounts, topics and countries, with their evidence."""
    countries: list[str] = []
    for code, _, _ in facts.countries:
        if code not in countries:
            countries.append(code)
    evidence = [Evidence("quotes", q.start, q.end, "fact.quote") for q in facts.quotes]
    evidence += [Evidence("amounts", a.start, a.end, "fact.amount") for a in facts.amounts]
    evidence += [Evidence("topics", t.start, t.end, "fact.topic") for t in facts.topics]
    evidence += [
        Evidence("countries_mentioned", s, e, "fact.country_named") for _, s, e in facts.countries
    ]
    return {
        "quotes": tuple(Quote(_full_speaker(q.speaker, known), q.text) for q in facts.quotes),
        "amounts": tuple(Amount(a.value, a.currency, a.text) for a in facts.amounts),
        "topics": tuple(t.topic for t in facts.topics),
        "countries_mentioned": tuple(countries),
        "evidence": evidence,
    }


def _people_of(
    doc: Document, anchor: EventAnchor, index: _people.PeopleIndex
) -> tuple[list[Participant], list[Participant], list[Evidence]]:
    participants, mentioned, evidence = _people.participants_for(index, anchor, doc)
    return list(participants), list(mentioned), list(evidence)


_SEPARATE = re.compile(r"\bseparate(?:ly)?\b|\beach\s+of\b", re.IGNORECASE)
_Engagement = tuple[EventAnchor, list[Participant], list[Participant], list[Evidence]]


def _engagements(doc: Document, index: _people.PeopleIndex) -> list[_Engagement]:
    """Anchors with their people; "held separate calls with A and B" is one event per counterpart
    (the first-named participant, the subject, takes part in each)."""
    found: list[_Engagement] = []
    lead: tuple[list[Participant], list[Evidence]] | None = None
    for anchor in _anchors.find_anchors(doc):
        participants, mentioned, evidence = _people_of(doc, anchor, index)
        if anchor.ordinal == 0:
            lead = (participants, evidence)
        elif lead is not None:
            people = (participants, mentioned, evidence)
            participants, evidence = _with_protagonist(doc, anchor, people, lead)
            taking_part = {p.name for p in participants}
            mentioned = [p for p in mentioned if p.name not in taking_part]
        separate = anchor.start >= 0 and _SEPARATE.search(doc.text, anchor.start, anchor.end)
        if separate and anchor.event_type in {"call", "meeting"} and len(participants) >= 3:
            subject, counterparts = participants[0], participants[1:]
            for number, counterpart in enumerate(counterparts):
                split = dataclasses.replace(anchor, ordinal=anchor.ordinal + number)
                found.append((split, [subject, counterpart], mentioned, evidence))
            continue
        found.append((anchor, participants, mentioned, evidence))
    return found


def _surname(person: Participant) -> str:
    parts = person.name.split()
    return parts[-1] if parts else person.name


def _evidence_of(doc: Document, person: Participant, evidence: list[Evidence]) -> list[Evidence]:
    """The participant evidence spans that show `person`'s surname."""
    surname = _surname(person)
    found = []
    for ev in evidence:
        source = (doc.title or "") if ev.field.startswith("title:") else doc.text
        if ev.field.endswith("participants") and surname in source[ev.start : ev.end]:
            found.append(ev)
    return found


def _chose(evidence: Evidence) -> bool:
    """Evidence of why a person took part (not of how the name was found)."""
    return evidence.rule.startswith("participant.")


def _with_protagonist(
    doc: Document,
    anchor: EventAnchor,
    people: tuple[list[Participant], list[Participant], list[Evidence]],
    lead: tuple[list[Participant], list[Evidence]],
) -> tuple[list[Participant], list[Evidence]]:
    """A later engagement whose subject is unnamed is the primary's people's: "He met X" or "the
    Secretary General met with X" adds the primary's first participant, "the two leaders" all."""
    participants, mentioned, evidence = people
    primary_people, lead_evidence = lead
    if anchor.trigger_start < 0 or not primary_people:
        return participants, evidence  # no trigger to split at
    subject = doc.text[anchor.start : anchor.trigger_start]
    if any(_surname(p) in subject for p in participants + mentioned):
        return participants, evidence  # the sentence names its own subject
    joiners = primary_people if _GROUP_SUBJECT.search(subject) else primary_people[:1]
    known = {_surname(p) for p in participants}
    added = [p for p in joiners if _surname(p) not in known]
    support = [
        dataclasses.replace(e, rule="participant.protagonist") if _chose(e) else e
        for p in added
        for e in _evidence_of(doc, p, lead_evidence)
    ]
    if not support:
        return participants, evidence
    return [*added, *participants], [*support, *evidence]


# A subject that stands for everyone in the primary event: "the two leaders", "both sides", "They".
_GROUP_SUBJECT = re.compile(
    r"\b(?:the\s+(?:two|three|four)|both)\s+(?:[\w-]+\s+){0,2}(?:leaders|sides|heads|ministers"
    r"|presidents|delegations|countries|counterparts|secretaries)\b|\bThey\b|\bthe\s+leaders\b",
    re.IGNORECASE,
)


_SAME_KIND: dict[str, str] = {"meeting": "meet", "conference": "meet", "call": "call"}


def _restates_primary(
    primary: EventRecord, anchor: EventAnchor, people: list[Participant], day: date | None
) -> bool:
    """A later sentence about the same kind of engagement between the same people on the same
    day ("Opening the meeting, the Secretary General welcomed ...") is the primary told again.
    A trip's meetings are kept: they are the trip's parts, not the trip."""
    if primary.event_type == "visit":
        return False
    kind = _SAME_KIND.get(anchor.event_type)
    if kind is None or kind != _SAME_KIND.get(primary.event_type):
        return False
    if day is not None and primary.event_date is not None and day != primary.event_date:
        return False
    return {_surname(p) for p in people} == {_surname(p) for p in primary.participants}


def extract(document: Document) -> list[EventRecord]:
    """Event records of `document`: the headline's event first (`is_primary`), then others.

    A secondary engagement is kept only when its named people took part (`_MIN_PARTICIPANTS`:
    an unnamed counterpart is not an event a reader can use); its facts are those of its sentence.
    """
    doc = document
    spans = sentences(doc.text)
    published = _dates.published_date(doc.published, doc.published_at)
    published_at = _published_at(doc)
    index = _people.find_people(doc)
    facts = _facts_of(doc)
    records: list[EventRecord] = []
    primary_day: tuple[date | None, str, list[Evidence]] | None = None
    for anchor, participants, mentioned, people_evidence in _engagements(doc, index):
        if anchor.ordinal > 0 and len(participants) < _MIN_PARTICIPANTS[anchor.event_type]:
            continue
        day, basis, date_evidence = _date_fields(doc, anchor, published, spans)
        scoped = facts if anchor.ordinal == 0 else facts.within(anchor.start, anchor.end)
        fields = _fact_fields(scoped, participants + mentioned)
        evidence = _type_evidence(doc, anchor)
        if anchor.ordinal > 0 and _restates_primary(records[0], anchor, participants, day):
            continue
        if anchor.ordinal == 0:
            primary_day = (day, basis, date_evidence)
        elif (
            basis == "none"
            and primary_day is not None
            and records[0].event_type != "visit"
            and not _dates.told_as_another_time(doc.text, anchor.start, anchor.end)
        ):
            # a release about one day's engagements: an undated later one shares the primary's day
            # (not one told as coming or past: "President Biden's upcoming visit")
            day, basis, date_evidence = primary_day
        where = _places.locate_event(doc, anchor, participants)
        evidence += date_evidence + list(where.evidence) + people_evidence + fields.pop("evidence")
        ordinal = len(records)
        records.append(
            EventRecord(
                event_id=event_id_of(doc.doc_id, ordinal, anchor.event_type),
                doc_id=doc.doc_id,
                is_primary=ordinal == 0,
                event_type=anchor.event_type,
                extractor_version=EXTRACTOR_VERSION,
                source_id=doc.source_id,
                source_url=doc.url,
                title=doc.title,
                published_at=published_at,
                cameo_code=anchor.cameo_code,
                event_date=day,
                date_basis=basis,
                location_name=where.location_name,
                city=where.city,
                country_code=where.country_code,
                latitude=where.latitude,
                longitude=where.longitude,
                participants=tuple(participants),
                mentioned_people=tuple(mentioned),
                evidence=tuple(evidence),
                confidence=0.0,  # scored below, from the finished record
                content_hash=doc.content_hash,
                is_text_cut=doc.is_text_cut,
                **fields,
            )
        )
    return [dataclasses.replace(r, confidence=_confidence.score(r)) for r in records]
