"""Check dim_people against an outside record: the U.S. Office of the Historian's list of foreign
leaders' visits (tests/fixtures/foreign-leaders/visits.csv). For each leader of the record found
in dim_people: is the person's affiliation the leader's country, and is the leader one row?

    .venv/bin/python scripts/check_foreign_leaders.py SETTINGS.toml|SERVING.duckdb [--json OUT]

Prints two summary lines; --json writes the whole report (found, right, splits, misses with
their rows; `-` for stdout). The first line is strict: a leader's affiliation against the
record's country, whenever the visits were. The second is time-aware: each person against the
visit nearest in time to their events in the warehouse; a person whose nearest visit is
NEAR_VISIT_DAYS or more from every event (an office likely changed since) is counted apart.
Matching is conservative (`names_match`): a family name in common (the
last words; or, name order, the first of one against the last of the other: Kishida Fumio /
Fumio Kishida) and a given name that is equal, a short form or a transliteration of the other's
(the people stage's own rules, `ingest.persons.same_given_name`), or an initial of the first
given name; accents and case folded by `ingest.persons.fold`. A one-word name (the record's
"President Wahid", the warehouse's lone surnames) and a monarch's regnal name never match.
"""

from __future__ import annotations

import argparse
import csv
import functools
import json
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from ingest import persons, warehouse
from ingest.config import load_settings
from ingest.errors import IngestError

VISITS = (
    Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "foreign-leaders" / "visits.csv"
)
VISIT_COLUMNS = ("source_path", "visit_id", "start_date", "visitor", "country", "country_code")

# Offices and honorifics the record writes before a name, longest first so "Prime Minister"
# wins over "Minister"; misspellings are the record's own ("Prime Ministere", "Presidetn").
TITLES = tuple(
    sorted(
        (
            "prime minister",
            "prime ministere",
            "prime minster",
            "prime mininster",
            "interim prime minister",
            "president",
            "presidetn",
            "president-elect",
            "interim president",
            "acting president",
            "chairman of the presidency",
            "chairman",
            "chancellor",
            "premier",
            "taoiseach",
            "general secretary",
            "king",
            "queen",
            "sultan",
            "amir",
            "emir",
            "sheikh",
            "sheik",
            "haji",
            "crown prince",
            "pope",
            "dato' seri",
            "lord",
        ),
        key=len,
        reverse=True,
    )
)
# name words that are no family or given name of their own (Ould Abdel, van Rompuy, dos Santos)
PARTICLES = frozenset("de da das do dos di del della la le van von der den du y e".split())
# an article glued to a clan or family name: al-Sabah, el-Fassi, Al Thani
ARTICLES = frozenset({"al", "el"})
# what follows is the father's or grandfather's name, not the person's own (Tamim bin Hamad)
PATRONYMICS = frozenset({"bin", "ibn", "ben", "bint", "binti", "ould"})
# regnal numbers after a name (Mohammed VI, Carl XVI Gustav); a first word stays (Xi Jinping)
REGNAL_NUMBERS = frozenset({"i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xvi"})
GIVEN_NAME_RULES = frozenset(
    {persons.MIDDLE_NAME, persons.INITIAL, persons.NICKNAME, persons.TRANSLITERATION}
)
FULL_NAME_RULES = GIVEN_NAME_RULES - {persons.INITIAL}
RECORD_OLDER_YEARS = 2
# a family name one letter apart still matches when this long (Zelensky / Zelenskyy)
FAMILY_TYPO_MIN_LENGTH = 7


class CheckError(Exception):
    """Bad input: the message names the file and what is wrong with it."""


@dataclass(frozen=True, slots=True)
class Visit:
    source_path: str
    visit_id: str
    start_date: date
    visitor: str
    country: str
    country_code: str


@dataclass(frozen=True, slots=True)
class Leader:
    """One person of the record: the spellings of the visits grouped as one, with the country."""

    name: str
    country_code: str
    spellings: tuple[str, ...]
    visit_count: int
    first_visit_on: date
    last_visit_on: date
    visit_dates: tuple[date, ...] = ()


