"""Event anchors: what kind of engagement a release reports, from its headline and lead, and where.

The headline decides the primary event (rules tried in registry order, first match wins); when it
names no engagement, the lead sentences decide; when they do not either, the release is a
`statement`. Body sentences that report further engagements become secondary anchors. Trigger
patterns and the event-type -> CAMEO mapping are data (`TITLE_RULES`, `BODY_RULES`, `CAMEO`).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from importlib import resources

from ingest.extract import gazetteer as _gazetteer
from ingest.extract.required_words import lowered_if_plain, may_hold, required_words
from ingest.extract.text import EventAnchor, sentences
from ingest.records import Document

__all__ = [
    "BODY_RULES",
    "CAMEO",
    "CUES",
    "LEAD_RULES",
    "TITLE_RULES",
    "content_sentences",
    "find_anchors",
]

# CAMEO verb codes per event type: consult (040), telephone (041), make a visit (042), meet at a
# third location (044, a multilateral gathering), sign formal agreement (057), statement (010).
CAMEO: dict[str, str] = {
    "meeting": "040",
    "call": "041",
    "visit": "042",
    "conference": "044",
    "signing": "057",
    "statement": "010",
    "other": "010",
}


@dataclass(frozen=True, slots=True)
class Rule:
    """One anchor rule of `data/cues.toml`: its id, the event type it signals, its pattern."""

    rule_id: str
    event_type: str
    pattern: re.Pattern[str]
    names_someone: bool = True  # a lead rule reads only the lead sentences that name someone
    # words one of which every match holds (`required_words`): most sentences hold none, and a
    # substring test rules them out at a fraction of the case-ignoring scan's cost
    needs: frozenset[str] | None = None

    def search(self, segment: str, lowered: str | None) -> re.Match[str] | None:
        """`pattern.search(segment)`, skipped when `lowered` (`lowered_if_plain(segment)`)
        holds none of the words the pattern needs."""
        return self.pattern.search(segment) if may_hold(self.needs, lowered) else None


_CUE_REF = re.compile(r"@([a-z_]+)")


def _cue_alternation(forms: list[str]) -> str:
    """A cue's forms as one group, longest first, spaces matching any run of white space."""
    ordered = sorted(set(forms), key=len, reverse=True)
    return "(?:" + "|".join(re.escape(f).replace(r"\ ", r"\s+") for f in ordered) + ")"


def _load_rules() -> tuple[
    dict[str, tuple[str, ...]],
    dict[str, str],
    tuple[Rule, ...],
    tuple[Rule, ...],
    tuple[Rule, ...],
    tuple[Rule, ...],
]:
    data = tomllib.loads(
        resources.files("ingest").joinpath("data", CUES_FILE).read_text(encoding="utf-8")
    )
    forms = {cue["id"]: tuple(cue["forms"]) for cue in data["cue"]}
    cues = {cue_id: _cue_alternation(list(written)) for cue_id, written in forms.items()}

    def expand(pattern: str) -> str:
        return _CUE_REF.sub(lambda m: cues[m.group(1)], pattern)

    def rules(section: str) -> tuple[Rule, ...]:
        compiled = (
            (entry, re.compile("|".join(expand(p) for p in entry["any"]), re.IGNORECASE))
            for entry in data[section]
        )
        return tuple(
            Rule(
                entry["id"],
                entry["event_type"],
                pattern,
                bool(entry.get("names_someone", True)),
                required_words(pattern),
            )
            for entry, pattern in compiled
        )

    return (
        forms,
        cues,
        rules("title_rule"),
        rules("body_rule"),
        rules("lead_rule"),
        rules("trip_rule"),
    )


CUES_FILE = "cues.toml"
# CUE_FORMS: cue id -> its forms as written; CUES: cue id -> its regex group; headline rules,
# most specific first (an explicit engagement with someone beats a genre word, a genre word beats
# the gathering it happened at); lead-sentence rules, used when the headline names no engagement
# (or there is no headline); the vocabulary read loosely, when no rule names an engagement; the
# trip nouns, read for the trip a later engagement belongs to.
CUE_FORMS, CUES, TITLE_RULES, BODY_RULES, LEAD_RULES, TRIP_NOUN_RULES = _load_rules()
# A headline's genre label before a colon says what kind of text it is, not what happened:
# "MFA Press Statement: Minister X's Meeting with Y" is typed by what follows the label.
_GENRE_LABEL = re.compile(
    r"^\s*(?:[\w.’'-]+\s+){0,4}?" + CUES["genre_label"] + r"\s*:\s*(?=\S)", re.IGNORECASE
)

