"""People in a release: named officials with their titles and affiliations, and who took part.

A person is a run of capitalised name tokens that something marks as a person: an office title
before it ("Indian External Affairs Minister Dr. Subrahmanyam Jaishankar"), an appositive title
after it ("Antony J. Blinken, Secretary of State"; "Mr. HAYASHI Yoshimasa, Minister for Foreign
Affairs of Japan"), an honorific, or an engagement verb ("met with Svyatlana Tsikhanouskaya").
Later short mentions ("Secretary Blinken", "Rutte", "Foreign Minister Park") resolve to the
full name. Office words, honorifics and particles are data (`ingest/data/offices.toml`).
"""

from __future__ import annotations

import dataclasses
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cache, lru_cache
from itertools import pairwise
from typing import NamedTuple

from ingest.extract import gazetteer as gz
from ingest.extract.places import dateline_country
from ingest.extract.text import EventAnchor, sentences
from ingest.records import Document, Evidence, Participant, Role

__all__ = ["Mention", "PeopleIndex", "Person", "find_people", "participants_for"]


@dataclass(slots=True)
class Person:
    name: str
    tokens: tuple[str, ...]  # folded name tokens, particles and initials included
    title: str | None
    affiliation: str | None
    byline: bool = False
    # how the affiliation was settled: "text" (the person's own title, apposition or host),
    # "own" (no cue: the issuing government's official), "" (nothing)
    basis: str = ""


@dataclass(frozen=True, slots=True)
class Mention:
    person: int
    start: int  # offsets of the name as written, in doc.text (or doc.title when in_title)
    end: int
    in_title: bool
    possessive: bool  # "Secretary Blinken's ..."


@dataclass(slots=True)
class PeopleIndex:
    people: list[Person] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    publisher: str | None = None
    attribution: set[int] = field(default_factory=set)  # readout attributed to them only


# ---------------------------------------------------------------- tokens


class _Tok(NamedTuple):
    """A word or punctuation token (a tuple: tokens are made by the thousand per release)."""

    text: str  # without trailing punctuation or possessive
    start: int
    end: int
    possessive: bool = False
    punct: bool = False


_PUNCT = frozenset('“"‘([«–—,;:)”!?]»\n')  # "/" is a word: "Representative/Vice-President"
_TOKEN = re.compile(r"\n|[“\"‘(\[«–—/,;:)”!?\]»*]|[^\s/“\"‘(\[«–—,;:)”!?\]»*]+")
# Tokens whose trailing period belongs to them: initials, "U.S.", abbreviated titles.
_KEEP_PERIOD = re.compile(
    r"^(?:[A-Za-z]|[A-Za-z]\.(?:[A-Za-z]\.?)+|St|Jr|Sr|Mr|Mrs|Ms|Dr|Lt|Gen|Adm|Col|Maj|Capt|Sgt"
    r"|Rev|Hon|Prof|Smt|Amb|Fr|Rt|No|H\.E|H\.H|H\.R\.H)$"
)


# Stretches of text that can hold a name or an office: capitalised words joined by particles
# and connectors. Only these (with a little context) are tokenised; lower-case prose is skipped.
_CAPITALISED_RUN = re.compile(
    # one character class first, so the engine can skip lower-case prose quickly
    r"[“\"‘(A-Z\u00c0-\u00de][^\s]*"
    r"(?:\s+(?:(?:of|for|and|the|to|on|in|at|&|bin|bint|ibn|al|el|de|del|da|di|du|van|von|der|den"
    r"|la|le|y)\s+)*[“\"‘(]?(?:[A-Z\u00c0-\u00de]|(?:al|el)[-‐][A-Z])[^\s]*)*"
)


def _windows(
    text: str, blocked_starts: frozenset[int] | set[int] = frozenset()
) -> list[tuple[int, int]]:
    """[start, end) stretches worth tokenising: each capitalised run with the word before it,
    and after it up to the end of its clause when an appositive (", Minister of ...") follows."""
    windows: list[tuple[int, int]] = []
    heads = _lower_heads()
    for match in _CAPITALISED_RUN.finditer(text):
        start, end = match.span()
        if not text[start].isupper() and not text[start + 1 : start + 2].isupper():
            continue  # "(inaudible)": an opening bracket before a lower-case word
        word = match.group()
        if " " not in word and "\n" not in word and (_lone_skip(word) or start in blocked_starts):
            continue  # "The", "However,", "Ukraine's": a lone word that cannot be a name
        start = _word_start_before(text, start, max(0, start - 30))
        if word.endswith(",") and heads.search(text, end, end + 60):
            # an appositive may follow: ", leader of the democratic opposition of Belarus"
            stop = _CLAUSE_STOP.search(text, end, end + 240)
            end = stop.start() + 1 if stop else min(len(text), end + 240)
        if windows and (start <= windows[-1][1] or not text[windows[-1][1] : start].strip()):
            windows[-1] = (windows[-1][0], max(end, windows[-1][1]))
        else:
            windows.append((start, end))
    return windows


def _word_start_before(text: str, start: int, limit: int) -> int:
    """Where the word before `start` begins (not before `limit`): the start of the last run of
    non-space characters followed by space up to `start`; `start` itself when there is none."""
    space = start
    while space > limit and text[space - 1].isspace():
        space -= 1
    word = space
    while word > limit and not text[word - 1].isspace():
        word -= 1
    return word if limit <= word < space < start else start


def _bare(word: str) -> str:
    word = word.rstrip(",.;:!?)”\"’'")
    return word[:-2] if word.endswith(("’s", "'s")) else word


@lru_cache(maxsize=1 << 14)
def _lone_skip(word: str) -> bool:
    """Whether `word`, standing alone, is never part of a person mention (cached per word)."""
    return _key(_bare(word)) in _lone_skips()


@cache
def _lone_skips() -> frozenset[str]:
    """Folded words that, standing alone, are never part of a person mention."""
    words = gz.office_words()
    return _FUNCTION_WORDS | words.not_names | words.institutions


@cache
def _lower_heads() -> re.Pattern[str]:
    """Office heads in any case: an appositive may write them in lower case ("leader of")."""
    return gz.phrase_regex(
        {h.lower() for h in gz.office_words().heads} | set(gz.office_words().heads),
        ignore_case=True,
    )


_CLAUSE_STOP = re.compile(r"[.;:\n]\s")


def _tokens(text: str, blocked_starts: frozenset[int] | set[int] = frozenset()) -> list[_Tok]:
    """Tokens of the stretches of `text` that can hold names, a line break between stretches."""
    out: list[_Tok] = []
    for start, end in _windows(text, blocked_starts):
        if out:
            out.append(_Tok("\n", start, start, False, True))
        _tokens_between(text, start, end, out)
    return out


def _tokens_between(text: str, pos: int, endpos: int, out: list[_Tok]) -> None:
    """Word and punctuation tokens of text[pos:endpos]; a possessive "'s" is a flag."""
    append = out.append
    for match in _TOKEN.finditer(text, pos, endpos):
        word = match.group()
        start, end = match.span()
        if word in _PUNCT:
            append(_Tok(word, start, end, False, True))
            continue
        if word == "*":
            continue  # a footnote mark ("Kosovo*"): not part of any name or title
        last = word[-1]
        if last not in ".’'s":
            append(_Tok(word, start, end))
            continue
        possessive = False
        trail: list[_Tok] = []
        while word:
            if word.endswith(("’s", "'s")) and len(word) > 2:
                possessive, word, end = True, word[:-2], end - 2
            elif word[-1] in "’'":
                trail.insert(0, _Tok(word[-1], end - 1, end, False, True))
                word, end = word[:-1], end - 1
            elif word[-1] == "." and not _KEEP_PERIOD.match(word[:-1]):
                trail.insert(0, _Tok(".", end - 1, end, False, True))
                word, end = word[:-1], end - 1
            else:
                break
        if word:
            append(_Tok(word, start, end, possessive))
        out.extend(trail)


@lru_cache(maxsize=1 << 16)
def _key(word: str) -> str:
    return gz.fold(word).rstrip(".")


_FUNCTION_WORDS = frozenset(
    """the a an in on at for with during after before following this these those that it he she
    they we our his her their as by from to of and but or if when while since today yesterday
    tomorrow begin end text moderator question thank good well so also both all each every other
    such any some more most many i you my your its there here then now however meanwhile further
    furthermore additionally through throughout across under over between among against via per
    within without upon about into onto toward towards despite except like unlike not no yes
    please see read watch more available contact note editors notes monday tuesday wednesday
    later earlier separately meanwhile additionally finally first second third afterwards
    subsequently previously recently together moreover similarly likewise overall tonight
    thursday friday saturday sunday media press release
    statement remarks readout transcript background fact sheet joint covid covid-19 embassy
    consulate ministry government administration congress parliament senate""".split()
)
_MONTHS = re.compile(
    r"^(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?$"
)
_CONNECTORS = frozenset({"of", "for", "and", "the", "to", "on", "&", "in", "at", "/"})


@cache
def _particles() -> frozenset[str]:
    return gz.office_words().particles


def _is_particle(tok: _Tok) -> bool:
    return tok.text in _particles()


# "al-Jubeir", "bin-Salman": a lower-case particle joined to a name is itself a name token.
_JOINED_PARTICLE = re.compile(
    r"^(?:al|el|ad|as|ash|at|az|bin|ibn|abu|de|da|di|du|van|von|le|la)[-‐][A-Z]"
)


_INITIAL = re.compile(r"[A-Z]\.(?:[A-Z]\.?)*")


def _is_initial(word: str) -> bool:
    return "." in word and _INITIAL.fullmatch(word) is not None


def _capitalised(word: str) -> bool:
    first = word.lstrip("“\"'‘")[:1]
    return first.isupper()


# ---------------------------------------------------------------- masks of non-name spans


def _blocked_spans(text: str) -> list[tuple[int, int]]:
    """Spans that are countries, demonyms, organisations or venues: never part of a name."""
    spans = gz.country_spans(text)
    spans += [(h.start, h.end) for h in gz.org_hits(text)]
    spans += [(s, e) for _, s, e in gz.venue_hits(text)]
    return spans


def _blocked_mask(tokens: list[_Tok], spans: list[tuple[int, int]]) -> list[bool]:
    starts = sorted(spans)
    mask = [False] * len(tokens)
    j = 0
    for i, tok in enumerate(tokens):
        while j < len(starts) and starts[j][1] <= tok.start:
            j += 1
        k = j
        while k < len(starts) and starts[k][0] < tok.end:
            if starts[k][0] <= tok.start and tok.end <= starts[k][1]:
                mask[i] = True
                break
            k += 1
    return mask


# ---------------------------------------------------------------- name runs


@dataclass(frozen=True, slots=True)
class _Run:
    first: int  # token indices [first, last]
    last: int


