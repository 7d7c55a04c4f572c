"""Words a pattern cannot match without: a substring test of a sentence before its regex scan.

A case-ignoring pattern such as `\\b(?:met|meets?|meeting)\\s+with\\b` is tried by Python's
regex engine at every position of a sentence (no literal prefix to jump to when case is ignored),
~9 µs a sentence; most sentences hold none of its words, which `str.__contains__` on the
lower-cased sentence rules out in a fraction of that. `required_words` reads the words from the
pattern's own parse, so a new cue form in the data needs no second edit, and `may_hold` is
exact: it answers False only where the pattern finds nothing.
"""

from __future__ import annotations

import re
from functools import cache
from itertools import product
from re import _parser  # type: ignore[attr-defined]  # the stdlib's own parse of a pattern
from typing import Any

from ingest.extract.text import caseless_beyond_ascii

__all__ = ["lowered_if_plain", "may_hold", "pattern_needs", "required_words", "search_needing"]

# A required set of strings is worth testing when its shortest string is this long (a letter or
# two occurs in every sentence) and it holds this many strings at most.
_SHORTEST = 3
_MOST = 64

_Items = list[tuple[Any, Any]]


def required_words(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Lower-case ASCII strings one of which every match of `pattern` holds, or None when the
    parse shows no such set worth testing (a lookaround, a class of many letters)."""
    needs = _Reader().needs(list(_parser.parse(pattern.pattern, pattern.flags)))
    if not needs or min(map(len, needs)) < _SHORTEST or len(needs) > _MOST:
        return None
    # a text holding "visited" holds "visit": the longer string adds nothing to test
    return frozenset(s for s in needs if not any(o != s and o in s for o in needs))


class _Reader:
    """One pattern's parse read for its strings; each node's exact strings are worked out once
    (a node is asked again at every level of nesting above it)."""

    def __init__(self) -> None:
        self._exact: dict[int, set[str] | None] = {}

    def exact(self, items: _Items) -> set[str] | None:
        """Every string the sequence `items` matches, lower-cased, when few and ASCII."""
        found = {""}
        for op, av in items:
            options = self.exact_item(op, av)
            if options is None:
                return None
            found = {a + b for a, b in product(found, options)}
            if len(found) > _MOST:
                return None
        return found

    def exact_item(self, op: Any, av: Any) -> set[str] | None:
        key = id(av)
        if op is _parser.LITERAL:
            char = chr(av)
            return {char.lower()} if char.isascii() else None
        if key not in self._exact:
            self._exact[key] = self._exact_node(op, av)
        return self._exact[key]

    def _exact_node(self, op: Any, av: Any) -> set[str] | None:
        if op is _parser.IN:
            chars = {chr(value) for kind, value in av if kind is _parser.LITERAL}
            if len(chars) != len(av) or not all(c.isascii() for c in chars):
                return None  # a range, a category, a negated class
            return {c.lower() for c in chars}
        if op is _parser.SUBPATTERN or op is _parser.ATOMIC_GROUP:
            return self.exact(av[-1] if op is _parser.SUBPATTERN else av)
        if op is _parser.BRANCH:
            found: set[str] = set()
            for alternative in av[1]:
                options = self.exact(alternative)
                if options is None:
                    return None
                found |= options
            return found
        if op in (_parser.MAX_REPEAT, _parser.MIN_REPEAT) and av[1] <= 1:
            options = self.exact(av[2])
            if options is None:
                return None
            return options | {""} if av[0] == 0 else options
        return None

    def needs(self, items: _Items) -> set[str] | None:
        """The best set of strings one of which every match of the sequence `items` holds: the
        exact strings of a run of items, or what one item needs; None when nothing is known."""
        candidates: list[set[str]] = []
        run: _Items = []
        for op, av in [*items, (None, None)]:
            if op is not None and self.exact_item(op, av) is not None:
                run.append((op, av))
                continue
            if run:
                whole = self.exact(run)
                if whole is not None and "" not in whole:
                    candidates.append(whole)
                run = []
            inner = self._item_needs(op, av) if op is not None else None
            if inner is not None:
                candidates.append(inner)
        return max(candidates, key=_selectivity, default=None)

    def _item_needs(self, op: Any, av: Any) -> set[str] | None:
        if op is _parser.SUBPATTERN:
            return self.needs(av[-1])
        if op is _parser.ATOMIC_GROUP:
            return self.needs(av)
        repeats = (_parser.MAX_REPEAT, _parser.MIN_REPEAT, _parser.POSSESSIVE_REPEAT)
        if op in repeats and av[0] >= 1:
            return self.needs(av[2])
        if op is _parser.BRANCH:
            found: set[str] = set()
            for alternative in av[1]:
                needs = self.needs(alternative)
                if needs is None:
                    return None
                found |= needs
            return found
        return None


def _selectivity(strings: set[str]) -> tuple[int, int]:
    """Longer shortest strings first, then fewer strings."""
    return (min(map(len, strings)) if strings else 0, -len(strings))


def lowered_if_plain(text: str) -> str | None:
    """`text` lower-cased, when that holds every word a case-ignoring pattern finds in it
    (`caseless_beyond_ascii`); None when it may not (then every pattern is tried)."""
    return text.lower() if caseless_beyond_ascii(text) else None


def may_hold(needs: frozenset[str] | None, lowered: str | None) -> bool:
    """False only when the text `lowered` (from `lowered_if_plain`) holds none of the words
    `needs` (from `required_words`), so that their pattern cannot match it."""
    if lowered is None or needs is None:
        return True
    return any(map(lowered.__contains__, needs))


@cache
def pattern_needs(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """`required_words(pattern)`, read once per pattern."""
    return required_words(pattern)


def search_needing(
    pattern: re.Pattern[str], text: str, start: int = 0, end: int | None = None
) -> re.Match[str] | None:
    """`pattern.search(text, start, end)`, answered None without the scan when text[start:end]
    holds none of the words the pattern needs. A match lies inside the stretch (what it needs
    excludes look-arounds), so the stretch holds one of them wherever the pattern matches."""
    stop = len(text) if end is None else end
    if not may_hold(pattern_needs(pattern), lowered_if_plain(text[start:stop])):
        return None
    return pattern.search(text, start, stop)
