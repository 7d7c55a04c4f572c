"""Whose official a participant is, decided by a learned ranking of what the text offers.

The affiliation rules (`coreference._settle`, `affiliation`) settle one country per person in a
fixed order. Here every country or organisation the text offers for a participant of the
primary event is a candidate: the rules' choice, the country an office implies ("External
Affairs Minister"), one named in the person's own title, one named just after the name
("X of Country") or just before it ("his Indian counterpart X"), one named in a sentence with
the person, the publisher's. A logistic model (`data/models/affiliations.toml`, fitted by
`scripts/fit_participants.py`) scores each from general features; the best one wins, so the
publisher's country wins only when nothing in the text speaks for another as strongly.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType
from urllib.parse import urlsplit

import pycountry

from ingest.extract import gazetteer as gz
from ingest.extract import linear
from ingest.extract.people.index import PeopleIndex
from ingest.extract.people.mentions import SCAN_HEAD
from ingest.extract.text import sentence_at, sentences
from ingest.records import Document, Evidence

MODEL = "affiliations"
FIELD = "participants.affiliation"  # the evidence field of a ranked affiliation
RANKED_RULE = "affiliation.ranked"  # the model chose another affiliation than the rules

_AFTER = 80  # characters after a name where "of Country" / ", Foreign Minister of X" stands
_BEFORE = 60  # characters before it where "his Indian counterpart" stands
_FAR = 2000.0
_MENTIONS_READ = 6  # a person's first body mentions are read: later ones repeat them
# with the rules' affiliation unset, the best offer is taken unless the model finds it unlikely:
# held out, a gate of 0.05 keeps 0.900 of matched affiliations right (0.903 at 0.01, which also
# takes coin tosses such as Ghana for Japan's minister at a Japan-Ghana meeting)
_UNSET = 0.05


@dataclass(frozen=True)
class Offer:
    """One candidate affiliation with its features and the words that offer it."""

    code: str
    features: Mapping[str, float]
    start: int = -1  # offsets of the nearest words naming it (-1: nothing written)
    end: int = -1
    in_title: bool = False


@dataclass
class _Found:
    sources: set[str]
    distance: float = _FAR
    start: int = -1
    end: int = -1
    in_title: bool = False


def offers(index: PeopleIndex, pid: int, doc: Document, counts: Mapping[str, int]) -> list[Offer]:
    """Every affiliation the text offers for person `pid`, described for the model;
    `counts` are the release's country counts (`document_counts`)."""
    person = index.people[pid]
    found: dict[str, _Found] = {}

    def offer(code: str | None, source: str) -> _Found | None:
        if not code:
            return None
        entry = found.setdefault(code, _Found(set()))
        entry.sources.add(source)
        return entry

    offer(person.affiliation, "rules")
    offer(index.publisher, "publisher")
    offer(gz.implied_affiliation(person.title), "office")
    # the country of the release's web address ("governo.it"): where a government publishes
    offer(domain_country(doc.url), "domain")
    # the countries the release names twice or more: the issuing government when no host says
    for code, count in counts.items():
        if count >= 2:
            offer(code, "document")
    for hit in _hits(person.title or ""):
        offer(hit.key, "title")
    text, title = doc.text, doc.title or ""
    mentions = [m for m in index.mentions if m.person == pid]
    body = [m for m in mentions if not m.in_title][:_MENTIONS_READ]
    spans = sentences(text)
    for m in body + [m for m in mentions if m.in_title]:
        source = title if m.in_title else text
        if m.in_title:
            s, e = 0, len(title)
        else:
            s, e = spans[sentence_at(spans, m.start)] if spans else (0, len(text))
        for hit in _hits(source[s:e]):
            start, end = hit.start + s, hit.end + s
            if start >= m.end and start - m.end <= _AFTER:
                where = "after_name"
            elif end <= m.start and m.start - end <= _BEFORE:
                where = "before_name"
            else:
                where = "sentence"
            entry = offer(hit.key, where)
            assert entry is not None
            distance = float(start - m.end if start >= m.end else m.start - end)
            if distance < entry.distance:
                entry.distance = max(distance, 0.0)
                entry.start, entry.end, entry.in_title = start, end, m.in_title
    total = sum(counts.values()) or 1
    top = max(counts.values(), default=0)
    # the counterpart structure: someone else named is explicitly of this country
    others = {p.affiliation for p in index.people if p is not person and p.basis == "text"}
    title_words = gz.fold(person.title) if person.title else ""
    first_body = next((m.person for m in index.mentions if not m.in_title), None)
    protagonist = first_body == pid
    result = []
    for code, entry in found.items():
        features: dict[str, float] = {f"from:{s}": 1.0 for s in entry.sources}
        publisher = code == index.publisher
        features["is_publisher"] = float(publisher)
        features["publisher_only"] = float(entry.sources == {"publisher"})
        if "rules" in entry.sources:
            features[f"rules_basis:{person.basis or 'none'}"] = 1.0
        features["document_share"] = counts.get(code, 0) / total
        features["most_named"] = float(top > 0 and counts.get(code, 0) == top)
        features["nearness"] = 1.0 - min(1.0, math.log1p(entry.distance) / math.log1p(_FAR))
        features["other_participant_has"] = float(code in others)
        if publisher and "counterpart" in title_words:
            features["counterpart&is_publisher"] = 1.0
        if publisher and not person.title:
            features["untitled&is_publisher"] = 1.0
        if protagonist and entry.sources & {"domain", "publisher"}:
            # the release's first-named person most often speaks for its issuer
            features["protagonist&issuer"] = 1.0
        result.append(
            Offer(code, MappingProxyType(features), entry.start, entry.end, entry.in_title)
        )
    return result