# Lines that frame a release rather than report anything: bylines, attribution, "Begin text:".
# Three shapes, so that the costly comma shapes run only on lines that can be them.
_FRAME_LINE = re.compile(
    r"^(?:office\s+of\s+the\s+spokesperson|media\s+note|readout|fact\s+sheet"
    # a genre label, maybe numbered or with a date: "Press Release No. 173", "MEDIA ADVISORY"
    r"|(?:press|news|media)\s+(?:release|statement|advisory|note|communiqu[ée])\b[^\n]{0,80}"
    r"|[\d./-]{8,10}\.?|[*#=_-]{3,}"
    r"|the\s+(?:following|below)\s+is\s+attributable\b.*"
    r"|begin\s+text:?|end\s+text\.?|for\s+immediate\s+release)$",
    re.IGNORECASE,
)
# a signature: "Ned Price, Department Spokesperson"
_SIGNATURE_OFFICE = (
    r"(?:spokesperson|secretary(?:\s+of\s+state)?|minister|ambassador|envoy|president)\s*$"
)
_SIGNATURE_LINE = re.compile(
    r"^(?:[^\n]{0,80}?,\s+(?:[\w.’'-]+\s+){0,6}" + _SIGNATURE_OFFICE + ")", re.IGNORECASE
)
_SIGNATURE_END = re.compile(_SIGNATURE_OFFICE, re.IGNORECASE)  # what a signature must end with
# a dateline on its own line: "New Delhi, 05 March 2024", "Brussels, 03/04/2025"
_DATELINE = re.compile(
    r"^(?:(?:[A-Z][\w.’'-]*\s?){1,4}(?:,\s*[A-Z][\w.’'-]*(?:\s[A-Z][\w.’'-]*){0,3})?,\s*"
    r"(?:\d{1,2}\s+[A-Z][a-z]+\.?\s+\d{4}|[A-Z][a-z]+\.?\s+\d{1,2},?\s+\d{4}|\d{1,2}[/.]\d{1,2}[/.]\d{4})"
    r"\s*[-–—:]?"
    # date first: "March 14, 2025 - Ottawa, Ontario - Global Affairs Canada"
    r"|(?:[A-Z][a-z]+\.?\s+\d{1,2},?\s+\d{4}|\d{1,2}\s+[A-Z][a-z]+\.?\s+\d{4})\s*[-–—]\s*"
    r"(?:(?-i:[A-Z])[\w’'-]*[\s,]*){1,6}(?:[-–—]\s*[^\n.]{0,80})?)$",
    re.IGNORECASE,
)
_YEAR = re.compile(r"\d{4}")  # every dateline date ends with one
# A byline or heading sentence: a few capitalised words (linking words allowed), no sentence
# end: "Rt Hon Winston Peters" / "Minister of Foreign Affairs" / "MEDIA STATEMENT" over the lead.
_HEADING_LINE = re.compile(
    r"(?:(?:[A-Z0-9\u00c0-\u00de][\w’'.&-]*,?|of|and|the|for|on|de|du|des|la|le|al|el)[ \t]*){1,8}"
    r"(?<![.!?:;])"
)
_HEADING_LINE_MAX = 90
_FRAME_LINE_MAX = 160  # framing lines are short; longer sentences are never tested
_TRANSCRIPT = re.compile(r"^(?:QUESTION|MODERATOR|[A-Z][A-Z.’' -]{2,40}):\s", re.MULTILINE)
_EPIGRAPH = re.compile(r"[\"“‘'–—-]")
_LEAD_SENTENCES = 3
_MAX_SECONDARY = 6
_OTHER_SCOPE = 12  # sentences of an 'other' release (speech, appointment) read for engagements
_SECONDARY_SCOPE = 80  # sentences: a long transcript's Q&A reports no engagements of its own


