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
