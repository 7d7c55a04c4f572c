"""Data-quality flags the warning checks read (warehouse/checks/warnings): a participant name
that is not a person's name, a title naming another country than the affiliation, a city that
lies in another country than the event's. Pure functions over values; the gazetteer the
extractor uses is the reference."""

from __future__ import annotations

import re
from functools import cache, lru_cache
from importlib import resources

from ingest.extract import gazetteer

# bump when a flag below can change: the marts holding the flags are then computed again
RULES_VERSION = "4"
MONTHS = frozenset(
    "january february march april may june july august september october november december".split()
)
# office words that begin real names too ("Sultan Al Jaber")
OFFICES_AS_NAMES = frozenset({"sultan"})
_GLUED = re.compile(r"[a-z]{3,}[A-Z][a-z]")  # "AffairsBureau": two words run together
# a country after these words is what the office is about ("Ambassador to Japan", "Special
# Representative for the DPRK", "Minister of Foreign Affairs of Japan"), not whom it serves
_ABOUT = re.compile(r"\b(?:to|for|of|in|on|at|with)\b", re.IGNORECASE)
_OF_THE = re.compile(r"\bof the\s+$", re.IGNORECASE)
# a namesake this small is no evidence that the event's country is wrong ("Bali", India)
CITY_CONTRADICTION_MIN_POPULATION = 100_000


@cache
def common_words() -> frozenset[str]:
    """Folded English words the releases write in lower case (data/common_words.txt)."""
    text = resources.files("ingest").joinpath("data", "common_words.txt").read_text("utf-8")
    return frozenset(w.strip() for w in text.splitlines() if w.strip() and not w.startswith("#"))


def name_problem(name: str) -> str | None:
    """Why a participant's name is not a person's name: 'month' ("May", "Geneva July"),
    'glued' ("AffairsBureau"), 'common_words' ("Working Lunch"), 'title_in_name' ("Minister
    Al Thani"), 'institution' ("Biological Weapons Convention"), else None."""
    words = [w for w in re.split(r"[\s.,]+", name) if w]
    folded = [gazetteer.fold(w).strip(" '’-") for w in words]
    if not folded:
        return None
    if len(words) == 1 and folded[0] in MONTHS:
        return "month"
    if len(words) > 1 and any(f in MONTHS for f in folded) and any(_is_place(w) for w in words):
        return "month"  # a dateline: "Ohrid July", "Amman May" (not "Theresa May")
    if any(_GLUED.search(w) and not w.startswith(("Mc", "Mac")) for w in words):
        return "glued"
    if all(f in common_words() for f in folded):
        return "common_words"
    offices = gazetteer.office_words()
    if len(words) > 1 and folded[0] in offices.words and folded[0] not in OFFICES_AS_NAMES:
        return "title_in_name"
    if len(words) > 1 and folded[-1] in offices.institutions:
        return "institution"
    return None


def _is_place(word: str) -> bool:
    return gazetteer.lookup_city(word) is not None or gazetteer.lookup_country(word) is not None


@lru_cache(maxsize=4096)
def title_country(title: str | None) -> str | None:
    """The country whose office a title names ("Japanese Foreign Minister" -> JP, "CEO of the
    Saudi Space Commission" -> SA), or None; a country the office is about ("Ambassador to
    Japan", "Special Envoy for Yemen") does not count."""
    if not title:
        return None
    for hit in gazetteer.country_hits(title):
        before = title[: hit.start]
        if not _ABOUT.search(before):
            return hit.key
        if hit.kind == "demonym" and _OF_THE.search(before):
            return hit.key  # the holder's institution: "Director of the Romanian Space Agency"
    return None


def title_contradicts(title: str | None, affiliation: str | None) -> str | None:
    """The country a title names when it is not the affiliation (a country code), else None."""
    named = title_country(title)
    if named is None or affiliation is None or len(affiliation) != 2 or named == affiliation:
        return None
    return named


@lru_cache(maxsize=4096)
def city_country(city: str | None, country_code: str | None) -> str | None:
    """The country of the largest city of that name when no city of that name lies in
    `country_code` (a contradiction), else None; unknown cities contradict nothing."""
    if not city or not country_code:
        return None
    largest = gazetteer.lookup_city(city)
    if largest is None or gazetteer.lookup_city(city, country_code) is not None:
        return None
    if largest.population < CITY_CONTRADICTION_MIN_POPULATION:
        return None
    return str(largest.country_code)