@dataclass(frozen=True, slots=True)
class PersonRow:
    """A dim_people row with the spellings that resolved to it and its affiliations over time."""

    person_id: str
    person_name: str
    person_kind: str
    affiliation: str | None
    event_count: int
    spellings: tuple[str, ...]
    affiliations: tuple[tuple[str, str | None], ...]  # (affiliation, last seen on), latest first
    first_event_on: date | None
    last_event_on: date | None


@dataclass(frozen=True, slots=True)
class LeaderResult:
    leader: str
    country_code: str
    spellings: tuple[str, ...]
    visits: str  # "N visits, first - last"
    rows: tuple[dict[str, Any], ...]
    main_affiliation: str | None
    latest_affiliation: str | None
    is_main_right: bool
    is_latest_right: bool
    is_any_row_wrong: bool
    is_split: bool
    # the record's last visit is over RECORD_OLDER_YEARS before the warehouse first names the
    # person: the office may have changed since (Jens Stoltenberg: Norway's prime minister in
    # the record, NATO's Secretary General in 2021-22 releases)
    is_record_older: bool


# --- names ---------------------------------------------------------------------------------


def people_in(visitor: str) -> list[str]:
    """The names a visitor field holds without their titles ("President Andrzej Duda and Prime
    Minister Donald Tusk" -> two names)."""
    return [name for part in re.split(r"\s+and\s+", visitor) if (name := strip_title(part))]


def strip_title(text: str) -> str:
    """The name without the offices and honorifics before it (repeatedly: "Amir Sheikh")."""
    name = " ".join(text.replace("\u2019", "'").split())
    changed = True
    while changed:
        changed = False
        for title in TITLES:
            if name.lower().startswith(title) and (
                len(name) == len(title) or not name[len(title)].isalpha()
            ):
                name, changed = name[len(title) :].strip(" ,"), True
                break
            # the record sometimes glues the title on: "Prime MinisterHaidar al- Abadi"
            if name.lower().startswith(title) and name[len(title)].isupper():
                name, changed = name[len(title) :], True
                break
    return name


@dataclass(frozen=True, slots=True)
class NameParts:
    """A name's folded words; which of them follow a patronymic (bin, ould: not the person's
    own given names) and which carried an article (al-Sabah: a clan's name, shared by many)."""

    words: tuple[str, ...]
    patronymic: frozenset[int]
    clan: frozenset[int]
    is_regnal: bool  # Mohammed VI, Juan Carlos I: a monarch's given names, no family name

    def rest(self, family: int) -> list[str]:
        """Every word but the family name, in order (given names, then a father's)."""
        return [w for k, w in enumerate(self.words) if k != family]

    def given(self, family: int) -> list[str]:
        """The person's own given names, in order, when the word at `family` is the family name."""
        return [w for k, w in enumerate(self.words) if k != family and k not in self.patronymic]

    @property
    def is_matchable(self) -> bool:
        """A family name and a given name at least: one-word names are never matched."""
        return not self.is_regnal and len([w for w in self.words if len(w) > 1]) >= 2


@functools.lru_cache(maxsize=1 << 16)
def name_parts(name: str) -> NameParts:
    """Folded words of a name without suffixes, ordinals ("3rd"), regnal numbers and particles."""
    words: list[str] = []
    patronymic: set[int] = set()
    clan: set[int] = set()
    after_patronymic = after_article = is_regnal = False
    for word in persons.name_tokens(name):
        if word in REGNAL_NUMBERS and words:
            is_regnal = True
            continue
        if any(c.isdigit() for c in word):
            continue
        if word in PATRONYMICS:
            after_patronymic = True
        elif word in ARTICLES:
            after_article = True
        elif word not in PARTICLES:
            if after_patronymic:
                patronymic.add(len(words))
            if after_article:
                clan.add(len(words))
            words.append(word)
            after_article = False
    return NameParts(tuple(words), frozenset(patronymic), frozenset(clan), is_regnal)


