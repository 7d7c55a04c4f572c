"""Who took part in the primary event, decided by a learned model over general features.

The participant rules (`participants`) were written from the tuned sets and transfer poorly to
other publishers' wording. Here every person the release names is a candidate described by
features that do not depend on any publisher's phrasing: where the person is named (headline,
lead, the event's sentence, subject or object of its cue, inside a quotation), how (title,
surname only, "former"), how often, whose official (the publisher's or another's), and which
rule, if any, chose them. A logistic model (`data/models/participants.toml`, fitted by
`scripts/fit_participants.py` on real-tune, world and dev, held-out figures in its header)
turns them into a probability; a person above one half takes part.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType

from ingest.extract import gazetteer as gz
from ingest.extract import linear
from ingest.extract.people.index import Mention, PeopleIndex, Person
from ingest.extract.people.name_shape import _common_words
from ingest.extract.text import EventAnchor, sentences
from ingest.records import Document, Role

MODEL = "participants"
RANKED_RULE = "participant.ranked"  # a person the rules did not choose but the model does
THRESHOLD = 0.5

# distances to the event's cue are compared on a log scale up to this many characters
_FAR = 5000.0
_LEAD_SENTENCES = 2  # the lead: the release's first sentences (a dateline line is one)
_FORMER = re.compile(r"\b(?:former|late|then|ex-|previous|predecessor)\W{0,3}(?:\w+\W+){0,4}$")
# office heads whose holders take part in different ways (a spokesperson reads out, an envoy
# travels, a king receives): a closed list, not one publisher's wording
_OFFICE_HEADS = (
    "president", "minister", "secretary", "ambassador", "spokesperson", "envoy", "chancellor",
    "king", "deputy", "director", "adviser", "advisor", "chairman", "chair", "governor",
    "senator", "general", "prince", "commissioner", "representative", "assistant", "acting",
)  # fmt: skip
_PARTICLES = frozenset({"al", "el", "bin", "ibn", "van", "von", "de", "da", "di", "der", "la"})


@dataclass(frozen=True)
class RuleChoice:
    """What the participant rules decided: who (by mention), why (rule id), roles, and who was
    found where the event is told (before attendance lists)."""

    chosen: dict[int, Mention]
    why: dict[int, str]
    role: dict[int, Role]
    present: frozenset[int]


@dataclass(frozen=True)
class Candidate:
    person: int
    name: str
    mention: Mention  # the mention that shows the person: the rules' one, else the nearest
    rule: str  # the rule that chose the person, "" when none did
    features: Mapping[str, float]


def candidates(
    index: PeopleIndex, anchor: EventAnchor, doc: Document, choice: RuleChoice
) -> list[Candidate]:
    """Every person with a mention, described for the model."""
    by_person: dict[int, list[Mention]] = {}
    for m in index.mentions:
        by_person.setdefault(m.person, []).append(m)
    if not by_person:
        return []
    text = doc.text
    spans = sentences(text)
    lead_end = spans[min(len(spans), _LEAD_SENTENCES) - 1][1] if spans else 0
    first_body = sorted(
        (min((m.start for m in ms if not m.in_title), default=len(text) + 1), pid)
        for pid, ms in by_person.items()
    )
    order = {pid: rank for rank, (_, pid) in enumerate(first_body)}
    shared = _document_features(anchor, choice, len(by_person))
    found = []
    for pid, mentions in by_person.items():
        person = index.people[pid]
        features = dict(shared)
        features.update(_where_features(text, anchor, mentions, lead_end))
        features.update(_person_features(index, person, pid, mentions, text))
        features["first_named"] = 1.0 / (1.0 + order[pid])
        rule = choice.why.get(pid, "") if pid in choice.chosen else ""
        features[f"rule:{rule or 'none'}"] = 1.0
        # how much the rules' choice and the headline count differs by event type
        if not rule:
            features[f"type:{anchor.event_type}&rule:none"] = 1.0
        if features.get("in_headline"):
            features[f"type:{anchor.event_type}&in_headline"] = 1.0
        if pid in choice.chosen and pid not in choice.present:
            features["rule:listed_after"] = 1.0
        mention = choice.chosen.get(pid) or _nearest(mentions, anchor)
        found.append(Candidate(pid, person.name, mention, rule, MappingProxyType(features)))
    return found


def decide(found: list[Candidate]) -> tuple[dict[int, Mention], dict[int, str]]:
    """(chosen mention, rule id) of each candidate the model takes as a participant."""
    model = linear.load(MODEL)
    chosen: dict[int, Mention] = {}
    why: dict[int, str] = {}
    for candidate in found:
        if model.probability(candidate.features) >= THRESHOLD:
            chosen[candidate.person] = candidate.mention
            why[candidate.person] = candidate.rule or RANKED_RULE
    return chosen, why


def _document_features(anchor: EventAnchor, choice: RuleChoice, people: int) -> dict[str, float]:
    """What every candidate of the release shares: the event's type, where it is told, and how
    many people the rules chose (none chosen: the model must find them)."""
    return {
        f"type:{anchor.event_type}": 1.0,
        "anchor_in_headline": float(anchor.in_title or anchor.start < 0),
        "rules_chose": math.log1p(len(choice.chosen)),
        "rules_chose_none": float(not choice.chosen),
    }


def _where_features(
    text: str, anchor: EventAnchor, mentions: list[Mention], lead_end: int
) -> dict[str, float]:
    body = [m for m in mentions if not m.in_title]
    features = {
        "in_headline": float(any(m.in_title for m in mentions)),
        "in_lead": float(any(m.start < lead_end for m in body)),
        "only_headline": float(not body),
        "mentions": math.log1p(len(mentions)),
    }
    if body:
        features["quoted_only"] = float(all(_inside_quote(text, m.start) for m in body))
        features["former"] = float(
            all(_FORMER.search(text[max(0, m.start - 40) : m.start].lower()) for m in body)
        )
        features["possessive_only"] = float(all(m.possessive for m in body))
        features["listed"] = float(any(_listed(text, m) for m in body))
        for word in {_word_before(text, m) for m in body}:
            features[f"before:{word}"] = 1.0
    if anchor.start >= 0 and body:
        inside = [m for m in body if anchor.start <= m.start < anchor.end]
        features["in_event_sentence"] = float(bool(inside))
        paragraph = _paragraph(text, anchor.start)
        features["in_event_paragraph"] = float(
            any(paragraph[0] <= m.start < paragraph[1] for m in body)
        )
        if anchor.trigger_start >= 0 and inside:
            features["subject_of_cue"] = float(any(m.end <= anchor.trigger_start for m in inside))
            features["object_of_cue"] = float(any(m.start >= anchor.trigger_end for m in inside))
        cue = anchor.trigger_start if anchor.trigger_start >= 0 else anchor.start
        distance = min(abs(m.start - cue) for m in body)
        features["cue_distance"] = min(1.0, math.log1p(distance) / math.log1p(_FAR))
        features["before_event"] = float(all(m.end <= anchor.start for m in body))
    else:
        features["cue_distance"] = 1.0
    return features


def _person_features(
    index: PeopleIndex, person: Person, pid: int, mentions: list[Mention], text: str
) -> dict[str, float]:
    tokens = [t for t in person.name.split() if t]
    affiliation = person.affiliation
    title = gz.fold(person.title) if person.title else ""
    return {
        "has_title": float(bool(title)),
        "title_counterpart": float("counterpart" in title),
        "affiliation_publisher": float(affiliation is not None and affiliation == index.publisher),
        "affiliation_other": float(affiliation is not None and affiliation != index.publisher),
        "affiliation_text": float(person.basis == "text"),
        "byline": float(person.byline),
        "attributed": float(pid in index.attribution),
        "one_word_name": float(len(tokens) < 2),
        "name_words": min(len(tokens), 5) / 5.0,
        "initial": float(any(len(t.rstrip(".")) == 1 for t in tokens)),
        "capitalised_surname": float(any(t.isupper() and len(t) > 1 for t in tokens)),
        "particle": float(any(_folded(t) in _PARTICLES for t in tokens)),
        "back_reference": float(any(m.via for m in mentions)),
        "common_words": _common_share(tokens),
        **{f"office:{head}": 1.0 for head in _OFFICE_HEADS if head in title.split()},
    }


@lru_cache(maxsize=4096)
def _folded(word: str) -> str:
    return gz.fold(word)


def _common_share(tokens: list[str]) -> float:
    """The share of a name's words that are common lower-case English words ("Amplifies",
    "Next"): a headline word taken for a name scores high, a person's name low."""
    words = [_folded(t).strip(".") for t in tokens]
    words = [w for w in words if w and w not in _PARTICLES]
    if not words:
        return 0.0
    return sum(w in _common_words() for w in words) / len(words)


