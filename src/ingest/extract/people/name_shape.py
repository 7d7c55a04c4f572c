"""Whether a capitalised run looks like a person's name, not a word, place or body."""

from __future__ import annotations

import pickle
import re
from collections.abc import Set as AbstractSet
from functools import cache, lru_cache
from importlib import resources

import english_words
from english_words.constants import ALPHA, PROCESSED_DATA_DIR
from english_words.util import get_data_file_name
from nicknames import NickNamer

from ingest.extract import gazetteer as gz
from ingest.extract.people.tokens import (
    _MONTHS,
    _bare,
    _capitalised,
    _key,
    _name_like,
    _particles,
    _Run,
    _Tok,
)


@cache
def _common_words() -> frozenset[str]:
    """Folded English words the releases write in lower case (data/common_words.txt)."""
    lines = gz._data_text("common_words.txt").splitlines()
    return frozenset(w.strip() for w in lines if w.strip() and not w.startswith("#"))


@cache
def _lower_case_words() -> frozenset[str]:
    """Folded words the releases write in lower case at all (data/lower_case_words.txt): a
    superset of the common words holding those also often capitalised ("city", "games")."""
    lines = gz._data_text("lower_case_words.txt").splitlines()
    return frozenset(w.strip() for w in lines if w.strip() and not w.startswith("#"))