def content_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans of `text` without framing lines (bylines, attribution, 'Begin text')."""
    return [(s, e) for s, e in sentences(text) if not _is_frame_line(text, s, e)]


def _is_frame_line(text: str, start: int, end: int) -> bool:
    """A byline, attribution or dateline: a short sentence that is a whole line of its own."""
    if end - start > _FRAME_LINE_MAX:
        return False
    if (start > 0 and text[start - 1] != "\n") or (end < len(text) and text[end] != "\n"):
        return False
    line = text[start:end]
    if _FRAME_LINE.match(line) is not None:
        return True
    if "," not in line:
        return False  # signatures and datelines hold a comma
    if _SIGNATURE_END.search(line) is not None and _SIGNATURE_LINE.match(line) is not None:
        return True
    return _YEAR.search(line) is not None and _DATELINE.match(line) is not None


# A body that presents itself as a speech, in its first lines: "Speech by Minister X at the
# Riksdag", "Address by the President to ...", "Check against delivery".
_SPEECH_FRAME = re.compile(
    r"^[ \t]*(?:(?:keynote\s+)?(?:speech|address|statement|remarks|lecture)\s+by\b(?=[^\n]*\bat\b)"
    r"|(?:speech|address)\s+by\b|(?:check|to\s+be\s+checked)\s+against\s+delivery"
    r"|as\s+prepared\s+for\s+delivery)",
    re.IGNORECASE | re.MULTILINE,
)
_SPEECH_FRAME_SCOPE = 600

_LEAD = "lead"  # a headline rule whose match leaves the event type to the lead sentences
_TITLE_DEFAULT = "title.statement.default"  # the headline rule that matches any headline
_NO_CUE = "statement.no_cue"  # no headline and no lead sentence names an engagement


def _lead_sentences(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The first `_LEAD_SENTENCES` sentences that are neither an epigraph nor a byline line."""
    lead: list[tuple[int, int]] = []
    for start, end in spans:
        if len(lead) == _LEAD_SENTENCES:
            break
        if _EPIGRAPH.match(text, start) or _is_heading_line(text, start, end):
            continue
        lead.append((start, end))
    return lead


def _is_heading_line(text: str, start: int, end: int) -> bool:
    if end - start > _HEADING_LINE_MAX or text[end - 1] in ".!?:;":
        return False
    return _HEADING_LINE.fullmatch(text, start, end) is not None


def _title_rule(title: str) -> tuple[Rule | None, re.Match[str] | None]:
    """The first headline rule matching `title` (after a genre label), and its match. A
    statement's own label decides when what follows it names nothing else: "Joint statement:
    Norway and Mexico: A call for a coalition ..." is the statement, whatever its lead reports."""
    label = _GENRE_LABEL.match(title)
    if label is not None:
        title = title[label.end() :]
    lowered = lowered_if_plain(title)
    for rule in TITLE_RULES:
        match = rule.search(title, lowered)
        if match:
            if rule.rule_id == _TITLE_DEFAULT and label is not None:
                issued = _STATEMENT_LABEL.search(label.group(0))
                if issued is not None:
                    return _LABELED_STATEMENT, issued
            return rule, match
    return None, None


# A label that names the release a statement (not a readout's or a news item's label).
_STATEMENT_LABEL = re.compile(r"\b(?:statement|communiqu[ée]|declaration)\b", re.IGNORECASE)
_LABELED_STATEMENT = Rule("title.statement.label", "statement", _STATEMENT_LABEL)


# Sentences about history, not news: "Since our countries signed the Treaty in 1850".
_BACKGROUND = re.compile(
    r"^\s*(?:Since|For\s+(?:over|more\s+than)|Over\s+the\s+(?:past|last))\b"
    r"|\banniversary\b|\bcentur(?:y|ies)\b|\bdecades\b",
    re.IGNORECASE,
)
# An earlier engagement recalled, whatever the headline's kind: "it's just a few weeks since we
# met in New York. And today's meeting ...".
_RECALLED = re.compile(
    r"\bsince\s+(?:we|they|you|our|their|the\s+last)\b[^.;]{0,40}\b(?:met|meeting|spoke|visit)",
    re.IGNORECASE,
)


def _body_match(text: str, span: tuple[int, int], kind: str | None) -> Rule | None:
    """The first body rule (of `kind`, if given) matching the sentence at `span`."""
    segment = text[span[0] : span[1]]
    if kind is None and _BACKGROUND.search(segment):
        return None
    lowered = lowered_if_plain(segment)
    for rule in BODY_RULES:
        if kind is not None and rule.event_type != kind:
            continue
        if rule.search(segment, lowered):
            return None if _RECALLED.search(segment) else rule
    return None