def _name_like(tok: _Tok, blocked: bool) -> bool:
    return not (tok.punct or blocked) and _word_name_like(tok.text)


@lru_cache(maxsize=1 << 16)
def _word_name_like(word: str) -> bool:
    """Whether a word can be part of a person's name (cached: releases repeat their words)."""
    if not word[:1].isupper():
        if word[:1] in "'’ʻ‘" and word[1:2].isupper():
            return True  # "'Aisake Eke": a Tongan name with its glottal stop
        return bool(_JOINED_PARTICLE.match(word))
    if _is_initial(word):
        return _key(word) not in gz.office_words().honorifics  # "J." yes, "H.E." no
    if any(ch.isdigit() for ch in word):
        return False
    key = _key(word)
    words = gz.office_words()
    if key in words.words or key in words.heads or key in words.honorifics:
        return False
    return not (key in words.not_names or key in _FUNCTION_WORDS or key in words.name_suffixes)


def _given_after_honorific(tokens: list[_Tok], mask: list[bool], k: int) -> bool:
    tok = tokens[k]
    return (
        _honorific(tokens[k - 1])
        and not tok.punct
        and not mask[k]
        and _capitalised(tok.text)
        and not _honorific(tok)
        and not _is_head_token(tok)
        and _key(tok.text) not in _FUNCTION_WORDS
    )


def _runs(tokens: list[_Tok], mask: list[bool]) -> list[_Run]:
    """Maximal runs of name tokens (particles and quoted nicknames allowed inside)."""
    runs: list[_Run] = []
    i, n = 0, len(tokens)
    # each token's kind, worked out once: the scan below looks at most tokens more than once
    names = [
        not (t.punct or blocked) and _word_name_like(t.text)
        for t, blocked in zip(tokens, mask, strict=True)
    ]
    for k in range(1, n - 1):
        if not names[k] and names[k + 1] and _given_after_honorific(tokens, mask, k):
            names[k] = True  # "Dr. Unity Dow": after an honorific, a common word is a given name
    particles = [tok.text in _particles() for tok in tokens]
    while i < n:
        head_then_particle = (
            i + 2 < n
            and particles[i + 1]  # the rarest condition first
            and _capitalised(tokens[i].text)
            and not tokens[i].punct
            and names[i + 2]
            and _key(tokens[i].text) not in gz.office_words().honorifics
        )  # "Sultan Al Jaber", "Mohammed bin Salman": a title word opening a particle name
        if not head_then_particle and (
            not names[i] or (_is_initial(tokens[i].text) and i + 1 >= n) or _is_date_word(tokens, i)
        ):
            i += 1
            continue
        j = i
        while j + 1 < n:
            nxt = tokens[j + 1]
            if tokens[j].possessive:
                break
            if names[j + 1]:
                j += 1
            elif particles[j + 1]:
                k = j + 1
                while k < n and particles[k]:
                    k += 1  # "von der Leyen", "bin Zayed"
                if k < n and _name_or_head(tokens[k], mask[k]):
                    j = k
                else:
                    break
            elif nxt.text in '“"' and j + 3 < n and tokens[j + 3].text in '”"':
                j += 3  # Porfirio “Pepe” Lobo Sosa
            else:
                break
        runs.append(_Run(i, j))
        i = j + 1
    trimmed = (_trim_run(tokens, r) for r in runs)
    return [r for r in (_past_office_tail(tokens, mask, r) for r in trimmed if r) if r]


# Connectors that carry an office on into a capitalised word ("Minister for Reintegration");
# after "and" only a non-head office word does ("Trade and Worship", not "President and X").
_OF_CONNECTORS = frozenset({"of", "for"})
_AND_CONNECTORS = frozenset({"and", "&"})


def _office_tail(tokens: list[_Tok], mask: list[bool], i: int) -> bool:
    """ "Minister of Foreign Affairs, International Trade and Worship": a capitalised word that
    continues an office name after a connector, never the start of a person's name."""
    k = i - 1
    if k >= 0 and tokens[k].text.lower() == "the":
        k -= 1
    if k < 1 or tokens[k].punct:
        return False
    connector, prev = tokens[k].text.lower(), tokens[k - 1]
    if prev.punct or prev.possessive or _name_like(prev, mask[k - 1]):
        return False
    if connector in _OF_CONNECTORS:
        return _office_word(prev)
    return connector in _AND_CONNECTORS and _office_word(prev) and not _is_head_token(prev)


def _past_office_tail(tokens: list[_Tok], mask: list[bool], run: _Run) -> _Run | None:
    """ "Deputy Prime Minister for Reintegration Oleg Serebrian": the office's last word is not
    part of a longer name; a run that is only that word is no name at all."""
    if not _office_tail(tokens, mask, run.first):
        return run
    if run.first == run.last:
        return None
    if run.last - run.first >= 2:
        return _Run(run.first + 1, run.last)
    # two words: a place ("Crown Prince of Abu Dhabi", left to the place rules) or more of the
    # office ("Minister of Export Promotion, International Trade ...")
    first, last = tokens[run.first], tokens[run.last]
    return run if gz.lookup_city(f"{first.text} {last.text}") is not None else None


def _is_date_word(tokens: list[_Tok], i: int) -> bool:
    """ "May 16", "16 May": a month beside a number is a date, not a name."""
    if not _MONTHS.match(tokens[i].text):
        return False
    near = [tokens[k].text for k in (i - 1, i + 1) if 0 <= k < len(tokens)]
    return any(w[:1].isdigit() for w in near)


def _name_or_head(tok: _Tok, blocked: bool) -> bool:
    """After a particle anything capitalised is a name ("bin Sultan", "Al Jaber")."""
    return (not tok.punct and _capitalised(tok.text) and not blocked) or _name_like(tok, blocked)


def _trim_run(tokens: list[_Tok], run: _Run) -> _Run | None:
    first, last = run.first, run.last
    while first <= last and _is_initial(tokens[last].text) and last > first:
        last -= 1  # a name does not end in an initial
    if first > last:
        return None
    words = [tokens[k].text for k in range(first, last + 1) if tokens[k].text not in '“”"']
    if all(_is_initial(w) or (w.isupper() and len(w) <= 3) for w in words):
        return None  # "D.C.", "UN": initials and acronyms alone are not names
    return _Run(first, last)


# ---------------------------------------------------------------- titles around a name


@dataclass(frozen=True, slots=True)
class _Titled:
    title: str | None
    affiliation: str | None
    start: int  # offset of the title's first char (or the name's when no title)
    has_head: bool


def _is_head_token(tok: _Tok) -> bool:
    return _key(tok.text) in gz.office_words().heads


def _title_token(tok: _Tok, blocked: bool) -> bool:
    if tok.punct:
        return False
    key = _key(tok.text)
    words = gz.office_words()
    if key in words.words or key in words.heads or blocked:
        return True
    if tok.text in {"U.S.", "US", "UK", "U.K."}:
        return True
    return _ACRONYM.fullmatch(tok.text) is not None  # "MFA", "NUG", "INL"


_ACRONYM = re.compile(r"[A-Z]{2,6}")


def _honorific_apostrophe(tokens: list[_Tok], i: int) -> bool:
    """The apostrophe of "Dato'" (split off by the tokenizer), not a possessive plural's."""
    return tokens[i].text in "'’" and i > 0 and _honorific(tokens[i - 1])


def _honorific(tok: _Tok) -> bool:
    return not tok.punct and _key(tok.text) in gz.office_words().honorifics


def _office_word(tok: _Tok) -> bool:
    key = _key(tok.text)
    return not tok.punct and (key in gz.office_words().words or key in gz.office_words().heads)


def _inner_institution_word(tokens: list[_Tok], mask: list[bool], i: int) -> bool:
    """ "President of the German Bundestag", "Committee of the State Duma": a capitalised word
    that is never a name (an institution's), after an office or place word of the same title."""
    tok = tokens[i]
    return (
        i > 0
        and not tok.punct
        and _capitalised(tok.text)
        and not _name_like(tok, mask[i])
        and not _honorific(tok)
        and _title_token(tokens[i - 1], mask[i - 1])
        and tokens[i - 1].text.lower() not in _CONNECTORS
    )


def _left_title(tokens: list[_Tok], mask: list[bool], index: int, text: str) -> _Titled | None:
    """The office words written before the name starting at token `index`."""
    i = index - 1
    while i >= 0 and (_honorific(tokens[i]) or _honorific_apostrophe(tokens, i)):
        i -= 1
    end = i
    while i >= 0:
        tok = tokens[i]
        if _title_token(tok, mask[i]):
            if tok.possessive and i != end and not mask[i]:
                break  # "Blinken's Foreign Minister": another person's; "Ukraine's" is a cue
            i -= 1
            continue
        if tok.text.lower() in _CONNECTORS and not tok.punct:
            i -= 1
            continue
        if _capitalised(tok.text) and _office_tail(tokens, mask, i):
            i -= 1
            continue
        if _inner_institution_word(tokens, mask, i):
            i -= 1
            continue
        if tok.text == ")" and i >= 2 and tokens[i - 2].text == "(":
            i -= 3
            continue
        if (
            tok.text == ","
            and i > 0
            and _office_word(tokens[i - 1])
            and (
                (i + 1 <= end and _title_token(tokens[i + 1], mask[i + 1]))
                or (
                    i + 2 <= end
                    and tokens[i + 1].text.lower() == "and"
                    and _title_token(tokens[i + 2], mask[i + 2])
                )
            )
        ):
            i -= 1
            continue
        break
    first = i + 1
    while first <= end and (tokens[first].text.lower() in _CONNECTORS or tokens[first].punct):
        first += 1
    while end >= first and (tokens[end].text.lower() in _CONNECTORS or tokens[end].punct):
        end -= 1  # "Senator the Hon Penny Wong": the office is "Senator"
    if first > end:
        return None
    span = tokens[first : end + 1]
    if not any(_is_head_token(t) for t in span):
        return None
    return _clean_title(text, span)