def family_forms(word: str) -> set[str]:
    """A family name with its glued article dropped as well ("Alsisi" ~ "al-Sisi")."""
    forms = {word}
    if len(word) >= 6 and word[:2] in ARTICLES:
        forms.add(word[2:])
    return forms


def same_family_name(a: str, b: str) -> bool:
    if family_forms(a) & family_forms(b):
        return True
    long_enough = min(len(a), len(b)) >= FAMILY_TYPO_MIN_LENGTH
    return long_enough and a[0] == b[0] and one_letter_apart(a, b)


def one_letter_apart(a: str, b: str) -> bool:
    """One letter replaced, added or dropped."""
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long = sorted((a, b), key=len)
    return len(long) - len(short) == 1 and any(
        long[:i] + long[i + 1 :] == short for i in range(len(long))
    )


def names_match(a: NameParts, b: NameParts) -> bool:
    """Two names are one person: a family name in common and a given name that agrees.

    The family name is the last word of each. Outside a clan's name also: the first of one
    against the last of the other (name order: Kishida Fumio / Fumio Kishida), or the last but
    one of a name one word longer (a second, maternal family name: Luis Abinader / Luis Abinader
    Corona), when every given name of the shorter agrees with one of the other's. Given names
    agree when equal, a short form or a transliteration of each other; an initial only stands
    for the first given name (S. Jaishankar, not Juan S. Gonzalez for Elias Saca Gonzalez).
    Under a clan's name (al-Sabah, al-Thani) the given name and the father's must both agree,
    in order.
    """
    if not (a.is_matchable and b.is_matchable):
        return False
    last_a, last_b = len(a.words) - 1, len(b.words) - 1
    if _is_family(a, last_a, b, last_b) and _given_names_agree(a, last_a, b, last_b):
        return True
    if a.clan or b.clan:
        return False
    pairs = [(0, last_b), (last_a, 0)]
    if last_b == last_a + 1:
        pairs.append((last_a, last_b - 1))
    if last_a == last_b + 1:
        pairs.append((last_a - 1, last_b))
    return any(_is_family(a, i, b, j) and _all_given_names_agree(a, i, b, j) for i, j in pairs)


def _is_family(a: NameParts, i: int, b: NameParts, j: int) -> bool:
    return min(len(a.words[i]), len(b.words[j])) > 1 and same_family_name(a.words[i], b.words[j])


def _given_names_agree(a: NameParts, family_a: int, b: NameParts, family_b: int) -> bool:
    if family_a in a.clan or family_b in b.clan:
        return _clan_names_agree(a.rest(family_a), b.rest(family_b))
    given_a, given_b = a.given(family_a), b.given(family_b)
    if not (given_a and given_b):
        return False
    if persons.same_given_name(given_a[0], given_b[0]) in GIVEN_NAME_RULES:
        return True
    full_a, full_b = [w for w in given_a if len(w) > 1], [w for w in given_b if len(w) > 1]
    return any(persons.same_given_name(x, y) in FULL_NAME_RULES for x in full_a for y in full_b)


def _all_given_names_agree(a: NameParts, family_a: int, b: NameParts, family_b: int) -> bool:
    given_a, given_b = a.given(family_a), b.given(family_b)
    shorter, longer = sorted((given_a, given_b), key=len)
    return bool(shorter) and all(
        any(persons.same_given_name(x, y) in GIVEN_NAME_RULES for y in longer) for x in shorter
    )


def _clan_names_agree(rest_a: Sequence[str], rest_b: Sequence[str]) -> bool:
    """Given name and father's name, in order (Tamim bin Hamad is not Hamad bin Khalifa); a
    name without a father's name agrees only with the same words."""
    if len(rest_a) < 2 or len(rest_b) < 2:
        return list(rest_a) == list(rest_b)
    return all(
        persons.same_given_name(x, y) in FULL_NAME_RULES
        for x, y in zip(rest_a[:2], rest_b[:2], strict=True)
    )


# --- the record ------------------------------------------------------------------------------


