"""Cross-document person resolution: which spellings name one person, by which rule, on what
evidence, and a person_id that stays the same across runs, rebuilds and new documents.

Full names are grouped by a spelling key (transliterated, case, dots, spacing, middle initials
and suffixes removed), then spellings are merged by named rules: name order ("Kishida Fumio" /
"Fumio Kishida"), middle names, an initial for a given name ("S. Jaishankar"), a short form
("Joe" / "Joseph", from the `nicknames` package's curated table), a romanization of one given
name (data/name_variants.toml), a one-letter typo when an office is shared too and the dates
overlap (`_same_office`: "Heide" / "Heidi Fulton", one office, two portfolios). A weak rule
merges only when the affiliations agree and the spellings it fits can all be one person, so
two Kims or two Bidens stay apart. A surname-only mention ("Blinken") joins a person only when
exactly one known person (a participant somewhere, else a mentioned name) with that surname,
a compatible affiliation and title was active within SURNAME_WINDOW_DAYS of it (when no one of
the mention's affiliation fits, a titled mention may join the one person whose titles and dates
agree: the extractor's affiliation is the weaker evidence); else it stays unresolved (and
`ingest check` lists it).

Ids come from a registry (spelling key -> person_id) kept under the data root (with a catalog,
in a lake table that commits only add to: ingest.lake) and written at publication: a person
keeps the id its spellings were first given, whatever spelling arrives later; a new person's id
is a hash of its spelling key.
"""

from __future__ import annotations

import functools
import hashlib
import re
import tomllib
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import cache
from importlib import resources

from anyascii import anyascii
from nicknames import NickNamer

from ingest.extract import gazetteer
from ingest.quality import common_words

# bump when the rules below change what they merge: the marts are then computed again
RESOLUTION_VERSION = "9"
NAME_STATUSES = frozenset({"full", "resolved", "surname_only"})
# generational suffixes, and an honorific written onto a name ("Rajnath Singh-ji")
SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv", "ji"})
# affiliations whose names are often written family name first, so a lone word may be either
FAMILY_NAME_FIRST = frozenset({"CN", "JP", "KR", "KP", "KH", "VN", "TW", "MN", "HU", "SG"})
SURNAME_WINDOW_DAYS = 365
# the words of a title after which its portfolio begins ("... of State for Narcotics Affairs")
PORTFOLIO_MARKER = " for "
PORTFOLIO_WORD_LENGTH = 4  # portfolio words that count as shared ("narcotics", not "and")
# a family name one letter off is the same name only when this long ("Akhanouch"; "Kalin" and
# "Karin" are two names)
FAMILY_TYPO_MIN_LENGTH = 6
# what merged a spelling into its person (person_aliases.rule)
CANONICAL, SPELLING, NAME_ORDER, MIDDLE_NAME, INITIAL, NICKNAME = (
    "canonical",
    "spelling",
    "name_order",
    "middle_name",
    "initial",
    "nickname",
)
TRANSLITERATION, TYPO = "transliteration", "typo"
FAMILY_NAME, JOINED, CLIPPED = "family_name", "joined", "clipped"
WITHIN = "within"  # a name inside a longer one, between a given name and a family name
# given-name rules under which two names start with one letter
SAME_INITIAL_RULES = frozenset({MIDDLE_NAME, INITIAL, TYPO})
# a name rule's match despite two affiliations, both spellings holding one office of many words
OFFICE = "office"
# an office this many words long (fillers aside) is one post: "Assistant Secretary for
# Population, Refugees, and Migration"; "Foreign Minister" is a post in every government
OFFICE_MIN_WORDS = 4
CLIPPED_MIN_LENGTH = 3  # "Ale" for "Alejandro"; "Al" may be Alan, Albert or Alexander
SURNAME, UNRESOLVED = "surname", "unresolved"
WEAK_RULES = frozenset(
    {
        MIDDLE_NAME,
        INITIAL,
        NICKNAME,
        TRANSLITERATION,
        TYPO,
        FAMILY_NAME,
        JOINED,
        CLIPPED,
        OFFICE,
        WITHIN,
    }
)
# title words that name no office ("Minister of Security" / "Public Security Minister" share two)
TITLE_FILLER = frozenset({"of", "the", "for", "and", "on", "to", "in"})
SHARED_TITLE_WORDS = 2
# words that open a clan's or father's name after a given name ("bin Sultan Al Nahyan")
CLAN_WORDS = frozenset({"bin", "ibn", "bint", "al", "el"})


@dataclass(frozen=True, slots=True)
class Mention:
    """One participant of one event, as the resolver sees it."""

    participant_id: str
    name: str
    name_status: str | None = None
    title: str | None = None
    affiliation: str | None = None
    event_date: date | None = None
    doc_id: str | None = None
    # a mentioned person (not taking part) is evidence only: a full name a surname can name
    is_participant: bool = True


@dataclass(frozen=True, slots=True)
class Resolution:
    """The person a mention names, the rule that put its spelling there and the evidence."""

    participant_id: str
    person_id: str
    canonical_name: str
    name_status: str
    rule: str
    evidence: str


@dataclass(slots=True)
class _Spelling:
    """Every mention of one spelling key (a mutable accumulator, local to `resolve`)."""

    key: str
    tokens: tuple[str, ...]
    names: Counter[str] = field(default_factory=Counter)
    affiliations: Counter[str] = field(default_factory=Counter)
    titles: set[str] = field(default_factory=set)
    first_on: date | None = None  # the span of its event dates (only the ends count)
    last_on: date | None = None
    participations: int = 0
    # the most common affiliation, kept by `_add`: merge_rule reads it for every candidate pair
    # (millions at a million events), and a Counter's mode costs more than the rule's test
    affiliation: str | None = None
    # its last word is another person's family name of its affiliation ("Jake Sullivan Biden":
    # two names run together), set by merge_candidates: no family name added to a shorter one
    is_glued: bool = False

    @property
    def mentions(self) -> int:
        return sum(self.names.values())


# --- names -----------------------------------------------------------------------------------


# a warehouse names the same people millions of times: each name is folded once
NAME_CACHE_SIZE = 1 << 17


@functools.lru_cache(maxsize=NAME_CACHE_SIZE)
def fold(name: str) -> str:
    """Lower-case ASCII words of a name: accents and scripts transliterated, punctuation gone."""
    ascii_name = anyascii(name).lower().replace("'", "")
    return " ".join(re.findall(r"[a-z0-9]+", ascii_name))


@functools.lru_cache(maxsize=NAME_CACHE_SIZE)
def name_tokens(name: str) -> tuple[str, ...]:
    """The folded words of a name without generational suffixes ("Jr.", "III")."""
    words = fold(name).split()
    kept = tuple(w for w in words if w not in SUFFIXES)
    return kept or tuple(words)


@functools.lru_cache(maxsize=NAME_CACHE_SIZE)
def spelling_key(name: str) -> str:
    """What every spelling of one written name shares: folded words without middle initials
    ("Antony J. Blinken" -> "antony blinken"); initials stay when they are all a name has
    besides one word ("S. Jaishankar" -> "s jaishankar")."""
    tokens = name_tokens(name)
    full = [t for t in tokens if len(t) > 1]
    return " ".join(full if len(full) >= 2 else tokens)


def name_status_of(name: str, given: str | None) -> str:
    """The extractor's name_status when it gave one, else from the name's shape."""
    if given in NAME_STATUSES:
        return str(given)
    return "surname_only" if len(spelling_key(name).split()) <= 1 else "full"