def _right_title(tokens: list[_Tok], mask: list[bool], after: int, text: str) -> _Titled | None:
    """An appositive title after the name: ", Secretary of State" / ", leader of the ... of X"."""
    if after >= len(tokens) or tokens[after].text != ",":
        return None
    i = after + 1
    if i < len(tokens) and tokens[i].text.lower() in {"the", "a"}:
        i += 1
    start = i
    seen_head = False
    open_complement = False
    lead_words = 0  # "Managing Director", "Raymond Vernon Fellow": words before the head
    words = gz.office_words()
    while i < len(tokens) and i - start < 32:
        tok = tokens[i]
        if tok.punct and tok.text != "(":
            break
        if not mask[i] and (_key(tok.text) in words.honorifics or _starts_name(tokens, mask, i)):
            break  # the next person: ", and Minister of State Dr. Sultan Al Jaber"
        if _is_head_token(tok):
            seen_head = True
        elif tok.text.lower() in {"of", "for", "to"} and seen_head:
            open_complement = True
        elif _title_token(tok, mask[i]) or (tok.text.lower() in _CONNECTORS and i > start):
            pass
        elif not seen_head and lead_words < 2 and _capitalised(tok.text):
            lead_words += 1
        elif not open_complement:
            break
        i += 1
    span = tokens[start:i]
    while span and (span[-1].text.lower() in _CONNECTORS or span[-1].punct):
        span = span[:-1]
    if not span or not seen_head:
        return None
    if i < len(tokens) and not tokens[i].punct and _name_like(tokens[i], mask[i]):
        return None  # ", Foreign Minister Y": the next person's title, not an appositive
    k = i + 1 if i < len(tokens) and tokens[i].text == "," else len(tokens)
    while k < len(tokens) and _key(tokens[k].text) in gz.office_words().honorifics:
        k += 1
    if k < len(tokens) and k > i + 1 and _name_like(tokens[k], mask[k]):
        return None  # "..., Prime Minister of Mauritius, Dr. N. Ramgoolam": the next person's
    listed = tokens[after + 1].text.lower() == "the" and k == i + 1
    if listed and k < len(tokens) and _starts_name(tokens, mask, k):
        return None  # "X, the Minister of Foreign Affairs of Japan, Taro Kono": a list's next
    return _clean_title(text, span)


def _starts_name(tokens: list[_Tok], mask: list[bool], i: int) -> bool:
    """Two capitalised name tokens in a row: a person's name, not more of a title."""
    return (
        i + 1 < len(tokens)
        and _name_like(tokens[i], mask[i])
        and not tokens[i].possessive
        and _name_like(tokens[i + 1], mask[i + 1])
    )


_US_DEPARTMENT = re.compile(r"^(?:U\.S\.\s+)?(?:Department\s+of\s+State|State\s+Department)\s+")
_OF_ORG = re.compile(r"\s+of\s+(?:the\s+)?(?P<org>[A-Z][^,(]*?)(?P<acronym>\s*\([A-Z]{2,8}\)?)?$")
_OF_COUNTRY_TO = re.compile(
    r"\bof\s+(?:the\s+)?(?P<country>[A-Z][\w’' .-]{1,40}?)\s+(?:to\b|in\s+(?=[A-Z]))"
)
_OF_COUNTRY = re.compile(r"\s+of\s+(?:the\s+)?(?=[A-Z])")


def _clean_title(text: str, span: list[_Tok]) -> _Titled:
    """Split a title phrase into affiliation cue and office: "Indian External Affairs Minister"
    -> ("External Affairs Minister", "IN"); "Minister for Foreign Affairs of Japan" -> JP."""
    title, affiliation, shift, has_head = _title_parts(text[span[0].start : span[-1].end])
    return _Titled(title, affiliation, span[0].start + shift, has_head)


@lru_cache(maxsize=1 << 12)
def _title_parts(phrase: str) -> tuple[str | None, str | None, int, bool]:
    """(office, affiliation, offset of the office in `phrase`, has a head word); cached because
    releases repeat their titles ("Secretary of State", "Prime Minister of Japan")."""
    start = 0
    affiliation: str | None = None
    lead = gz.country_hits(phrase)
    if lead and lead[0].start == 0:
        affiliation = lead[0].key
        cut = lead[0].end
        if phrase[cut : cut + 2] in ("’s", "'s"):
            cut += 2
        phrase, start = (
            phrase[cut:].lstrip(" ,"),
            start + len(phrase[:cut]) + (len(phrase[cut:]) - len(phrase[cut:].lstrip(" ,"))),
        )
    if affiliation and phrase.startswith("and "):
        # "Lawrence Wong of Singapore and Prime Minister X": Singapore was the last person's
        affiliation, phrase, start = None, phrase[4:], start + 4
    department = _US_DEPARTMENT.match(phrase)
    if department:
        affiliation = affiliation or "US"
        phrase = phrase[department.end() :]
    envoy = _OF_COUNTRY_TO.search(phrase)
    if envoy and not affiliation:
        # "Ambassador of Japan to ASEAN": the government sending the envoy
        affiliation = gz.lookup_country(envoy.group("country"))
    for trailing in _OF_COUNTRY.finditer(phrase):
        country = phrase[trailing.end() :].strip()
        code = gz.lookup_country(country)
        if code and gz.is_country_phrase(country):
            affiliation = affiliation or code
            phrase = phrase[: trailing.start()]
            break
    org_tail = _OF_ORG.search(phrase)
    if org_tail:
        orgs = gz.org_hits(org_tail.group("org"))
        if orgs and orgs[0].start == 0:
            affiliation = affiliation or orgs[0].key
            if org_tail.group("acronym"):
                # "Secretary General of the North Atlantic Treaty Organization (NATO)": the body
                # spelt out for the affiliation; "President of the European Council" stays whole
                phrase = phrase[: org_tail.start()]
    national = _national_office(phrase)
    if national is not None and (affiliation is None or affiliation in gz.organisation_codes()):
        # "OSCE Chairperson-in-Office and German Foreign Minister": the government served
        affiliation = national
    if affiliation is None:
        affiliation = _org_or_place_affiliation(phrase)
    lead_org = re.match(r"(?P<org>[A-Z]{2,6})\s+(?=\S)", phrase)
    if (
        lead_org
        and gz.org_hits(lead_org.group("org"))
        and affiliation == gz.org_hits(lead_org.group("org"))[0].key
    ):
        # "NATO Secretary General" -> "Secretary General" with affiliation NATO (the seed's form)
        phrase = phrase[lead_org.end() :]
    phrase = re.sub(r"\s+", " ", phrase).strip(" ,")
    phrase = _COUNTERPART_LEAD.sub("", phrase)  # "counterpart, the Minister ..." -> the office
    # "Foreign Minister Senator Mohammad Ishaq Dar": the seat held is not part of the office
    phrase = _TRAILING_SEAT.sub("", phrase)
    has_head = any(_key(w) in gz.office_words().heads for w in re.split(r"[\s/]+", phrase))
    return phrase or None, affiliation, start, has_head


_TRAILING_SEAT = re.compile(r"(?<=\S)\s+(?:Senator|Sen\.?|MP|MNA)$")
_COUNTERPART_LEAD = re.compile(r"^(?:(?:his|her|their)\s+)?counterparts?\s*,?\s+(?:the\s+)?(?=\S)")


_PORTFOLIO_AFTER = re.compile(r"\s+(?:and\s+[A-Z][\w-]*\s+)?Affairs\b")
_PART_BREAK = re.compile(r",\s+|\s+and\s+")
_NATIONAL_BEFORE = re.compile(r"^(?:[’']s)?\s+(?=[A-Z])")  # "German Foreign", "Iceland's Foreign"


def _national_office(phrase: str) -> str | None:
    """The country of a later part of a compound title: "OSCE Chairperson-in-Office and German
    Foreign Minister" -> DE, "President of the Committee of Ministers, Iceland's Foreign
    Minister" -> IS: a national office that a person also holds names the government served."""
    for part in _PART_BREAK.finditer(phrase):
        rest = phrase[part.end() :]
        hits = gz.country_hits(rest)
        if (
            hits
            and hits[0].start == 0
            and _NATIONAL_BEFORE.match(rest[hits[0].end :])
            and _lower_heads().search(rest, hits[0].end)
        ):
            return hits[0].key
    return None


def _org_or_place_affiliation(phrase: str) -> str | None:
    """ "NATO Secretary General" -> NATO; "Crown Prince of Abu Dhabi" -> AE (a city's country).
    An organisation named in a portfolio ("Minister of Foreign and CARICOM Affairs") is not the
    body served."""
    orgs = [h for h in gz.org_hits(phrase) if not _PORTFOLIO_AFTER.match(phrase, h.end)]
    if orgs:
        return orgs[0].key
    place = re.search(r"\bof\s+((?:[A-Z][\w’'-]+\s?){1,3})$", phrase)
    if place:
        city = gz.lookup_city(place.group(1).strip())
        if city is not None and city.population >= 100000:
            return city.country_code
    return None


# ---------------------------------------------------------------- building the index


_ATTRIBUTION = re.compile(
    r"(?<!quotes\s)(?<!quote\s)attributable\s+to|according\s+to|(?:said|says)\s+(?:a|the)\s+spokes|readout\s+(?:by|from)",
    re.IGNORECASE,
)
# An engagement verb earlier in the sentence makes the person someone met (a counterpart);
# a bare "with" counts only close by ("engage often with the new Administration," Mr Peters said).
_MEET_BEFORE = re.compile(
    # "met with X", "met X" (not "Ministers met at NATO Headquarters ... chaired by X")
    r"\b(?:(?:met|meet|meets|meeting|meetings)\s+(?:\w+\s+){0,2}?with\b|(?:met|meet|meets)\s+"
    r"(?=[A-Z]|the\s|his\s|her\s|their\s)|hosted(?!\s+by)|hosts|received|receives|welcomed|welcomes|"
    r"called\s+on|calls\s+on|call\s+on|spoke|speaks|represented\s+by)",
)
_WITH_NEAR = re.compile(r"\bwith\b[^,;]{0,60}$", re.IGNORECASE)
_WITH_NEAR_REACH = 4 + 60 + 1  # "with", 60 characters, and a final newline "$" may stand before


@dataclass(frozen=True, slots=True)
class _Raw:
    """One name occurrence before coreference."""

    tokens: tuple[str, ...]
    name: str
    start: int
    end: int
    titled: _Titled | None
    cue: bool  # something marks it as a person
    possessive: bool
    in_title: bool
    byline: bool
    attribution: bool
    object_country: str | None  # "In Cambodia, X will meet with <this person>"
    is_object: bool
    shouted: bool = False  # "FOREIGN MINISTER TALL SALL:": a transcript label, coreference only
    listable: bool = False  # an uncued full name in a list: a person when a listed one is


def find_people(doc: Document, publisher: str | None = None) -> PeopleIndex:
    """Every person named in the headline and body, with coreference of later mentions.

    `publisher` is the country or organisation issuing the release (from the feed when known);
    without it, the URL host decides, and officials named without a country cue serve it.
    """
    publisher = publisher or gz.publisher_of(doc.url) or _publisher_from_text(doc.text)
    raws = _raw_mentions(doc.text, in_title=False)
    if doc.title:
        raws += _raw_mentions(doc.title, in_title=True)
    index = PeopleIndex(publisher=publisher)
    trip = _trip_country(doc.text, publisher)
    _resolve(index, raws, publisher, trip)
    _share_companions_affiliation(index, doc.text)
    _home_affiliations(index, doc, publisher, trip)
    return index


