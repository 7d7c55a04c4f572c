"""Who took part in an event: the people named where the event is told."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from itertools import pairwise

from ingest.extract import gazetteer as gz
from ingest.extract.people.affiliation import _COUNTERPART, OWN_PHRASE_RULE
from ingest.extract.people.affiliation_ranking import (
    RANKED_RULE,
    choose,
    document_counts,
    offers,
)
from ingest.extract.people.coreference import _content_tokens
from ingest.extract.people.index import Mention, PeopleIndex, Person
from ingest.extract.people.lists import list_end
from ingest.extract.people.patterns import pattern
from ingest.extract.people.ranking import Candidate, RuleChoice, candidates, decide
from ingest.extract.required_words import search_needing
from ingest.extract.text import EventAnchor, sentences
from ingest.records import Document, Evidence, NameStatus, Participant, Role

_TURN = pattern("participants.turn_to_topic")
_CLAUSE_END = pattern("participants.clause_end")
_ENGAGE = pattern("participants.engage")
_ATTEND = pattern("participants.attend")
# A relative clause describes something else: "the Commission, which is co-chaired by ...".
_ASIDE_OPEN = pattern("participants.aside_open")
_FIRST_PERSON = pattern("participants.first_person")
_STATEMENT_BY = pattern("participants.statement_by")
_STATEMENT_VERB = pattern("participants.statement_verb")
_CALL_VERB = pattern("participants.call_verb")
_ATTENDED_BY = pattern("participants.attended_by")
# Signatories take part in a signing; at a meeting they may be officials signing on the side.
_SIGNED_BY = pattern("participants.signed_by")
# A principal someone stands in for is not there: "On behalf of President X, the Minister ...".
_ON_BEHALF = pattern("participants.on_behalf")
# A quotation closed and attributed: "...," said the Foreign Minister <name>.
_SAID_BEFORE = pattern("participants.said_before")


ISSUER_TYPES = frozenset({"statement"})


GATHERINGS = frozenset({"meeting", "conference", "signing"})


BYLINE_TYPES = frozenset({"statement", "other"})


def participants_for(
    index: PeopleIndex, anchor: EventAnchor, doc: Document
) -> tuple[list[Participant], list[Participant], list[Evidence]]:
    """(participants, mentioned people, evidence) of the anchor's event.

    The rules propose; for the primary event a learned model (`ranking`) then decides, over
    every person the release names, who took part: the rules' choice is one of its features.
    The affiliation model gives every event's participants their government, a later event's
    too (by default they took the publisher's: President Zelenskyy met in Kyiv served Ukraine).
    """
    choice = _rule_choice(index, anchor, doc)
    chosen, why = choice.chosen, choice.why
    affiliations: dict[int, str | None] = {}
    ranked: list[Evidence] = []
    if anchor.ordinal == 0:
        chosen, why = decide(candidates(index, anchor, doc, choice))
        # someone named only where a later sentence tells another engagement is only mentioned
        for pid in _of_another_occasion(index, doc, anchor, chosen):
            m = chosen.pop(pid)
            ranked.append(Evidence("mentioned_people", m.start, m.end, ANOTHER_OCCASION_RULE))
        # someone named only as the guest of a visit at another time is only mentioned
        for pid in _guests_of_another_visit(index, doc.text, chosen):
            m = chosen.pop(pid)
            ranked.append(Evidence("mentioned_people", m.start, m.end, ANOTHER_VISIT_RULE))
        # someone named only as the one holding the office at home stays behind
        for pid in _standing_in(index, doc.text, chosen):
            m = chosen.pop(pid)
            ranked.append(Evidence("mentioned_people", m.start, m.end, STANDING_IN_RULE))
    # the event's company the text lists ("accompanied by A and B") takes part beside the people
    # chosen: a list the model, which sees one person at a time, would thin out
    for pid, m in _company(index, doc.text, anchor, chosen).items():
        chosen.setdefault(pid, m)
        why.setdefault(pid, ATTENDANCE_LIST_RULE)
    # the items of a list whose punctuation the text spells out take part together
    for pid, m in _semicolon_list_members(index, doc.text, anchor, chosen).items():
        chosen.setdefault(pid, m)
        why.setdefault(pid, SEMICOLON_LIST_RULE)
    if chosen:
        counts = document_counts(doc)
        for pid in chosen:
            if index.people[pid].affiliation_rule in _LAYOUT_RULES:
                continue  # the page's layout says it; the model never saw such a cue
            affiliations[pid], evidence = choose(index, pid, offers(index, pid, doc, counts))
            ranked += evidence
    participants, mentioned, evidence = _people_lists(
        index, doc, chosen, why, choice.role, choice.present, affiliations
    )
    return participants, mentioned, evidence + ranked


ATTENDANCE_LIST_RULE = "participant.attendance_list"
SEMICOLON_LIST_RULE = "participant.semicolon_list"
ANOTHER_OCCASION_RULE = "participant.another_occasion"
ANOTHER_VISIT_RULE = "participant.visit_another_time"
STANDING_IN_RULE = "participant.standing_in"
# events that have company: a statement's people are its issuers, an `other` event's its actors
COMPANY_TYPES = frozenset({"meeting", "call", "visit", "conference", "signing"})


@dataclass(frozen=True)
class _AttendanceCues:
    """data/cues.toml's [[attendance]] section, compiled: the words a list of the event's company
    follows, the words it precedes, either (one scan that most releases end with), and the
    engagement a closing cue must name after it."""

    follows: re.Pattern[str]
    precedes: re.Pattern[str]
    either: re.Pattern[str]
    event_follows: re.Pattern[str]


@cache
def _attendance_cues() -> _AttendanceCues:
    data = gz._toml("cues.toml")
    entries = data["attendance"]
    follows = _written([form for entry in entries for form in entry.get("list_after", ())])
    precedes = _written([form for entry in entries for form in entry.get("list_before", ())])
    wanted = {cue for entry in entries for cue in entry.get("event_cues", ())}
    nouns = [form for cue in data["cue"] if cue["id"] in wanted for form in cue["forms"]]
    nouns += [noun for entry in entries for noun in entry.get("event_nouns", ())]
    return _AttendanceCues(
        gz.phrase_regex(follows),
        gz.phrase_regex(precedes),
        gz.phrase_regex(follows + precedes),
        # "the meeting", "this session", "the II Bi-national Cabinet meeting"
        re.compile(
            r"\s+(?:the|this)\s+(?:[\w’'-]+\s+){0,2}?" + gz.phrase_regex(nouns).pattern,
            re.IGNORECASE,
        ),
    )


def _written(forms: list[str]) -> list[str]:
    """The forms as a sentence may write them: as listed, and capitalised to open it. Matching
    them case-sensitively lets the engine skip to their first letters (three times faster over
    the corpus than one case-insensitive pattern)."""
    return forms + [form[:1].upper() + form[1:] for form in forms]


@cache
def _occasion_cues() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(the words opening another occasion, the words of a trip): cues.toml [[another_occasion]]."""
    entries = gz._toml("cues.toml")["another_occasion"]
    forms = [form for entry in entries for form in entry["forms"]]
    trips = [word for entry in entries for word in entry["trip_words"]]
    return _whole_words(forms), _whole_words(trips)


@cache
def _visit_at_another_time() -> re.Pattern[str]:
    """cues.toml [[visit_at_another_time]]: "the upcoming (official) visit (to X) of|by"."""
    times = [
        word for entry in gz._toml("cues.toml")["visit_at_another_time"] for word in entry["times"]
    ]
    return re.compile(
        rf"\b{gz.phrase_regex(times).pattern}\s+(?:[\w’'-]+\s+){{0,2}}?visits?\s+"
        r"(?:to\s+(?:the\s+)?[\w’'-]+(?:\s+[\w’'-]+)?\s+)?(?:of|by)\s+",
        re.IGNORECASE,
    )


# where the guest's noun phrase ends: the visit's destination, a clause break
_GUEST_ENDS = re.compile(r"\s+to\s+|[;:()]|\.(?:\s|$)")
_GUEST_READ = 160  # characters read for the guest's name and office after "of" / "by"


def _guests_of_another_visit(
    index: PeopleIndex, text: str, chosen: dict[int, Mention]
) -> list[int]:
    """The people chosen who are named in the body only as the guest of a visit set at another
    time ("preparations for the upcoming official visit of ..., Yerzhan Kosherbayev"), and never
    in the headline."""
    pattern = _visit_at_another_time()
    spans = []
    for match in pattern.finditer(text):
        stop = _GUEST_ENDS.search(text, match.end(), match.end() + _GUEST_READ)
        spans.append((match.end(), stop.start() if stop else match.end() + _GUEST_READ))
    if not spans:
        return []  # most releases
    return _named_only_within(index, chosen, spans)


def _named_only_within(
    index: PeopleIndex, chosen: dict[int, Mention], spans: list[tuple[int, int]]
) -> list[int]:
    """The people chosen whose every mention lies inside one of spans, none in the headline."""
    named: dict[int, list[Mention]] = {}
    for m in index.mentions:
        if m.person in chosen:
            named.setdefault(m.person, []).append(m)
    return [
        pid
        for pid, mentions in named.items()
        if all(not m.in_title and any(a <= m.start < b for a, b in spans) for m in mentions)
    ]


@cache
def _standing_in_cue() -> re.Pattern[str]:
    """cues.toml [[standing_in]]: "will act as", "will be Acting" (whole words, any case)."""
    return _whole_words(
        [f for entry in gz._toml("cues.toml")["standing_in"] for f in entry["forms"]]
    )


def _standing_in(index: PeopleIndex, text: str, chosen: dict[int, Mention]) -> list[int]:
    """The people chosen who are named only before a standing-in cue of their sentence ("Deputy
    Prime Minister Hon. John Rosso will be Acting Prime Minister during this period"), never in
    the headline: they hold the office at home while the event takes place."""
    cue = _standing_in_cue()
    if not cue.search(text):
        return []  # most releases
    spans = []
    for s, e in sentences(text):
        match = cue.search(text, s, e)
        if match is not None:
            spans.append((s, match.start()))
    return _named_only_within(index, chosen, spans)


def _whole_words(phrases: list[str]) -> re.Pattern[str]:
    """Any of `phrases` as whole words, case-insensitive ("later", never "collateral")."""
    return re.compile(r"\b" + gz.phrase_regex(phrases).pattern, re.IGNORECASE)


def _of_another_occasion(
    index: PeopleIndex, doc: Document, anchor: EventAnchor, chosen: dict[int, Mention]
) -> list[int]:
    """The people chosen for a meeting or a call who are named only in later sentences that
    tell another engagement: an engagement word after an occasion word ("also met", "In
    addition, ... held talks with", "her recent meeting with"), both before the name. Nobody
    named in the headline or in the event's own sentence; nothing for a release telling a trip."""
    if anchor.event_type not in {"meeting", "call"} or anchor.start < 0:
        return []
    later: dict[int, list[Mention]] = {}  # the people named after the event's sentence only
    for m in index.mentions:
        if m.person in chosen:
            later.setdefault(m.person, []).append(m)
    for pid, mentions in list(later.items()):
        if any(m.in_title or m.start < anchor.end for m in mentions):
            del later[pid]
    if not later:
        return []  # most releases: no regex runs
    text = doc.text
    occasion, trip = _occasion_cues()
    if trip.search(text) or trip.search(doc.title or ""):
        return []
    spans = sentences(text)
    return [
        pid
        for pid, mentions in later.items()
        if all(_told_as_another(text, spans, anchor, m, occasion) for m in mentions)
    ]


def _told_as_another(
    text: str,
    spans: list[tuple[int, int]],
    anchor: EventAnchor,
    m: Mention,
    occasion: re.Pattern[str],
) -> bool:
    """Whether the sentence naming `m`, after the event's, tells another engagement before it."""
    s = next((s for s, e in spans if s <= m.start < e), -1)
    if s < anchor.end:
        return False
    shift = occasion.search(text, s, m.start)
    return shift is not None and _ENGAGE.search(text, s, m.start) is not None


def _company(
    index: PeopleIndex, text: str, anchor: EventAnchor, chosen: dict[int, Mention]
) -> dict[int, Mention]:
    """The people an attendance list names as the event's company: "X, accompanied by A and B",
    "the delegation, comprising A, B and C", "A and B also took part in the meeting". The
    primary event's lists may stand anywhere after its sentence; a later event's only in its own
    sentence. A list after its cue belongs to the event only when everyone named before the cue
    takes part (the principal it accompanies) or nobody is ("The meeting was attended by")."""
    if anchor.event_type not in COMPANY_TYPES:
        return {}
    start = max(anchor.start, 0)
    limit = len(text) if anchor.ordinal == 0 else max(anchor.end, 0)
    cues = _attendance_cues()
    if not any(_starts_word(text, hit) for hit in cues.either.finditer(text, start, limit)):
        return {}  # most releases: no sentence is split
    company: dict[int, Mention] = {}
    spans = [(s, e) for s, e in sentences(text[:limit]) if s >= start]
    for s, e, cue in _cue_sentences(cues.follows, text, spans):
        principals = [m for m in index.mentions if not m.in_title and s <= m.start < cue.start()]
        if any(m.person not in chosen for m in principals):
            continue  # someone else's company: "President X, accompanied by Y, will visit"
        turn = _TURN.search(text, cue.end(), e)
        end = list_end(text, cue.end(), turn.start() if turn else e)
        _listed_people(index, text, cue.end(), end, company)
    for s, _, cue in _cue_sentences(cues.precedes, text, spans):
        if cues.event_follows.match(text, cue.end()):
            _listed_people(index, text, s, cue.start(), company)
    return company


_LIST_ITEMS_MIN = 3  # items a sentence's semicolons make before they are taken as one list
# words of an item that no title or name explains: a clause's verb and objects, not a list item
_ITEM_FREE_WORDS = 2
_ITEM_WORD = re.compile(r"(?<![\w’'-])[a-z][\w’'-]*")
_ITEM_LEAD = re.compile(r"\s*(?:and|as well as)\s+")


def _semicolon_list_members(
    index: PeopleIndex, text: str, anchor: EventAnchor, chosen: dict[int, Mention]
) -> dict[int, Mention]:
    """The other people of a list one participant is an item of, when semicolons split the
    sentence into three items or more, each naming one person with their office ("Presenting
    their letters of credence were Archbishop H.E. A, non-resident ambassador of the Holy See;
    H.E. Mr. B, non-resident ambassador of the Arab Republic of Egypt; ... and H.E. Mr. E"):
    the items share their role, which the participant model, reading one person at a time,
    decides for some of them only."""
    if anchor.event_type not in COMPANY_TYPES or not chosen or ";" not in text:
        return {}
    body = [m for m in index.mentions if not m.in_title and not m.possessive]
    found: dict[int, Mention] = {}
    for s, e in sentences(text):
        if text.count(";", s, e) < _LIST_ITEMS_MIN - 1:
            continue
        cuts = [s - 1, *(i for i in range(s, e) if text[i] == ";"), e]
        members: list[Mention] = []
        for k, (a, b) in enumerate(pairwise(cuts)):
            named = [m for m in body if a < m.start < b]
            if not named:
                break  # an item naming no one: not a list of people
            # the first item holds the sentence's lead ("Presenting ... were"): its last person
            item = named[-1] if k == 0 else named[0]
            if k > 0 and not _list_item(text, a + 1, b, index, named):
                break
            members.append(item)
        else:
            if any(m.person in chosen for m in members):
                for m in members:
                    found.setdefault(m.person, m)
    return {pid: m for pid, m in found.items() if pid not in chosen}


def _list_item(text: str, start: int, end: int, index: PeopleIndex, named: list[Mention]) -> bool:
    """Whether text[start:end] reads as one list item: one person with their office, no clause
    (at most a couple of lower-case words that are not office words)."""
    if len({m.person for m in named}) > 1:
        return False
    lead = _ITEM_LEAD.match(text, start)
    item = text[lead.end() if lead else start : end]
    free = [
        w
        for w in _ITEM_WORD.findall(item)
        if w not in _ITEM_JOINERS and gz.fold(w) not in gz.office_words().words
    ]
    return len(free) <= _ITEM_FREE_WORDS


_ITEM_JOINERS = frozenset({"of", "for", "and", "the", "to", "in", "at", "on", "de"})


def _starts_word(text: str, match: re.Match[str]) -> bool:
    return match.start() == 0 or not text[match.start() - 1].isalnum()


def _cue_sentences(
    pattern: re.Pattern[str], text: str, spans: list[tuple[int, int]]
) -> list[tuple[int, int, re.Match[str]]]:
    """The sentences among `spans` holding a whole-word match of `pattern`, with the first."""
    found = []
    for s, e in spans:
        match = next((m for m in pattern.finditer(text, s, e) if _starts_word(text, m)), None)
        if match is not None:
            found.append((s, e, match))
    return found


def _listed_people(
    index: PeopleIndex, text: str, start: int, end: int, found: dict[int, Mention]
) -> None:
    """The people named in text[start:end] as themselves, not as someone's ("X's adviser") nor
    as the one someone stands in for."""
    for m in index.mentions:
        if m.in_title or not start <= m.start < end or m.person in index.attribution:
            continue
        if m.possessive or _ON_BEHALF.search(text, max(start, m.start - 60), m.start):
            continue
        found.setdefault(m.person, m)


def candidates_for(index: PeopleIndex, anchor: EventAnchor, doc: Document) -> list[Candidate]:
    """Every person of `index` described for the participant model (fitting and evaluation)."""
    return candidates(index, anchor, doc, _rule_choice(index, anchor, doc))


def _rule_choice(index: PeopleIndex, anchor: EventAnchor, doc: Document) -> RuleChoice:
    """Who the participant rules choose for the anchor's event, and by which rule."""
    chosen: dict[int, Mention] = {}
    why: dict[int, str] = {}  # the rule that chose each person
    role: dict[int, Role] = {}
    text = doc.text
    if anchor.event_type in BYLINE_TYPES or anchor.event_type in ISSUER_TYPES:
        for m in index.mentions:
            if index.people[m.person].byline and not m.in_title:
                chosen.setdefault(m.person, m)
                role[m.person] = "issuer"
        _credit(chosen, why, "participant.byline_issuer")
    if anchor.in_title or anchor.ordinal == 0:
        for m in index.mentions:
            if m.in_title and not _title_mention_excluded(doc.title or "", m):
                chosen.setdefault(m.person, m)
        _credit(chosen, why, "participant.headline")
    if anchor.start >= 0:
        _from_clause(index, text, anchor.start, anchor.end, anchor, chosen)
        _credit(chosen, why, "participant.event_clause")
        _from_antecedent(index, text, anchor, chosen)
        _credit(chosen, why, "participant.antecedent")
        _from_joined_subject(index, text, anchor, chosen)
        _credit(chosen, why, "participant.joined_subject")
        if not any(not m.in_title for m in chosen.values()) and anchor.event_type in GATHERINGS:
            # "The summit took place in Tokyo. The EU was represented by ...": the next sentences
            for s, e in _following(text, anchor.end, 2):
                _from_clause(index, text, s, e, anchor, chosen)
            _credit(chosen, why, "participant.following_sentences")
    if anchor.event_type == "visit" and anchor.ordinal == 0:
        # the whole text tells the release's own trip; a later visit ("X's planned visit to
        # Washington") is told in its sentence only, whose people the clause rules take
        for s, e in sentences(text):
            if search_needing(_ENGAGE, text, s, e):
                _from_engagements(index, text, s, e, chosen)
        _credit(chosen, why, "participant.trip_engagement")
        # "with his Austrian counterpart X", "he will meet with his counterpart X":
        # on a trip, the traveller's named counterpart is someone met
        for m in index.mentions:
            title = index.people[m.person].title
            if not m.in_title and title and gz.fold(title) in _COUNTERPART:
                chosen.setdefault(m.person, m)
        _credit(chosen, why, "participant.trip_counterpart")
    elif (
        anchor.event_type == "meeting"
        and anchor.ordinal == 0
        and anchor.start >= 0
        and sum(not m.in_title for m in chosen.values()) == 1
    ):
        # "X met with Finnish authorities. He first met with President Y and ...": the
        # meeting's counterparts are named in the next sentences that tell it
        traveller = next(m for m in chosen.values() if not m.in_title)
        for s, e in sentences(text[: _paragraph_end(text, anchor.end, 3)]):
            if s >= anchor.end and _TOLD_AGAIN.match(text, s) and _ENGAGE.search(text, s, e):
                before = len(chosen)
                _from_engagements(index, text, s, e, chosen)
                if len(chosen) == before:
                    break
        _credit(chosen, why, "participant.told_again")
        chosen.setdefault(traveller.person, traveller)
    present = set(chosen)  # people found where the event is told, before attendance lists
    if anchor.event_type in GATHERINGS and anchor.start >= 0:
        # "The meeting was attended by X and Y", "The MoU was signed by X and Y", anywhere after
        cue = _SIGNED_BY if anchor.event_type == "signing" else _ATTENDED_BY
        if search_needing(cue, text, anchor.start):  # rare: split the text only then
            for s, e in sentences(text):
                if s >= anchor.start and cue.search(text, s, e):
                    _from_clause(index, text, s, e, anchor, chosen, turn=False)
        # "Leaders attending included ...", "Türkiye was represented by ...", "welcomed X to"
        limit = _paragraph_end(text, anchor.end, 2)
        for s, e, attend in _sentences_with(_ATTEND, text, anchor.start, limit):
            if not _ASIDE_OPEN.search(text, s, attend.start()):
                _from_clause(index, text, s, e, anchor, chosen, turn=False)
        _credit(chosen, why, "participant.attendance")
    if anchor.start >= 0 and _FIRST_PERSON.search(text, anchor.start, anchor.end):
        # "Today I will travel to Tonga": the byline's author is the traveller
        for m in index.mentions:
            if index.people[m.person].byline and not m.in_title:
                chosen.setdefault(m.person, m)
        _credit(chosen, why, "participant.first_person")
    if anchor.event_type in ISSUER_TYPES:
        title = doc.title or ""
        chosen = {
            p: m
            for p, m in chosen.items()
            if role.get(p) == "issuer"
            or (m.in_title and _STATEMENT_BY.search(title[: m.start]) is not None)
            or (not m.in_title and _issues(text, m))
        }
        speaker = next((m for m in index.mentions if _quoted_speaker(text, m)), None)
        if speaker is not None and not chosen:
            # "'...,' said Minister of Foreign Affairs X": the official the statement quotes
            chosen[speaker.person] = speaker
            why[speaker.person] = "participant.quoted_speaker"
    if anchor.event_type == "call" and anchor.start >= 0:
        verb = _CALL_VERB.search(text, anchor.start, anchor.end)
        before = verb.start() if verb else anchor.start
        caller = next((m for m in index.mentions if anchor.start <= m.start < before), None)
        if caller is not None and caller.person in chosen:
            role[caller.person] = "caller"
    return RuleChoice(chosen, why, role, frozenset(present))


def _people_lists(
    index: PeopleIndex,
    doc: Document,
    chosen: dict[int, Mention],
    why: dict[int, str],
    role: dict[int, Role],
    present: frozenset[int],
    affiliations: dict[int, str | None],
) -> tuple[list[Participant], list[Participant], list[Evidence]]:
    """The chosen people as participants (the event's own first), the rest as mentioned."""
    text = doc.text
    participants: list[Participant] = []
    evidence: list[Evidence] = []
    # the event's own people first (a later engagement's unnamed subject is the first of them)
    ordered = sorted(
        chosen.items(), key=lambda kv: (kv[0] not in present, kv[1].in_title, kv[1].start)
    )
    for pid, m in ordered:
        person = index.people[pid]
        status = _name_status(person, (doc.title or "") if m.in_title else text, m)
        affiliation = affiliations.get(pid, person.affiliation)
        participants.append(
            Participant(
                person.name,
                _written_office(person.title),
                affiliation,
                role.get(pid),
                status,
                _affiliation_rule(person, affiliation),
            )
        )
        field_name = "title:participants" if m.in_title else "participants"
        evidence.append(Evidence(field_name, m.start, m.end, why[pid]))
        if m.via:  # "the Foreign Minister": the back reference that stands for the name
            evidence.append(Evidence(field_name, m.start, m.end, m.via))
        evidence += _found_evidence(person, "participants")
    mentioned: list[Participant] = []
    for pid, person in enumerate(index.people):
        if pid in chosen:
            continue
        if not any(m.person == pid for m in index.mentions):
            continue
        named: NameStatus = "surname_only" if _single_name(person) else "full"
        mentioned.append(
            Participant(
                person.name,
                _written_office(person.title),
                person.affiliation,
                None,
                named,
                _affiliation_rule(person, person.affiliation),
            )
        )
        evidence += _found_evidence(person, "mentioned_people")
    return participants, mentioned, evidence


# affiliations a list's layout settles (a country heading over its signatories), or the office
# phrase beside the name: the model, which weighs the whole release's countries, never saw them
_LAYOUT_RULES = frozenset({"affiliation.country_heading", OWN_PHRASE_RULE})


def _affiliation_rule(person: Person, affiliation: str | None) -> str | None:
    """The rule behind a participant's affiliation: the people stage's, or the affiliation
    model's when it chose another country than the rules."""
    if affiliation is None:
        return None
    if affiliation != person.affiliation:
        return RANKED_RULE
    return person.affiliation_rule or None


def _written_office(title: str | None) -> str | None:
    """The title a record shows: "his Estonian counterpart Kaja Kallas" names no office (the
    people stage keeps "counterpart" as a cue to the person's country)."""
    return None if title is not None and title.lower() in _COUNTERPART else title


def _single_name(person: Person) -> bool:
    """A person known by one name only: nothing in the document gives the full name. An
    initial counts as a given name ("S. Jaishankar" is no lone surname)."""
    initials = sum(1 for t in person.tokens if len(t.rstrip(".")) == 1 and t[:1].isalpha())
    return len(_content_tokens(person.tokens)) + min(initials, 1) < 2


def _name_status(person: Person, source: str, m: Mention) -> NameStatus:
    """ "full" when the mention that shows the person writes the whole name, "resolved" when it
    is a short form ("Secretary Blinken") of a full name given elsewhere in the document."""
    if _single_name(person):
        return "surname_only"
    if m.via:
        return "resolved"
    written = source[m.start : m.end].split()
    return "resolved" if len(written) < len(person.name.split()) else "full"


def _credit(chosen: dict[int, Mention], why: dict[int, str], rule: str) -> None:
    """Name `rule` as the reason for the people chosen since the last credit."""
    for pid in chosen:
        why.setdefault(pid, rule)


def _found_evidence(person: Person, field_name: str) -> list[Evidence]:
    """Where the person was found as a person, and by which rule."""
    found = person.found_at
    if found is None:
        return []
    prefix = "title:" if found.in_title else ""
    return [Evidence(prefix + field_name, found.start, found.end, person.rule)]


_BLANK_LINE = re.compile(r"\n\s*\n")


def _sentences_with(
    pattern: re.Pattern[str], text: str, start: int, limit: int
) -> list[tuple[int, int, re.Match[str]]]:
    """The sentences of text[:limit] that start at `start` or later and hold a match of
    `pattern`, with the first match. A sentence ends before a space or at `limit`, so a pattern
    with no look-around but word boundaries that matches inside a sentence also matches in
    text[start:limit]: when that one scan finds nothing, no sentence is split or searched."""
    if search_needing(pattern, text, start, limit) is None:
        return []
    found = []
    for s, e in sentences(text[:limit]):
        match = pattern.search(text, s, e) if s >= start else None
        if match is not None:
            found.append((s, e, match))
    return found


def _paragraph_end(text: str, offset: int, paragraphs: int) -> int:
    """End of the paragraph holding `offset` (paragraphs=1) or of the paragraphs after it."""
    end = offset
    for _ in range(paragraphs):
        found = _BLANK_LINE.search(text, end + 1)
        if found is None:
            return len(text)
        end = found.start()
    return end


# a sentence continuing the traveller's account: "He also met", "Mr. X first met", "The Minister"
_TOLD_AGAIN = pattern("participants.told_again")


def _following(text: str, offset: int, count: int) -> list[tuple[int, int]]:
    """Up to `count` sentences after `offset` within the same paragraph."""
    paragraph_end = text.find("\n", offset)
    paragraph_end = len(text) if paragraph_end < 0 else paragraph_end
    return [(s, e) for s, e in sentences(text[:paragraph_end]) if s >= offset][:count]


def _title_mention_excluded(title: str, m: Mention) -> bool:
    """ "... Commending President Biden's Leadership": a possessive not naming an engagement."""
    if not m.possessive:
        return False
    after = title[m.end : m.end + 40].lower()
    return not re.match(
        r"(?:’s|'s)\s+(?:\w+\s+){0,2}(?:call|meeting|visit|travel|trip|talks|remarks|statement|"
        r"participation|interview|calls|meetings|engagement|conversation|discussion|attendance|"
        r"press|joint|bilateral|phone|video|telephone|virtual|delegation)",
        after,
    )


def _from_clause(
    index: PeopleIndex,
    text: str,
    start: int,
    end: int,
    anchor: EventAnchor,
    chosen: dict[int, Mention],
    *,
    turn: bool = True,
) -> None:
    """People named in the event's sentence before it turns to its topics."""
    limit = end
    # a later event's cue may itself follow a topic word ("to discuss her recent meeting with
    # X"): its topics begin after the cue
    topic_from = start
    if anchor.ordinal > 0 and start <= anchor.trigger_start < end:
        topic_from = anchor.trigger_start
    topic = _TURN.search(text, topic_from, end)
    if topic and turn and anchor.event_type != "visit":
        limit = topic.start()
    for m in index.mentions:
        if m.in_title or not start <= m.start < limit:
            continue
        if m.person in index.attribution and anchor.event_type not in ISSUER_TYPES:
            continue
        if m.possessive and not _possessive_engagement(text, m):
            continue
        if _ON_BEHALF.search(text, max(start, m.start - 60), m.start):
            continue
        chosen.setdefault(m.person, m)


# The event's sentence opens on a pronoun or "the two leaders": its subject was named just before
_ANAPHORIC_SUBJECT = pattern("participants.anaphoric_subject")


def _from_antecedent(
    index: PeopleIndex, text: str, anchor: EventAnchor, chosen: dict[int, Mention]
) -> None:
    """ "President X has told a visiting delegation ... He made the remarks in a meeting with
    Y": a pronoun subject (or "the two leaders") is the person (people) the sentence before
    opened with."""
    subject = _ANAPHORIC_SUBJECT.match(text, anchor.start)
    if subject is None:
        return
    previous = [(s, e) for s, e in sentences(text[: anchor.start]) if e <= anchor.start]
    if not previous:
        return
    s, e = previous[-1]
    wanted = 1 if subject.group("one") else 2
    found: list[Mention] = []
    for m in index.mentions:
        if m.in_title or not s <= m.start < e or any(f.person == m.person for f in found):
            continue
        if m.person in index.attribution or (m.possessive and not _possessive_engagement(text, m)):
            continue
        if _ON_BEHALF.search(text, max(s, m.start - 60), m.start):
            continue
        found.append(m)
        if len(found) == wanted:
            break
    for m in found:
        chosen.setdefault(m.person, m)


_AND_JOINED = pattern("participants.and_joined")


def _from_joined_subject(
    index: PeopleIndex, text: str, anchor: EventAnchor, chosen: dict[int, Mention]
) -> None:
    """ "X met Y. The two Prime Ministers and Minister Z discussed ...": the sentence after the
    event's, opening on the two of them and someone more, adds those named before its topic."""
    if anchor.event_type not in GATHERINGS:
        return
    opening = _ANAPHORIC_SUBJECT.match(text, anchor.end)  # cheap test before any splitting
    if opening is None or opening.group("two") is None:
        return
    following = _following(text, anchor.end, 1)
    if not following:
        return
    s, e = following[0]
    subject = _ANAPHORIC_SUBJECT.match(text, s)
    if (
        subject is None
        or subject.group("two") is None
        or not _AND_JOINED.match(text, subject.end())
    ):
        return
    topic = _TURN.search(text, subject.end(), e)
    if topic is not None:
        _from_clause(index, text, subject.end(), topic.start(), anchor, chosen)


def _possessive_engagement(text: str, m: Mention) -> bool:
    return bool(
        re.match(
            r"(?:’s|'s)\s+(?:\w+\s+){0,2}(?:call|meeting|visit|travel|trip|talks|delegation)",
            text[m.end : m.end + 40],
        )
    )


def _from_engagements(
    index: PeopleIndex, text: str, start: int, end: int, chosen: dict[int, Mention]
) -> None:
    """On a trip: everyone named as met, hosting, joining or accompanying the traveller."""
    for engage in _ENGAGE.finditer(text, start, end):
        stop = _CLAUSE_END.search(text, engage.end(), end)
        limit = stop.start() if stop else end
        turn = _TURN.search(text, engage.end(), limit)
        limit = turn.start() if turn else limit
        subject_from = start
        for m in index.mentions:
            if m.in_title or m.person in index.attribution:
                continue
            if subject_from <= m.start < limit and not (m.possessive and m.start < engage.start()):
                if _quote_attribution(text, m) or _ON_BEHALF.search(text, m.start - 60, m.start):
                    continue
                chosen.setdefault(m.person, m)


def _quote_attribution(text: str, m: Mention) -> bool:
    """ "– President Joseph R. Biden, February 14, 2021": the author of an epigraph."""
    line_start = text.rfind("\n", 0, m.start) + 1
    return bool(re.match(r"\s*[–—-]", text[line_start : m.start]))


def _issues(text: str, m: Mention) -> bool:
    return bool(_STATEMENT_VERB.match(text[m.end : m.end + 100]))


def _quoted_speaker(text: str, m: Mention) -> bool:
    return not m.in_title and bool(_SAID_BEFORE.search(text, max(0, m.start - 90), m.start))
