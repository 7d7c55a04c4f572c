"""Whose government an official serves when their own words do not say."""

from __future__ import annotations

import re
from functools import cache
from itertools import pairwise
from urllib.parse import urlsplit

from ingest.extract import gazetteer as gz
from ingest.extract.people.affiliation_ranking import document_counts
from ingest.extract.people.countries import _host_country
from ingest.extract.people.index import PeopleIndex
from ingest.extract.people.mentions import SCAN_HEAD
from ingest.extract.people.patterns import pattern
from ingest.extract.places import dateline_country
from ingest.records import Document


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
    counts = document_counts(doc)
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
    claimed: set[str] = set()  # one-holder offices already given to a home official
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
        if office in claimed:
            # a second holder of an office the home government already has, named beside other
            # countries: not the home government's ("President Biden and President Macron":
            # Macron was given the United States), whose it is the text does not say
            person.affiliation = None
            continue
        if person.basis != "own":
            # someone met, with no country cue: a guest, unless the office is one the
            # government itself has ("President Biden" met by a visitor): then unknown
            own_office = bool(office) and _heads_all_in(office, held_here)
            person.affiliation = None if own_office else most_named(others)
            continue
        person.affiliation = home
        if office in _single_holder_offices():
            claimed.add(office)
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
_ACCOMPANYING = pattern("people.accompanying")


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


_TRAVEL_TO = pattern("people.travel_to")


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


# top-level domains an international body publishes under (a country's own is its government's)
_BODY_DOMAINS = frozenset({"org", "int", "com", "net"})


def organisation_host(url: str | None) -> str | None:
    """The international body whose acronym names the URL's host ("sprep.org", "wipo.int",
    "pressroom.oecs.int"): its officials named without a cue serve it, not a country."""
    labels = (urlsplit(url or "").hostname or "").lower().split(".")
    if len(labels) < 2 or labels[-1] not in _BODY_DOMAINS:
        return None
    acronyms = _organisation_acronyms()
    return next((acronyms[label] for label in labels[:-1] if label in acronyms), None)


@cache
def _organisation_acronyms() -> dict[str, str]:
    """Lower-cased acronym forms of the organisations ("cepal") -> their short name ("ECLAC")."""
    found: dict[str, str] = {}
    for org in gz._toml("organisations.toml")["org"]:
        for name in org["names"]:
            if re.fullmatch(r"[A-Z][A-Za-z]{1,7}", name) and sum(c.isupper() for c in name) >= 2:
                found.setdefault(name.lower(), str(org["short"]))
    return found