def _anchor(
    kind: str,
    text: str,
    spans: list[tuple[int, int]],
    index: int,
    in_title: bool,
    ordinal: int,
    rule: Rule | None,
    rule_id: str | None = None,
) -> EventAnchor:
    start, end = spans[index] if index >= 0 else (-1, -1)
    trigger, t_start, t_end = "", -1, -1
    if rule is not None and index >= 0:
        match = rule.pattern.search(text, start, end)
        if match:
            trigger, t_start, t_end = match.group(0), match.start(), match.end()
    if rule_id is None:
        rule_id = rule.rule_id if rule is not None else ""
    return EventAnchor(
        kind, CAMEO[kind], start, end, in_title, trigger, index, ordinal, t_start, t_end, rule_id
    )


def _primary(doc: Document, spans: list[tuple[int, int]]) -> EventAnchor:
    text, title = doc.text, doc.title or ""
    title_rule, title_match = _title_rule(title) if title.strip() else (None, None)
    kind = "statement"
    if title_rule is not None and title_rule.event_type != _LEAD:
        kind = title_rule.event_type
        if title_rule.rule_id == _TITLE_DEFAULT:
            title_match = None
    else:
        title_match = None
    # an epigraph (a quotation and its "– attribution" line) is not the lead, nor a byline's
    # lines ("Rt Hon Winston Peters" / "Minister of Foreign Affairs")
    lead = _lead_sentences(text, spans)
    if kind == "statement" and spans:
        speech = _SPEECH_FRAME.search(text, 0, min(len(text), _SPEECH_FRAME_SCOPE))
        if speech is not None:
            # "Statement of Government Policy" delivered as "Speech by Minister X at ...": a speech
            index = next((i for i, sp in enumerate(spans) if sp[0] <= speech.start() < sp[1]), 0)
            return _anchor("other", text, spans, index, False, 0, None, "frame.speech")
    if title_match is not None and title_rule is not None:
        # the sentence that reports the headline's engagement, else the lead sentence
        for i, span in enumerate(spans[: _LEAD_SENTENCES + 3]):
            rule = _body_match(text, span, kind)
            if rule is not None:
                return _anchor(kind, text, spans, i, True, 0, rule, title_rule.rule_id)
        if kind == "meeting" and _TRANSCRIPT.search(text) is None:
            remote = _held_remotely(text, spans, lead)
            if remote is not None:
                return remote
        index = 0 if spans else -1
        return _anchor(kind, text, spans, index, True, 0, None, title_rule.rule_id)
    if _TRANSCRIPT.search(text):
        return _anchor("other", text, spans, 0 if spans else -1, False, 0, None, "frame.transcript")
    for span in lead:
        rule = _body_match(text, span, None)
        if rule is not None:
            return _anchor(rule.event_type, text, spans, spans.index(span), False, 0, rule)
    concluded = title_rule is not None and title_rule.event_type == "statement"
    if not concluded or title_rule is None or title_rule.rule_id == _TITLE_DEFAULT:
        engaged = _conferring(text, title, lead) or _vocabulary_anchor(text, spans, lead)
        if engaged is not None:
            return engaged
    fallback = title_rule.rule_id if title_rule is not None else _NO_CUE
    return _anchor("statement", text, spans, 0 if spans else -1, False, 0, None, fallback)


def _held_remotely(
    text: str, spans: list[tuple[int, int]], lead: list[tuple[int, int]]
) -> EventAnchor | None:
    """A headline's talks that the lead tells as held by phone or video and nowhere in person:
    "President Niinistö in talks with President Putin" / "... had a brief telephone conversation
    on Tuesday" is a call. The headline's word names an engagement, not its medium. (Not a
    transcript's talk: "we were just together ... on a video conference a few days ago".)"""
    for span in lead:
        i = spans.index(span)
        rule = _body_match(text, span, "call")
        # the medium named, not only a verb of talking ("talked today with Professor X")
        if rule is not None and _REMOTE.search(text, span[0], span[1]) is not None:
            return _anchor("call", text, spans, i, True, 0, rule, _HELD_REMOTELY)
    return None