def person_id_of(key: str) -> str:
    """A new person's id: a hash of its spelling key (the same id the SQL macro gave before)."""
    return hashlib.md5(key.encode()).hexdigest()[:16]


def unresolved_id(surname: str, affiliation: str | None) -> str:
    """The id shared by unresolved mentions of one surname and affiliation (not a person)."""
    return person_id_of(f"surname-only:{fold(surname)}:{affiliation or ''}")


def rules_fingerprint() -> str:
    """What the resolution depends on besides the data: the rules' version and their data
    file (an edited variant group recomputes the marts)."""
    digest = hashlib.sha256(f"{RESOLUTION_VERSION}\x1f{_variants_text()}".encode())
    return digest.hexdigest()[:16]


@cache
def _variants_text() -> str:
    return resources.files("ingest").joinpath("data", "name_variants.toml").read_text("utf-8")


@cache
def _variants() -> dict[str, str]:
    """Each romanized spelling of a given name -> the group's first spelling
    (data/name_variants.toml: one group per line, each with an id)."""
    variants: dict[str, str] = {}
    for spellings in tomllib.loads(_variants_text()).get("variants", {}).values():
        for spelling in spellings:
            variants[fold(spelling)] = fold(spellings[0])
    return variants


@cache
def _particles() -> frozenset[str]:
    """Words inside names ("de", "von", "bin": data/offices.toml), folded."""
    return frozenset(fold(p) for p in gazetteer.office_words().particles if fold(p))


@cache
def _nicknames() -> NickNamer:
    return NickNamer()


@functools.lru_cache(maxsize=NAME_CACHE_SIZE)  # a warehouse compares the same names often
def same_given_name(a: str, b: str) -> str | None:
    """The rule by which two folded given names are one: equal, an initial, a short form."""
    if a == b:
        return MIDDLE_NAME
    if (len(a) == 1 and b.startswith(a)) or (len(b) == 1 and a.startswith(b)):
        return INITIAL
    if len(a) > 1 and len(b) > 1:
        if _variants().get(a, a) == _variants().get(b, b):
            return TRANSLITERATION
        namer = _nicknames()
        # one is a short form of the other ("Joe" / "Joseph"); two full names that share a
        # short form are not one ("Joseph" / "Joshua" both give "Joe")
        if b in namer.nicknames_of(a) | namer.canonicals_of(a):
            return NICKNAME
        if min(len(a), len(b)) >= 4 and a[0] == b[0] and _one_edit_apart(a, b):
            return TYPO  # "Brain McKeon": needs a shared title too (merge_rule)
    return None


def _one_edit_apart(a: str, b: str) -> bool:
    """One letter replaced, added, dropped, or two neighbours swapped."""
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        if len(diffs) == 1:
            return True
        i = diffs[0] if len(diffs) == 2 else -1
        return len(diffs) == 2 and diffs[1] == i + 1 and a[i] == b[i + 1] and a[i + 1] == b[i]
    short, long = sorted((a, b), key=len)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


# --- merging spellings -----------------------------------------------------------------------


def merge_rule(a: _Spelling, b: _Spelling) -> str | None:
    """The rule by which two full spellings name one person, or None."""
    if not _affiliations_agree(a, b):
        return _office_rule(a, b)
    return _name_rule(a, b)


def _office_rule(a: _Spelling, b: _Spelling) -> str | None:
    """Two affiliations, one person: a given name, an initial, a short form or a middle name
    joins the spellings (the family name the same) when both hold one office of at least
    OFFICE_MIN_WORDS words within a year. An affiliation inferred from the release ("Julieta
    Noyes" tagged PA in a release on a visit to Panama, "J.R. Littlejohn" SG) is weaker than a
    post one person holds; namesakes of two governments share no such post ("Foreign
    Minister" is two words)."""
    if not (_one_post(a.titles, b.titles) and _active_together(a, b)):
        return None
    keys_a, keys_b = a.key.split(), b.key.split()
    if len(keys_a) < 2 or len(keys_b) < 2 or a.tokens[-1] != b.tokens[-1]:
        return None
    given = same_given_name(a.tokens[0], b.tokens[0])
    if given in (MIDDLE_NAME, INITIAL, NICKNAME) and _middles_agree(a.tokens[1:-1], b.tokens[1:-1]):
        return OFFICE
    return None


def _one_post(titles_a: Iterable[str], titles_b: Iterable[str]) -> bool:
    return _post(titles_a, titles_b) is not None


def _post(titles_a: Iterable[str], titles_b: Iterable[str]) -> str | None:
    """The shorter of a title of each naming one post (one's words all among the other's, at
    least OFFICE_MIN_WORDS of them besides fillers), else None."""
    words_b = [(t, set(fold(t).split()) - TITLE_FILLER) for t in sorted(titles_b)]
    for title in sorted(titles_a):
        words = set(fold(title).split()) - TITLE_FILLER
        for other_title, other in words_b:
            shorter = min(words, other, key=len)
            if len(shorter) >= OFFICE_MIN_WORDS and (words <= other or other <= words):
                return title if shorter is words else other_title
    return None


def _name_rule(a: _Spelling, b: _Spelling) -> str | None:
    """The rule by which two full spellings whose affiliations agree name one person."""
    keys_a, keys_b = a.key.split(), b.key.split()
    if sorted(keys_a) == sorted(keys_b):
        return NAME_ORDER
    if "".join(keys_a) == "".join(keys_b):
        return JOINED  # a hyphen or space between a name's parts: "Cho Hyun-dong" / "Cho Hyundong"
    shorter, longer = sorted((a.tokens, b.tokens), key=len)
    if len(shorter) >= 2 and longer[-len(shorter) :] == shorter:
        return MIDDLE_NAME  # a first given name dropped: "Mohammad Ashraf Ghani"
    # family name first only on one affiliation or none (merge_candidates looks no further)
    same = not (a.affiliation and b.affiliation) or a.affiliation == b.affiliation
    for ta, tb in ((a.tokens, b.tokens), _family_first(a, b) if same else ((), ())):
        if len(ta) >= 2 and len(tb) >= 2 and ta[-1] == tb[-1]:
            rule = same_given_name(ta[0], tb[0]) or _clipped(ta[0], tb[0], a, b)
            if rule == TYPO and not (_same_office(a.titles, b.titles) and _active_together(a, b)):
                continue
            if rule is not None and _middles_agree(ta[1:-1], tb[1:-1]):
                return rule
    if _family_name_typo(a, b):
        return TYPO
    if _family_name_added(a, b):
        return FAMILY_NAME
    return WITHIN if _name_within(a, b) else None