def read_visits(path: Path) -> list[Visit]:
    """The visits file's rows; a missing column or a bad date is an error naming the line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise CheckError(f"{path}: cannot read the visits file: {error.strerror}") from None
    reader = csv.DictReader(text.splitlines())
    missing = [c for c in VISIT_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise CheckError(f"{path}: line 1: missing column(s) {', '.join(missing)}")
    return [_visit(path, number, row) for number, row in enumerate(reader, start=2)]


def _visit(path: Path, number: int, row: Mapping[str, str]) -> Visit:
    try:
        start = date.fromisoformat(row["start_date"])
    except ValueError:
        raise CheckError(
            f"{path}: line {number}: start_date {row['start_date']!r} is not a date like 2021-07-15"
        ) from None
    if not row["visitor"].strip():
        raise CheckError(f"{path}: line {number}: visitor is empty")
    return Visit(**{**{c: row[c].strip() for c in VISIT_COLUMNS}, "start_date": start})


def leaders_of(visits: Iterable[Visit]) -> list[Leader]:
    """The record's people: spellings of one country that match each other are one leader
    (Recep Tayyip Erdogan / Recep Erdogan / Receip Tayyip Erdogan); one-word names and visits
    without a country code (Yugoslavia) are left out."""
    seen: dict[tuple[str, str], list[date]] = defaultdict(list)
    for visit in visits:
        for name in people_in(visit.visitor):
            if visit.country_code and name_parts(name).is_matchable:
                seen[(visit.country_code, name)].append(visit.start_date)
    groups = _group_spellings(list(seen))
    return sorted(
        (_leader(group, seen) for group in groups), key=lambda x: (x.country_code, x.name)
    )


def _group_spellings(keys: Sequence[tuple[str, str]]) -> list[list[tuple[str, str]]]:
    parent = list(range(len(keys)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, (country_i, name_i) in enumerate(keys):
        for j in range(i):
            country_j, name_j = keys[j]
            if country_i == country_j and names_match(name_parts(name_i), name_parts(name_j)):
                parent[root(i)] = root(j)
    groups: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for i, key in enumerate(keys):
        groups[root(i)].append(key)
    return list(groups.values())


def _leader(group: Sequence[tuple[str, str]], seen: Mapping[tuple[str, str], list[date]]) -> Leader:
    counts = Counter({key[1]: len(seen[key]) for key in group})
    name = max(counts, key=lambda n: (counts[n], len(n), n))
    dates = sorted(d for key in group for d in seen[key])
    return Leader(
        name, group[0][0], tuple(sorted(counts)), len(dates), dates[0], dates[-1], tuple(dates)
    )


# --- the warehouse ---------------------------------------------------------------------------

PEOPLE_SQL = """
select p.person_id, p.person_name, p.person_kind, p.affiliation, p.event_count,
       list(distinct a.alias) filter (where a.alias is not null) as spellings,
       p.first_event_on, p.last_event_on
