"""Shared text utilities for extraction: sentence spans, the EventAnchor handed to places/people.

Interface for places.py and people.py (X2): `EventAnchor` below describes one engagement found by
`anchors.find_anchors(doc)`: its `event_type`, `cameo_code`, the [start, end) offsets in
`doc.text` of the sentence that reports it (-1, -1 when only the headline supports it),
`in_title`, the `trigger` words matched, `sentence_index` (-1 when title-only), `ordinal`
(0 = the primary event) and `rule_id` (the id of the rule in `data/cues.toml` that found it).
`sentences(text)` gives [start, end) spans of sentences in `text`; `sentence_at(spans, offset)`
finds the sentence holding an offset. All offsets index `doc.text`.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

__all__ = [
    "ABBREVIATIONS",
    "EventAnchor",
    "normalise_space",
    "paragraphs",
    "sentence_at",
    "sentences",
]


@dataclass(frozen=True, slots=True)
class EventAnchor:
    """One engagement a document reports, located by the sentence that states it."""

    event_type: str
    cameo_code: str
    start: int
    end: int
    in_title: bool
    trigger: str
    sentence_index: int = -1
    ordinal: int = 0
    trigger_start: int = -1
    trigger_end: int = -1
    rule_id: str = ""  # the id of the anchor rule (data/cues.toml) that found it


# Tokens followed by a period that do not end a sentence (titles, months, initials handled apart).
ABBREVIATIONS: frozenset[str] = frozenset(
    {
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "gen",
        "lt",
        "col",
        "maj",
        "capt",
        "adm",
        "sgt",
        "amb",
        "hon",
        "rep",
        "sen",
        "gov",
        "st",
        "mt",
        "ft",
        "jr",
        "sr",
        "no",
        "nos",
        "vs",
        "etc",
        "inc",
        "ltd",
        "co",
        "corp",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "d.c",
        "p.m",
        "a.m",
        "u.s",
        "u.k",
        "u.n",
        "e.u",
        "h.e",
        "h.h",
        "h.r.h",
        "hh",
        "rt",
        "approx",
        "dept",
        "est",
        "fig",
        "op",
        "art",
        "para",
    }
)

# Candidate sentence ends: terminal punctuation (+ closing quotes/brackets) then space, or a
# blank line / newline (press releases put the dateline and list items on their own lines).
# One character class opens the pattern so the engine skips ahead to those characters; the
# look-behinds then pick the branch ("[.!?]+..." or "\n\s*") that character starts.
_BOUNDARY = re.compile(r"[.!?\n](?:(?<=[.!?])[.!?]*[\"'\u201d\u2019)\]]*(?=\s)|(?<=\n)\s*)")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)\.*$")
_SPACE = re.compile(r"\s+")
_INITIALS = re.compile(r"[A-Z](?:\.[A-Z]){1,3}")
_CAPITALISED_NEXT = re.compile(r"\s+[A-Z][a-z]")


def _is_abbreviation(text: str, end: int) -> bool:
    """True when the period ending at `end` closes an abbreviation or an initial, not a sentence."""
    match = _WORD_BEFORE.search(text, max(0, end - 12), end)
    if match is None:
        return False
    written = match.group(1).rstrip(".")
    word = written.lower()
    if len(word) == 1:  # an initial: "John F. Kennedy", "U. S."
        return True
    # initials run together before a surname: "Lyonpo D.N. Dhungyel", "A.P.J. Abdul Kalam"
    if _INITIALS.fullmatch(written) and _CAPITALISED_NEXT.match(text, end):
        return True
    return word in ABBREVIATIONS


def caseless_beyond_ascii(text: str) -> bool:
    """Whether every non-ASCII character of `text` is caseless ("’", "–", "“"): lower-casing
    leaves such a character as it is and a case-ignoring pattern matches it to itself alone, so
    `text.lower()` holds every word a case-ignoring pattern finds in `text`, as an ASCII text's
    does. Releases write curly quotes and dashes everywhere."""
    return text.isascii() or all(char.isascii() or _caseless(char) for char in set(text))


@lru_cache(maxsize=1 << 12)
def _caseless(char: str) -> bool:
    return char.lower() == char == char.upper() and char.casefold() == char


def sentences(text: str) -> list[tuple[int, int]]:
    """[start, end) spans of the sentences of `text`, whitespace trimmed, in order."""
    return list(_sentences(text))


# Several stages split the same release; a small cache keeps that to one pass per text.
@lru_cache(maxsize=8)
def _sentences(text: str) -> tuple[tuple[int, int], ...]:
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        token = match.group(0)
        if token[0] == "." and "\n" not in token and _is_abbreviation(text, match.start() + 1):
            continue
        _append_trimmed(text, start, match.end(), spans)
        start = match.end()
    _append_trimmed(text, start, len(text), spans)
    return tuple(spans)


def _append_trimmed(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


def sentence_at(spans: list[tuple[int, int]], offset: int) -> int:
    """Index of the sentence span holding `offset` (the nearest before it), -1 if none."""
    starts = [s for s, _ in spans]
    index = bisect_right(starts, offset) - 1
    return index if index >= 0 else -1


def paragraphs(text: str) -> list[tuple[int, int]]:
    """[start, end) spans of non-empty lines (paragraphs) of `text`."""
    spans: list[tuple[int, int]] = []
    start = 0
    for line in text.split("\n"):
        end = start + len(line)
        _append_trimmed(text, start, end, spans)
        start = end + 1
    return spans


def normalise_space(text: str) -> str:
    """Collapse runs of whitespace (incl. non-breaking spaces) to one space and trim."""
    return _SPACE.sub(" ", text.replace("\u00a0", " ")).strip()
