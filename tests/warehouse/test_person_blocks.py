"""Person resolution by blocks: clustering each block of spellings alone gives the people of
clustering them whole, and resolving a run's changed names against the previous resolution
gives what resolving every name again gives (ids included)."""

from __future__ import annotations

import dataclasses
import random
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from ingest import persons

GIVEN = ["John", "J.", "Jon", "Joe", "Joseph", "Jill", "Kim", "Wang", "Fumio", "Sergei", "Sergey"]
FAMILY = ["Smith", "Kim", "Wang", "Kishida", "Lavrov", "Smyth", "Jong", "Fumio", "Biden"]
MIDDLE = ["", "R. ", "Andrés ", "Un "]
AFFILIATIONS = ["US", "CN", "JP", "KR", "RU", None]
TITLES = ["Minister", "Foreign Minister", "President", None]


def random_use(chance: random.Random) -> persons.NameUse:
    name = chance.choice(GIVEN) + " " + chance.choice(MIDDLE) + chance.choice(FAMILY)
    affiliation = chance.choice(AFFILIATIONS)
    title = chance.choice(TITLES)
    first = date(2020, 1, 1) + timedelta(days=chance.randrange(2000))
    mentions = chance.randrange(1, 5)
    return persons.NameUse(
        name,
        mentions,
        chance.randrange(0, mentions + 1),
        ((affiliation, mentions),) if affiliation else (),
        frozenset({title}) if title else frozenset(),
        first,
        first + timedelta(days=chance.randrange(400)),
    )


def random_uses(chance: random.Random, count: int) -> dict[str, persons.NameUse]:
    return {use.name: use for use in (random_use(chance) for _ in range(count))}


def people(resolved: persons.ResolvedNames) -> dict[str, tuple[str, str, str, str]]:
    return {
        name: (p.person_id, p.canonical_name, p.rule, p.evidence)
        for name, p in resolved.names.items()
    }


@pytest.mark.parametrize("seed", range(6))
def test_clustering_each_block_alone_gives_the_people_of_clustering_the_whole(seed: int) -> None:
    chance = random.Random(seed)
    spellings: dict[str, persons._Spelling] = {}
    for use in random_uses(chance, 250).values():
        persons._add(spellings, use)
    edges = persons.merge_edges(spellings)
    blocks = persons.merge_blocks(spellings, edges)
    whole, _ = persons.cluster_spellings(spellings, edges)
    by_block: dict[str, list[str]] = {}
    for key, block in blocks.items():
        by_block.setdefault(block, []).append(key)
    assert 1 < len(by_block) < len(spellings)  # blocks both join and separate spellings
    for keys in by_block.values():
        alone, _ = persons.cluster_spellings({key: spellings[key] for key in keys})
        for key in keys:
            mates = {other for other in keys if whole.find(other) == whole.find(key)}
            assert mates == {other for other in keys if alone.find(other) == alone.find(key)}
    # and no merge joins two blocks: every edge lies inside one
    assert all(blocks[key] == blocks[other] for key in edges for other, _ in edges[key])


@hypothesis_settings(max_examples=25, deadline=None)
@given(st.integers(0, 10**6), st.integers(1, 30), st.integers(0, 10))
def test_resolving_a_runs_changed_names_equals_resolving_every_name(
    seed: int, added: int, removed: int
) -> None:
    chance = random.Random(seed)
    before = random_uses(chance, 120)
    first = persons.resolve_names(before.values(), [], {})
    changed: dict[str, persons.NameUse | None] = dict(random_uses(chance, added))
    for name in chance.sample(sorted(before), min(removed, len(before))):
        changed[name] = (
            None if chance.random() < 0.5 else dataclasses.replace(random_use(chance), name=name)
        )
    after = {**before, **changed}
    current = [use for use in after.values() if use is not None]
    whole = persons.resolve_names(current, [], first.registry)
    partial = persons.resolve_changed_names(first.index, changed, first.registry)
    assert partial.index == whole.index
    assert partial.registry == whole.registry
    assert people(partial).items() <= people(whole).items()