def _nearest(mentions: list[Mention], anchor: EventAnchor) -> Mention:
    """The body mention nearest the event's sentence, else the first (a headline mention)."""
    body = [m for m in mentions if not m.in_title]
    if not body:
        return mentions[0]
    if anchor.start < 0:
        return body[0]
    return min(body, key=lambda m: abs(m.start - anchor.start))


def _inside_quote(text: str, offset: int) -> bool:
    """Whether an opened quotation is still open at `offset` (within its paragraph)."""
    paragraph = text.rfind("\n", 0, offset) + 1
    before = text[paragraph:offset]
    curly = before.count("“") - before.count("”")
    return curly > 0 or before.count('"') % 2 == 1


# The closed-class word before a name and its title says how the name stands to the event:
# "met with", "hosted by", "on behalf of", "appointed by", "including", "and".
_BEFORE_WORDS = frozenset(
    {"with", "by", "of", "and", "to", "from", "behalf", "invitation", "accompanying",
     "accompanied", "including", "include", "included", "said", "says", "welcomed", "received",
     "met", "meet", "meets", "hosted", "join", "joined", "joining", "between", "for", "that",
     "as", "under", "after", "president", "congratulate", "congratulated", "congratulations",
     "designating", "against", "on", "at", "in", "when", "while", "led", "sent", "like", "thanked",
     "called", "spoke", "told", "also", "both", "counterpart", "counterparts"}
)  # fmt: skip
_LOWER_WORD = re.compile(r"\b([a-z][a-z’'-]*)\b")
_DETERMINERS = frozenset({"the", "a", "an", "his", "her", "its", "their", "our", "new"})
_TITLE_GLUE = frozenset({"of", "for", "and", "the", "de", "du", "la", "on", "in"})