def _is_large_city(name: str) -> bool:
    """ "Governor of Texas", "Mayor of Kyiv": a city too large to be a body's first word."""
    city = gz.lookup_city(name)
    return city is not None and city.population >= _CITY_NAME_MIN


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
    a month in a date ("in May", "the President's June 29 meeting", "Honolulu May 25"), a body
    named by its head noun ("Weapons Convention"), a glued word ("AffairsBureau"), a
    contraction ("Comm'n"), or a country or a large city."""
    words = tuple([t.text for t in name_toks if t.text not in '“”"'])
    # every test is a plain yes/no: those of the name alone are answered once per name (a
    # release repeats its names, the corpus its officials), those of the text around it here
    if not _name_alone_looks_like_a_name(words, name):
        return False
    if len(words) == 1 and _MONTHS.match(_bare(words[0])):
        start, end = name_toks[0].start, name_toks[-1].end
        if re.match(r"\s*\d", text[end : end + 3]) or _DATE_BEFORE.search(
            text, max(0, start - 12), start
        ):
            return False
    if len(words) > 1 and _MONTHS.match(_bare(words[-1])):
        end = name_toks[-1].end
        if re.match(r"\s*\d", text[end : end + 3]):
            return False  # a place and a date: "Honolulu May 25", "Ohrid July 15"
    # "Bosnia & Herzegovina", "Trinidad and Tobago": the end of a country
    return not _ends_a_joined_country(text, name_toks[0].start, name)


def _ends_a_joined_country(text: str, start: int, name: str) -> bool:
    """Whether `name` at `start` closes a country written "X and Y" / "X & Y"."""
    window = text[max(0, start - 40) : start]
    tail = window.rstrip()
    if len(tail) == len(window) or not tail.endswith(("and", "&")):
        return False  # most names: no "and" right before them, no need to run the pattern
    joined = _JOINED_COUNTRY.search(text, max(0, start - 40), start)
    return joined is not None and gz.lookup_country(f"{joined.group(1)} and {name}") is not None


@lru_cache(maxsize=1 << 14)
def _name_alone_looks_like_a_name(words: tuple[str, ...], name: str) -> bool:
    """The tests of `_looks_like_a_name` that read only the name (cached per name)."""
    if any(_NOT_NAME_CHARACTER.search(w) for w in words):
        return False  # "A<", "R&D", "x@y": names are letters, apostrophes, hyphens and dots
    content = [_key(_bare(w)) for w in words if _key(w) not in _particles()]
    if content and all(w in _common_words() for w in content):
        return False
    if any(w.endswith("s") and w[:-1] in gz.office_words().heads for w in content):
        return False  # "Ambassadors and High Commissioners": offices in the plural, not a name
    if len(words) > 1 and _key(_bare(words[-1])) in gz.office_words().institutions:
        return False  # a body: "Biological Weapons Convention", "Romanian Space Agency"
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
    if len(words) == 1 and re.fullmatch(r"[A-Z][a-z]{0,2}\.", words[0]):
        return False  # "Rt." of "Rt. Hon.", "Jr.": an abbreviation, not a name
    # a city of any size is too weak for one word: "Austin", "George" and "Lincoln" are people too
    city = gz.lookup_city(name)
    if city is None:
        return True
    if len(words) > 1:
        # counted in written words: "El Paso" is two, though "El" is a name particle
        return city.population < _CITY_NAME_MIN
    capital = gz.capital_of(city.country_code)
    return city.population < _CITY_WORD_MIN and not (
        capital is not None and capital.name == city.name and city.population >= _CITY_NAME_MIN
    )


_CITY_NAME_MIN = 100_000  # a multi-word name that is a city this large is the city


_CITY_WORD_MIN = 1_500_000  # ... and a one-word name, unless it is a capital


def _is_place_run(text: str, tokens: list[_Tok], run: _Run, name: str) -> bool:
    """ "Crown Prince of Abu Dhabi": a run after of/in/to/from that names a city is a place."""
    if run.first == 0:
        return False
    prev = tokens[run.first - 1].text.lower()
    if prev not in {"of", "in", "to", "from", "at", "near", "visit", "visited"}:
        return False
    city = gz.lookup_city(name)
    return city is not None and city.population >= 15000


@lru_cache(maxsize=1 << 12)
def _is_organisation(name: str) -> bool:
    hits = gz.org_hits(name)
    return len(hits) == 1 and hits[0].start == 0 and hits[0].end == len(name.rstrip("’'s"))


_BODY_NAME_JOINS = frozenset({"and", "&", "of"})  # "Chemical and Biological", "Prohibition of"


def _continues_a_body_name(
    tokens: list[_Tok], mask: list[bool], run: _Run, title_start: int | None
) -> bool:
    """ "Secretary General of the Muslim World League", "Director of the Office of Chemical and
    Biological Weapons": the title before the run ends inside an unfinished proper name (its
    last capitalised word no office word, country or city), so the run is the rest of that
    body's name, not a person, when it ends in an English word or the whole is a known place
    ("Health Commissioner for New York City"). A person after such a title keeps a name that is
    no English word: "Deputy Prime Minister for Reintegration Oleg Serebrian"."""
    k = run.first - 1
    if title_start is None or k < 1:
        return False
    if tokens[k].text.lower() in _BODY_NAME_JOINS:
        k -= 1
    glued = tokens[k]
    if (
        glued.start < title_start
        or glued.possessive
        or glued.text.isupper()
        or not (_capitalised(glued.text) and _name_like(glued, mask[k]))
        or gz.lookup_country(glued.text) is not None
        or _is_large_city(glued.text)
    ):
        return False
    last = _key(_bare(tokens[run.last].text))
    if last in _lower_case_words() or last in gz.office_words().institutions:
        return True
    whole = " ".join(t.text for t in tokens[k : run.last + 1])
    return gz.lookup_city(whole) is not None or _is_organisation(whole)


@cache
def _dictionary() -> tuple[AbstractSet[str], frozenset[str]]:
    """(words Webster's Second lists in lower case, those it lists capitalised: given names,
    places and peoples), from the word list the english-words package ships.

    The package's one list is read as it is stored and thinned in place: its
    `get_english_words_set` returns a copy of the set it unpickled, and two new sets built from
    that would hold three tables of 235,000 words at the peak (tests/reliability/
    test_hostile_run.py holds `ingest run` under 600 MB)."""
    data = resources.files(english_words).joinpath(
        PROCESSED_DATA_DIR, get_data_file_name("web2", [ALPHA])
    )
    entries: set[str] = pickle.loads(data.read_bytes())
    capitalised = frozenset(w.lower() for w in entries if w[:1].isupper())
    entries.difference_update([w for w in entries if not w.islower()])
    return entries, capitalised


def _dictionary_word(word: str) -> bool:
    """A lower-case dictionary word, plurals too ("diseases", "transferees", "allies")."""
    lower, _ = _dictionary()
    if word in lower:
        return True
    if word.endswith("ies") and word[:-3] + "y" in lower:
        return True
    return word.endswith("s") and (
        word[:-1] in lower or (word.endswith("es") and word[:-2] in lower)
    )


@cache
def _nick_namer() -> NickNamer:
    return NickNamer()


def _given_name(word: str) -> bool:
    """A given name of the `nicknames` table ("Maxwell", "Mark", "Rose"), with its short forms."""
    namer = _nick_namer()
    return bool(namer.nicknames_of(word) or namer.canonicals_of(word))


@lru_cache(maxsize=1 << 14)
def _only_lower_case_words(words: tuple[str, ...]) -> bool:
    """ "Geological Survey", "Specialty Occupation", "Northern Triangle": every word of the run
    one the releases also write in lower case or the dictionary lists in lower case, the first
    no given name nor a name the dictionary capitalises ("Mark Green", "Maxwell Blake" stay). Weaker
    than the common-word test ("Power", "Price", "Young" are such words), so read only where no
    title or honorific stands before."""
    content = [_key(_bare(w)) for w in words if _key(w) not in _particles()]
    _, capitalised = _dictionary()
    if not content or content[0] in capitalised or _given_name(content[0]):
        return False
    # a short dictionary word may be a syllable of a name ("Moy", "Sen"): the releases' own only;
    # a hyphenated word, each of its parts ("Deputy-Level")
    return all(
        w in _lower_case_words()
        or (len(w) >= _DICTIONARY_WORD_MIN and _dictionary_word(w))
        or ("-" in w and all(_lower_case_part(part) for part in w.split("-")))
        for w in content
    )


def _lower_case_part(part: str) -> bool:
    """A part of a hyphenated word the releases or Webster's write in lower case."""
    return part in _lower_case_words() or (
        len(part) >= _DICTIONARY_WORD_MIN and _dictionary_word(part)
    )