def test_a_spelling_that_joins_two_people_re_resolves_both_and_keeps_the_older_id() -> None:
    def use(name: str, mentions: int) -> persons.NameUse:
        return persons.NameUse(name, mentions, mentions, (("US", mentions),), frozenset())

    first = persons.resolve_names([use("Joe Biden", 5), use("Jill Biden", 3)], [], {})
    joe = first.names["Joe Biden"].person_id
    # "Joseph R. Biden" joins Joe by a short form: Joe's id stays, Jill stays apart
    changed: dict[str, persons.NameUse | None] = {"Joseph R. Biden": use("Joseph R. Biden", 1)}
    partial = persons.resolve_changed_names(first.index, changed, first.registry)
    assert partial.names["Joseph R. Biden"].person_id == joe
    assert partial.index["Jill Biden"].person_id != joe
    whole = persons.resolve_names(
        [use("Joe Biden", 5), use("Jill Biden", 3), use("Joseph R. Biden", 1)], [], first.registry
    )
    assert partial.index == whole.index


def test_a_new_namesake_that_marks_a_name_as_two_run_together_re_resolves_it() -> None:
    # "Jake Sullivan Biden" (a headline running two names together) joins Jake Sullivan while
    # no other Biden is known; once "Joseph R. Biden" arrives it reads as two names, in a block
    # the new spelling has no merge edge to: the run must re-resolve it all the same
    def use(name: str) -> persons.NameUse:
        day = date(2021, 6, 1)
        title = frozenset({"National Security Advisor"})
        return persons.NameUse(name, 2, 2, (("US", 2),), title, day, day)

    first = persons.resolve_names([use("Jake Sullivan"), use("Jake Sullivan Biden")], [], {})
    assert first.names["Jake Sullivan"].person_id == first.names["Jake Sullivan Biden"].person_id
    changed: dict[str, persons.NameUse | None] = {"Joseph R. Biden": use("Joseph R. Biden")}
    whole = persons.resolve_names(
        [use("Jake Sullivan"), use("Jake Sullivan Biden"), use("Joseph R. Biden")],
        [],
        first.registry,
    )
    partial = persons.resolve_changed_names(first.index, changed, first.registry)
    assert whole.names["Jake Sullivan"].person_id != whole.names["Jake Sullivan Biden"].person_id
    assert partial.index == whole.index


KNOWN = [affiliation for affiliation in AFFILIATIONS if affiliation]
LONE = ["Smith", "Kim", "Wang", "Kishida", "Lavrov", "Biden", "Jong", "Fumio", "Smyth"]


def random_surname(chance: random.Random, number: int) -> persons.Mention:
    first = date(2020, 1, 1) + timedelta(days=chance.randrange(2400))
    return persons.Mention(
        f"s{number}",
        chance.choice(LONE),
        "surname_only",
        chance.choice(TITLES),
        chance.choice(AFFILIATIONS),
        first if chance.random() < 0.9 else None,
    )


def tweaked(chance: random.Random, use: persons.NameUse) -> persons.NameUse | None:
    """A name gone, written anew, or with one thing a lone surname's answer reads changed (or
    only its mentions, which none reads)."""
    last = use.last_on or date(2020, 1, 1)
    choices = [
        None,
        dataclasses.replace(random_use(chance), name=use.name),
        dataclasses.replace(use, mentions=use.mentions + 2),
        dataclasses.replace(use, last_on=last + timedelta(days=chance.randrange(30, 900))),
        dataclasses.replace(use, affiliations=(*use.affiliations, (chance.choice(KNOWN), 1))),
        dataclasses.replace(use, participations=0 if use.participations else use.mentions),
        dataclasses.replace(use, titles=use.titles | {chance.choice(TITLES) or "Minister"}),
    ]
    return chance.choice(choices)


def answers(found: list[persons.Resolution]) -> dict[str, persons.Resolution]:
    return {resolution.participant_id: resolution for resolution in found}