from dim_people p left join person_aliases a using (person_id)
group by all
"""
AFFILIATIONS_SQL = """
select person_id, affiliation, cast(last_seen_on as varchar) as last_seen_on
from person_affiliations
order by person_id, last_seen_on desc nulls last, event_count desc, affiliation
"""


def read_people(target: Path) -> list[PersonRow]:
    """dim_people with spellings and affiliations, from a settings file's serving file or a
    DuckDB file given directly."""
    try:
        if target.suffix == ".toml":
            with warehouse.read_only_connection(load_settings(target)) as connection:
                return _people(connection)
        if not target.exists():
            raise CheckError(f"{target}: no such settings or serving file")
        with duckdb.connect(str(target), read_only=True) as connection:
            return _people(connection)
    except duckdb.Error as error:
        first = str(error).splitlines()[0]
        raise CheckError(f"{target}: cannot read dim_people: {first}") from None
    except IngestError as error:
        raise CheckError(str(error)) from None


def _people(connection: duckdb.DuckDBPyConnection) -> list[PersonRow]:
    affiliations: dict[str, list[tuple[str, str | None]]] = defaultdict(list)
    for person_id, affiliation, last_seen_on in connection.execute(AFFILIATIONS_SQL).fetchall():
        affiliations[person_id].append((affiliation, last_seen_on))
    return [
        PersonRow(
            person_id=pid,
            person_name=name,
            person_kind=kind,
            affiliation=affiliation,
            event_count=int(events),
            spellings=tuple(sorted({name, *(spellings or [])})),
            affiliations=tuple(affiliations.get(pid, [])),
            first_event_on=first,
            last_event_on=last,
        )
        for pid, name, kind, affiliation, events, spellings, first, last in connection.execute(
            PEOPLE_SQL
        ).fetchall()
    ]


# --- the check -------------------------------------------------------------------------------


class PeopleIndex:
    """dim_people's rows by the family-name forms of their spellings' words: a leader is only
    compared with rows sharing a word with it (or one letter off, for a long family name)."""

    def __init__(self, people: Sequence[PersonRow]) -> None:
        self.people = people
        self.by_word: dict[str, set[int]] = defaultdict(set)
        for k, person in enumerate(people):
            for spelling in person.spellings:
                for word in name_parts(spelling).words:
                    for form in family_forms(word):
                        self.by_word[form].add(k)
        self.long_words = [w for w in self.by_word if len(w) >= FAMILY_TYPO_MIN_LENGTH]

    def candidates(self, words: Iterable[str]) -> set[int]:
        found: set[int] = set()
        for word in words:
            for form in family_forms(word):
                found |= self.by_word.get(form, set())
            if len(word) >= FAMILY_TYPO_MIN_LENGTH:
                for other in self.long_words:
                    if same_family_name(word, other):
                        found |= self.by_word[other]
        return found


def matching_rows(leader: Leader, index: PeopleIndex) -> list[PersonRow]:
    """The dim_people rows one of whose spellings matches one of the leader's."""
    wanted = [name_parts(s) for s in leader.spellings]
    nearby = index.candidates(w for parts in wanted for w in parts.words)
    return [
        index.people[k]
        for k in sorted(nearby)
        if any(names_match(w, name_parts(s)) for w in wanted for s in index.people[k].spellings)
    ]


def judge(leader: Leader, rows: Sequence[PersonRow]) -> LeaderResult:
    """Main affiliation: dim_people's, of the leader's busiest row; latest: the affiliation last
    seen on any of its rows; any row wrong: some row has an affiliation of another country."""
    main = max(rows, key=lambda r: (r.event_count, r.person_id))
    dated = [a for r in rows for a in r.affiliations if a[1] is not None]
    latest = max(dated, key=lambda a: a[1] or "")[0] if dated else main.affiliation
    every = {a for r in rows for a, _ in r.affiliations} | {r.affiliation for r in rows}
    first_seen = min((r.first_event_on for r in rows if r.first_event_on), default=None)
    return LeaderResult(
        leader=leader.name,
        country_code=leader.country_code,
        spellings=leader.spellings,
        visits=f"{leader.visit_count} visits, {leader.first_visit_on} - {leader.last_visit_on}",
        rows=tuple(_row(r) for r in rows),
        main_affiliation=main.affiliation,
        latest_affiliation=latest,
        is_main_right=main.affiliation == leader.country_code,
        is_latest_right=latest == leader.country_code,
        is_any_row_wrong=any(a != leader.country_code for a in every if a is not None),
        is_split=len(rows) > 1,
        is_record_older=first_seen is not None
        and leader.last_visit_on.year + RECORD_OLDER_YEARS < first_seen.year,
    )


def _row(person: PersonRow) -> dict[str, Any]:
    return {
        "person_id": person.person_id,
        "person_name": person.person_name,
        "person_kind": person.person_kind,
        "affiliation": person.affiliation,
        "event_count": person.event_count,
        "affiliations": [a for a, _ in person.affiliations],
        "events": f"{person.first_event_on} - {person.last_event_on}",
    }