def _home_affiliations(
    index: PeopleIndex, doc: Document, publisher: str | None, trip: str | None
) -> None:
    """Officials named without a country cue ("own"): they serve the issuing government, which
    is the publisher when known, else the country the release names most that no one else
    present is explicitly from. A titled counterpart met without a country cue serves the other
    country the release names most. Neither when the office is one that government does not have
    ("Prime Minister Modi" from Washington), or is already held by an earlier person (a second
    "President" in a release): such a person serves the other country the release names."""
    pending = [p for p in index.people if p.basis == "own" or (not p.basis and p.title)]
    if not pending:
        return
    counts: dict[str, int] = {}
    for part in (doc.title or "", doc.text[:SCAN_HEAD]):
        for hit in gz.country_hits(part):
            if part[hit.end : hit.end + 1] != "$":  # "US$20 billion" is a currency
                counts[hit.key] = counts.get(hit.key, 0) + 1
    taken = {p.affiliation for p in index.people if p.basis == "text" and p.affiliation}

    def most_named(exclude: set[str]) -> str | None:
        # the country named clearly most often: twice at least, and more than any other
        ranked = sorted(
            ((n, code) for code, n in counts.items() if code not in exclude), reverse=True
        )
        if (
            not ranked
            or ranked[0][0] < _HOME_MIN
            or (len(ranked) > 1 and ranked[1][0] * _HOME_LEAD > ranked[0][0])
        ):
            return None
        return ranked[0][1]

    home = publisher or most_named(taken | ({trip} if trip else set()))
    first_seen: dict[int, int] = {}
    for rank, m in enumerate(index.mentions):
        first_seen.setdefault(m.person, rank)
    not_held = _offices_not_held().get(home or "", frozenset())
    held_here = _offices_held().get(home or "", frozenset())
    held: set[str] = {
        gz.fold(p.title)
        for p in index.people
        if p.title and p.affiliation == home and p.basis == "text"
    }
    people = {id(p): i for i, p in enumerate(index.people)}
    others = taken | ({home} if home else set())
    for person in sorted(pending, key=lambda p: first_seen.get(people[id(p)], len(first_seen))):
        office = gz.fold(person.title) if person.title else ""
        foreign = bool(office) and (_heads_all_in(office, not_held) or office in _COUNTERPART)
        if foreign:
            # a counterpart, or an office this government does not have
            person.affiliation = most_named(others)
            continue
        if office in held:
            # a second holder of a one-holder office serves the other country, when one is clear
            person.affiliation = most_named(others) or (home if person.basis == "own" else None)
            continue
        if person.basis != "own":
            # someone met, with no country cue: a guest, unless the office is one the
            # government itself has ("President Biden" met by a visitor): then unknown
            own_office = bool(office) and _heads_all_in(office, held_here)
            person.affiliation = None if own_office else most_named(others)
            continue
        person.affiliation = home
        if office in _single_holder_offices() and not _near_a_foreign_country(
            index, people[id(person)], doc.text, home
        ):
            # only a holder named away from other countries' names is surely the government's
            # own ("President Biden has said Russia ...": Biden or Putin may be the second)
            held.add(office)


_COUNTERPART = frozenset({"counterpart", "counterparts"})
_HOME_MIN = 2  # mentions a country needs to be taken as the release's own
_HOME_LEAD = 2  # ... and how many times the next country's count it needs


@cache
def _single_holder_offices() -> frozenset[str]:
    """Folded offices one person holds in a government at a time (offices.toml)."""
    return frozenset(gz.fold(w) for w in gz._toml("offices.toml")["single_holder"]["offices"])


def _near_a_foreign_country(index: PeopleIndex, pid: int, text: str, home: str | None) -> bool:
    """Whether a sentence naming the person also names a country other than `home`."""
    for m in index.mentions:
        if m.person != pid or m.in_title:
            continue
        left = max(text.rfind(". ", 0, m.start), text.rfind("\n", 0, m.start)) + 1
        right = min((i for i in (text.find(". ", m.end), text.find("\n", m.end)) if i >= 0),
                    default=len(text))  # fmt: skip
        if any(hit.key != home for hit in gz.country_hits(text[left:right])):
            return True
    return False


def _heads_all_in(office: str, not_held: frozenset[str]) -> bool:
    """Whether every office head in a folded title is in `not_held` (a government's offices it
    does not have, or does): "minister of education" is all "minister"; "minister counselor"
    also has "counselor", a diplomatic rank."""
    if not not_held:
        return False
    words = re.split(r"[\s/-]+", office)
    heads = gz.office_words().heads
    pairs = {f"{a} {b}" for a, b in pairwise(words)} & heads
    found = ({w for w in words if w in heads} | pairs) - _MODIFIER_HEADS
    covered = {w for p in pairs & not_held for w in p.split()}
    return bool(found) and all(h in not_held or h in covered for h in found)


_MODIFIER_HEADS = frozenset({"deputy", "counterpart"})


@cache
def _offices_not_held() -> dict[str, frozenset[str]]:
    table = gz._toml("offices.toml").get("offices_not_held", {})
    return {code: frozenset(gz.fold(w) for w in words) for code, words in table.items()}


@cache
def _offices_held() -> dict[str, frozenset[str]]:
    table = gz._toml("offices.toml").get("offices_held", {})
    return {code: frozenset(gz.fold(w) for w in words) for code, words in table.items()}


# "Prime Minister X, who was accompanied by Minister of Finance Y": Y serves X's government.
_ACCOMPANYING = re.compile(r"\baccompanied\s+by\b[^.;]{0,80}$")


def _share_companions_affiliation(index: PeopleIndex, text: str) -> None:
    """Officials named without a country after "accompanied by" serve the person they accompany
    (the nearest one named before it in the same sentence)."""
    if "accompanied by" not in text:
        return
    body = [m for m in index.mentions if not m.in_title]
    for k, m in enumerate(body):
        person = index.people[m.person]
        if person.affiliation is not None:
            continue
        cue = _ACCOMPANYING.search(text, max(0, m.start - 90), m.start)
        if cue is None:
            continue
        before = [b for b in body[:k] if b.start < cue.start() and cue.start() - b.end < 120]
        lead = next((index.people[b.person] for b in reversed(before)), None)
        if lead is not None and lead.affiliation is not None and lead is not person:
            person.affiliation, person.basis = lead.affiliation, "text"


_TRAVEL_TO = re.compile(
    r"\b(?:travel(?:s|ed|led|ling|ing)?|visit(?:s|ed|ing)?|trip|arriv(?:e|es|ed)\s+in|"
    r"in\s+the\s+\w+\s+capital)\b[^.]{0,40}?\b(?:to|in)?\s*(?=[A-Z])",
)


def _trip_country(text: str, publisher: str | None) -> str | None:
    """The foreign country a release's traveller goes to: officials met there serve it."""
    for match in _TRAVEL_TO.finditer(text, 0, min(len(text), 3000)):
        found = _host_country(text, match.start(), min(len(text), match.end() + 60))
        if found and found != publisher:
            return found
    return None


def _publisher_from_text(text: str) -> str | None:
    """The issuing government when the URL does not say: the State Department's own labels, else
    the country of a home dateline ("ABU DHABI, 12th March, 2025 (WAM) --", "Nairobi –") that
    the release also names ("the UAE's position"): a dateline alone may be a trip's stop or an
    organisation's seat ("Washington, DC: the Managing Director ...")."""
    if re.search(r"\b(?:Department of State|State Department|Office of the Spokesperson)\b", text):
        return "US"
    code = dateline_country(text)
    head = text[:SCAN_HEAD]
    named = any(
        hit.key == code and head[hit.end : hit.end + 1] != "$"  # "US$20 billion" is a currency
        for hit in gz.country_hits(head)
    )
    return code if named else None


# Long releases (briefing transcripts) are read in full for their first SCAN_HEAD characters;
# after that only paragraphs naming an office are, which keeps extraction a few ms per release.
SCAN_HEAD = 5000
SIGN_OFF = 300  # characters at the end of a release where a signature block may stand


def _scanned(text: str) -> str:
    """`text` with later paragraphs that name no office blanked out (offsets unchanged)."""
    if len(text) <= SCAN_HEAD:
        return text
    cut = text.find("\n", SCAN_HEAD)
    if cut < 0:
        return text
    # one scan for office words; a phrase never spans a line, so each match marks its paragraph
    offices = [match.start() for match in gz.head_pattern().finditer(text, cut)]
    parts = [text[:cut]]
    start, k = cut, 0
    for number, paragraph in enumerate(text[cut:].split("\n")):
        if number:
            parts.append("\n")
        end = start + len(paragraph)
        while k < len(offices) and offices[k] < start:
            k += 1
        keep = k < len(offices) and offices[k] < end
        parts.append(paragraph if keep else " " * len(paragraph))
        start = end + 1
    return "".join(parts)


def _raw_mentions(text: str, *, in_title: bool) -> list[_Raw]:
    text = _scanned(text)
    blocked = _blocked_spans(text)
    tokens = _tokens(text, {start for start, _ in blocked})
    mask = _blocked_mask(tokens, blocked)
    context = _Context(text)
    raws: list[_Raw] = []
    for run in _runs(tokens, mask):
        raw = _raw_from_run(context, tokens, mask, run, in_title=in_title)
        if raw is not None:
            raws.append(raw)
    return _inherit_list_titles(_join_inverted_names(raws, text), text)


_INVERTED_GAP = re.compile(r"[ \t]*,[ \t]*$")
_INVERTED_AFTER = re.compile(r"[ \t]*,|[ \t]+(?!and\b|or\b)[a-z]")
_HYPHENATED_GIVEN = re.compile(r"[A-Z][a-z]+-[a-z]+")  # "Kyung-wha", "Jae-in"


def _join_inverted_names(raws: list[_Raw], text: str) -> list[_Raw]:
    """A surname written first and the given names after a comma, one person:
    "Minister of Foreign Affairs Kang, Kyung-wha had ...", "Mr. Lavrov, Sergey Viktorovich,
    Minister of ...". An East Asian given name (hyphenated, or after a surname in capitals) keeps
    the written order ("Kang Kyung-wha"); other names read given names first ("Sergey
    Viktorovich Lavrov"). The given names must be named nowhere else: "Minister Kang, Motegi
    and ..." is a list."""
    if len(raws) < 2:
        return raws
    firsts: dict[str, int] = {}
    for raw in raws:
        for token in raw.tokens:
            firsts[token] = firsts.get(token, 0) + 1
    out: list[_Raw] = []
    k = 0
    while k < len(raws):
        surname = raws[k]
        given = raws[k + 1] if k + 1 < len(raws) else None
        if (
            given is not None
            and surname.cue
            and len(surname.tokens) == 1
            and not surname.possessive
            and 1 <= len(given.tokens) <= 3
            and (given.titled is None or given.titled.start > given.start)
            and (surname.titled is None or surname.titled.start < surname.start)
            and _INVERTED_GAP.match(text, surname.end, given.start) is not None
            and _INVERTED_AFTER.match(text, given.end) is not None
            and all(firsts[t] == 1 for t in given.tokens)
        ):
            east_asian = (
                _HYPHENATED_GIVEN.fullmatch(given.name) is not None or surname.name.isupper()
            )
            if east_asian:
                tokens, name = surname.tokens + given.tokens, f"{surname.name} {given.name}"
            else:
                tokens, name = given.tokens + surname.tokens, f"{given.name} {surname.name}"
            out.append(
                dataclasses.replace(
                    surname,
                    tokens=tokens,
                    name=name,
                    end=given.end,
                    titled=surname.titled or given.titled,
                    possessive=given.possessive,
                )
            )
            k += 2
            continue
        out.append(surname)
        k += 1
    return out