def _name_within(a: _Spelling, b: _Spelling) -> bool:
    """The shorter spelling's words a run inside the longer's (its first word may be one letter
    off: "Consuela"), a given name before it and a family name after it: "Consuelo Porras" /
    "Maria Consuelo Porras Argueta de Porres". Only with the affiliation, a title and a year in
    common, not for a government writing family names first, and not after a clan's word
    ("Abdullah bin Zayed" is the father of "Mohammed bin Abdullah bin Zayed ...") nor around
    English words (a headline run into a name)."""
    shorter, longer = sorted((a, b), key=lambda s: len(s.tokens))
    short, long = shorter.tokens, longer.tokens
    if len(short) < 2 or len(long) < len(short) + 2:
        return False
    if not a.affiliation or a.affiliation != b.affiliation or a.affiliation in FAMILY_NAME_FIRST:
        return False
    starts = [
        i
        for i in range(1, len(long) - len(short))
        if long[i + 1 : i + len(short)] == short[1:]
        and same_given_name(long[i], short[0]) in SAME_INITIAL_RULES
        and long[i - 1] not in CLAN_WORDS
    ]
    if not starts:
        return False
    around = long[: starts[0]] + long[starts[0] + len(short) :]
    return (
        not any(word in common_words() and word not in _particles() for word in around)
        and _titles_overlap(a.titles, b.titles)
        and _active_together(a, b)
    )


def _family_name_added(a: _Spelling, b: _Spelling) -> bool:
    """A family name (or a clan's) written after the last only in the longer spelling: "Josep
    Borrell" / "Josep Borrell Fontelles", "Laurentino Cortizo" / "... Cortizo Cohen", "Abdullah
    bin Zayed" / "... bin Zayed bin Sultan Al Nahyan". Only with the first given name, the
    affiliation and a title in common, dates within a year, and not for a government writing
    family names first ("Kim Jong" is not "Kim Jong Un")."""
    shorter, longer = sorted((a, b), key=lambda s: len(s.tokens))
    short, long = shorter.tokens, longer.tokens
    if len(short) < 2 or len(long) <= len(short) or short[0] != long[0]:
        return False
    if not a.affiliation or a.affiliation != b.affiliation or a.affiliation in FAMILY_NAME_FIRST:
        return False
    family = short[-1]
    if family not in long[1:-1] or len(family) < 2:
        return False
    at = long.index(family, 1)
    tail = long[at + 1 :]
    if longer.is_glued and tail[0] not in CLAN_WORDS:  # a clan's name is many people's
        return False
    return (
        _is_family_name_tail(tail)
        and _middles_agree(short[1:-1], long[1:at])
        and _titles_overlap(a.titles, b.titles)
        and _active_together(a, b)
    )


def _is_family_name_tail(words: Sequence[str]) -> bool:
    """What may follow a family name as more of the name: one word that is no English word
    ("Fontelles", not "Opening": "Heiko Maas Opening" is a name run into a headline), or a
    clan's or father's name ("bin Sultan Al Nahyan")."""
    if not words:
        return False
    return words[0] in CLAN_WORDS or (len(words) == 1 and words[0] not in common_words())


def _titles_overlap(titles_a: Iterable[str], titles_b: Iterable[str]) -> bool:
    """A title of each where one's words are all in the other ("President"), or that share
    SHARED_TITLE_WORDS words besides fillers ("Minister of Security" / "Public Security
    Minister")."""
    words_b = [set(fold(t).split()) - TITLE_FILLER for t in titles_b]
    for title in titles_a:
        words = set(fold(title).split()) - TITLE_FILLER
        for other in words_b:
            if (
                words
                and other
                and (words <= other or other <= words or len(words & other) >= SHARED_TITLE_WORDS)
            ):
                return True
    return False


def _affiliations_agree(a: _Spelling, b: _Spelling) -> bool:
    """No affiliation against it: one unknown, the same, or one spelling's main affiliation
    among the other's ("Mohammed bin Zayed Al Nahyan": MA in three mentions of a trip to
    Morocco, AE in two; "Mohamed bin Zayed bin Sultan Al Nahyan": AE)."""
    if not (a.affiliation and b.affiliation) or a.affiliation == b.affiliation:
        return True
    return a.affiliation in b.affiliations or b.affiliation in a.affiliations


def _clipped(given_a: str, given_b: str, a: _Spelling, b: _Spelling) -> str | None:
    """A given name cut short that no table lists ("Ale Mayorkas" / "Alejandro N. Mayorkas"):
    only with the affiliation, a title and a year in common."""
    short, long = sorted((given_a, given_b), key=len)
    if len(short) < CLIPPED_MIN_LENGTH or len(long) <= len(short) or not long.startswith(short):
        return None
    if not a.affiliation or a.affiliation != b.affiliation:
        return None
    return CLIPPED if _titles_overlap(a.titles, b.titles) and _active_together(a, b) else None


def _family_name_typo(a: _Spelling, b: _Spelling) -> bool:
    """One letter apart in a long family name ("Aziz Akhanouch" / "Aziz Akhannouch"): only
    with every other word one name (the same, an initial or one letter off: "Mathias Cormann" /
    "Matthias Corman"), a known affiliation, one office (or one title's words all in the
    other's) and dates within a year."""
    ta, tb = a.tokens, b.tokens
    if len(ta) < 2 or len(ta) != len(tb) or ta[-1] == tb[-1] or not a.affiliation:
        return False
    # rules that keep a name's first letter: merge_candidates finds the pair by its initials
    if not all(
        same_given_name(x, y) in SAME_INITIAL_RULES for x, y in zip(ta[:-1], tb[:-1], strict=True)
    ):
        return False
    if not (ta[-1].isalpha() and tb[-1].isalpha()):
        return False
    family_a, family_b = ta[-1], tb[-1]
    return (
        min(len(family_a), len(family_b)) >= FAMILY_TYPO_MIN_LENGTH
        and family_a[0] == family_b[0]
        and _one_edit_apart(family_a, family_b)
        and bool(b.affiliation)
        and (_same_office(a.titles, b.titles) or _title_within(a.titles, b.titles))
        and _active_together(a, b)
    )


def _title_within(titles_a: Iterable[str], titles_b: Iterable[str]) -> bool:
    """A title of one whose words are all in a title of the other ("Secretary General" /
    "Secretary General of the Organization for Economic Development and Cooperation")."""
    words_b = [set(fold(t).split()) - TITLE_FILLER for t in titles_b]
    for title in titles_a:
        words = set(fold(title).split()) - TITLE_FILLER
        if words and any(other and (words <= other or other <= words) for other in words_b):
            return True
    return False


def _same_office(titles_a: Iterable[str], titles_b: Iterable[str]) -> bool:
    return _shared_office(titles_a, titles_b) is not None


def _shared_office(titles_a: Iterable[str], titles_b: Iterable[str]) -> str | None:
    """The office a title of each names (folded), else None: the same words, or the same
    office before "for" and portfolios sharing a word ("Deputy Assistant Secretary of State
    for International Narcotics and Law Enforcement Affairs" / "... for Western Hemisphere
    Programs in the Bureau of International Narcotics and Law Enforcement"; "Special Envoy for
    Syria" / "... for Iran" are two offices)."""
    offices_b = [_office(title) for title in titles_b]
    for head_a, portfolio_a in (_office(title) for title in titles_a):
        for head_b, portfolio_b in offices_b:
            if head_a == head_b and (portfolio_a == portfolio_b or portfolio_a & portfolio_b):
                return head_a
    return None


def _office(title: str) -> tuple[str, frozenset[str]]:
    """A title's office and the longer words of its portfolio."""
    head, _, portfolio = f" {fold(title)} ".partition(PORTFOLIO_MARKER)
    words = frozenset(w for w in portfolio.split() if len(w) >= PORTFOLIO_WORD_LENGTH)
    return head.strip(), words