def choose(index: PeopleIndex, pid: int, found: list[Offer]) -> tuple[str | None, list[Evidence]]:
    """The best offer's code, with evidence when it overrides the rules' choice (which stays
    when it scores best; an unset one stays unset only when no offer is at all plausible)."""
    current = index.people[pid].affiliation
    if not found:
        return current, []
    model = linear.load(MODEL)
    best = max(found, key=lambda o: (model.logit(o.features), o.code == current, o.code))
    if best.code == current or (current is None and model.probability(best.features) < _UNSET):
        return current, []
    evidence = []
    if best.start >= 0:
        # its own field: a participants span covers a name, this one the country's words
        field = f"title:{FIELD}" if best.in_title else FIELD
        evidence.append(Evidence(field, best.start, best.end, RANKED_RULE))
    return best.code, evidence


@lru_cache(maxsize=512)
def _hits(text: str) -> tuple[gz.PhraseHit, ...]:
    """Countries (not "US$" amounts) and organisations named in `text` (a sentence is read once
    for all the people it names)."""
    return (*_countries_not_currencies(text), *gz.org_hits(text))


def _countries_not_currencies(text: str) -> list[gz.PhraseHit]:
    """Country hits in `text`, less those of a currency ("US$20 billion")."""
    return [hit for hit in gz.country_hits(text) if text[hit.end : hit.end + 1] != "$"]


# country-code domains sold for other uses ("x.io", "x.tv") say nothing of a government
_GENERIC_DOMAINS = frozenset(
    {"io", "co", "tv", "me", "ai", "ly", "fm", "am", "to", "cc", "ws", "gg", "la", "nu", "tk",
     "ag", "sh", "ac", "gl", "vc", "so", "sx", "st"}
)  # fmt: skip
_DOMAIN_CODES = {"uk": "GB", "eu": "EU"}


@lru_cache(maxsize=256)
def domain_country(url: str | None) -> str | None:
    """The country (or the EU) of a URL's country-code top-level domain, when it is one that
    governments use."""
    host = urlsplit(url or "").hostname or ""
    tld = host.rsplit(".", 1)[-1].lower()
    if tld in _DOMAIN_CODES:
        return _DOMAIN_CODES[tld]
    if len(tld) != 2 or tld in _GENERIC_DOMAINS:
        return None
    found = pycountry.countries.get(alpha_2=tld.upper())
    return found.alpha_2 if found is not None else None


def document_counts(doc: Document) -> Mapping[str, int]:
    """How often the headline and the release's head name each country."""
    return _counts(doc.title or "", doc.text[:SCAN_HEAD])


@lru_cache(maxsize=8)  # the people stage asks twice per release (affiliation, here)
def _counts(title: str, head: str) -> Mapping[str, int]:
    counts: dict[str, int] = {}
    for part in (title, head):
        for hit in _countries_not_currencies(part):
            counts[hit.key] = counts.get(hit.key, 0) + 1
    return MappingProxyType(counts)
