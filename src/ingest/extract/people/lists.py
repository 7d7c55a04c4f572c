"""Names in one list share its cues and titles ("Ministers A B, C D and E F")."""

from __future__ import annotations

import dataclasses
import re

from ingest.extract import gazetteer as gz
from ingest.extract.people.index import _Raw
from ingest.extract.people.titles import _Titled
from ingest.extract.people.tokens import _key

_LIST_AFTER = re.compile(r"[ \t]*(?:,|and\b)")


_LIST_BEFORE = re.compile(r"(?:,|\band)[ \t]*$")


def _plural_head(word: str) -> bool:
    key = _key(word)
    return key.endswith("s") and key[:-1] in gz.office_words().heads


_CAPITAL_AFTER = re.compile(r"[ \t]+[A-Z]")


_LIST_GAP = re.compile(r"[ \t]*(?:,[ \t]*(?:and[ \t]+)?|and[ \t]+)")


def _share_list_cues(raws: list[_Raw], text: str) -> list[_Raw]:
    """ "Ministers Naledi Pandor, Rob Davies, Tina Joemat-Pettersson": names listed only by
    commas and "and" with a named person are people too; a plural title is each one's."""
    out = list(raws)
    for group in _list_groups(raws, text):
        lead = next((out[j] for j in group if out[j].cue and len(out[j].tokens) >= 2), None)
        if lead is None or not any(out[j].listable for j in group):
            continue
        titled = lead.titled
        single = (
            titled.title[:-1] if titled and titled.title and titled.title.endswith("s") else None
        )
        for j in group:
            raw = out[j]
            if single and titled and (raw is lead or (raw.listable and not raw.cue)):
                start = titled.start if raw is lead else raw.start
                out[j] = _replace_title(raw, _Titled(single, titled.affiliation, start, True))
            elif raw.listable and not raw.cue:
                out[j] = dataclasses.replace(raw, cue=True, rule="person.list_member")
    return out


def _list_groups(raws: list[_Raw], text: str) -> list[list[int]]:
    """The indices of `raws` in lists, each of two items or more that only commas and "and"
    join ("A B, C D and E F")."""
    groups: list[list[int]] = []
    k = 0
    while k < len(raws):
        group = [k]
        while group[-1] + 1 < len(raws) and _LIST_GAP.fullmatch(
            text, raws[group[-1]].end, raws[group[-1] + 1].start
        ):
            group.append(group[-1] + 1)
        k = group[-1] + 1
        if len(group) >= 2:
            groups.append(group)
    return groups


# cues a list item has from its place in the list, not from a title or honorific of its own
_LIST_CUES = frozenset({"person.with_name", "person.list_member", ""})


def _uncue_place_lists(raws: list[_Raw], text: str) -> list[_Raw]:
    """ "six provinces (Svay Rieng, Kandal, Prey Veng, Kampong Thom, Siem Reap and Oddar
    Meanchey)": a list whose items are, two or more of them and half at least, places the
    gazetteer knows (a country, or a city of two words or more: one word, "Austin", "Lincoln",
    is a surname too) lists places; its items get no person cue from the list or an "and"."""
    out = list(raws)
    for group in _list_groups(raws, text):
        places = sum(1 for j in group if _known_place(raws[j].name))
        if places < 2 or 2 * places < len(group):
            continue
        for j in group:
            raw = raws[j]
            if raw.rule in _LIST_CUES and raw.titled is None:
                out[j] = dataclasses.replace(raw, cue=False, listable=False, rule="")
    return out


def _known_place(name: str) -> bool:
    if gz.lookup_country(name) is not None and gz.is_country_phrase(name):
        return True
    return len(name.split()) >= 2 and gz.lookup_city(name) is not None


def _inherit_list_titles(raws: list[_Raw], text: str) -> list[_Raw]:
    """ "NUG representatives Aung Myo Min and Moe Zaw Oo": the second name shares the title."""
    raws = _share_list_cues(_uncue_place_lists(raws, text), text)
    out: list[_Raw] = []
    for raw in raws:
        prev = out[-1] if out else None
        if (
            prev is not None
            and raw.titled is None
            and prev.titled is not None
            and prev.titled.title
            and re.fullmatch(r"\s*(?:,\s*)?and\s+", text[prev.end : raw.start])
            and prev.titled.title.endswith("s")
        ):
            single = prev.titled.title[:-1]
            titled = _Titled(single, prev.titled.affiliation, raw.start, True)
            prev_fixed = _replace_title(prev, titled)
            out[-1] = prev_fixed
            raw = _replace_title(raw, titled)
        out.append(raw)
    return out


def _replace_title(raw: _Raw, titled: _Titled) -> _Raw:
    return _Raw(
        raw.tokens,
        raw.name,
        raw.start,
        raw.end,
        titled,
        True,
        raw.possessive,
        raw.in_title,
        raw.byline,
        raw.attribution,
        raw.object_country,
        raw.is_object,
        rule=raw.rule or "person.list_member",
        # a lone word takes a list's title only to resolve to someone: "A B, and Experts On ..."
        lone=raw.lone or (not raw.cue and len(raw.tokens) == 1),
    )


# a comma and then a lower-case word no list of names and offices goes on with: a clause begins
# ("..., traveled to Kyiv", "..., as the Secretary pledged", "..., which included")
_CLAUSE_AFTER_COMMA = re.compile(
    r",\s+(?!(?:and|or|as\s+well\s+as|the|his|her|their|its|both)\b)[a-z]"
)


def list_end(text: str, start: int, end: int) -> int:
    """Where a list of names and their offices that begins at `start` ends (`end` at the
    latest): before a comma that opens a clause. "accompanied by A, Minister of X; and B" runs
    on; "accompanied by State Department security, traveled to Kyiv" stops at its comma."""
    clause = _CLAUSE_AFTER_COMMA.search(text, start, end)
    return clause.start() if clause else end