def _active_together(a: _Spelling, b: _Spelling) -> bool:
    """The two spellings' event dates lie within SURNAME_WINDOW_DAYS of each other's span
    (undated spellings: no evidence against)."""
    if a.first_on is None or a.last_on is None or b.first_on is None or b.last_on is None:
        return True
    window = timedelta(days=SURNAME_WINDOW_DAYS)
    return a.first_on - window <= b.last_on and b.first_on - window <= a.last_on


def _family_first(a: _Spelling, b: _Spelling) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Both spellings with the family name moved last, when written family name first."""
    if a.affiliation in FAMILY_NAME_FIRST or b.affiliation in FAMILY_NAME_FIRST:
        return a.tokens[1:] + a.tokens[:1], b.tokens[1:] + b.tokens[:1]
    return (), ()


def _middles_agree(a: Sequence[str], b: Sequence[str]) -> bool:
    """Middle names agree when the shorter list's names appear, in order, in the longer one
    (each the same name, an initial, a short form or a variant): "Carlos Alvarado Quesada" /
    "Carlos Andrés Alvarado Quesada", "Eva-Maria" / "Eva-Marie"."""
    shorter, longer = sorted((a, b), key=len)
    position = 0
    for name in shorter:
        while position < len(longer) and same_given_name(name, longer[position]) is None:
            position += 1
        if position == len(longer):
            return False
        position += 1
    return True


class _Clusters:
    """Union-find over spelling keys."""

    def __init__(self, keys: Iterable[str]) -> None:
        self.parent = {key: key for key in keys}

    def find(self, key: str) -> str:
        while self.parent[key] != key:
            self.parent[key] = self.parent[self.parent[key]]
            key = self.parent[key]
        return key

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def cluster_spellings(
    spellings: Mapping[str, _Spelling], edges: Mapping[str, list[tuple[str, str]]] | None = None
) -> tuple[_Clusters, dict[str, str]]:
    """Clusters of full spellings and the rule that joined each key to its cluster (`edges`:
    merge_edges(spellings), when the caller has them)."""
    edges = merge_edges(spellings) if edges is None else edges
    clusters = _Clusters(spellings)
    rules: dict[str, str] = {}
    for key, found in edges.items():  # name order is certain: merge first
        for other, rule in found:
            if rule == NAME_ORDER:
                clusters.union(key, other)
                rules.setdefault(key, rule)
    # most specific first, each joining only spellings at least as specific: "Joe Biden" joins
    # "Joseph Biden" before "J. Biden" asks which one person it can be
    for key in sorted(edges, key=lambda k: (-_specificity(spellings[k]), k)):
        weak = [
            (other, rule)
            for other, rule in edges[key]
            if rule in WEAK_RULES and _specificity(spellings[other]) >= _specificity(spellings[key])
        ]
        targets = {clusters.find(other) for other, _ in weak} - {clusters.find(key)}
        if not targets or not _one_person(spellings[key], weak, edges, spellings):
            continue  # no weak match, or two people fit ("J. Biden": Joe or Jill): never guess
        for other, rule in weak:
            clusters.union(key, other)
            rules.setdefault(key, rule)
            rules.setdefault(other, rule)
    return clusters, rules


def merge_edges(
    spellings: Mapping[str, _Spelling], *, mark_glued: bool = True
) -> dict[str, list[tuple[str, str]]]:
    """For each key, the other keys merge_rule joins it to, with the rule (`mark_glued`: see
    `merge_candidates`)."""
    edges: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for key, others in merge_candidates(spellings, mark_glued=mark_glued).items():
        spelling = spellings[key]
        for other in others:
            rule = merge_rule(spelling, spellings[other])
            if rule is not None:
                edges[key].append((other, rule))
    return edges


def merge_candidates(
    spellings: Mapping[str, _Spelling],
    of: Iterable[str] | None = None,
    *,
    mark_glued: bool = True,
) -> dict[str, list[str]]:
    """For each key, in order, the other keys `merge_rule` can join it to: those sharing its
    family name (last word), or its words in another order, or for a family-name-first
    affiliation its first word with a compatible affiliation, all sharing a first or last word
    with it; or its initials and a family name one letter off (`_family_typo_forms`); or its
    first two words inside a longer spelling, or the reverse (`_name_within`). A merge
    only ever joins spellings these keys pair: the blocks of `merge_blocks` rest on that
    (tests/warehouse/test_persons.py compares them with merge_rule over every pair). Comparing
    every pair sharing a word was quadratic in a common given name (thousands of "John ..."
    spellings: millions of comparisons)."""
    by_last: dict[str, list[str]] = defaultdict(list)
    by_words: dict[tuple[str, ...], list[str]] = defaultdict(list)
    # first word -> affiliation (None: none known) -> keys
    by_first: dict[str, dict[str | None, list[str]]] = defaultdict(lambda: defaultdict(list))
    affiliations = {key: spelling.affiliation for key, spelling in spellings.items()}
    for key, spelling in spellings.items():
        by_last[spelling.tokens[-1]].append(key)
        by_words[tuple(sorted(key.split()))].append(key)
        by_first[spelling.tokens[0]][affiliations[key]].append(key)
    by_family_typo = _family_typo_index(spellings)
    by_first_last: dict[tuple[str, str], list[str]] = defaultdict(list)
    for key, spelling in spellings.items():
        by_first_last[(spelling.tokens[0], spelling.tokens[-1])].append(key)
    by_joined: dict[str, list[str]] = defaultdict(list)
    # (first word, a word before the last) -> keys: where a shorter spelling's family name sits
    by_inner: dict[tuple[str, str], list[str]] = defaultdict(list)
    # a spelling's first two words, and two words in a row inside a longer one (`_name_within`)
    by_first_two: dict[tuple[str, ...], list[str]] = defaultdict(list)
    by_inner_two: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for key, spelling in spellings.items():
        by_joined[key.replace(" ", "")].append(key)
        for word in spelling.tokens[1:-1]:
            by_inner[(spelling.tokens[0], word)].append(key)
        by_first_two[_two_words(spelling.tokens, 0)].append(key)
        for at in range(1, len(spelling.tokens) - 2):
            by_inner_two[_two_words(spelling.tokens, at)].append(key)
    if mark_glued:  # False: marked already over every spelling, `spellings` being a part
        _mark_glued(spellings)
    candidates: dict[str, list[str]] = {}
    for key in spellings if of is None else of:  # `of`: only these keys' candidates
        spelling = spellings[key]
        first, last = spelling.tokens[0], spelling.tokens[-1]
        found = {*by_last[last], *by_words[tuple(sorted(key.split()))]}
        # a family name one letter off: given names may differ too ("Mathias Cormann" /
        # "Matthias Corman"), so these share no end word but one of these forms
        typos = {o for form in _family_typo_forms(spelling.tokens) for o in by_family_typo[form]}
        # a name inside a longer one shares no end word either, but two words in a row
        typos.update(by_inner_two.get(_two_words(spelling.tokens, 0), ()))
        for at in range(1, len(spelling.tokens) - 2):
            typos.update(by_first_two.get(_two_words(spelling.tokens, at), ()))
        found.update(by_joined[key.replace(" ", "")], by_inner[(first, last)])
        if len(spelling.tokens) > 2:  # the longer spelling finds the shorter ones too
            found.update(
                other
                for word in spelling.tokens[1:-1]
                for other in by_first_last.get((first, word), ())
            )
        same_first = by_first[first]
        affiliation = affiliations[key]
        if affiliation in FAMILY_NAME_FIRST:  # its own affiliation, or none known
            found.update(same_first[affiliation], same_first[None])
        elif affiliation is None:  # any family-name-first affiliation
            for other_affiliation, keys in same_first.items():
                if other_affiliation in FAMILY_NAME_FIRST:
                    found.update(keys)
        ends = {first, last}
        found = {
            other
            for other in found
            if ends & {spellings[other].tokens[0], spellings[other].tokens[-1]}
        }
        candidates[key] = sorted((found | typos) - {key})
    return candidates


def _two_words(tokens: tuple[str, ...], at: int) -> tuple[str, ...]:
    """The initial of the word at `at` and the word after it (`_name_within`'s key)."""
    return (tokens[at][0], *tokens[at + 1 : at + 2])


def _mark_glued(spellings: Mapping[str, _Spelling]) -> None:
    """Mark the spellings whose last word is also the family name of someone with another
    first name and the same affiliation ("Jake Sullivan Biden": two names run together, beside
    "Joseph R. Biden"): their last word is no family name added to a shorter spelling."""
    firsts: dict[tuple[str, str | None], set[str]] = defaultdict(set)
    for spelling in spellings.values():
        firsts[(spelling.tokens[-1], spelling.affiliation)].add(spelling.tokens[0])
    for spelling in spellings.values():
        spelling.is_glued = len(firsts[(spelling.tokens[-1], spelling.affiliation)]) > 1


def _family_typo_index(spellings: Mapping[str, _Spelling]) -> dict[tuple[str, ...], list[str]]:
    """Keys by the forms `_family_typo_forms` gives: two family names one letter apart share one
    (a letter dropped from one, or from both at the same place), so a typo costs no pairwise
    search."""
    index: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for key, spelling in spellings.items():
        for form in _family_typo_forms(spelling.tokens):
            index[form].append(key)
    return index


def _family_typo_forms(tokens: tuple[str, ...]) -> set[tuple[str, ...]]:
    """The other words' initials with the family name and each of its one-letter-shorter forms
    (letters only: "Surname12" / "Surname13" are numbered, not misspelt)."""
    family = tokens[-1]
    if len(tokens) < 2 or len(family) < FAMILY_TYPO_MIN_LENGTH or not family.isalpha():
        return set()
    shorter = {family[:i] + family[i + 1 :] for i in range(len(family))}
    initials = tuple(word[0] for word in tokens[:-1])
    return {(*initials, form) for form in shorter | {family}}


def _one_person(
    bridge: _Spelling,
    found: Sequence[tuple[str, str]],
    edges: Mapping[str, list[tuple[str, str]]],
    spellings: Mapping[str, _Spelling],
) -> bool:
    """Whether the spellings a weak rule matched can all be one person: each pair of them is
    itself joined by a rule ("Benjamin Gantz" fits "Benny Gantz" and "Benjamin 'Benny' Gantz",
    which fit each other; "J. Biden" fits "Joe Biden" and "Jill Biden", which do not), or
    `_bridged` by the spelling that matched them."""
    keys = sorted({other for other, _ in found})
    linked = {(key, other) for key in keys for other, _ in edges.get(key, [])}
    return all(
        (a, b) in linked or (b, a) in linked or _bridged(bridge, spellings[a], spellings[b])
        for i, a in enumerate(keys)
        for b in keys[i + 1 :]
    )


def _bridged(bridge: _Spelling, a: _Spelling, b: _Spelling) -> bool:
    """Two spellings kept apart only by their affiliations, both of which the spelling matching
    them holds: its own mentions already give the person both, so the pair's conflict is no
    new evidence of two people ("Consuela Porras", tagged US in a briefing, and "Maria Consuelo
    Porras Argueta de Porres" GT, both fitting "Consuelo Porras", GT and US). Their names must
    still fit each other by a rule, as if one affiliation ("Joe" / "Jill Biden" never do)."""
    if not (a.affiliation and b.affiliation) or a.affiliation == b.affiliation:
        return False
    if not (a.affiliation in bridge.affiliations and b.affiliation in bridge.affiliations):
        return False
    return _name_rule(a, replace(b, affiliation=a.affiliation)) is not None


def _specificity(spelling: _Spelling) -> int:
    return sum(len(t) > 1 for t in spelling.tokens)


def _completeness(spelling: _Spelling) -> tuple[int, int, int, str]:
    """How complete a spelling is: more words, more full words, more mentions."""
    full = sum(len(t) > 1 for t in spelling.tokens)
    return (len(spelling.tokens), full, spelling.mentions, spelling.key)


# --- ids -------------------------------------------------------------------------------------


def assign_ids(
    members: Mapping[str, list[_Spelling]],
    registry: Mapping[str, str],
    taken_outside: Iterable[str] = (),
) -> dict[str, str]:
    """person_id of each cluster (by root key): the id its registered spellings carry (the one
    of the most mentions when a merge joined two), else a new one from its canonical key.
    One id goes to one cluster: when a person splits, the larger part keeps it."""
    ids: dict[str, str] = {}
    taken: set[str] = set(taken_outside)  # the ids of people a partial resolution keeps
    order = sorted(members, key=lambda r: (-sum(s.mentions for s in members[r]), r))
    for root in order:
        votes: Counter[str] = Counter()
        for spelling in members[root]:
            if spelling.key in registry:
                votes[registry[spelling.key]] += spelling.mentions
        known = [pid for pid, _ in sorted(votes.items(), key=lambda kv: (-kv[1], kv[0]))]
        free = [pid for pid in known if pid not in taken]
        if free:
            ids[root] = free[0]
        else:
            canonical = max(members[root], key=_completeness)
            candidate, suffix = person_id_of(canonical.key), 1
            while candidate in taken:
                suffix += 1
                candidate = person_id_of(f"{canonical.key}#{suffix}")
            ids[root] = candidate
        taken.add(ids[root])
    return ids


# --- resolution ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Resolved:
    """What `resolve` returns: one resolution per mention, and the updated registry."""

    resolutions: list[Resolution]
    registry: dict[str, str]


@dataclass(frozen=True, slots=True)
class NameUse:
    """What the mentions of one written full name add up to: all a spelling keeps of them, so
    a warehouse's millions of mentions reach the resolver as one row per name (aggregated in
    SQL by the warehouse)."""

    name: str
    mentions: int
    participations: int
    affiliations: tuple[tuple[str, int], ...] = ()  # (affiliation, mentions), blanks left out
    titles: frozenset[str] = frozenset()
    first_on: date | None = None
    last_on: date | None = None


@dataclass(frozen=True, slots=True)
class NamePerson:
    """The person a full name resolves to, wherever it is written."""

    person_id: str
    canonical_name: str
    rule: str
    evidence: str


@dataclass(frozen=True, slots=True)
class ResolvedNames:
    """What `resolve_names` returns: the person of each full name a participant has, one
    resolution per surname-only mention (its participant_id as given) and the registry."""

    names: dict[str, NamePerson]
    surnames: list[Resolution]
    registry: dict[str, str]
    # every full name's use, block and person: what a later run resolves its changes against
    index: dict[str, IndexedName] = field(default_factory=dict)


def resolve(mentions: Sequence[Mention], registry: Mapping[str, str]) -> Resolved:
    """Resolve every participant to a person (mentioned people count as known full names);
    the registry with every full spelling's id added."""
    statuses = {m.participant_id: name_status_of(m.name, m.name_status) for m in mentions}
    full = [m for m in mentions if statuses[m.participant_id] != "surname_only"]
    surnames = [
        m for m in mentions if m.is_participant and statuses[m.participant_id] == "surname_only"
    ]
    resolved = resolve_names(name_uses(full), surnames, registry)
    by_participant = {found.participant_id: found for found in resolved.surnames}
    resolutions = []
    for mention in (m for m in mentions if m.is_participant):
        found = by_participant.get(mention.participant_id)
        if found is None:
            person = resolved.names[mention.name]
            status = statuses[mention.participant_id]
            found = Resolution(
                mention.participant_id,
                person.person_id,
                person.canonical_name,
                status,
                person.rule,
                person.evidence,
            )
        resolutions.append(found)
    return Resolved(resolutions, resolved.registry)


def name_uses(mentions: Iterable[Mention]) -> list[NameUse]:
    """The mentions of full names, one NameUse per written name."""
    grouped: dict[str, list[Mention]] = defaultdict(list)
    for mention in mentions:
        grouped[mention.name].append(mention)
    uses = []
    for name, group in grouped.items():
        dates = [m.event_date for m in group if m.event_date]
        affiliations = Counter(m.affiliation for m in group if m.affiliation)
        uses.append(
            NameUse(
                name,
                len(group),
                sum(m.is_participant for m in group),
                tuple(sorted(affiliations.items())),
                frozenset(m.title for m in group if m.title),
                min(dates, default=None),
                max(dates, default=None),
            )
        )
    return uses


def resolve_names(
    uses: Iterable[NameUse], surname_mentions: Sequence[Mention], registry: Mapping[str, str]
) -> ResolvedNames:
    """Cluster the full names into persons, give each an id (the registry's when it has one),
    and resolve every surname-only mention against them; the registry with every full
    spelling's id added. The work grows with the distinct names, not with their mentions."""
    uses = list(uses)
    spellings: dict[str, _Spelling] = {}
    for use in uses:
        _add(spellings, use)
    found = _cluster(spellings, registry)
    index = surname_index(
        (_person(found.ids[root], found.canonical[root], group), group)
        for root, group in found.members.items()
    )
    names = {use.name: found.name_person(use.name) for use in uses if use.participations}
    surnames = [_resolve_surname(mention, index) for mention in surname_mentions]
    updated = dict(registry)
    updated.update(found.key_ids())
    indexed = {use.name: found.indexed(use, names.get(use.name)) for use in uses}
    return ResolvedNames(names, surnames, updated, indexed)


@dataclass(frozen=True, slots=True)
class _Clustered:
    """Spellings clustered into people with their ids (`_cluster`)."""

    spellings: Mapping[str, _Spelling]
    clusters: _Clusters
    rules: Mapping[str, str]
    members: Mapping[str, list[_Spelling]]
    ids: Mapping[str, str]
    canonical: Mapping[str, _Spelling]
    blocks: Mapping[str, str]  # key -> its block (merge_blocks)

    def name_person(self, name: str) -> NamePerson:
        key = spelling_key(name)
        root = self.clusters.find(key)
        rule = _alias_rule(name, key, self.canonical[root], self.rules)
        evidence = _merge_evidence(self.spellings[key], self.canonical[root], rule)
        return NamePerson(self.ids[root], _top(self.canonical[root]), rule, evidence)

    def key_ids(self) -> dict[str, str]:
        return {key: self.ids[self.clusters.find(key)] for key in self.spellings}

    def indexed(self, use: NameUse, person: NamePerson | None) -> IndexedName:
        key = spelling_key(use.name)
        return IndexedName(use, self.blocks[key], self.ids[self.clusters.find(key)], person)


def _cluster(
    spellings: Mapping[str, _Spelling],
    registry: Mapping[str, str],
    taken: Iterable[str] = (),
    *,
    mark_glued: bool = True,
) -> _Clustered:
    edges = merge_edges(spellings, mark_glued=mark_glued)
    clusters, rules = cluster_spellings(spellings, edges)
    members: dict[str, list[_Spelling]] = defaultdict(list)
    for key, spelling in spellings.items():
        members[clusters.find(key)].append(spelling)
    ids = assign_ids(members, registry, taken)
    canonical = {root: max(group, key=_completeness) for root, group in members.items()}
    blocks = merge_blocks(spellings, edges)
    return _Clustered(spellings, clusters, rules, members, ids, canonical, blocks)


def _add(spellings: dict[str, _Spelling], use: NameUse) -> None:
    key = spelling_key(use.name)
    spelling = spellings.get(key)
    if spelling is None:
        spelling = spellings[key] = _Spelling(key, name_tokens(use.name))
    spelling.names[use.name] += use.mentions
    spelling.participations += use.participations
    for affiliation, count in use.affiliations:
        spelling.affiliations[affiliation] += count
    spelling.affiliation = _most_common(spelling.affiliations)
    spelling.titles.update(use.titles)
    if use.first_on is not None:
        spelling.first_on = min(use.first_on, spelling.first_on or use.first_on)
    if use.last_on is not None:
        spelling.last_on = max(use.last_on, spelling.last_on or use.last_on)


def _alias_rule(name: str, key: str, canonical: _Spelling, rules: Mapping[str, str]) -> str:
    if key == canonical.key:
        return CANONICAL if name == _top(canonical) else SPELLING
    return rules.get(key, SPELLING)


def _merge_evidence(spelling: _Spelling, canonical: _Spelling, rule: str) -> str:
    """A line an analyst can check: what the two spellings share."""
    if rule in (CANONICAL, SPELLING):
        return f"same name up to case, accents, dots, middle initials as {_top(canonical)}"
    shared = sorted(set(spelling.affiliations) & set(canonical.affiliations))
    titles = sorted(spelling.titles & canonical.titles)[:2]
    parts = [f"{rule} of {_top(canonical)}"]
    if rule == OFFICE:
        parts.append(f"affiliations {spelling.affiliation} / {canonical.affiliation}")
        parts.append(f"one post: {_post(spelling.titles, canonical.titles)}")
        return ", ".join(parts)
    parts.append(f"affiliation {'/'.join(shared)}" if shared else "no affiliation conflict")
    if titles:
        parts.append(f"title {'; '.join(titles)}")
    elif rule == TYPO:
        office = _shared_office(spelling.titles, canonical.titles)
        parts.append(f"office {office}" if office else "one title within the other")
    return ", ".join(parts)


@dataclass(frozen=True, slots=True)
class _Person:
    person_id: str
    canonical: _Spelling
    affiliations: frozenset[str]
    titles: frozenset[str]
    first_on: date | None
    last_on: date | None
    took_part: bool  # a participant somewhere, not only mentioned

    def active_near(self, day: date | None) -> bool:
        if day is None or self.first_on is None or self.last_on is None:
            return day is None
        window = timedelta(days=SURNAME_WINDOW_DAYS)
        return self.first_on - window <= day <= self.last_on + window


def _person(person_id: str, canonical: _Spelling, spellings: Sequence[_Spelling]) -> _Person:
    firsts = [s.first_on for s in spellings if s.first_on is not None]
    lasts = [s.last_on for s in spellings if s.last_on is not None]
    return _Person(
        person_id,
        canonical,
        frozenset(a for s in spellings for a in s.affiliations),
        frozenset(t for s in spellings for t in s.titles),
        min(firsts, default=None),
        max(lasts, default=None),
        any(s.participations for s in spellings),
    )


def surname_index(
    people: Iterable[tuple[_Person, Sequence[_Spelling]]],
) -> dict[str, list[_Person]]:
    """People by each way a lone surname can name them: the last word of a spelling (also the
    last two), and the first word when the person serves a family-name-first government."""
    index: dict[str, set[int]] = defaultdict(set)
    by_position: list[_Person] = []
    for person, spellings in people:
        by_position.append(person)
        for spelling in spellings:
            for surname in _surnames_naming(person, spelling):
                index[surname].add(len(by_position) - 1)
    return {s: [by_position[i] for i in sorted(found)] for s, found in index.items()}


def _surnames_naming(person: _Person, spelling: _Spelling) -> set[str]:
    """The lone surnames (`surname_key`s) that can name a person by one of its spellings."""
    tokens = spelling.tokens
    surnames = {tokens[-1], " ".join(tokens[-2:])} if len(tokens) > 2 else {tokens[-1]}
    if person.affiliations & FAMILY_NAME_FIRST:
        surnames.add(tokens[0])
    return surnames


def surname_key(name: str) -> str:
    """What a lone surname is looked up by in `surname_index` ("Blinken" -> "blinken")."""
    return " ".join(name_tokens(name))


def _resolve_surname(mention: Mention, index: Mapping[str, list[_Person]]) -> Resolution:
    """A lone surname joins the one person it can name (a participant somewhere, else a
    mentioned name), else stays unresolved.

    The extractor's affiliation is the weakest evidence ("Secretary Blinken" tagged PA in a
    release about Panama): when no one of that affiliation fits, a mention with a title joins
    the one person of that surname whose known titles and dates agree with it.
    """
    surname = surname_key(mention.name)
    candidates = index.get(surname, [])
    fits = _surname_fits(mention, candidates, by_affiliation=True)
    evidence = f"with affiliation {mention.affiliation or 'any'}"
    if not fits and mention.affiliation and mention.title:
        fits = [p for p in _surname_fits(mention, candidates, by_affiliation=False) if p.titles]
        evidence = (
            f"with title {mention.title} (the release's affiliation {mention.affiliation}"
            " is not theirs)"
        )
    if len(fits) == 1:
        person = fits[0]
        evidence = (
            f"only person named {surname} {evidence}"
            f" active within {SURNAME_WINDOW_DAYS} days: {_top(person.canonical)}"
        )
        return Resolution(
            mention.participant_id,
            person.person_id,
            _top(person.canonical),
            "resolved",
            SURNAME,
            evidence,
        )
    reason = f"{len(fits)} known people fit" if fits else "no known full name fits"
    return Resolution(
        mention.participant_id,
        unresolved_id(surname, mention.affiliation),
        mention.name,
        "surname_only",
        UNRESOLVED,
        reason,
    )


def _surname_fits(
    mention: Mention, candidates: Sequence[_Person], by_affiliation: bool
) -> list[_Person]:
    """The people a lone surname can name: title and date agree (and the affiliation, when
    asked); people who took part first: names only mentioned (noisier: "Has Blinken") count
    when no participant fits."""
    fits = [
        person
        for person in candidates
        if (
            not by_affiliation
            or mention.affiliation is None
            or mention.affiliation in person.affiliations
        )
        and _titles_agree(mention.title, person.titles)
        and person.active_near(mention.event_date)
    ]
    return [person for person in fits if person.took_part] or fits


def _titles_agree(title: str | None, known: frozenset[str]) -> bool:
    """A title agrees when either side has none or its words are all in one known title."""
    if not title or not known:
        return True
    words = set(fold(title).split())
    return any(words <= set(fold(t).split()) or set(fold(t).split()) <= words for t in known)


def _most_common(counts: Counter[str]) -> str | None:
    if not counts:
        return None
    return min(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0]


def _top(spelling: _Spelling) -> str:
    """The most complete way a spelling was written (more words, then more mentions)."""
    return min(spelling.names.items(), key=lambda kv: (-len(kv[0].split()), -kv[1], kv[0]))[0]


# --- resolving a run's changes ---------------------------------------------------------------
#
# merge_rule only ever joins two spellings that merge_candidates pairs, and everything
# cluster_spellings decides about a spelling (which weak match it takes, whether its matches
# can be one person) reads only the edges of the spellings it is joined to. So the people are
# the same whether the spellings are clustered whole or block by block, a block being a
# connected set of spellings under merge edges (merge_blocks; tests/warehouse/test_persons.py
# checks it). A run that changes the uses of a few names re-clusters only the blocks of their
# spellings and of the spellings they now have an edge to; every other person stays as it was.


@dataclass(frozen=True, slots=True)
class IndexedName:
    """What a resolution keeps of one full name for the next run: its use, the block of its
    spelling, its person's id, and its person as a participant's name (None: only mentioned)."""

    use: NameUse
    block: str
    person_id: str
    person: NamePerson | None


def merge_blocks(
    spellings: Mapping[str, _Spelling], edges: Mapping[str, list[tuple[str, str]]]
) -> dict[str, str]:
    """Each key's block: the smallest key of its connected set under the merge edges."""
    blocks = _Clusters(spellings)
    for key, found in edges.items():
        for other, _ in found:
            blocks.union(key, other)
    return {key: blocks.find(key) for key in spellings}


def resolve_changed_names(
    previous: Mapping[str, IndexedName],
    changed: Mapping[str, NameUse | None],
    registry: Mapping[str, str],
) -> ResolvedNames:
    """`resolve_names` of the previous uses with `changed` applied (None or no mention: the name
    is gone), re-clustering only the blocks the changes reach. `names` holds the participant
    names of the blocks re-clustered; lone surnames are the caller's (`surname_keys_changed`
    says which stored answers to resolve again, `resolve_surnames` resolves them)."""
    uses = {name: indexed.use for name, indexed in previous.items()}
    for name, use in changed.items():
        if use is None or use.mentions == 0:
            uses.pop(name, None)
        else:
            uses[name] = use
    spellings: dict[str, _Spelling] = {}
    for use in uses.values():
        _add(spellings, use)
    touched = {spelling_key(name) for name in changed} | _glued_changed(previous, spellings)
    scope = _scope(previous, spellings, touched, registry)
    taken = {  # the ids of the people kept as they were (a name gone holds none)
        e.person_id
        for name, e in previous.items()
        if name in uses and spelling_key(name) not in scope
    }
    # each spelling keeps what every spelling says of it (`_mark_glued`), not what the scope does
    _mark_glued(spellings)
    part = {key: spellings[key] for key in sorted(scope)}
    found = _cluster(part, registry, taken, mark_glued=False)
    names: dict[str, NamePerson] = {}
    index: dict[str, IndexedName] = {}
    for name, use in uses.items():
        if spelling_key(name) not in scope:
            index[name] = previous[name]
            continue
        person = found.name_person(name) if use.participations else None
        if person is not None:
            names[name] = person
        index[name] = found.indexed(use, person)
    updated = dict(registry)
    updated.update(found.key_ids())
    return ResolvedNames(names, [], updated, index)


def _glued_changed(
    previous: Mapping[str, IndexedName], spellings: Mapping[str, _Spelling]
) -> set[str]:
    """The keys read as two names run together now and not before, or the reverse: a new
    namesake ("Joseph R. Biden" beside "Jake Sullivan Biden") changes a block it has no merge
    edge to, so those keys are touched too."""
    before: dict[str, _Spelling] = {}
    for indexed in previous.values():
        _add(before, indexed.use)
    _mark_glued(before)
    _mark_glued(spellings)
    return {
        key
        for key, spelling in spellings.items()
        if key in before and before[key].is_glued != spelling.is_glued
    }


def _scope(
    previous: Mapping[str, IndexedName],
    spellings: Mapping[str, _Spelling],
    touched: set[str],
    registry: Mapping[str, str],
) -> set[str]:
    """The keys to cluster again: the touched keys, the keys they now have an edge to, and
    every key of those keys' previous blocks and people (and of the people whose registered
    ids they carry: an id goes to one person), so that no edge and no id leaves the scope."""
    present = [key for key in sorted(touched) if key in spellings]
    reached = set(touched)
    for key, others in merge_candidates(spellings, present).items():
        for other in others:
            a, b = spellings[key], spellings[other]
            if merge_rule(a, b) is not None or merge_rule(b, a) is not None:
                reached.add(other)
    by_block: dict[str, set[str]] = defaultdict(set)
    by_id: dict[str, set[str]] = defaultdict(set)
    block_of: dict[str, str] = {}
    id_of: dict[str, str] = {}
    for indexed in previous.values():
        key = spelling_key(indexed.use.name)
        by_block[indexed.block].add(key)
        by_id[indexed.person_id].add(key)
        block_of[key], id_of[key] = indexed.block, indexed.person_id
    scope, pending = set(reached), list(reached)
    while pending:
        key = pending.pop()
        groups = (
            by_block.get(block_of.get(key, ""), ()),
            by_id.get(id_of.get(key, ""), ()),
            by_id.get(registry.get(key, ""), ()),
        )
        for other in (other for group in groups for other in group):
            if other not in scope:
                scope.add(other)
                pending.append(other)
    return scope & spellings.keys()


def combine_uses(a: NameUse, b: NameUse) -> NameUse:
    """One name's uses in two sets of mentions, as one (a run's new mentions added to the
    warehouse's)."""
    affiliations: Counter[str] = Counter(dict(a.affiliations))
    affiliations.update(dict(b.affiliations))
    firsts = [day for day in (a.first_on, b.first_on) if day is not None]
    lasts = [day for day in (a.last_on, b.last_on) if day is not None]
    return NameUse(
        a.name,
        a.mentions + b.mentions,
        a.participations + b.participations,
        tuple(sorted(affiliations.items())),
        a.titles | b.titles,
        min(firsts, default=None),
        max(lasts, default=None),
    )


# --- lone surnames of a run's changes --------------------------------------------------------
#
# `_resolve_surname` reads, of the whole resolution, only the people `surname_index` lists under
# the mention's `surname_key` (its candidates), and of each candidate only what `_Person` holds:
# the id, the canonical spelling's most complete writing, the affiliations and titles of all its
# spellings (every year's: `_surname_fits` tests the mention's affiliation against the set,
# `_titles_agree` its title against each title, and the title fallback asks for any title), the
# span of its event dates (`active_near`) and whether it took part anywhere. A candidate is
# listed under a key by its spellings' last word, last two words, or first word when one of its
# affiliations writes family names first. The rest is the mention's own name, affiliation, title
# and date, and SURNAME_WINDOW_DAYS; the order of the candidates never counts (one fit or how
# many). So a stored answer stays right unless the candidates under its key, so described
# (`_surname_evidence`), differ before and after the run; a person who differs in any of that
# has a name whose index entry (use, block, id, person) the run changed, gained or dropped, so
# only those people are built, before and after, and the keys whose candidates among them
# differ are re-resolved, no other. One order does count, in the whole resolution too: a
# spelling's words are those of its first name added ("Antony J. Blinken" or "Antony Blinken",
# one key), so a two-word lone surname ("J. Blinken") may find it or not by that order.


def indexed_people(
    index: Mapping[str, IndexedName], ids: Iterable[str] | None = None
) -> list[tuple[_Person, list[_Spelling]]]:
    """The people of a name index (only those of `ids`, when given) with their spellings, as
    `resolve_names` builds them for `surname_index`."""
    wanted = None if ids is None else set(ids)
    uses_by_id: dict[str, list[NameUse]] = defaultdict(list)
    for indexed in index.values():
        if wanted is None or indexed.person_id in wanted:
            uses_by_id[indexed.person_id].append(indexed.use)
    people = []
    for person_id in sorted(uses_by_id):
        spellings: dict[str, _Spelling] = {}
        for use in uses_by_id[person_id]:
            _add(spellings, use)
        group = list(spellings.values())
        people.append((_person(person_id, max(group, key=_completeness), group), group))
    return people


def surname_keys_changed(
    previous: Mapping[str, IndexedName], current: Mapping[str, IndexedName]
) -> set[str]:
    """The surname keys whose candidates differ between two name indexes, in what
    `_resolve_surname` reads of them (`_surname_evidence`): only the people holding a name whose
    entry differs, was added or is gone can differ, so only theirs are built and compared. A
    name's mentions alone change no answer (a run naming Blinken again within his known span,
    affiliations and titles reaches nothing). Why no other key can change: the comment above."""
    names = [n for n in previous.keys() | current.keys() if previous.get(n) != current.get(n)]
    ids = {index[n].person_id for index in (previous, current) for n in names if n in index}
    if not ids:
        return set()
    before, after = _candidates_by_key(previous, ids), _candidates_by_key(current, ids)
    return {key for key in before.keys() | after.keys() if before.get(key) != after.get(key)}


def _candidates_by_key(
    index: Mapping[str, IndexedName], ids: Iterable[str]
) -> dict[str, frozenset[tuple[object, ...]]]:
    """The people of `ids` under each surname key they can be named by, as `_surname_evidence`."""
    found: dict[str, set[tuple[object, ...]]] = defaultdict(set)
    for person, spellings in indexed_people(index, ids):
        evidence = _surname_evidence(person)
        for spelling in spellings:
            for key in _surnames_naming(person, spelling):
                found[key].add(evidence)
    return {key: frozenset(people) for key, people in found.items()}


def _surname_evidence(person: _Person) -> tuple[object, ...]:
    """All `_resolve_surname` reads of a candidate: id, canonical name, affiliations, titles,
    the span of its dates and whether it took part."""
    return (
        person.person_id,
        _top(person.canonical),
        person.affiliations,
        person.titles,
        person.first_on,
        person.last_on,
        person.took_part,
    )


def resolve_surnames(
    mentions: Sequence[Mention], index: Mapping[str, IndexedName]
) -> list[Resolution]:
    """Each lone-surname mention resolved against the people of a name index: what
    `resolve_names` gives it when resolving every name."""
    if not mentions:
        return []
    wanted = {surname_key(mention.name) for mention in mentions}
    # only the people with a name that can give one of those keys: any spelling's tokens are
    # one of its names' (the exact rules are surname_index's, over those people)
    ids = {e.person_id for name, e in index.items() if _ends_of(name_tokens(name)) & wanted}
    people = surname_index(indexed_people(index, ids))
    return [_resolve_surname(mention, people) for mention in mentions]


def _ends_of(tokens: tuple[str, ...]) -> set[str]:
    """Every key `_surnames_naming` can give a spelling of these words, and more."""
    return {tokens[0], tokens[-1], " ".join(tokens[-2:])} if tokens else set()