def _word_before(text: str, m: Mention) -> str:
    """The last lower-case word before the name that is not glue inside a title ("Minister for
    Foreign Affairs"), as a feature value: one of _BEFORE_WORDS, "other", or "none"."""
    window = text[max(0, m.start - 80) : m.start]
    line = window.rfind("\n")
    window = window[line + 1 :]
    words = _LOWER_WORD.findall(window)
    # glue words inside a capitalised title are skipped; the last other one is the cue
    for word in reversed(words):
        if word in _DETERMINERS:
            continue
        if word in _TITLE_GLUE and re.search(rf"[A-Z][\w’'-]*\s+{word}\s+[A-Z]", window):
            continue
        return word if word in _BEFORE_WORDS else "other"
    return "none"


def _paragraph(text: str, offset: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    return start, len(text) if end < 0 else end


_LIST_JOIN = re.compile(r"\s*(?:,|and|,\s*and|;)\s*$")


def _listed(text: str, m: Mention) -> bool:
    """A name in a list of names: a comma or "and" joins it to a capitalised word before."""
    before = text[max(0, m.start - 40) : m.start]
    if not before.rstrip().endswith((",", "and", ";")):
        return False  # what the pattern needs before its closing white space (\s is isspace)
    joined = _LIST_JOIN.search(before)
    return joined is not None and bool(re.search(r"[A-Z][\w.’'-]*$", before[: joined.start()]))