_HELD_REMOTELY = "title.meeting.held_remotely"


# Two sides talking: a verb of conferring (data/cues.toml `confer`), and the medium when remote.
_CONFER = re.compile(r"\b" + CUES["confer"] + r"\b", re.IGNORECASE)
_REMOTE = re.compile(r"\b" + CUES["remote"] + r"\b", re.IGNORECASE)
# the other side named without its country: "his Turkish counterpart", "the two sides"
_OTHER_SIDE = re.compile(
    r"\b(?:counterparts?|(?:the\s+)?(?:two|both)\s+(?:sides|ministers|leaders|parties|delegations)"
    r"|interlocutors?)\b",
    re.IGNORECASE,
)


def _conferring(text: str, title: str, lead: list[tuple[int, int]]) -> EventAnchor | None:
    """An engagement no verb of the rules names: officials of two governments (or a government
    and an organisation) who discussed, exchanged views, held talks or agreed, in the headline or
    the lead sentences. A meeting, or a call when a phone or video medium is named. Two sides:
    two people named and a foreign country or organisation (the publisher's own government goes
    unnamed), or one named and "counterpart", "the two sides"."""
    sides = title + " " + " ".join(text[s:e] for s, e in lead)
    if _CONFER.search(sides) is None or _gazetteer.head_pattern().search(sides) is None:
        return None
    named = _people_named(sides)
    other_side = _OTHER_SIDE.search(sides) is not None
    if named < 1 or (named < 2 and not other_side):
        return None
    parties = {hit.key for hit in _gazetteer.country_hits(sides)}
    parties |= {hit.key for hit in _gazetteer.org_hits(sides)}
    if not parties and not other_side:
        return None
    kind = "call" if _REMOTE.search(sides) is not None else "meeting"
    # the sentence that tells who conferred, else the first that names the people
    for index, (start, end) in enumerate(lead):
        match = _CONFER.search(text, start, end)
        if match is not None and _people_named(text[start:end]):
            return EventAnchor(
                kind,
                CAMEO[kind],
                start,
                end,
                False,
                match.group(0),
                index,
                0,
                match.start(),
                match.end(),
                _CONFERRING,
            )
    index = next((i for i, (s, e) in enumerate(lead) if _people_named(text[s:e])), 0)
    start, end = lead[index] if lead else (-1, -1)
    return EventAnchor(
        kind, CAMEO[kind], start, end, not lead, "", index if lead else -1, 0, -1, -1, _CONFERRING
    )


# a run of capitalised words: "German Foreign Minister Frank-Walter Steinmeier"
_CAPITALISED_RUN = re.compile(r"\b[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*)*")


def _people_named(segment: str) -> int:
    """How many people `segment` names: the words of a capitalised run after its last office,
    institution or country word, two of them, or one after an office ("Minister Borg")."""
    words = _gazetteer.office_words()
    stop = words.words | words.not_names | words.institutions | words.honorifics
    count = 0
    for match in _CAPITALISED_RUN.finditer(segment):
        written = match.group(0).split()
        name: list[str] = []
        after_office = False
        for word in written:
            folded = _gazetteer.fold(word).rstrip(".")
            if word.isupper() or folded in stop or _gazetteer.lookup_country(word.rstrip("’'s")):
                name, after_office = [], folded in words.words
            else:
                name.append(word)
        if len(name) >= 2 or (name and after_office):
            count += 1
    return count


_CONFERRING = "lead.engagement.confer"
_CONFER_RULE = Rule(_CONFERRING, "meeting", _CONFER)


def _vocabulary_anchor(
    text: str, spans: list[tuple[int, int]], lead: list[tuple[int, int]]
) -> EventAnchor | None:
    """The engagement a lead sentence that names someone reports in the cue vocabulary's words
    when no stricter rule matched (`LEAD_RULES`, in precedence order), or None."""
    named = [span for span in lead if _people_named(text[span[0] : span[1]])]
    lowered = {span: lowered_if_plain(text[span[0] : span[1]]) for span in lead}
    for rule in LEAD_RULES:
        for span in named if rule.names_someone else lead:
            if may_hold(rule.needs, lowered[span]) and rule.pattern.search(text, span[0], span[1]):
                return _anchor(rule.event_type, text, spans, spans.index(span), False, 0, rule)
    return None


