"""What the people stage builds: people, their mentions, and raw name occurrences."""

from __future__ import annotations

from dataclasses import dataclass, field

from ingest.extract.people.titles import _Titled


@dataclass(slots=True)
class Person:
    name: str
    tokens: tuple[str, ...]  # folded name tokens, particles and initials included
    title: str | None
    affiliation: str | None
    byline: bool = False
    # how the affiliation was settled: "text" (the person's own title, apposition or host),
    # "own" (no cue: the issuing government's official), "" (nothing)
    basis: str = ""
    # the id of the rule that settled the affiliation (data/rules.toml, "affiliation.*"): the
    # warehouse weighs a person's own words over a release's default ("" when none settled it)
    affiliation_rule: str = ""
    # the id of the rule that marked the name as a person (data/rules.toml), and where: the
    # occurrence that started this person
    rule: str = ""
    found_at: Mention | None = None


@dataclass(frozen=True, slots=True)
class Mention:
    person: int
    start: int  # offsets of the name as written, in doc.text (or doc.title when in_title)
    end: int
    in_title: bool
    possessive: bool  # "Secretary Blinken's ..."
    # the rule of a mention that names no name ("the Foreign Minister"); "" for a written name
    via: str = ""


@dataclass(slots=True)
class PeopleIndex:
    people: list[Person] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    publisher: str | None = None
    attribution: set[int] = field(default_factory=set)  # readout attributed to them only


@dataclass(frozen=True, slots=True)
class _Raw:
    """One name occurrence before coreference."""

    tokens: tuple[str, ...]
    name: str
    start: int
    end: int
    titled: _Titled | None
    cue: bool  # something marks it as a person
    possessive: bool
    in_title: bool
    byline: bool
    attribution: bool
    object_country: str | None  # "In Cambodia, X will meet with <this person>"
    is_object: bool
    shouted: bool = False  # "FOREIGN MINISTER TALL SALL:": a transcript label, coreference only
    listable: bool = False  # an uncued full name in a list: a person when a listed one is
    rule: str = ""  # the id of the rule whose cue marks it as a person ("" without a cue)
    # a single word whose cue does not make it a name on its own ("Conflict and Stabilization
    # Operations Anne Witkowsky"): a person only when it resolves to one named in full
    lone: bool = False
