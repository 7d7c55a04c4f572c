"""The words a pattern needs: a sentence without any of them is one the pattern cannot match."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.extract import anchors
from ingest.extract.people import participants, ranking
from ingest.extract.people.index import Mention
from ingest.extract.required_words import (
    lowered_if_plain,
    may_hold,
    pattern_needs,
    required_words,
    search_needing,
)
from ingest.extract.text import sentences

_RULES = [*anchors.TITLE_RULES, *anchors.BODY_RULES, *anchors.LEAD_RULES]
_RULES += anchors.TRIP_NOUN_RULES
_REAL_TUNE = Path(__file__).resolve().parents[1] / "fixtures/real-tune/docs.jsonl"

# Text from the rules' own words, cut and recased, with capitals, separators and the letters
# whose case-ignoring match reaches beyond ASCII (Kelvin "K", long "ſ", dotted "İ").
_WORDS = sorted({w for rule in _RULES for w in (rule.needs or ())})
_PIECES = st.one_of(
    st.sampled_from(_WORDS),
    st.sampled_from(_WORDS).map(str.upper),
    st.sampled_from(_WORDS).map(lambda w: w[: len(w) // 2]),
    st.sampled_from(
        [" ", "  ", "\n", ",", ".", "’s", "the", "with", "President", "Mr.", "Blinken",
         "Foreign Minister", "\u212a", "\u017f", "\u0130", "“", "–", "on Monday", "in Paris"]
    ),
)  # fmt: skip
_TEXTS = st.lists(_PIECES, max_size=25).map(" ".join)


def test_a_cue_pattern_needs_the_words_its_alternatives_all_hold() -> None:
    meets_with = re.compile(r"\b(?:met|meets?|meeting)\s+with\b", re.IGNORECASE)
    assert required_words(meets_with) == {"with"}
    either = re.compile(r"\bvisit(?:ed|ing)?\b|\btravel(?:l?ed)?\s+to\b", re.IGNORECASE)
    assert required_words(either) == {"visit", "travel"}


def test_a_pattern_with_no_common_word_needs_nothing() -> None:
    assert required_words(re.compile(r"(?=[rw])\b[A-Z]\w+")) is None
    assert required_words(re.compile(r"\bon\b|\bat\b")) is None  # shorter than three letters


def test_a_letter_that_matches_ascii_only_when_case_is_ignored_keeps_the_scan() -> None:
    work = re.compile(r"\bwork\b", re.IGNORECASE)
    needs = required_words(work)
    assert needs == {"work"}
    sample = "WOR\u212a"  # the Kelvin sign matches "k" when case is ignored
    assert work.search(sample) is not None
    assert lowered_if_plain(sample) is None
    assert may_hold(needs, lowered_if_plain(sample))


@pytest.mark.parametrize("rule", _RULES, ids=lambda rule: rule.rule_id)
@settings(max_examples=40, deadline=None)
@given(sample=_TEXTS)
def test_a_text_the_rule_matches_holds_a_word_it_needs(rule: anchors.Rule, sample: str) -> None:
    if rule.pattern.search(sample) is not None:
        assert may_hold(rule.needs, lowered_if_plain(sample))
    assert (rule.search(sample, lowered_if_plain(sample)) is None) == (
        rule.pattern.search(sample) is None
    )


def test_every_real_tune_sentence_a_rule_matches_holds_a_word_it_needs() -> None:
    checked = 0
    for line in _REAL_TUNE.read_text(encoding="utf-8").splitlines():
        doc = json.loads(line)
        texts = [doc.get("title") or ""]
        texts += [doc["text"][s:e] for s, e in sentences(doc["text"])]
        for segment in texts:
            lowered = lowered_if_plain(segment)
            for rule in _RULES:
                if rule.pattern.search(segment) is not None:
                    checked += 1
                    assert may_hold(rule.needs, lowered), (rule.rule_id, segment)
    assert checked > 100


_PEOPLE_PATTERNS = [
    participants._ENGAGE,
    participants._ATTEND,
    participants._ATTENDED_BY,
    participants._SIGNED_BY,
]
_PEOPLE_WORDS = sorted({w for p in _PEOPLE_PATTERNS for w in (pattern_needs(p) or ())})
_PEOPLE_TEXTS = st.lists(
    st.one_of(st.sampled_from(_PEOPLE_WORDS), st.sampled_from([" ", "by", "with", "X", "\u212a"])),
    max_size=20,
).map(" ".join)


@pytest.mark.parametrize("pattern", _PEOPLE_PATTERNS, ids=lambda p: p.pattern[:30])
@settings(max_examples=60, deadline=None)
@given(sample=_PEOPLE_TEXTS, start=st.integers(0, 40), length=st.integers(0, 200))
def test_search_needing_answers_as_the_pattern(
    pattern: re.Pattern[str], sample: str, start: int, length: int
) -> None:
    end = min(len(sample), start + length)
    plain = pattern.search(sample, start, end)
    fast = search_needing(pattern, sample, start, end)
    assert (fast and fast.span()) == (plain and plain.span())


def _listed_by_pattern(text: str, m: Mention) -> bool:
    before = text[max(0, m.start - 40) : m.start]
    joined = ranking._LIST_JOIN.search(before)
    return joined is not None and bool(re.search(r"[A-Z][\w.’'-]*$", before[: joined.start()]))


@settings(max_examples=300, deadline=None)
@given(
    before=st.lists(
        st.sampled_from(["Ali", "Thailand", "and", ",", ";", " ", "\n", "\u00a0", "x", "Mr."]),
        max_size=12,
    ).map("".join)
)
def test_a_name_is_listed_as_the_pattern_alone_says(before: str) -> None:
    text = before + "Smith"
    mention = Mention(0, len(before), len(text), False, False)
    assert ranking._listed(text, mention) == _listed_by_pattern(text, mention)