_SECONDARY_RULES = tuple(
    r for r in BODY_RULES if r.event_type in {"call", "meeting", "signing", "conference"}
)
# Inside a trip's own sentence only the engagements it frames count ("traveled ... for meetings").
_WITHIN_TRIP_RULES = tuple(r for r in _SECONDARY_RULES if r.event_type in {"meeting", "conference"})


# Every secondary rule needs one of these words; sentences without any are skipped. The
# engagement cues of data/cues.toml count too, so a new cue form needs no second edit here. One
# trie regex.
_HINT_WORDS = [
    *(
        "met meet meets meeting meetings call calls called spoke spoken speaks talked talks signed"
        " sign signing held hold hosted received welcomed participated participate took attended"
        " attend phone telephone telephoned telephonic telephonically videoconference"
        " videoconferencing conversation conversations courtesy dialogue consultations summit"
    ).split(),
    "video conference",
    "video conferencing",
    "video-conference",
]
_TRIGGER_HINT = re.compile(
    r"\b"
    + _gazetteer.phrase_regex(
        _HINT_WORDS
        + [f for c in ("meet", "host", "talks", "attend", "remote") for f in CUE_FORMS[c]]
    ).pattern,
    re.IGNORECASE,
)


def _secondary(
    doc: Document, spans: list[tuple[int, int]], primary: EventAnchor
) -> list[EventAnchor]:
    """Further engagements: sentences after the primary's that report a meeting, call, signing
    or gathering attended (and, for a trip, the meetings its own sentence announces); for an
    engagement that is not itself a trip, the trip it belongs to, once."""
    if primary.event_type in _NO_SECONDARY or primary.sentence_index < 0:
        return []
    if primary.rule_id in _FRAMED:
        return []  # a transcript's or a speech's sentences report no engagements of their own
    found: list[EventAnchor] = []
    trip = primary.event_type == "visit"  # a trip already reported
    # a trip the headline names holds every meeting the release reports, before its sentence too
    first = 0 if trip and primary.in_title else primary.sentence_index
    # a speech or an appointment reports its engagements near the top, if at all
    scope = _OTHER_SCOPE if primary.event_type == "other" else _SECONDARY_SCOPE
    for i in range(first, min(len(spans), first + scope)):
        if len(found) >= _MAX_SECONDARY:
            break
        same = i == primary.sentence_index
        segment = doc.text[spans[i][0] : spans[i][1]]
        if not trip and _TRIP_HINT.search(segment) and _names_someone(segment):
            lowered = lowered_if_plain(segment)
            rule = next((r for r in _TRIP_RULES if r.search(segment, lowered)), None)
            if rule is not None and _BACKGROUND.search(segment) is None:
                trip = True
                found.append(_anchor("visit", doc.text, spans, i, False, len(found) + 1, rule))
                continue
            noun = _trip_noun(segment)
            if noun is not None:
                # the sentence may report an engagement of the trip as well: read on
                trip = True
                found.append(_anchor("visit", doc.text, spans, i, False, len(found) + 1, noun))
        if same and primary.event_type != "visit":
            continue
        if not _TRIGGER_HINT.search(segment) or not _names_someone(segment):
            continue  # two cheap scans rule out most sentences of a long release
        if not same and _BACK_REFERENCE.match(segment):
            continue  # "During the meeting, ...": the primary told in more detail
        rules = _WITHIN_TRIP_RULES if same else _SECONDARY_RULES
        lowered = lowered_if_plain(segment)  # for the few sentences the scans above let through
        rule = next((r for r in rules if r.search(segment, lowered)), None)
        if rule is None and not same and primary.event_type == "visit":
            rule = _conferring_on_trip(segment)
        if rule is not None:
            found.append(_anchor(rule.event_type, doc.text, spans, i, False, len(found) + 1, rule))
    return found


_GATHERING = re.compile(r"\b" + CUES["gathering"] + r"\b", re.IGNORECASE)
# A sentence that opens on the engagement already told: "This meeting follows up on ...".
_POINTING_BACK = re.compile(r"\s*(?:This|That|These|Those)\b")


