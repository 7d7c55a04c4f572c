"""Words of a release and the capitalised runs among them that can hold a name."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import NamedTuple

from ingest.extract import gazetteer as gz
from ingest.extract.text import caseless_beyond_ascii


class _Tok(NamedTuple):
    """A word or punctuation token (a tuple: tokens are made by the thousand per release)."""

    text: str  # without trailing punctuation or possessive
    start: int
    end: int
    possessive: bool = False
    punct: bool = False


_PUNCT = frozenset('“"‘([«–—,;:)”!?]»\n')  # "/" is a word: "Representative/Vice-President"

# _Tok(...) goes through a Python-level __new__ (the defaults); the tokenizer makes hundreds of
# thousands per corpus, so it builds the tuple directly
_new_tok = tuple.__new__


_TOKEN = re.compile(r"\n|[“\"‘(\[«–—/,;:)”!?\]»*]|[^\s/“\"‘(\[«–—,;:)”!?\]»*]+")


# Tokens whose trailing period belongs to them: initials, "U.S.", abbreviated titles.
_KEEP_PERIOD = re.compile(
    r"^(?:[A-Za-z]|[A-Za-z]\.(?:[A-Za-z]\.?)+|St|Jr|Sr|Mr|Mrs|Ms|Dr|Lt|Gen|Adm|Col|Maj|Capt|Sgt"
    r"|Rev|Hon|Prof|Smt|Amb|Fr|Rt|No|H\.E|H\.H|H\.R\.H)$"
)


# Stretches of text that can hold a name or an office: capitalised words joined by particles
# and connectors. Only these (with a little context) are tokenised; lower-case prose is skipped.
_CAPITALISED_RUN = re.compile(
    # one character class first, so the engine can skip lower-case prose quickly; capitals of
    # Latin-1 and of Latin Extended-A/B ("Đukanović", "Čaputová", "Łukasz", "Šefčovič"): the
    # extended ranges mix both cases, and the name tests after this read a word's case
    r"[“\"‘(A-Z\u00c0-\u00de\u0100-\u024f][^\s]*"
    r"(?:\s+(?:(?:of|for|and|the|to|on|in|at|&|bin|bint|ibn|al|el|de|del|da|di|du|van|von|der|den"
    r"|la|le|y)\s+)*[“\"‘(]?(?:[A-Z\u00c0-\u00de\u0100-\u024f]|(?:al|el)[-‐][A-Z])[^\s]*)*"
)


_CAPITAL = re.compile(r"[A-Z\u00c0-\u00de\u0100-\u024f]")


def _windows(
    text: str, blocked_starts: frozenset[int] | set[int] = frozenset()
) -> list[tuple[int, int]]:
    """[start, end) stretches worth tokenising: each capitalised run with the word before it,
    and after it up to the end of its clause when an appositive (", Minister of ...") follows."""
    windows: list[tuple[int, int]] = []
    heads = _lower_heads()
    for match in _CAPITALISED_RUN.finditer(text):
        start, end = match.span()
        if text[start] == '"' and text[start + 1 : start + 2].isspace():
            # a straight quotation mark closing a quotation ('...," Premier Scott Moe said',
            # '...," the Minister ... stressed'): the run begins at the capital after it
            capital = _CAPITAL.search(text, start + 1, end)
            if capital is None:
                continue
            start = capital.start()
        if not text[start].isupper() and not text[start + 1 : start + 2].isupper():
            continue  # "(inaudible)": an opening bracket before a lower-case word
        word = text[start:end]  # less a closing quotation mark before it
        if " " not in word and "\n" not in word and (_lone_skip(word) or start in blocked_starts):
            continue  # "The", "However,", "Ukraine's": a lone word that cannot be a name
        start = _word_start_before(text, start, max(0, start - 30))
        if word.endswith(",") and _head_within(heads, text, end, end + 60):
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


def _head_within(heads: re.Pattern[str], text: str, start: int, end: int) -> bool:
    """Whether an office head in any case stands in text[start:end]. A stretch whose letters
    are all ASCII is lower-cased and scanned case-sensitively: the same matches (the heads hold
    none of the four letters that match an ASCII one only when case is ignored: "İ", "ı", "ſ",
    Kelvin "K"), a hundred times faster than the case-ignoring scan, which stays for all other
    text."""
    stretch = text[start:end]
    if caseless_beyond_ascii(stretch) and (folded := _lower_case_heads()) is not None:
        # the heads' pattern has no look-behind: the slice sees what pos/endpos would
        return folded.search(stretch.lower()) is not None
    return heads.search(text, start, end) is not None


@cache
def _lower_case_heads() -> re.Pattern[str] | None:
    """The heads in lower case, matched with case; None if a head holds a letter that matches
    an ASCII letter only when case is ignored."""
    heads = {h.lower() for h in gz.office_words().heads}
    if any(ch in "\u0130\u0131\u017f\u212a" for head in heads for ch in head):
        return None
    return gz.phrase_regex(heads)


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
            append(_new_tok(_Tok, (word, start, end, False, True)))
            continue
        if word == "*":
            continue  # a footnote mark ("Kosovo*"): not part of any name or title
        last = word[-1]
        # most words end in neither a period nor an apostrophe, nor in a possessive "s"
        if last not in ".’'s" or (last == "s" and word[-2:-1] not in "’'"):
            append(_new_tok(_Tok, (word, start, end, False, False)))
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
            append(_new_tok(_Tok, (word, start, end, possessive, False)))
        out.extend(trail)


@lru_cache(maxsize=1 << 16)
def _key(word: str) -> str:
    key = gz.fold(word).rstrip(".")
    return _misspelt_heads().get(key, key) if len(key) >= _MISSPELT_HEAD_MIN - 1 else key


_MISSPELT_HEAD_MIN = 8  # a shorter head is one edit from names: "Kang" (King), "Amer" (Emir)


def misspelt_head(word: str) -> str | None:
    """The office head `word` misspells, as offices.toml writes it ("Minster" -> "Minister",
    "Presient" -> "President"), else None."""
    key = gz.fold(word).rstrip(".")
    head = _misspelt_heads().get(key) if len(key) >= _MISSPELT_HEAD_MIN - 1 else None
    return None if head is None else _head_spellings()[head]


@cache
def _head_spellings() -> dict[str, str]:
    """Folded one-word heads of offices.toml and the first way it writes each."""
    spellings: dict[str, str] = {}
    for head in gz._toml("offices.toml")["heads"]:
        if " " not in head and head[:1].isupper():
            spellings.setdefault(gz.fold(head).rstrip("."), head)
    return spellings


@cache
def _misspelt_heads() -> dict[str, str]:
    """Misspellings of long office heads, folded, to the head's folded form: one letter left
    out, added, changed or swapped with the next, never the first or last letter (a release
    typing "Minster" for "Minister"; a plural, "Office", "Advisory", "Marshall" or "Resident"
    changes an end and is another word). Words the lexicon holds are never misspellings."""
    known = gz.office_words().words | gz.office_words().heads
    found: dict[str, str] = {}
    for head in _head_spellings():
        if len(head) < _MISSPELT_HEAD_MIN:
            continue
        first, inner, last = head[0], head[1:-1], head[-1]
        for variant in _one_edit(inner):
            word = first + variant + last
            if word not in known:
                found.setdefault(word, head)
    return found


def _one_edit(word: str) -> set[str]:
    """The strings one deletion, insertion, substitution or swap of neighbours from `word`
    (lower-case letters), `word` itself excluded."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    splits = [(word[:k], word[k:]) for k in range(len(word) + 1)]
    edits = {a + b[1:] for a, b in splits if b}
    edits |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    edits |= {a + c + b[1:] for a, b in splits if b for c in letters}
    edits |= {a + c + b for a, b in splits for c in letters}
    edits.discard(word)
    return edits


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


