"""The country a mention serves, from the words around it (delegations, hosts)."""

from __future__ import annotations

import re

from ingest.extract import gazetteer as gz
from ingest.extract.people.patterns import pattern
from ingest.extract.people.titles import _Titled
from ingest.extract.people.tokens import _key

_OF_AFTER = re.compile(r"\s+of\s+(?:the\s+)?")


# "a delegation of the Hungarian National Assembly led by Speaker X", "the Thai delegation
# headed by X": the leader serves the delegation's country.
_DELEGATION_LED = pattern("people.delegation_led")


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


_HOST_LEAD = pattern("people.host_lead")
_TRAVEL_CUE = pattern("people.travel_cue")


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