_DICTIONARY_WORD_MIN = 4


@lru_cache(maxsize=1 << 14)
def _glued_english_words(words: tuple[str, ...], after_modifier: bool = False) -> int:
    """How many English words open a run glued to a name after them: a sentence's first word
    ("Even Dmitry Medvedev"), an office's or a body's last words ("Special Envoy for the Northern
    Triangle Ricardo Zuniga", "Coalition to Defeat ISIS Patrick Worman", "Vice-Chancellor Werner
    Kogler"). A name never opens with a word the releases write in lower case unless it is a
    given name or one the dictionary capitalises ("Mark Green", "Ban Ki-moon"); an acronym after
    such a word ends the same phrase. Right after an office's capitalised modifier ("for the
    Northern"), the dictionary's words count too before a given name: the modifier's noun
    ("Triangle"). Only a run that keeps two words is cut."""
    # Webster's lists syllables of names too ("Blas", "Omer"): its words count only before a
    # given name
    dictionary = after_modifier and len(words) > 1 and _given_name(_bare(words[1]))
    count, acronyms = 0, 0
    while count < len(words):
        word = _bare(words[count])
        acronym = word.isupper() and word.isalpha() and len(word) >= 2
        english = (
            not word.isupper()
            and word.isascii()  # "Múte B. Egede": an accent marks a name, not an English word
            and _english_word(word, dictionary and count == 0)
        )
        if not ((acronym and count > 0) or english):
            break
        count, acronyms = count + 1, acronyms + acronym
    # a run of English words alone ("Operation Allies Refuge") is left to the name tests; an
    # English word and an acronym are a phrase for sure, so one name word may stay ("Coalition
    # to Defeat ISIS Godfrey")
    rest = words[count:]
    if len(rest) < (1 if acronyms else 2) or all(_lower_case_word(w) for w in rest):
        return 0
    return count


def _lower_case_word(word: str) -> bool:
    """A word the releases write in lower case, or Webster's does: "Allies", "Refuge"."""
    key = _key(_bare(word))
    return key in _lower_case_words() or (
        len(key) >= _DICTIONARY_WORD_MIN and _dictionary_word(key)
    )


def _english_word(word: str, dictionary: bool = False) -> bool:
    """A capitalised word the releases write in lower case, no given name, office word or
    honorific: "Even", "Plans", "Minister-Designate". Webster's words only with `dictionary`: it
    lists syllables of names too ("Khalifa", "Shanker", "Sidi")."""
    key = _key(word)
    words = gz.office_words()
    if "-" in key and all(part in words.words for part in key.split("-")):
        return True  # "Vice-Chancellor": an office written as one word
    _, capitalised = _dictionary()
    if (
        len(key) < _ENGLISH_WORD_MIN
        or key in capitalised
        or key in words.words
        or key in words.honorifics
        or (key.endswith("s") and key[:-1] in words.heads)
        or _given_name(word)
    ):
        # "Ban Ki-moon", "Prince Haji Al-Muhtadee Billah", "Mark Green"; "Presidents Rafael
        # Correa and ...": a list's title, read by the list rules
        return False
    if key in _lower_case_words():
        return True
    # the word itself, no plural read into it: "Angeles" is no plural of "angel"
    return dictionary and len(key) >= _DICTIONARY_WORD_MIN and key in _dictionary()[0]


_ENGLISH_WORD_MIN = 4  # "Do", "Le", "Sit", "Win": syllables of Vietnamese and Burmese names


def _english_phrase(words: tuple[str, ...]) -> bool:
    """English words (`_only_lower_case_words`), an acronym after the first among them: "Defeat
    ISIS" of "the Global Coalition to Defeat ISIS"."""
    kept = words[:1] + tuple(w for w in words[1:] if not _ACRONYM.fullmatch(_bare(w)))
    return _only_lower_case_words(kept)


_ACRONYM = re.compile(r"[A-Z]{2,6}")