def _blocked_spans(text: str, whole: str | None = None) -> list[tuple[int, int]]:
    """Spans that are countries, demonyms, organisations or venues: never part of a name.

    `whole` is the release `text` was made from by blanking paragraphs out with spaces (offsets
    kept), when it was: its countries are those of the whole release that stand in a paragraph
    `text` keeps. The whole release's scan is made once for every stage (the places read it
    too), where a scan of `text` would be one more over most of its characters."""
    if whole is None or whole is text:
        spans = gz.country_spans(text)
    else:
        spans = _kept_spans(gz.country_spans(whole), text, whole)
    spans += [(h.start, h.end) for h in gz.org_hits(text)]
    spans += [(s, e) for _, s, e in gz.venue_hits(text)]
    return spans


def _kept_spans(spans: list[tuple[int, int]], blanked: str, whole: str) -> list[tuple[int, int]]:
    """The phrase spans of `whole` that `blanked` keeps. A phrase never spans a line and its
    match reads no further than the line's end, so a kept line holds the same phrases in both
    texts; a blanked line holds only spaces, where no phrase (each starts with a letter)
    stands."""
    return [(start, end) for start, end in spans if blanked[start] == whole[start]]


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
    for k in range(1, n):
        if not names[k] and names[k - 1] and _closing_honorific(tokens, mask, k, names):
            names[k] = True  # "Prime Minister Hun Sen in ...": an honorific never ends a name
    particle_words = _particles()
    particles = [tok.text in particle_words for tok in tokens]
    honorifics = gz.office_words().honorifics
    while i < n:
        head_then_particle = (
            i + 2 < n
            and particles[i + 1]  # the rarest condition first
            and _capitalised(tokens[i].text)
            and not tokens[i].punct
            and names[i + 2]
            and _key(tokens[i].text) not in honorifics
            and not (i > 0 and _office_word(tokens[i]) and _title_modifier(tokens[i - 1]))
        )  # "Sultan Al Jaber", "Mohammed bin Salman": a title word opening a particle name, but
        # not a title's head after its modifier ("Foreign Minister Al Thani", "of Foreign
        # Affairs Al Thani"; "President Sultan Al Jaber" keeps his given name)
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


def _closing_honorific(tokens: list[_Tok], mask: list[bool], k: int, names: list[bool]) -> bool:
    """A capitalised honorific word ("Sen", "Hon") right after a name word and before no name
    word: honorifics open names, so one that closes a name is the name's own word."""
    tok = tokens[k]
    word = tok.text
    return (
        not tok.punct
        and not mask[k]
        and len(word) >= 3
        and word.isalpha()
        and tokens[k - 1].text.isalpha()  # not "Rt. Hon": an abbreviation before it
        and word[0].isupper()
        and word[1:].islower()
        and _key(word) in gz.office_words().honorifics
        and not (k + 1 < len(tokens) and names[k + 1])
        and not tok.possessive
    )


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


def _is_head_token(tok: _Tok) -> bool:
    return _key(tok.text) in gz.office_words().heads


def _honorific(tok: _Tok) -> bool:
    return not tok.punct and _key(tok.text) in gz.office_words().honorifics


def _title_modifier(tok: _Tok) -> bool:
    """An office word that qualifies a head ("Foreign", "Deputy"), not a head itself."""
    key = _key(tok.text)
    return not tok.punct and key in gz.office_words().words and key not in gz.office_words().heads


def _office_word(tok: _Tok) -> bool:
    key = _key(tok.text)
    return not tok.punct and (key in gz.office_words().words or key in gz.office_words().heads)
