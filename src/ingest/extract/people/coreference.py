"""Short mentions ("Secretary Blinken", "Rutte") resolved to the full name given."""

from __future__ import annotations

from functools import cache, lru_cache

from ingest.extract import gazetteer as gz
from ingest.extract.people.index import Mention, PeopleIndex, Person, _Raw


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
    index: PeopleIndex,
    raws: list[_Raw],
    publisher: str | None,
    doc_host: str | None = None,
    stops: dict[int, str] | None = None,
) -> None:
    """People and their mentions from the raw name occurrences; `doc_host` is the country a
    trip goes to, `stops` the stop a mention at an offset is met at (affiliation.trip_stops)."""
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
            if raw.lone and len(_content_tokens(raw.tokens)) == 1:
                continue  # a word inside an office's name, not a person's
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
        _settle(index.people[pid], person_raws, publisher, doc_host, stops)
    index.mentions.sort(key=lambda m: (m.in_title, m.start))


def _settle(
    person: Person,
    raws: list[_Raw],
    publisher: str | None,
    doc_host: str | None,
    stops: dict[int, str] | None = None,
) -> None:
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
    rule = "affiliation.host"
    if hosted is None and met and doc_host and not first.in_title:
        # met on a trip: the stop where they are met, not the trip's first
        stop = (stops or {}).get(first.start)
        hosted, rule = (stop, "affiliation.trip_stop") if stop else (doc_host, "affiliation.trip")
    person.basis = "text"
    if explicit:
        person.affiliation, person.affiliation_rule = explicit, "affiliation.stated"
    elif implied:
        person.affiliation, person.affiliation_rule = implied, "affiliation.office"
    elif hosted and hosted != publisher:
        person.affiliation, person.affiliation_rule = hosted, rule
    elif own or person.byline:
        person.affiliation, person.basis = publisher, "own"
        person.affiliation_rule = "affiliation.publisher"
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
    found_at = Mention(-1, raw.start, raw.end, raw.in_title, raw.possessive)
    index.people.append(
        Person(raw.name, raw.tokens, None, None, raw.byline, rule=raw.rule, found_at=found_at)
    )
    return len(index.people) - 1