def _conferring_on_trip(segment: str) -> Rule | None:
    """A meeting of a trip that no rule's verb names: two named officials conferring in a later
    sentence ("President Ramaphosa and President Geingob will discuss political and economic
    issues"), not at a gathering ("co-hosting the D-ISIS Ministerial ... to discuss"). Outside
    a trip, a later sentence of conferring tells the primary engagement again ("The two
    Ministers discussed ...")."""
    if _CONFER.search(segment) is None or _GATHERING.search(segment) is not None:
        return None
    if _BACKGROUND.search(segment) or _RECALLED.search(segment) or _POINTING_BACK.match(segment):
        return None
    if _INVITED_TRIP.search(segment):
        return None  # "invited Sheikh X to visit Brussels ... to attend a working breakfast"
    return _CONFER_RULE if _people_named(segment) >= 2 else None


_NO_SECONDARY = frozenset({"statement"})
_FRAMED = frozenset({"frame.transcript", "frame.speech"})
# The trip an engagement was part of: "during his official visit to", "is visiting", "arrived in".
_TRIP_RULES = tuple(r for r in BODY_RULES if r.event_type == "visit")
# Every trip rule needs one of these words; a cheap scan first, as for the other secondaries.
_TRIP_HINT = re.compile(
    r"\b(?:visit|travel|trip|arrived|depart|left|leaves|delegation)", re.IGNORECASE
)


# A trip only invited to has neither happened nor been scheduled ("an invitation to visit").
_INVITED_TRIP = re.compile(r"\binvit\w*", re.IGNORECASE)


_VISIT_WORD = re.compile(r"visit", re.IGNORECASE)


def _trip_noun(segment: str) -> Rule | None:
    """The trip rule naming a visit by its noun in `segment` ("welcomed Mitchell's visit"),
    unless the visit is only invited to. A visit recalled or still to come is an event of the
    release as well (GUIDE: every distinct event it reports, scheduled ones included)."""
    if _VISIT_WORD.search(segment) is None:
        return None  # one cheap scan: every trip noun rule names a visit
    lowered = lowered_if_plain(segment)
    for rule in TRIP_NOUN_RULES:
        match = rule.search(segment, lowered)
        if match is not None:
            around = segment[max(0, match.start() - 60) : match.end() + 40]
            return None if _INVITED_TRIP.search(around) else rule
    return None


# A sentence that opens by pointing back at the engagement already reported.
_BACK_REFERENCE = re.compile(
    r"\s*(?:During|At|In\s+the\s+course\s+of|Throughout)\s+the\s+(?:(?:bilateral|phone|telephone"
    r"|video)\s+)?(?:meeting|talks|call|conversation|discussions?)\b"
    r"|\s*The\s+(?:bilateral\s+)?(?:meeting|talks|call|conversation|discussions?)\s+(?:was|were)\s+"
    r"(?:also\s+)?attended\b",
    re.IGNORECASE,
)
_NAME = re.compile(r"\b[A-Z][a-z]+(?:\s+[A-Z]\.)?\s+[A-Z][a-z’'-]+\b")


def _names_someone(segment: str) -> bool:
    return _NAME.search(segment) is not None


def find_anchors(doc: Document) -> list[EventAnchor]:
    """The engagements `doc` reports: the headline's (primary) first, then others in text order."""
    spans = content_sentences(doc.text)
    primary = _primary(doc, spans)
    found = [primary, *_secondary(doc, spans, primary)]
    issued = _JOINT_STATEMENT.search(doc.title or "")
    if issued and primary.event_type not in {"statement", "other"}:
        # "Joint Statement on the Meeting of A and B": the meeting is primary, and the statement
        # the governments issued is an event of its own
        found.append(
            EventAnchor(
                "statement",
                CAMEO["statement"],
                -1,
                -1,
                True,
                issued.group(0),
                -1,
                len(found),
                rule_id="title.joint_statement",
            )
        )
    return found


_JOINT_STATEMENT = re.compile(r"^\s*(?:joint\s+)?statement\b", re.IGNORECASE)


def title_trigger(title: str | None, event_type: str) -> tuple[int, int] | None:
    """Offsets in the headline of the words that made it an `event_type` headline, if any."""
    if not title:
        return None
    lowered = lowered_if_plain(title)
    for rule in TITLE_RULES:
        if rule.event_type != event_type or rule.rule_id == _TITLE_DEFAULT:
            continue
        match = rule.search(title, lowered)
        if match:
            return match.start(), match.end()
    return None
