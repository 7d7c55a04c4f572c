"""Event anchors: what kind of engagement a release reports, from its headline and lead, and where.

The headline decides the primary event (rules tried in registry order, first match wins); when it
names no engagement, the lead sentences decide; when they do not either, the release is a
`statement`. Body sentences that report further engagements become secondary anchors. Trigger
patterns and the event-type -> CAMEO mapping are data (`TITLE_RULES`, `BODY_RULES`, `CAMEO`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.extract.text import EventAnchor, sentences
from ingest.records import Document

__all__ = ["BODY_RULES", "CAMEO", "TITLE_RULES", "content_sentences", "find_anchors"]

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
    event_type: str
    pattern: re.Pattern[str]


def _rules(table: tuple[tuple[str, str], ...]) -> tuple[Rule, ...]:
    return tuple(Rule(kind, re.compile(pattern, re.IGNORECASE)) for kind, pattern in table)


# Headline rules, most specific first: an explicit engagement with someone beats a genre word
# ("Remarks Before Their Meeting" is a meeting), a genre word beats the gathering it happened at.
TITLE_RULES: tuple[Rule, ...] = _rules(
    (
        # signing a text is a signing, whatever genre the text is ("Sign Joint Declaration")
        (
            "signing",
            r"\bsign(?:s|ed|ing)?\s+(?:an?\s+|the\s+)?(?:joint\s+)?"
            r"(?:declaration|statement|communiqu[ée])\b",
        ),
        # an issuer's statement ("Statement by the High Representative on ...")
        ("statement", r"^\s*(?:joint\s+)?(?:statement|communiqu[ée]|declaration)\s+(?:by|from)\b"),
        # a statement not about an engagement ("G7 Foreign Ministers' Statement on Russia");
        # "Joint Statement on the Meeting of ..." falls through to the meeting rules
        (
            "statement",
            r"\b(?:statement|communiqu[ée]|declaration)\b(?![^:]*\b(?:meeting|dialogue|talks"
            r"|consultations?|summit|visit|call|conference|ministerial|session|forum)\b)",
        ),
        # in-person calls: "courtesy call", "calls on President X" (not "calls on Russia to")
        (
            "meeting",
            r"\bcourtesy\s+call\b|\bcalls?\s+on\s+(?:the\s+)?(?:H\.?\s?E\.?\s+)?(?:(?-i:[A-Z])[a-z]+\s+)?"
            r"(?:President|Prime|Minister|King|Queen|Emperor|Crown|Chancellor|Premier|Governor"
            r"|Secretary|Chief|Speaker|Vice|Foreign|Chairman|Chairperson)\b",
        ),
        (
            "call",
            r"\b(?:tele)?(?:phone\s+)?calls?\s+(?:with|between|from|to)\b|\bphone\s+(?:call|talks?)\b"
            r"|\btelephon(?:e|ic)\b|\bvideo\s*(?:call|conference|link|talks?)\b"
            r"|\bspeaks?\s+(?:by\s+(?:tele)?phone\s+)?(?:with|to)\b"
            r"|\bspoke\s+(?:by\s+(?:tele)?phone\s+)?(?:with|to)\b|\bvirtual\s+call\b",
        ),
        (
            "meeting",
            r"\b(?:meets?|meeting|met|talks|bilateral|summit)\s+(?:(?:talks|meeting)\s+)?(?:with|between)\b"
            r"|\bmeeting\s+of\s+[\w\s.’'-]{1,60}?\s+with\b"
            r"|\bbefore\s+(?:his|her|their)\s+(?:bilateral\s+)?meeting\b"
            r"|\bmeeting\s+of\s+(?:the\s+)?(?:(?-i:[A-Z])[\w.'’-]*\s+|of\s+|the\s+){1,8}and\b|\bmeets\b"
            r"|\b(?:hosts?|receives?|welcomes?)\s+(?:the\s+)?(?:(?-i:[A-Z])[\w.’'-]*\s+){0,3}"
            r"(?:President|Prime\s+Minister|Minister|King|Queen|Chancellor|Premier|Secretary"
            r"|Ambassador|Envoy|Delegation|Crown\s+Prince|Emir|Sultan|Speaker|counterparts?"
            r"|(?:High\s+)?Representative|Commissioner|Director|Secretary-General|Head|Chair\w*"
            r"|Governor|Vice-President|Deputy)\b"
            r"|\binteracts?\s+with\b"
            # a bilateral gathering: "Japan-India Summit Meeting", "EU-Japan Summit"
            r"|\b(?-i:[A-Z])[\w.]*[-–](?-i:[A-Z])[\w.]*\s+(?:(?-i:[A-Z])[\w’']*\s+){0,3}"
            r"(?:Summit|Ministers[’']?\s+Meeting|Strategic\s+Dialogue|Talks|Consultations"
            r"|Commission|Committee)\b"
            # two governments' standing commission: "Joint Commission", "Bi-National Commission"
            r"|\b(?:Joint|Bi-?national)\s+(?:(?:Permanent|Ministerial|Economic)\s+)?"
            r"(?:Commission|Committee)\b",
        ),
        ("signing", r"\bsign(?:s|ed|ing)?\b(?!\s+of\b)|\bsignature\b"),
        (
            "other",
            r"\b(?:remarks|interview|press\s+briefing|briefing|press\s+availability"
            r"|press\s+conference|media\s+availability|op-ed|speech|keynote|address(?:es)?\s+(?:to|at)"
            r"|before\s+departing|upon\s+arrival|testimony|podcast|in\s+conversation|doorstep"
            r"|lecture|press\s+point|media\s+stakeout|press\s+encounter)\b"
            r"|\bdesignation\s+of\b.*\bas\b|\bappoint(?:s|ed|ment)\b|\bnominat(?:ion|ed|es)\b"
            r"|\bsworn\s+in\b"
            # a speech to a body: "addresses the General Assembly" (not "addresses concerns")
            r"|\baddress(?:es|ed)?\s+(?:the\s+)?(?-i:[A-Z])"
            # taking office: "assumes office as Secretary-General", "takes office"
            r"|\b(?:assum(?:es|ed|ing)|tak(?:es|ing)|took)\s+office\b",
        ),
        (
            "visit",
            r"\b(?:travel|travels|trip|visit|visits|visiting|tour|tours|arrives?|arrival"
            r"|heads\s+to|departs\s+for|stopover|mission\s+to)\b",
        ),
        # "A and B discuss preparations for the Summit": the headline names a topic, not the
        # engagement, so the lead sentences decide (a "." rule defers to them)
        ("lead", r"\b(?:discuss(?:es|ed)?|preparations?\s+for)\b"),
        (
            "conference",
            r"\b(?:summit|conference|ministerial|forum|congress|plenary|general\s+assembly"
            r"|G7|G-7|G20|G-20|convention|symposium|COP\s?\d+)\b|\bministers[’']?\s+meeting\b"
            r"|\bministers\s+(?:meet|gather|convene)\b"
            r"|\bmeeting\s+of\s+(?:the\s+)?(?:(?-i:[A-Z])[\w-]*\s+){0,4}(?:Council|Ministers|Leaders|Heads)\b"
            # "Informal meeting of EU foreign ministers", "meeting of NATO defence ministers"
            r"|\bmeeting\s+of\s+(?!(?:the\s+)?two\b)(?:the\s+)?(?:[\w-]+\s+){0,3}"
            r"(?:foreign|defen[cs]e|finance|trade|energy|health)\s+ministers\b"
            r"|\binformal\s+meeting\s+of\b|\bCommittee\s+of\s+Ministers\b"
            # a headline whose subject is many ministers or leaders: "NATO Defence Ministers
            # take forward ...", "G20 Leaders agree ..." (not "Ministers of A and B")
            r"|^\s*(?:[\w-]+\s+){0,3}?(?:(?:Foreign|Defen[cs]e|Finance|Trade|Energy|Health|Interior"
            r"|Justice|Agriculture|Environment)\s+Ministers|Leaders)\b(?![’']?\s+Meeting)"
            r"(?![^:]{0,40}?\s+(?:of|from)\s+(?-i:[A-Z])\w*(?:\s+(?-i:[A-Z])\w*)?\s+and\s+(?-i:[A-Z]))"
            r"|\bsession\s+of\s+the\s+(?:[\w-]+\s+){0,3}?(?:General\s+)?(?:Assembly|Council"
            r"|Conference)\b"
            r"|\b(?:Foreign\s+Affairs|European|General\s+Affairs|North\s+Atlantic)\s+Council\b"
            r"(?!\s+conclusions)"
            r"|\b(?:participat(?:ion|es?|ing)|attendance|attends?|attending)\s+(?:in|at)\b",
        ),
        (
            "meeting",
            r"\b(?:meeting|dialogue|talks|consultations?|roundtable|round\s+table"
            r"|bilateral|working\s+lunch|working\s+dinner|breakfast|luncheon)\b",
        ),
        ("statement", r"."),
    )
)

# Lead-sentence rules, used when the headline names no engagement (or there is no headline).
BODY_RULES: tuple[Rule, ...] = _rules(
    (
        # an in-person "courtesy call" is a meeting, not a phone call
        ("meeting", r"\bcourtesy\s+call\b"),
        (
            "call",
            r"\b(?:spoke|spoken|speaks|talked)\s+(?:\w+\s+){0,3}(?:by\s+(?:tele)?phone|with|to)\b"
            r"|\btelephonic\b|\b(?:held|had)\s+(?:a\s+)?(?:phone|telephone)\s+talks?\b"
            r"|\b(?:held|had|made|received|joined)\s+(?:a\s+|an\s+|separate\s+)?(?:\w+\s+)?"
            r"(?:phone|telephone|video)?\s*(?:calls?|conversations?\s+by\s+phone)\b"
            r"|\b(?:phone|telephone|video)\s+(?:call|conversation)s?\b|\bvideo\s?conferenc",
        ),
        (
            "signing",
            r"(?<!was\s)(?<!were\s)(?<!been\s)\bsigned\s+(?:a|an|the|two|three|several)\s+"
            r"(?:[\w-]+\s+){0,4}(?:agreements?|memorand\w*|MoUs?|accords?|treaty|declaration"
            r"|arrangements?|protocol|charter|compact|letters?\s+of\s+intent|joint\s+statement"
            r"|documents?|partnership|deal|roadmap|action\s+plan|framework|programme|contracts?)\b"
            r"|\bsigned\s+and\s+(?:issued|exchanged)\b|\bwitnessed\s+the\s+signing\b"
            r"|\bwill\s+sign\b|\bsigning\s+(?:of|ceremony)\b",
        ),
        # a trip frames the meetings reported with it: "will travel to Rome, where he will meet"
        (
            "visit",
            r"\b(?:will\s+travel|travel(?:l)?ed|is\s+traveling|will\s+visit|visited|arrived\s+in"
            r"|will\s+be\s+visiting|(?:pays?|paid|paying|make|makes|made|making|undertakes?|undertook"
            r"|conclud(?:es|ed|ing)|complet(?:es|ed|ing)|beg(?:an|ins)|start(?:s|ed)|end(?:s|ed))"
            r"\s+(?:an?\s+|his\s+|her\s+|their\s+)?(?:[\w-]+\s+){0,2}visit)\b",
        ),
        (
            "meeting",
            r"\bmet\b|\bwill\s+meet\b|\bmeets\s+with\b|\bhosted\s+(?:\w+\s+){0,4}(?:for|at)\b"
            r"|\b(?:called\s+on|received|welcomed|hosted)\s+(?:by\s+)?(?:the\s+)?(?:(?-i:[A-Z])[\w.’'-]*\s+){0,3}"
            r"(?:President|Prime\s+Minister|Minister|King|Queen|Chancellor|Ambassador|Secretary)\b"
            # name before office: "received Ana Lind, Minister of Foreign Affairs of Estonia"
            r"|\b(?:received|welcomed|hosted)\s+(?-i:[A-Z])[\w.’'-]*(?:\s+(?-i:[A-Z])[\w.’'-]*){0,3},"
            r"\s+(?:the\s+)?(?:[\w’'-]+\s+){0,3}?(?:President|Prime\s+Minister|Minister|King|Queen"
            r"|Chancellor|Ambassador|Secretary)\b"
            r"|\bheld\s+(?:\w+\s+){0,3}(?:talks|meeting|dialogue|consultations)\b"
            # "held a Japan-Chile Foreign Ministers' Meeting with", "held bilateral meetings with"
            r"|\bheld\s+(?:[\w'’-]+\s+){0,5}?(?:talks|meetings?|dialogue|consultations|summit)\s+with\b"
            r"|\bwill\s+hold\s+(?:[\w'’-]+\s+){0,6}(?:meeting|talks|dialogue)\b"
            r"|\b(?:bilateral\s+)?meeting\s+between\b"
            r"|\b(?-i:[A-Z])[\w.]*[-–](?-i:[A-Z])[\w.]*\s+(?:summit|talks|meeting)\s+(?:held|took\s+place)\b"
            r"|\b(?:will\s+)?call(?:s|ed)?\s+on\s+(?:the\s+)?(?:(?-i:[A-Z])[\w.’'-]*\s+){0,3}"
            r"(?:President|Prime\s+Minister|Minister|King|Queen|Chancellor|Emperor|Crown\s+Prince)\b"
            r"|\b(?:meeting|talks|consultations|dialogue)\s+(?:was|were)\s+held\b"
            r"|\b(?:participated|took\s+part)\s+in\s+(?:an?\s+|the\s+)?(?:[\w-]+\s+){0,3}"
            r"(?:meeting|talks)\b"
            r"|\b(?:their|the|a)\s+(?:[\w-]+\s+){0,3}(?:meeting|talks|dialogue|consultations)"
            r"\s+(?:in|at|on)\s+(?-i:[A-Z])",
        ),
        (
            "visit",
            r"\b(?:travel(?:l?ed|s)?|will\s+travel|visited|will\s+visit|is\s+visiting"
            r"|arrived\s+in|trip\s+to|will\s+lead\s+(?:a|the)\s+(?:\w+\s+){0,3}delegation\s+to)\b",
        ),
        (
            "conference",
            r"\b(?:participated|took\s+part|will\s+participate|attended|will\s+attend)\s+in?\b"
            r"(?=[^.]*\b(?:summit|conference|ministerial|forum|session|plenary|congress)\b)",
        ),
        (
            "other",
            r"\b(?:appointed|appointment|began\s+serving|sworn\s+in|nominated|named\s+as)\b"
            # a speech's salutation
            r"|^(?:Excellenc|Ladies\s+and\s+gentlemen|Distinguished|Good\s+(?:morning|afternoon|evening)"
            r"|Thank\s+you(?:\s+very\s+much)?,)",
        ),
    )
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
_FRAME_LINE_MAX = 160  # framing lines are short; longer sentences are never tested
_TRANSCRIPT = re.compile(r"^(?:QUESTION|MODERATOR|[A-Z][A-Z.’' -]{2,40}):\s", re.MULTILINE)
_EPIGRAPH = re.compile(r"[\"“‘'–—-]")
_LEAD_SENTENCES = 3
_MAX_SECONDARY = 6
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


def _title_type(title: str) -> tuple[str, re.Match[str] | None]:
    for rule in TITLE_RULES:
        match = rule.pattern.search(title)
        if match:
            if rule.event_type == _LEAD:
                return "statement", None
            return rule.event_type, match if rule.pattern.pattern != "." else None
    return "statement", None


# Sentences about history, not news: "Since our countries signed the Treaty in 1850".
_BACKGROUND = re.compile(
    r"^\s*(?:Since|For\s+(?:over|more\s+than)|Over\s+the\s+(?:past|last))\b"
    r"|\banniversary\b|\bcentur(?:y|ies)\b|\bdecades\b",
    re.IGNORECASE,
)


def _body_match(text: str, span: tuple[int, int], kind: str | None) -> Rule | None:
    """The first body rule (of `kind`, if given) matching the sentence at `span`."""
    segment = text[span[0] : span[1]]
    if kind is None and _BACKGROUND.search(segment):
        return None
    for rule in BODY_RULES:
        if kind is not None and rule.event_type != kind:
            continue
        if rule.pattern.search(segment):
            return rule
    return None


def _anchor(
    kind: str,
    text: str,
    spans: list[tuple[int, int]],
    index: int,
    in_title: bool,
    ordinal: int,
    rule: Rule | None,
) -> EventAnchor:
    start, end = spans[index] if index >= 0 else (-1, -1)
    trigger, t_start, t_end = "", -1, -1
    if rule is not None and index >= 0:
        match = rule.pattern.search(text, start, end)
        if match:
            trigger, t_start, t_end = match.group(0), match.start(), match.end()
    return EventAnchor(
        kind, CAMEO[kind], start, end, in_title, trigger, index, ordinal, t_start, t_end
    )


def _primary(doc: Document, spans: list[tuple[int, int]]) -> EventAnchor:
    text, title = doc.text, doc.title or ""
    kind, title_match = _title_type(title) if title.strip() else ("statement", None)
    # an epigraph (a quotation and its "– attribution" line) is not the lead
    lead = [sp for sp in spans if not _EPIGRAPH.match(text, sp[0])][:_LEAD_SENTENCES]
    if kind == "statement" and spans:
        speech = _SPEECH_FRAME.search(text, 0, min(len(text), _SPEECH_FRAME_SCOPE))
        if speech is not None:
            # "Statement of Government Policy" delivered as "Speech by Minister X at ...": a speech
            index = next((i for i, sp in enumerate(spans) if sp[0] <= speech.start() < sp[1]), 0)
            return _anchor("other", text, spans, index, False, 0, None)
    if title_match is not None:
        # the sentence that reports the headline's engagement, else the lead sentence
        for i, span in enumerate(spans[: _LEAD_SENTENCES + 3]):
            rule = _body_match(text, span, kind)
            if rule is not None:
                return _anchor(kind, text, spans, i, True, 0, rule)
        index = 0 if spans else -1
        return _anchor(kind, text, spans, index, True, 0, None)
    if _TRANSCRIPT.search(text):
        return _anchor("other", text, spans, 0 if spans else -1, False, 0, None)
    for span in lead:
        rule = _body_match(text, span, None)
        if rule is not None:
            return _anchor(rule.event_type, text, spans, spans.index(span), False, 0, rule)
    return _anchor("statement", text, spans, 0 if spans else -1, False, 0, None)


_SECONDARY_RULES = tuple(
    r for r in BODY_RULES if r.event_type in {"call", "meeting", "signing", "conference"}
)
# Inside a trip's own sentence only the engagements it frames count ("traveled ... for meetings").
_WITHIN_TRIP_RULES = tuple(r for r in _SECONDARY_RULES if r.event_type in {"meeting", "conference"})


# Every secondary rule needs one of these words; sentences without any are skipped.
_TRIGGER_HINT = re.compile(
    r"\b(?:met|meet|meets|meeting|meetings|calls?|called|spoke|spoken|speaks|talked|talks"
    r"|signed|sign|signing|held|hold|hosted|received|welcomed|participated|participate"
    r"|took|attended|attend|phone|telephon\w*|video\s?conferenc\w*|conversations?|courtesy"
    r"|dialogue|consultations|summit)\b",
    re.IGNORECASE,
)


def _secondary(
    doc: Document, spans: list[tuple[int, int]], primary: EventAnchor
) -> list[EventAnchor]:
    """Further engagements: sentences after the primary's that report a meeting, call, signing
    or gathering attended (and, for a trip, the meetings its own sentence announces)."""
    if primary.event_type in {"statement", "other"} or primary.sentence_index < 0:
        return []
    found: list[EventAnchor] = []
    for i in range(primary.sentence_index, min(len(spans), _SECONDARY_SCOPE)):
        if len(found) >= _MAX_SECONDARY:
            break
        same = i == primary.sentence_index
        if same and primary.event_type != "visit":
            continue
        segment = doc.text[spans[i][0] : spans[i][1]]
        if not _TRIGGER_HINT.search(segment) or not _names_someone(segment):
            continue  # two cheap scans rule out most sentences of a long release
        if not same and _BACK_REFERENCE.match(segment):
            continue  # "During the meeting, ...": the primary told in more detail
        for rule in _WITHIN_TRIP_RULES if same else _SECONDARY_RULES:
            if rule.pattern.search(segment):
                ordinal = len(found) + 1
                found.append(_anchor(rule.event_type, doc.text, spans, i, False, ordinal, rule))
                break
    return found


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
                "statement", CAMEO["statement"], -1, -1, True, issued.group(0), -1, len(found)
            )
        )
    return found


_JOINT_STATEMENT = re.compile(r"^\s*(?:joint\s+)?statement\b", re.IGNORECASE)


def title_trigger(title: str | None, event_type: str) -> tuple[int, int] | None:
    """Offsets in the headline of the words that made it an `event_type` headline, if any."""
    if not title:
        return None
    for rule in TITLE_RULES:
        if rule.event_type != event_type or rule.pattern.pattern == ".":
            continue
        match = rule.pattern.search(title)
        if match:
            return match.start(), match.end()
    return None