def found_leaders(
    leaders: Sequence[Leader], people: Sequence[PersonRow]
) -> list[tuple[Leader, list[PersonRow]]]:
    """Each leader found with its rows. Two spellings of one country that the record's own
    grouping kept apart (Mohamad Ashraf Ghani / Ashraf Ghani Ahmedzai) but that find the same
    row are one leader: a person is counted once."""
    index = PeopleIndex(people)
    found = [(x, rows) for x in leaders if (rows := matching_rows(x, index))]
    merged: list[tuple[Leader, list[PersonRow]]] = []
    for leader, rows in found:
        ids = {r.person_id for r in rows}
        same = [
            k
            for k, (other, other_rows) in enumerate(merged)
            if other.country_code == leader.country_code and ids & {r.person_id for r in other_rows}
        ]
        for k in reversed(same):
            other, other_rows = merged.pop(k)
            leader = _merge(leader, other)
            rows = rows + [r for r in other_rows if r.person_id not in ids]
            ids |= {r.person_id for r in other_rows}
        merged.append((leader, rows))
    return merged


def _merge(a: Leader, b: Leader) -> Leader:
    busier = max((a, b), key=lambda x: (x.visit_count, x.name))
    return Leader(
        name=busier.name,
        country_code=a.country_code,
        spellings=tuple(sorted({*a.spellings, *b.spellings})),
        visit_count=a.visit_count + b.visit_count,
        first_visit_on=min(a.first_visit_on, b.first_visit_on),
        last_visit_on=max(a.last_visit_on, b.last_visit_on),
        visit_dates=tuple(sorted({*a.visit_dates, *b.visit_dates})),
    )


# --- the time-aware check --------------------------------------------------------------------

# A visit this far from every event the warehouse has of the person tells nothing of the office
# its releases give them: Jens Stoltenberg visited as Norway's prime minister in 2010-12 and is
# NATO's Secretary General in the 2021-22 releases. Such a person is a class of its own, with
# how many of them agree all the same (a king, a president re-elected). Four years: one term
# of office; on the demo warehouse two years put 10 sitting leaders visiting in 2024 apart.
NEAR_VISIT_DAYS = 4 * 365


@dataclass(frozen=True, slots=True)
class TimedResult:
    """One person of the record judged against the visit nearest in time to their events."""

    leader: str
    person_ids: tuple[str, ...]
    affiliation: str | None  # dim_people's, of the busiest row
    events: str  # "first - last" event of the person's rows
    nearest_visit_on: date | None
    nearest_country: str
    days_apart: int | None  # from that visit to the nearest event; None: no dated event
    is_far: bool  # no visit within NEAR_VISIT_DAYS of an event: the office may have changed
    is_right: bool  # the affiliation is the nearest visit's country (counted when not far)


def days_apart(day: date, first: date, last: date) -> int:
    """Days from a day to a span of days (0 inside it)."""
    if day < first:
        return (first - day).days
    return max(0, (day - last).days)


def time_aware(found: Sequence[tuple[Leader, list[PersonRow]]]) -> list[TimedResult]:
    """One result per person: leaders of several countries whose rows are one person's are
    grouped (a visit as Norway's prime minister, another as NATO's Secretary General), and the
    person's affiliation is compared with the country of the visit nearest in time to the
    span of their events in the warehouse; ties go to the later visit."""
    groups: list[tuple[list[Leader], dict[str, PersonRow]]] = []
    for leader, rows in found:
        by_id = {r.person_id: r for r in rows}
        same = [k for k, (_, ids) in enumerate(groups) if by_id.keys() & ids.keys()]
        members = [leader]
        for k in reversed(same):
            other_leaders, other_rows = groups.pop(k)
            members += other_leaders
            by_id |= other_rows
        groups.append((members, by_id))
    return [_timed(leaders, list(rows.values())) for leaders, rows in groups]