@hypothesis_settings(max_examples=60, deadline=None)
@given(st.integers(0, 10**6), st.integers(0, 30), st.integers(0, 40), st.integers(0, 8))
def test_lone_surnames_resolved_by_the_keys_a_run_changes_equal_resolving_every_name(
    seed: int, added: int, removed: int, new_surnames: int
) -> None:
    chance = random.Random(seed)
    before = random_uses(chance, 80)
    stored = [random_surname(chance, n) for n in range(40)]
    first = persons.resolve_names(before.values(), stored, {})
    changed: dict[str, persons.NameUse | None] = dict(random_uses(chance, added))
    for name in chance.sample(sorted(before), min(removed, len(before))):
        changed[name] = tweaked(chance, before[name])
    after = {**before, **changed}
    arriving = [random_surname(chance, n) for n in range(40, 40 + new_surnames)]
    current = [use for use in after.values() if use is not None]
    whole = persons.resolve_names(current, stored + arriving, first.registry)

    partial = persons.resolve_changed_names(first.index, changed, first.registry)
    keys = persons.surname_keys_changed(first.index, partial.index)
    again = [m for m in stored if persons.surname_key(m.name) in keys]
    incremental = answers(first.surnames)
    incremental.update(answers(persons.resolve_surnames(again + arriving, partial.index)))
    assert incremental == answers(whole.surnames)  # ids, rule, evidence and status
    # and the keys the run reaches are few: most stored answers are kept as they were
    if not changed:
        assert keys == set()


def test_a_surname_gains_a_person_then_a_second_namesake_then_its_person_a_new_affiliation() -> (
    None
):
    day = date(2025, 4, 1)

    def use(name: str, affiliation: str) -> persons.NameUse:
        return persons.NameUse(name, 1, 1, ((affiliation, 1),), frozenset({"Secretary"}), day, day)

    lone = persons.Mention("p1", "Blinken", "surname_only", "Secretary", "PA", day)
    first = persons.resolve_names([use("Kaja Kallas", "EU")], [lone], {})
    assert first.surnames[0].rule == persons.UNRESOLVED  # no Blinken known
    steps: list[dict[str, persons.NameUse | None]] = [
        {"Antony Blinken": use("Antony Blinken", "US")},  # one Blinken: the title fits
        {"Donald Blinken": use("Donald Blinken", "US")},  # two: unresolved again
        {"Donald Blinken": None, "Antony Blinken": use("Antony Blinken", "PA")},  # affiliation
    ]
    index, registry, stored = first.index, first.registry, first.surnames[0]
    rules = []
    for changed in steps:
        partial = persons.resolve_changed_names(index, changed, registry)
        keys = persons.surname_keys_changed(index, partial.index)
        assert keys >= {"blinken"} and "kallas" not in keys
        (stored,) = persons.resolve_surnames([lone], partial.index)
        uses = [e.use for e in partial.index.values()]
        assert [stored] == persons.resolve_names(uses, [lone], registry).surnames
        index, registry = partial.index, partial.registry
        rules.append((stored.rule, stored.evidence.split(" (")[0].split(":")[0]))
    assert rules == [
        ("surname", "only person named blinken with title Secretary"),
        ("unresolved", "2 known people fit"),
        ("surname", "only person named blinken with affiliation PA active within 365 days"),
    ]


def test_more_mentions_within_a_persons_known_span_reach_no_surname_key() -> None:
    def use(mentions: int, last: date, affiliation: str = "US") -> persons.NameUse:
        return persons.NameUse(
            "Antony Blinken",
            mentions,
            mentions,
            ((affiliation, mentions),),
            frozenset({"Secretary of State"}),
            date(2021, 1, 26),
            last,
        )

    first = persons.resolve_names([use(3, date(2022, 8, 1))], [], {})
    same_span = persons.resolve_changed_names(
        first.index, {"Antony Blinken": use(9, date(2022, 8, 1))}, first.registry
    )
    assert persons.surname_keys_changed(first.index, same_span.index) == set()
    # a later date moves the window a lone "Blinken" is judged in: his key is reached
    later = persons.resolve_changed_names(
        first.index, {"Antony Blinken": use(9, date(2023, 1, 5))}, first.registry
    )
    assert persons.surname_keys_changed(first.index, later.index) == {"blinken"}