class _Context:
    """A text, the sentence around an offset (one pass over the text's sentence ends, made when
    first asked) and per-sentence facts computed once."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._hosts: dict[int, str | None] = {}
        self._attributed: dict[int, bool] = {}
        self._ends: list[int] | None = None

    def sentence(self, offset: int) -> tuple[int, int]:
        if self._ends is None:
            text = self.text
            self._ends = [
                m.end()
                for m in _SENTENCE_END.finditer(text)
                if not _is_abbreviation_end(text, m.start())
            ]
        ends = self._ends
        k = bisect_right(ends, offset)
        start = ends[k - 1] if k > 0 else 0
        end = ends[k] if k < len(ends) else len(self.text)
        return start, end

    def attributed(self, span: tuple[int, int]) -> bool:
        """Whether the sentence at `span` attributes a readout ("according to", "readout by")."""
        if span[0] not in self._attributed:
            self._attributed[span[0]] = _ATTRIBUTION.search(self.text, *span) is not None
        return self._attributed[span[0]]

    def host_country(self, span: tuple[int, int]) -> str | None:
        if span[0] not in self._hosts:
            self._hosts[span[0]] = _host_country(self.text, *span)
        return self._hosts[span[0]]


_SENTENCE_END = re.compile(r"[.!?][\"”’)]*\s+|\n")
_ABBREVIATED = re.compile(
    r"(?:\b[A-Z]|\b(?:Mr|Mrs|Ms|Dr|St|Jr|Sr|Lt|Gen|Hon|Rt|Amb|Prof|Smt|U\.S|H\.E|H\.H|D\.C))$"
)


def _is_abbreviation_end(text: str, dot: int) -> bool:
    """A period closing "Mr", "Dr", "U.S" or an initial, not a sentence."""
    return text[dot] == "." and _ABBREVIATED.search(text, max(0, dot - 4), dot) is not None


def _raw_from_run(
    context: _Context, tokens: list[_Tok], mask: list[bool], run: _Run, *, in_title: bool
) -> _Raw | None:
    text = context.text
    name_toks = tokens[run.first : run.last + 1]
    start, end = name_toks[0].start, name_toks[-1].end
    name = text[start:end]
    folded = tuple([_key(t.text) for t in name_toks if t.text not in '“”"'])
    if len(name_toks) == 1 and _plainly_bare(tokens, mask, run):
        # the common case: "Rutte", "Washington", a capitalised word with nothing around it
        # that could mark a person; kept only to resolve to someone named elsewhere
        possessive = name_toks[-1].possessive
        return _Raw(folded, name, start, end, None, False, possessive, in_title, False, False,
                    None, False)  # fmt: skip
    left = _left_title(tokens, mask, run.first, text)
    after = run.last + 1
    while after < len(tokens) and _key(tokens[after].text) in gz.office_words().name_suffixes:
        after += 1
    right = _right_title(tokens, mask, after, text)
    if left is None and right is None:
        left = _left_appositive(tokens, mask, run.first, text)
    titled = _with_country_after(_prefer(left, right), text, tokens[after - 1].end)
    titled = _with_delegation_country(titled, text, start)
    titled = _with_country_before(titled, text)
    prev = tokens[run.first - 1].text if run.first > 0 else ""
    honorific = run.first > 0 and _key(prev) in gz.office_words().honorifics
    s_start, s_end = context.sentence(start)
    before = text[s_start:start]
    # the cue words end where the trailing space of `before` begins: search from there only
    cue_from = max(0, len(before.rstrip()) - 4)
    with_cue = len(name_toks) >= 2 and _WITH_BEFORE.search(before, cue_from) is not None
    verb_cue = (
        len(name_toks) >= 2
        and not name_toks[-1].possessive
        and _SUBJECT_VERB.match(text, end) is not None
        and not any(_key(t.text) in gz.office_words().words for t in name_toks)
    )  # "Vladimir Putin had a telephone conversation with ..."
    if _institution_follows(tokens, after):
        return None  # "the Communist Party", "Hagley Museum": an organisation or place
    if _is_organisation(name):
        return None  # "the seventh Commonwealth Secretary-General": the body, not a person
    opens_sentence = run.first == 0 or tokens[run.first - 1].punct
    if left is None and len(name_toks) == 1 and opens_sentence and not honorific:
        titled = None  # "Later, the Secretary General met ...": an adverb, not an appositive
    cue = (titled is not None and titled.has_head) or honorific or with_cue or verb_cue
    line_start = text.rfind("\n", 0, start) + 1
    # a byline heads a release; a sign-off ("Name\nSpokesperson\nMinistry ...") closes it
    edge = start <= 400 or start >= len(text) - SIGN_OFF
    stacked = None if in_title or not edge else _title_on_next_line(text, line_start, start, end)
    cue = cue or (stacked is not None and len(name_toks) >= 2)
    if not cue:
        # a bare capitalised run: kept only to resolve to someone named elsewhere, or a person
        # when it stands in one list with a named person ("Ministers A B, C D and E F")
        listable = (
            len(name_toks) >= 2
            and (_LIST_AFTER.match(text, end) is not None or _LIST_BEFORE.search(before, cue_from))
            and _CAPITAL_AFTER.match(text, end) is None  # "Raymond Vernon Fellow": a title's
            and not any(_plural_head(t.text) for t in name_toks)  # "Presidents Rafael Correa"
            and not _is_place_run(text, tokens, run, name)
            and _looks_like_a_name(text, name_toks, name)
        )
        return _Raw(
            folded,
            name,
            start,
            end,
            None,
            False,
            name_toks[-1].possessive,
            in_title,
            False,
            False,
            None,
            False,
            listable=bool(listable),
        )
    if _is_place_run(text, tokens, run, name):
        return None
    if not _looks_like_a_name(text, name_toks, name):
        # "Working Lunch", "June 29", "AffairsBureau": kept only to resolve to someone named
        return _Raw(folded, name, start, end, None, False, name_toks[-1].possessive, in_title,
                    False, False, None, False)  # fmt: skip
    if stacked is not None:
        # "Senator the Hon Penny Wong\nMinister for Foreign Affairs": a byline block
        titled = _Titled(stacked.title, stacked.affiliation, stacked.start, True)
    byline = (
        stacked is not None
        or (
            right is not None
            and not in_title
            and _only_honorifics(text[line_start:start])  # "The Hon Pat Conroy MP, Minister ..."
            and start < 400
            and "\n" in text[end : end + 200]
            and text.find("\n", end) - end < 100
        )
    )
    near = max(0, len(before) - _WITH_NEAR_REACH)
    meets = _MEET_BEFORE.search(before) is not None or _WITH_NEAR.search(before, near) is not None
    return _Raw(
        tokens=folded,
        name=name,
        start=start,
        end=end,
        titled=titled,
        cue=True,
        possessive=name_toks[-1].possessive,
        in_title=in_title,
        byline=byline,
        attribution=context.attributed((s_start, s_end)) and not in_title,
        object_country=context.host_country((s_start, s_end)) if meets else None,
        is_object=meets,
        shouted=all(t.text.isupper() for t in name_toks if t.text[:1].isalpha()),
    )


@cache
def _common_words() -> frozenset[str]:
    """Folded English words the releases write in lower case (data/common_words.txt)."""
    lines = gz._data_text("common_words.txt").splitlines()
    return frozenset(w.strip() for w in lines if w.strip() and not w.startswith("#"))


_DATE_BEFORE = re.compile(
    r"(?:\b(?:in|on|since|by|until|till|from|during|of|early|late|mid|last|next|this|through)|[’']s)"
    r"\s*$",
    re.IGNORECASE,
)
_JOINED_COUNTRY = re.compile(r"\b([A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+)?)\s+(?:and|&)\s+$")
_GLUED = re.compile(r"^(?P<head>[A-Z][a-z]{3,})[A-Z][a-z]")
_CONTRACTION = re.compile(r"\w[’'][a-z]$")  # "Comm'n", not "O'Brien" or "Mata’afa"


# anything a written name never holds
_NOT_NAME_CHARACTER = re.compile(r"[^\w.'’‘\-–‐‑]|[\d_]")  # U+2010, U+2011: hyphens in names


def _looks_like_a_name(text: str, name_toks: list[_Tok], name: str) -> bool:
    """A person's name is not a run of common lower-case words ("Working Lunch", "Upcoming"),
    a month in a date ("in May", "the President's June 29 meeting"), a glued word
    ("AffairsBureau"), a contraction ("Comm'n"), or a country or a large city."""
    words = [t.text for t in name_toks if t.text not in '“”"']
    if any(_NOT_NAME_CHARACTER.search(w) for w in words):
        return False  # "A<", "R&D", "x@y": names are letters, apostrophes, hyphens and dots
    content = [_key(_bare(w)) for w in words if _key(w) not in _particles()]
    if content and all(w in _common_words() for w in content):
        return False
    if len(words) == 1 and _MONTHS.match(_bare(words[0])):
        start, end = name_toks[0].start, name_toks[-1].end
        if re.match(r"\s*\d", text[end : end + 3]) or _DATE_BEFORE.search(
            text, max(0, start - 12), start
        ):
            return False
    for word in words:
        glued = _GLUED.match(word)
        if glued and (
            _key(glued.group("head")) in _common_words()
            or _key(glued.group("head")) in gz.office_words().words
        ):
            return False
        if _CONTRACTION.search(word):
            return False
    if gz.is_country_phrase(name) and gz.lookup_country(name):
        return False
    start = name_toks[0].start
    joined = _JOINED_COUNTRY.search(text, max(0, start - 40), start)
    if joined and gz.lookup_country(f"{joined.group(1)} and {name}"):
        return False  # "Bosnia & Herzegovina", "Trinidad and Tobago": the end of a country
    if len(words) == 1 and re.fullmatch(r"[A-Z][a-z]{0,2}\.", words[0]):
        return False  # "Rt." of "Rt. Hon.", "Jr.": an abbreviation, not a name
    # a city of any size is too weak for one word: "Austin", "George" and "Lincoln" are people too
    city = gz.lookup_city(name)
    if city is None:
        return True
    if len(content) > 1:
        return city.population < _CITY_NAME_MIN
    capital = gz.capital_of(city.country_code)
    return city.population < _CITY_WORD_MIN and not (
        capital is not None and capital.name == city.name and city.population >= _CITY_NAME_MIN
    )


_CITY_NAME_MIN = 100_000  # a multi-word name that is a city this large is the city
_CITY_WORD_MIN = 1_500_000  # ... and a one-word name, unless it is a capital


def _only_honorifics(prefix: str) -> bool:
    words = gz.office_words().honorifics | {"the"}
    return all(_key(w) in words for w in prefix.split())


def _title_on_next_line(text: str, line_start: int, start: int, end: int) -> _Titled | None:
    """The office on the line under a name that stands alone on its line (with honorifics)."""
    words = gz.office_words()
    prefix = text[line_start:start].split()
    if any(_key(w) not in _byline_prefixes() for w in prefix):
        return None
    line_end = text.find("\n", end)
    if line_end < 0 or any(_key(w) not in words.name_suffixes for w in text[end:line_end].split()):
        return None
    match = _NEXT_LINE.match(text, line_end)
    if not match:
        return None
    line = match.group("line").strip()
    if len(line) > 90 or line.endswith((".", ":")) or not gz.head_pattern().search(line):
        return None
    found: list[_Tok] = []
    _tokens_between(text, match.start("line"), match.end("line"), found)
    return _clean_title(text, found) if found else None


@cache
def _byline_prefixes() -> frozenset[str]:
    """Folded words that may stand before a name heading a byline block."""
    words = gz.office_words()
    return words.honorifics | words.heads | {"the"}


_NEXT_LINE = re.compile(r"\n[ \t]*\n?[ \t]*(?P<line>[^\n]+)")


def _plainly_bare(tokens: list[_Tok], mask: list[bool], run: _Run) -> bool:
    """No title, honorific or comma right before a one-word run, no comma right after it."""
    if run.first > 0:
        prev = tokens[run.first - 1]
        if prev.text == "," or (
            not prev.punct
            and (
                _title_token(prev, mask[run.first - 1])
                or _key(prev.text) in gz.office_words().honorifics
                or prev.text.lower() in _CONNECTORS
            )
        ):
            return False
    nxt = tokens[run.last + 1] if run.last + 1 < len(tokens) else None
    return nxt is None or (
        nxt.text != "," and _key(nxt.text) not in gz.office_words().name_suffixes
    )


def _institution_follows(tokens: list[_Tok], after: int) -> bool:
    if after >= len(tokens) or tokens[after].punct:
        return False
    word = tokens[after].text
    return _capitalised(word) and _key(word) in gz.office_words().institutions


_SUBJECT_VERB = re.compile(
    r"\s+(?:had|held|met|meets|spoke|speaks|visited|visits|received|receives|hosted|hosts|said|"
    r"says|signed|signs|welcomed|welcomes|called|paid|attended|addressed|noted|stressed|"
    r"congratulated|thanked|discussed|expressed|emphasi[sz]ed|underlined|reaffirmed|invited|"
    r"agreed|pointed|announced|will\s+(?:travel|visit|meet|attend|hold|host)|has\s+(?:met|spoken))\b"
)
_WITH_BEFORE = re.compile(r"\b(?:with|and)\s*$")
_OF_AFTER = re.compile(r"\s+of\s+(?:the\s+)?")


# "a delegation of the Hungarian National Assembly led by Speaker X", "the Thai delegation
# headed by X": the leader serves the delegation's country.
_DELEGATION_LED = re.compile(
    r"(?:\bdelegation\s+(?:of|from)\s+(?:the\s+)?(?P<of>[A-Z][^,.;]{0,60}?)"
    r"|\b(?P<adj>[A-Z][\w-]+)\s+(?:\w+\s+)?delegation)\s*,?\s+(?:led|headed)\s+by\s+(?:the\s+)?"
    r"(?:[A-Z][\w’'-]*\s+){0,6}$"  # the leader's office, within the sentence
)


def _with_delegation_country(titled: _Titled | None, text: str, start: int) -> _Titled | None:
    if titled is not None and titled.affiliation:
        return titled
    if "delegation" not in text[max(0, start - 150) : start]:
        return titled  # the common case, without a regex search
    found = _DELEGATION_LED.search(text, max(0, start - 150), start)
    if found is None:
        return titled
    hits = gz.country_hits(found.group("of") or found.group("adj") or "")
    if not hits:
        return titled
    if titled is None:
        return _Titled(None, hits[0].key, start, False)
    return _Titled(titled.title, hits[0].key, titled.start, titled.has_head)


def _with_country_before(titled: _Titled | None, text: str) -> _Titled | None:
    """ "his Turkish counterpart Mevlüt Çavuşoğlu", "his Brazilian counterpart, Ernesto Araújo":
    a country word right before a title the title scan left out (a lower-case office)."""
    if titled is None or titled.affiliation is not None or not titled.title or titled.start < 3:
        return titled
    window = text[max(0, titled.start - 40) : titled.start]
    hits = gz.country_hits(window)
    if not hits or window[hits[-1].end :].strip(" ") != "" or window[hits[-1].end :] == "":
        return titled
    return _Titled(titled.title, hits[-1].key, titled.start, titled.has_head)


def _with_country_after(titled: _Titled | None, text: str, end: int) -> _Titled | None:
    """ "President Zelenskyy of Ukraine": a country named right after the name."""
    if titled is not None and titled.affiliation:
        return titled
    follow = _OF_AFTER.match(text, end)
    if not follow:
        return titled
    hits = gz.country_hits(text[follow.end() : follow.end() + 60])
    if not hits or hits[0].start != 0 or hits[0].kind != "name":
        return titled
    if titled is None:
        return _Titled(None, hits[0].key, end, False)
    return _Titled(titled.title, hits[0].key, titled.start, titled.has_head)


# Ranks and courtesy offices that a fuller appositive office replaces ("Marine Corps Lt. Gen.
# Stephen Sklenka, Deputy Commander of U.S. Indo-Pacific Command").
_RANKS = frozenset(
    "ambassador general gen lt lieutenant admiral adm colonel col major maj captain capt "
    "commodore brigadier marshal sergeant sgt vice rear air chief dr professor prof senator "
    "hon honourable honorable excellency".split()
)


def _prefer(left: _Titled | None, right: _Titled | None) -> _Titled | None:
    """ "Ambassador C.B. Sullenberger, U.S. Representative to the ICAO": a fuller appositive
    office beats a bare rank or courtesy title written before the name."""
    if left is None or right is None or not right.has_head:
        return left or right
    left_words = re.split(r"[\s/]+", left.title or "")
    ranks_only = all(
        _key(w) in _RANKS or _key(w) not in gz.office_words().heads for w in left_words
    )
    if len(left_words) <= 1 < len((right.title or "").split()) or ranks_only:
        return _Titled(right.title, right.affiliation or left.affiliation, left.start, True)
    return _Titled(left.title, left.affiliation or right.affiliation, left.start, left.has_head)


_HOST_LEAD = re.compile(
    r"\s*(?:(?:In|While\s+in|During\s+(?:his|her|their|the)\s+\w+\s+(?:to|in))\s+"
    r"(?P<place>[^,]{2,60}),"
    # "In Kuala Lumpur he will meet ...": no comma after the place
    r"|(?:In|While\s+in)\s+(?P<place3>[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*){0,3})\s+(?=[a-z])"
    r"|(?:The\s+)?(?P<place2>[A-Z][^,.]{1,40}?)\s+(?:was|were)\s+represented\s+by)"
)
_TRAVEL_CUE = re.compile(r"\b(?:travel\w*|visit\w*|trip)\s+(?:\w+\s+){0,3}?(?:to|in)\b")


def _host_country(text: str, start: int, end: int) -> str | None:
    """The country an engagement sentence places itself in ("In Cambodia, ...", "traveled to the
    People's Republic of China for meetings with ..."): where the people met are from."""
    from ingest.extract.places import resolve_place, stated_country

    sentence = text[start:end]
    lead = _HOST_LEAD.match(sentence)
    if lead:
        # "In the Turkish capital, ...", "In Saudi Arabia, ...", "Türkiye was represented by"
        phrase = lead.group("place") or lead.group("place2") or lead.group("place3")
        hits = gz.country_hits(phrase)
        if hits:
            return hits[0].key
        found = resolve_place(phrase)
        return found[1] if found else None
    travel = _TRAVEL_CUE.search(sentence)
    return stated_country(text, start + travel.start(), end) if travel else None


def _is_place_run(text: str, tokens: list[_Tok], run: _Run, name: str) -> bool:
    """ "Crown Prince of Abu Dhabi": a run after of/in/to/from that names a city is a place."""
    if run.first == 0:
        return False
    prev = tokens[run.first - 1].text.lower()
    if prev not in {"of", "in", "to", "from", "at", "near", "visit", "visited"}:
        return False
    city = gz.lookup_city(name)
    return city is not None and city.population >= 15000


def _left_appositive(tokens: list[_Tok], mask: list[bool], index: int, text: str) -> _Titled | None:
    """ "Ukraine's First Lady, Olena Zelenska" / "the Crown Prince of Abu Dhabi, Sheikh ..."."""
    i = index - 1
    while i >= 0 and (_honorific(tokens[i]) or _honorific_apostrophe(tokens, i)):
        i -= 1  # "YAB Dato' Seri Anwar Ibrahim"
    if i < 1 or tokens[i].text != ",":
        return None
    if (
        _name_like(tokens[i - 1], mask[i - 1])
        and not _is_head_token(tokens[i - 1])
        and not _office_tail(tokens, mask, i - 1)
    ):
        # "... of Abu Dhabi, Sheikh X": a place closing the title is fine, a person is not
        of = next((k for k in range(i - 1, max(i - 5, 0), -1) if tokens[k].text == "of"), None)
        place = text[tokens[of + 1].start : tokens[i - 1].end] if of is not None else ""
        if of is None or (gz.lookup_city(place) is None and gz.lookup_country(place) is None):
            return None
    nxt = tokens[index + 1] if index + 1 < len(tokens) else None
    # a left appositive introduces a full name, or a single name the comma closes ("Indonesia's
    # Minister for Foreign Affairs, Sugiono, arrived")
    mononym = (
        nxt is not None
        and nxt.text in {",", ")"}
        and not tokens[index].possessive
        and (_office_word(tokens[i - 1]) or mask[i - 1])  # the office ends at the comma
    )
    if nxt is None or not (_name_like(nxt, mask[index + 1]) or _is_particle(nxt) or mononym):
        return None
    titled = _left_title(tokens, mask, i, text)
    honorific = i < index - 1  # "..., Dr. Navinchandra Ramgoolam": an honorific opens a person
    listed = titled is not None and not honorific and _after_list_comma(tokens, titled.start)
    if listed and (titled is None or titled.affiliation is None):
        # "Evanna Hu, CEO and Partner, Omelas": the last person's appositive; but "Lavrov, the
        # Minister of Foreign Affairs of Japan, Taro Kono" names a country: the next person's
        return None
    if titled is None:
        # the comma blocks _left_title's own scan: look through a place-of title by hand
        j = i - 1
        while j >= 0 and (
            (
                not tokens[j].punct
                and (
                    _title_token(tokens[j], mask[j])
                    or tokens[j].text.lower() in _CONNECTORS
                    or _capitalised(tokens[j].text)
                )
            )
            or _inner_office_comma(tokens, j, i)
        ):
            j -= 1
        span = [t for t in tokens[j + 1 : i] if t.text.lower() not in {"the", "a"}]
        while span and span[0].text.lower() in _CONNECTORS:
            span = span[1:]  # "..., and the Special Representative for X, Name"
        if span and any(_is_head_token(t) for t in span):
            return _clean_title(text, span)
        return None
    return titled


def _inner_office_comma(tokens: list[_Tok], j: int, end: int) -> bool:
    """ "Minister for Foreign Affairs, Emigration and Egyptian Expatriates": a comma inside one
    office's name (an office word before it, the words after it no office of their own)."""
    if tokens[j].text != "," or j < 1 or not _office_word(tokens[j - 1]):
        return False
    after = tokens[j + 1 : end]
    return (
        bool(after)
        and after[0].text.lower() not in _CONNECTORS
        and not any(_is_head_token(t) or t.punct for t in after)
    )


def _after_list_comma(tokens: list[_Tok], start: int) -> bool:
    first = next((k for k, t in enumerate(tokens) if t.start >= start), None)
    if first is None:
        return False
    k = first - 1
    while k >= 0 and tokens[k].text.lower() in {"the", "a"}:
        k -= 1
    return k >= 0 and tokens[k].text in {",", ";"}


_LIST_AFTER = re.compile(r"[ \t]*(?:,|and\b)")
_LIST_BEFORE = re.compile(r"(?:,|\band)[ \t]*$")


def _plural_head(word: str) -> bool:
    key = _key(word)
    return key.endswith("s") and key[:-1] in gz.office_words().heads


_CAPITAL_AFTER = re.compile(r"[ \t]+[A-Z]")
_LIST_GAP = re.compile(r"[ \t]*(?:,[ \t]*(?:and[ \t]+)?|and[ \t]+)")


def _share_list_cues(raws: list[_Raw], text: str) -> list[_Raw]:
    """ "Ministers Naledi Pandor, Rob Davies, Tina Joemat-Pettersson": names listed only by
    commas and "and" with a named person are people too; a plural title is each one's."""
    out = list(raws)
    k = 0
    while k < len(out):
        group = [k]
        while group[-1] + 1 < len(out) and _LIST_GAP.fullmatch(
            text, out[group[-1]].end, out[group[-1] + 1].start
        ):
            group.append(group[-1] + 1)
        k = group[-1] + 1
        if len(group) < 2:
            continue
        lead = next((out[j] for j in group if out[j].cue and len(out[j].tokens) >= 2), None)
        if lead is None or not any(out[j].listable for j in group):
            continue
        titled = lead.titled
        single = (
            titled.title[:-1] if titled and titled.title and titled.title.endswith("s") else None
        )
        for j in group:
            raw = out[j]
            if single and titled and (raw is lead or (raw.listable and not raw.cue)):
                start = titled.start if raw is lead else raw.start
                out[j] = _replace_title(raw, _Titled(single, titled.affiliation, start, True))
            elif raw.listable and not raw.cue:
                out[j] = dataclasses.replace(raw, cue=True)
    return out


def _inherit_list_titles(raws: list[_Raw], text: str) -> list[_Raw]:
    """ "NUG representatives Aung Myo Min and Moe Zaw Oo": the second name shares the title."""
    raws = _share_list_cues(raws, text)
    out: list[_Raw] = []
    for raw in raws:
        prev = out[-1] if out else None
        if (
            prev is not None
            and raw.titled is None
            and prev.titled is not None
            and prev.titled.title
            and re.fullmatch(r"\s*(?:,\s*)?and\s+", text[prev.end : raw.start])
            and prev.titled.title.endswith("s")
        ):
            single = prev.titled.title[:-1]
            titled = _Titled(single, prev.titled.affiliation, raw.start, True)
            prev_fixed = _replace_title(prev, titled)
            out[-1] = prev_fixed
            raw = _replace_title(raw, titled)
        out.append(raw)
    return out


def _replace_title(raw: _Raw, titled: _Titled) -> _Raw:
    return _Raw(
        raw.tokens,
        raw.name,
        raw.start,
        raw.end,
        titled,
        True,
        raw.possessive,
        raw.in_title,
        raw.byline,
        raw.attribution,
        raw.object_country,
        raw.is_object,
    )


# ---------------------------------------------------------------- coreference


@cache
def _folded_particles() -> frozenset[str]:
    return frozenset(p.lower() for p in gz.office_words().particles)


@lru_cache(maxsize=1 << 14)
def _content_tokens(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """Name tokens that identify a person: no particles ("bin", "von") or initials."""
    parts = _folded_particles()
    return tuple(t for t in tokens if t not in parts and len(t) > 1)


def _corefers(short: tuple[str, ...], full: tuple[str, ...]) -> bool:
    """ "Blinken" ~ "Antony J. Blinken"; "Park" ~ "Park Jin"; "Moreno Bau" ~ "Angeles Moreno
    Bau"."""
    return _contents_corefer(_content_tokens(short), _content_tokens(full))


def _contents_corefer(s: tuple[str, ...], f: tuple[str, ...]) -> bool:
    """`_corefers` on content tokens already worked out."""
    if not s or not f:
        return False
    if s == f:
        return True
    n = len(s)
    return n < len(f) and (f[-n:] == s or f[:n] == s)


def _resolve(
    index: PeopleIndex, raws: list[_Raw], publisher: str | None, doc_host: str | None = None
) -> None:
    # Full names first (two or more name tokens with a cue), in text order, headline last; then
    # short mentions resolve to them, or start a person of their own when titled.
    ordered = sorted(raws, key=lambda r: (r.in_title, r.start))
    ids: dict[int, int] = {}
    for k, raw in enumerate(ordered):
        if raw.cue and len(_content_tokens(raw.tokens)) >= 2 and not raw.shouted:
            found = _find(index, raw.tokens)
            if found is None or (
                len(raw.tokens) > len(index.people[found].tokens)
                and not (_corefers(index.people[found].tokens, raw.tokens))
            ):
                found = _new_person(index, raw)
            ids[k] = found
    for k, raw in enumerate(ordered):
        if k in ids:
            continue
        found = _find(index, raw.tokens)
        if found is None and raw.cue and _content_tokens(raw.tokens) and not raw.shouted:
            found = _new_person(index, raw)
        if found is not None:
            ids[k] = found
    evidence: dict[int, list[_Raw]] = {}
    for k, raw in enumerate(ordered):
        if k in ids:
            evidence.setdefault(ids[k], []).append(raw)
            index.mentions.append(Mention(ids[k], raw.start, raw.end, raw.in_title, raw.possessive))
            if raw.attribution:
                index.attribution.add(ids[k])
    for pid, person_raws in evidence.items():
        _settle(index.people[pid], person_raws, publisher, doc_host)
    index.mentions.sort(key=lambda m: (m.in_title, m.start))


def _settle(person: Person, raws: list[_Raw], publisher: str | None, doc_host: str | None) -> None:
    """Title and affiliation from all of a person's mentions, strongest evidence first."""
    # the office written with the full name first ("External Affairs Minister Dr. S. Jaishankar"
    # in a headline beats "Minister Jaishankar" in a transcript), then fuller forms of it
    longest = max(len(r.tokens) for r in raws)
    ordered = sorted(raws, key=lambda r: (len(r.tokens) < longest, r.in_title, r.start))
    for raw in ordered:
        title = raw.titled.title if raw.titled else None
        if title and (person.title is None or _extends(title, person.title)):
            person.title = title
    person.byline = any(r.byline for r in raws)
    explicit = next((r.titled.affiliation for r in raws if r.titled and r.titled.affiliation), None)
    implied = gz.implied_affiliation(person.title)
    # a person introduced as someone met ("spoke to President X") is the counterpart, not the
    # publisher's own official
    first = min((r for r in raws if not r.in_title), key=lambda r: r.start, default=raws[0])
    met = first.is_object
    own = not met and any((r.titled is not None and r.titled.has_head) or r.cue for r in raws)
    hosted = next((r.object_country for r in raws if r.object_country), None)
    if hosted is None and met:
        hosted = doc_host
    person.basis = "text"
    if explicit:
        person.affiliation = explicit
    elif implied:
        person.affiliation = implied
    elif hosted and hosted != publisher:
        person.affiliation = hosted
    elif own or person.byline:
        person.affiliation, person.basis = publisher, "own"
    else:
        person.basis = ""


def _extends(new: str, old: str) -> bool:
    """ "Secretary of State" extends "Secretary": more words of the same office."""
    new, old = new.lower(), old.lower()
    return new.startswith(old + " ") and " and " not in new[len(old) :]


def _find(index: PeopleIndex, tokens: tuple[str, ...]) -> int | None:
    """The person a (short) mention names: exact, then surname, then given-name-first forms."""
    short = _content_tokens(tokens)
    if not short:
        return None
    best: tuple[int, int] | None = None
    for i, person in enumerate(index.people):
        full = _content_tokens(person.tokens)
        if not full or (short[0] not in full and full[0] not in short):
            continue  # every rank below needs a name token in common
        if short == full:
            rank = 0
        elif _contents_corefer(short, full) or _contents_corefer(full, short):
            rank = 1 if full[-len(short) :] == short or short[-len(full) :] == full else 2
        elif len(short) == 1 and short[0] in full:
            rank = 3
        else:
            continue
        if best is None or rank < best[0]:
            best = (rank, i)
            if rank == 0:
                break  # nobody ranks better than the exact name
    return best[1] if best else None


def _new_person(index: PeopleIndex, raw: _Raw) -> int:
    index.people.append(Person(raw.name, raw.tokens, None, None, raw.byline))
    return len(index.people) - 1


# ---------------------------------------------------------------- participants


_TURN = re.compile(
    r"\b(?:to\s+(?:discuss|review|reaffirm|underscore|highlight|advance|address|express|convey|"
    r"coordinate|strengthen|deepen|explore|exchange|emphasi[sz]e|condemn|share|thank|"
    r"congratulate|commend|raise|urge|welcome|seek|mark|commemorate|celebrate)|about|regarding|"
    r"concerning|discuss(?:ed|ing)?|reviewed|reaffirmed|emphasi[sz]ed|underscored|highlighted|"
    r"condemned|expressed|thanked|welcomed|following|ahead\s+of|amid|on\s+behalf\s+of)\b"
)
_CLAUSE_END = re.compile(r";|\b(?:and|but)\s+(?:will|would|also|then|to)\b|\bwhere\b")
_ENGAGE = re.compile(
    r"\b(?:met|meet|meets|meeting|meetings|hosted|hosts?|host|received|receive|welcomed|"
    r"joined|join|accompanied|accompany|delegation|includ(?:e|es|ed)|call(?:ed|s)?\s+on|"
    r"talks\s+with|held\s+talks|spoke|speak|holds?|dialogue\s+with|invitation\s+of|invited\s+by"
    r"|attend(?:s|ed|ing)?|interactions?\s+with)\b",
    re.IGNORECASE,
)
_ATTEND = re.compile(
    r"\b(?:attend(?:ed|ing|ees)?|participat(?:ed|ing|ion)|represented\s+by|joined\s+by|"
    r"took\s+part|present\s+were|co-?chaired|chaired\s+by|welcomed|led\s+by|brought\s+together"
    r"|among\s+the\s+(?:[\w-]+\s+){0,2}(?:participants|attendees|leaders|delegates|delegations"
    r"|heads|ministers|speakers|guests))\b",
    re.IGNORECASE,
)
# A relative clause describes something else: "the Commission, which is co-chaired by ...".
_ASIDE_OPEN = re.compile(r",\s*(?:which|who|whose)\b[^,;]*$")
_FIRST_PERSON = re.compile(
    r"\b(?:I|we)\s+(?:will|have|had|am|was|met|spoke|held|visited|travel|welcomed|hosted"
    r"|received|joined|attended|chaired|co-chaired|signed|led|opened|discussed|called)"
    r"|\band\s+I\s+(?-i:[a-z])"
)
_STATEMENT_BY = re.compile(
    r"\b(?:statement|remarks|declaration|communiqu[ée]|message)\s+(?:by|from|of)\b", re.IGNORECASE
)
_STATEMENT_VERB = re.compile(
    r"^[^.;:]{0,80}?\b(?:said|says|stated|states|announced|announces|condemned|condemns|"
    r"welcomed|welcomes|issued|issues|declared|expressed|made\s+the\s+following"
    # an organisation head's statement in the third person: "X is following with deep concern"
    r"|(?:is|are)\s+(?:deeply\s+|gravely\s+|closely\s+)?(?:following|concerned|alarmed|saddened)"
    r"|calls\s+on|urges|deplores|regrets|reiterates|reaffirms|expresses|extends|conveys)\b"
)
_CALL_VERB = re.compile(
    r"\b(?:spoke|speaks|talked|called|calls|telephoned|(?:had|held)\s+a\s+(?:tele)?phone|"
    r"telephone\s+conversation|phone\s+call|video\s+call)"
)
_ATTENDED_BY = re.compile(
    r"\b(?:was|were)\s+(?:also\s+)?(?:attended|joined|accompanied|flanked"
    r"|(?:officially\s+)?(?:opened|closed|inaugurated))\s+by\b"
    r"|\bspeaking\s+at\s+the\s+(?:opening|closing|meeting|summit|conference|session|forum)\b"
    # "Also present at the meeting were ...", "Attending the talks were ...", "Present were ..."
    r"|\b(?:present|attending|in\s+attendance)\b[^.;:]{0,50}?\b(?:were|was)\s+(?=[A-Z]|the\s)"
    r"|\bin\s+the\s+presence\s+of\b|\bopened\s+with\s+(?:an?\s+)?(?:address|remarks|speech)\s+by\b"
    # "X joined the ministers for a session on ...": a late arrival at the gathering
    r"|\bjoined\s+(?:the\s+)?(?:other\s+)?(?:ministers|leaders|meeting|talks|session|discussions?"
    r"|summit|conference|delegates|participants|counterparts|colleagues|allies)\b",
    re.IGNORECASE,
)
# Signatories take part in a signing; at a meeting they may be officials signing on the side.
_SIGNED_BY = re.compile(
    rf"{_ATTENDED_BY.pattern}|\b(?:was|were)\s+(?:also\s+)?(?:signed|co-?signed)\s+by\b",
    re.IGNORECASE,
)
# A principal someone stands in for is not there: "On behalf of President X, the Minister ...".
_ON_BEHALF = re.compile(
    r"\b(?:on\s+behalf\s+of|representing|in\s+(?:place|lieu)\s+of)\s+(?:the\s+)?"
    r"(?:[\w.’'-]+\s+){0,4}$",
    re.IGNORECASE,
)
# A quotation closed and attributed: "...," said the Foreign Minister <name>.
_SAID_BEFORE = re.compile(r"[”\"],?\s+(?:said|says|stated|added)\s+[^.”\"\n]{0,80}$")
ISSUER_TYPES = frozenset({"statement"})
GATHERINGS = frozenset({"meeting", "conference", "signing"})
BYLINE_TYPES = frozenset({"statement", "other"})


def participants_for(
    index: PeopleIndex, anchor: EventAnchor, doc: Document
) -> tuple[list[Participant], list[Participant], list[Evidence]]:
    """(participants, mentioned people, evidence) of the anchor's event."""
    chosen: dict[int, Mention] = {}
    role: dict[int, Role] = {}
    text = doc.text
    if anchor.event_type in BYLINE_TYPES or anchor.event_type in ISSUER_TYPES:
        for m in index.mentions:
            if index.people[m.person].byline and not m.in_title:
                chosen.setdefault(m.person, m)
                role[m.person] = "issuer"
    if anchor.in_title or anchor.ordinal == 0:
        for m in index.mentions:
            if m.in_title and not _title_mention_excluded(doc.title or "", m):
                chosen.setdefault(m.person, m)
    if anchor.start >= 0:
        _from_clause(index, text, anchor.start, anchor.end, anchor, chosen)
        _from_antecedent(index, text, anchor, chosen)
        _from_joined_subject(index, text, anchor, chosen)
        if not any(not m.in_title for m in chosen.values()) and anchor.event_type in GATHERINGS:
            # "The summit took place in Tokyo. The EU was represented by ...": the next sentences
            for s, e in _following(text, anchor.end, 2):
                _from_clause(index, text, s, e, anchor, chosen)
    if anchor.event_type == "visit":
        for s, e in sentences(text):
            if _ENGAGE.search(text, s, e):
                _from_engagements(index, text, s, e, chosen)
        # "with his Austrian counterpart X", "he will meet with his counterpart X":
        # on a trip, the traveller's named counterpart is someone met
        for m in index.mentions:
            title = index.people[m.person].title
            if not m.in_title and title and gz.fold(title) in _COUNTERPART:
                chosen.setdefault(m.person, m)
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
        chosen.setdefault(traveller.person, traveller)
    present = set(chosen)  # people found where the event is told, before attendance lists
    if anchor.event_type in GATHERINGS and anchor.start >= 0:
        # "The meeting was attended by X and Y", "The MoU was signed by X and Y", anywhere after
        cue = _SIGNED_BY if anchor.event_type == "signing" else _ATTENDED_BY
        if cue.search(text, anchor.start):  # rare: split the text only then
            for s, e in sentences(text):
                if s >= anchor.start and cue.search(text, s, e):
                    _from_clause(index, text, s, e, anchor, chosen, turn=False)
        # "Leaders attending included ...", "Türkiye was represented by ...", "welcomed X to"
        for s, e in sentences(text[: _paragraph_end(text, anchor.end, 2)]):
            attend = _ATTEND.search(text, s, e) if s >= anchor.start else None
            if attend and not _ASIDE_OPEN.search(text, s, attend.start()):
                _from_clause(index, text, s, e, anchor, chosen, turn=False)
    if anchor.start >= 0 and _FIRST_PERSON.search(text, anchor.start, anchor.end):
        # "Today I will travel to Tonga": the byline's author is the traveller
        for m in index.mentions:
            if index.people[m.person].byline and not m.in_title:
                chosen.setdefault(m.person, m)
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
    if anchor.event_type == "call" and anchor.start >= 0:
        verb = _CALL_VERB.search(text, anchor.start, anchor.end)
        before = verb.start() if verb else anchor.start
        caller = next((m for m in index.mentions if anchor.start <= m.start < before), None)
        if caller is not None and caller.person in chosen:
            role[caller.person] = "caller"
    participants: list[Participant] = []
    evidence: list[Evidence] = []
    # the event's own people first (a later engagement's unnamed subject is the first of them)
    ordered = sorted(
        chosen.items(), key=lambda kv: (kv[0] not in present, kv[1].in_title, kv[1].start)
    )
    for pid, m in ordered:
        person = index.people[pid]
        participants.append(
            Participant(person.name, person.title, person.affiliation, role.get(pid))
        )
        field_name = "title:participants" if m.in_title else "participants"
        evidence.append(Evidence(field_name, m.start, m.end))
    mentioned: list[Participant] = []
    for pid, person in enumerate(index.people):
        if pid in chosen:
            continue
        first = next((m for m in index.mentions if m.person == pid), None)
        if first is None:
            continue
        mentioned.append(Participant(person.name, person.title, person.affiliation, None))
        field_name = "title:mentioned_people" if first.in_title else "mentioned_people"
        evidence.append(Evidence(field_name, first.start, first.end))
    return participants, mentioned, evidence


_BLANK_LINE = re.compile(r"\n\s*\n")


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
_TOLD_AGAIN = re.compile(
    r"\s*(?:He|She|They|(?:Mr|Ms|Mrs|Dr)\.?\s+[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*){0,3}|The\s+"
    r"(?:Secretary|Minister|Foreign\s+Minister|Prime\s+Minister|President))\s+(?:also\s+|first\s+|"
    r"then\s+|later\s+)?(?:met|held|called|paid)\b"
    # "In his meeting with X, the Secretary-General raised ...", "During her talks with X"
    r"|\s*(?:In|During|At)\s+(?:his|her|their|the)\s+(?:(?:bilateral|separate)\s+)?"
    r"(?:meeting|talks|call|conversation)s?\s+with\b"
)


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
    topic = _TURN.search(text, start, end)
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
_ANAPHORIC_SUBJECT = re.compile(
    r"\s*(?:(?P<one>He|She)|(?P<two>(?:The|Both)\s+(?:two\s+)?(?i:leaders|ministers|sides|"
    r"presidents|prime\s+ministers|foreign\s+ministers|heads\s+of\s+state)))\b"
)


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


_AND_JOINED = re.compile(r"\s+(?:and|together\s+with|joined\s+by)\b")


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


@lru_cache(maxsize=1 << 12)
def _is_organisation(name: str) -> bool:
    hits = gz.org_hits(name)
    return len(hits) == 1 and hits[0].start == 0 and hits[0].end == len(name.rstrip("’'s"))