def _timed(leaders: Sequence[Leader], rows: Sequence[PersonRow]) -> TimedResult:
    main = max(rows, key=lambda r: (r.event_count, r.person_id))
    visits = [(day, x.country_code) for x in leaders for day in x.visit_dates]
    firsts = [r.first_event_on for r in rows if r.first_event_on]
    lasts = [r.last_event_on for r in rows if r.last_event_on]
    name = max(leaders, key=lambda x: (x.visit_count, x.name)).name
    if not (firsts and lasts and visits):
        country = max(leaders, key=lambda x: x.last_visit_on).country_code
        return TimedResult(
            name, _ids(rows), main.affiliation, "-", None, country, None, True, False
        )
    first, last = min(firsts), max(lasts)
    day, country = min(visits, key=lambda v: (days_apart(v[0], first, last), -v[0].toordinal()))
    apart = days_apart(day, first, last)
    return TimedResult(
        leader=name,
        person_ids=_ids(rows),
        affiliation=main.affiliation,
        events=f"{first} - {last}",
        nearest_visit_on=day,
        nearest_country=country,
        days_apart=apart,
        is_far=apart >= NEAR_VISIT_DAYS,
        is_right=main.affiliation == country,
    )


def _ids(rows: Sequence[PersonRow]) -> tuple[str, ...]:
    return tuple(sorted(r.person_id for r in rows))


def time_aware_report(results: Sequence[TimedResult]) -> dict[str, Any]:
    near = [r for r in results if not r.is_far]
    right = sum(r.is_right for r in near)
    return {
        "people": len(results),
        "judged": len(near),
        "right": right,
        "right_share": round(right / len(near), 3) if near else None,
        "far_count": len(results) - len(near),
        "far_agreeing_count": sum(r.is_right for r in results if r.is_far),
        "misses": [asdict(r) for r in near if not r.is_right],
        "far": [asdict(r) for r in results if r.is_far],
    }


def check(leaders: Sequence[Leader], people: Sequence[PersonRow]) -> dict[str, Any]:
    found = found_leaders(leaders, people)
    results = [judge(leader, rows) for leader, rows in found]

    def share(flag: str) -> float | None:
        return round(sum(getattr(r, flag) for r in results) / len(results), 3) if results else None

    return {
        "leaders_in_record": len(leaders),
        "found": len(results),
        "main_right_share": share("is_main_right"),
        "latest_right_share": share("is_latest_right"),
        "any_row_wrong_count": sum(r.is_any_row_wrong for r in results),
        "split_count": sum(r.is_split for r in results),
        "record_older_count": sum(r.is_record_older for r in results),
        "splits": [asdict(r) for r in results if r.is_split],
        "misses": [asdict(r) for r in results if not r.is_main_right],
        "any_row_wrong": [asdict(r) for r in results if r.is_any_row_wrong and r.is_main_right],
        "found_leaders": [asdict(r) for r in results],
        "time_aware": time_aware_report(time_aware(found)),
    }


def summary(report: Mapping[str, Any]) -> str:
    timed = report["time_aware"]
    return (
        f"foreign leaders: {report['found']} of {report['leaders_in_record']} in dim_people, "
        f"{report['main_right_share']} with the right country (main affiliation; latest "
        f"{report['latest_right_share']}), {report['any_row_wrong_count']} with some row of "
        f"another country, {report['split_count']} split over several rows\n"
        f"time-aware: {timed['right']} of {timed['judged']} right against the visit nearest "
        f"their events ({timed['right_share']}); {timed['far_count']} with no visit within "
        f"{NEAR_VISIT_DAYS // 365} years of their events (the office may have changed; "
        f"{timed['far_agreeing_count']} of them agree all the same)"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", help="settings file (.toml) or serving file (.duckdb)")
    parser.add_argument("--visits", default=str(VISITS), help="the record (visits.csv)")
    parser.add_argument("--json", dest="json_path", help="write the report here (- = stdout)")
    args = parser.parse_args(argv)
    try:
        leaders = leaders_of(read_visits(Path(args.visits)))
        report = check(leaders, read_people(Path(args.target)))
    except CheckError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    text = json.dumps(report, indent=1, ensure_ascii=False, default=str)
    if args.json_path == "-":
        print(text)
    elif args.json_path:
        Path(args.json_path).write_text(text + "\n", encoding="utf-8")
    print(summary(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
