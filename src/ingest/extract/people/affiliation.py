"""Whose government an official serves when their own words do not say."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from functools import cache
from itertools import pairwise
from urllib.parse import urlsplit

from ingest.extract import gazetteer as gz
from ingest.extract.people.affiliation_ranking import document_counts
from ingest.extract.people.countries import _host_country
from ingest.extract.people.index import PeopleIndex, Person
from ingest.extract.people.mentions import SCAN_HEAD
from ingest.extract.people.patterns import pattern
from ingest.extract.people.titles import _PORTFOLIO_AFTER
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
    # countries others are explicitly of; an office phrase's does not count: the counterpart
    # logic below was measured without it, and a delegation shares its country
    taken = {
        p.affiliation
        for p in index.people
        if p.basis == "text" and p.affiliation and p.affiliation_rule != OWN_PHRASE_RULE
    }

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
    home_rule = _PUBLISHER if publisher else _MOST_NAMED
    partner = _bilateral_partner(doc.text, publisher)

    def counterpart(exclude: set[str]) -> tuple[str | None, str]:
        # the release's one bilateral partner ("the U.S.-Japan alliance") before the country
        # it names most (Ukraine, in a U.S.-Japan press availability)
        if partner:  # only for an office the publisher's government does not have
            return partner, _PARTNER
        return most_named(exclude), _MOST_NAMED

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
        realm = _realm(index, people[id(person)], doc.text, office)
        if realm and realm != home:
            # a monarch named beside a realm's formal name, before any default of the release
            _settle_default(person, realm, _REALM)
            continue
        foreign = bool(office) and (_heads_all_in(office, not_held) or office in _COUNTERPART)
        if foreign:
            # a counterpart, or an office this government does not have
            _settle_default(person, *counterpart(others))
            continue
        if office in held:
            # a second holder of a one-holder office serves the other country, when one is clear
            other = most_named(others)
            if other or person.basis != "own":
                _settle_default(person, other, _MOST_NAMED)
            else:
                _settle_default(person, home, home_rule)
            continue
        if office in claimed:
            # a second holder of an office the home government already has, named beside other
            # countries: not the home government's ("President Biden and President Macron":
            # Macron was given the United States), whose it is the text does not say
            _settle_default(person, None, "")
            continue
        if person.basis != "own":
            # someone met, with no country cue: a guest, unless the office is one the
            # government itself has ("President Biden" met by a visitor): then unknown
            own_office = bool(office) and _heads_all_in(office, held_here)
            _settle_default(person, None if own_office else most_named(others), _MOST_NAMED)
            continue
        _settle_default(person, home, home_rule)
        if office in _single_holder_offices():
            claimed.add(office)
        if office in _single_holder_offices() and not _near_a_foreign_country(
            index, people[id(person)], doc.text, home
        ):
            # only a holder named away from other countries' names is surely the government's
            # own ("President Biden has said Russia ...": Biden or Putin may be the second)
            held.add(office)


def _settle_default(person: Person, affiliation: str | None, rule: str) -> None:
    """A default of the release, not the person's own words: the warehouse weighs it less."""
    person.affiliation = affiliation
    person.affiliation_rule = rule if affiliation else ""


_PARTNER = "affiliation.bilateral_partner"  # the one country paired with the publisher's
_PUBLISHER = "affiliation.publisher"  # the issuing government's official: no cue says otherwise
_MOST_NAMED = "affiliation.most_named"  # the country the release names clearly most
_REALM = "affiliation.realm"  # a monarch's title beside one kingdom's formal name


# a monarch's titles, and the words of the formal names of the states they head ("the Kingdom of
# Bahrain", "the Sultanate of Oman", "the Hashemite Kingdom of Jordan")
_MONARCH_TITLES = frozenset({"king", "queen", "emir", "amir", "sultan", "crown prince", "prince"})
_REALM_WORDS = re.compile(r"\b(?:Kingdom|Sultanate|Emirate|Principality|Grand Duchy)\b")


def _realm(index: PeopleIndex, pid: int, text: str, office: str) -> str | None:
    """The one realm named by its formal name in the sentences naming a monarch ("on behalf of
    the Kingdom of Bahrain, ... the vision of His Majesty King Hamad bin Isa Al Khalifa"): whose
    crown it is, when the release names several countries more often (the Negev Summit)."""
    if not any(office == t or office.startswith(f"{t} ") for t in _MONARCH_TITLES):
        return None
    realms: set[str] = set()
    for m in index.mentions:
        if m.person != pid or m.in_title:
            continue
        left, right = _sentence_around(text, m.start, m.end)
        sentence = text[left:right]
        realms.update(
            hit.key
            for hit in gz.country_hits(sentence)
            if _REALM_WORDS.search(sentence, hit.start, hit.end)
        )
    return realms.pop() if len(realms) == 1 else None


def _sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The offsets of the sentence (or line) holding text[start:end]."""
    left = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start)) + 1
    right = min((i for i in (text.find(". ", end), text.find("\n", end)) if i >= 0),
                default=len(text))  # fmt: skip
    return left, right


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
        left, right = _sentence_around(text, m.start, m.end)
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
            person.affiliation_rule = "affiliation.companion"


_TRAVEL_TO = pattern("people.travel_to")


def _trip_country(text: str, publisher: str | None) -> str | None:
    """The foreign country a release's traveller goes to: officials met there serve it."""
    for match in _TRAVEL_TO.finditer(text, 0, min(len(text), 3000)):
        found = _host_country(text, match.start(), min(len(text), match.end() + 60))
        if found and found != publisher:
            return found
    return None


def _bilateral_partner(text: str, publisher: str | None) -> str | None:
    """The one country a release pairs with the publisher's by a hyphen ("the U.S.-Japan
    alliance", "Japan-U.S."): its counterparts serve it. None for none or several."""
    if not publisher:
        return None
    partners: set[str] = set()
    for pair in _HYPHENED_PAIR.finditer(text, 0, min(len(text), SCAN_HEAD)):
        left, right = _country_word(pair.group(1)), _country_word(pair.group(2))
        if left and right and left != right and publisher in (left, right):
            partners.add(right if left == publisher else left)
    return partners.pop() if len(partners) == 1 else None


def _country_word(word: str) -> str | None:
    """The country one word names by itself ("U.S.", "Japan", "Algerian")."""
    hits = gz.country_hits(word)
    return hits[0].key if len(hits) == 1 and hits[0].end - hits[0].start == len(word) else None


# two countries joined by a hyphen, as one word ("U.S.-Japan", "U.S.-Algerian", "Japan-U.S."):
# r"\b((?:[A-Z]\.){2,}|[A-Z][a-z]+)-(...)" with its first capital pulled out front and the word
# boundary checked behind it, so the engine skips ahead to capitals (2.8x faster over the corpus)
_HYPHENED_PAIR = re.compile(
    r"([A-Z](?<!\w[A-Z])(?:\.(?:[A-Z]\.)+|[a-z]+))-((?:[A-Z]\.){2,}|[A-Z][a-z]+)"
)


def _trip_stops(text: str, publisher: str | None, starts: list[int]) -> dict[int, str]:
    """The stop of a trip of several countries at which each mention (body offset in `starts`)
    is met: the last stop its paragraph travels to or opens with before it ("Next, ... will
    travel to Algiers, Algeria ... She will meet with President Abdelmadjid Tebboune"; "In Laos,
    ... He will meet with Foreign Minister Saleumxay Kommasith"). Empty for one country."""
    stops: list[tuple[int, str]] = []
    for match in _TRAVEL_TO.finditer(text):
        found = _host_country(text, match.start(), min(len(text), match.end() + 60))
        found = found or _visited_city_country(text, match.start())
        if found and found != publisher:
            stops.append((match.start(), found))
    paragraph = 0
    while paragraph < len(text):
        end = text.find("\n", paragraph)
        end = len(text) if end < 0 else end
        found = _host_country(text, paragraph, min(end, paragraph + _LEAD_READ))
        if found and found != publisher:
            stops.append((paragraph, found))
        paragraph = end + 1
    stops.sort()
    if len({country for _, country in stops}) < 2:
        return {}
    found_at: dict[int, str] = {}
    for start in starts:
        paragraph = text.rfind("\n", 0, start) + 1
        here = [country for offset, country in stops if paragraph <= offset < start]
        if here:
            found_at[start] = here[-1]
    return found_at


_VISIT_CITY = pattern("people.visit_city_country")


def _visited_city_country(text: str, start: int) -> str | None:
    """The country of "visit City, Country" at `start` ("will visit Tbilisi, Georgia"), when the
    gazetteer has a city of that name in that country; else None."""
    found = _VISIT_CITY.match(text, start)
    if found is None:
        return None
    hits = gz.country_hits(found.group("country"))
    if len(hits) != 1 or hits[0].start != 0 or hits[0].kind != "name":
        return None
    code = hits[0].key
    return code if gz.lookup_city(found.group("city"), code) is not None else None


# a listed name follows at most a few words of courtesy title on its line ("Senator the Hon",
# "H.E."), and no clause
_HEADING_LEAD_WORDS = 4
_LEAD_READ = 80  # characters of a paragraph read for the stop it opens with ("In Laos, ...")
_CLAUSE = re.compile(r"[,;:]")


def _country_headings(index: PeopleIndex, text: str) -> None:
    """Signatories listed under a line that names only their country ("Austria\nVice-Chancellor
    Werner Kogler, Minister of ...") serve that country when their own words name no other."""
    for m in index.mentions:
        person = index.people[m.person]
        if m.in_title or person.affiliation_rule == "affiliation.country_heading":
            continue
        line_start = text.rfind("\n", 0, m.start) + 1
        lead = text[line_start : m.start]
        if line_start == 0 or len(lead.split()) > _HEADING_LEAD_WORDS or _CLAUSE.search(lead):
            continue  # the name is inside a sentence, not at the head of a listed line
        heading = text[text.rfind("\n", 0, line_start - 1) + 1 : line_start - 1].strip()
        hits = gz.country_hits(heading)
        if len(hits) != 1 or hits[0].start != 0 or hits[0].end != len(heading):
            continue
        if person.basis != "text" or person.affiliation == hits[0].key:
            person.affiliation, person.basis = hits[0].key, "text"
            person.affiliation_rule = "affiliation.country_heading"


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


OWN_PHRASE_RULE = "affiliation.own_phrase"  # the office phrase next to the name names the country
# rules that read the person's own words: a noun phrase next to the name adds nothing to them
_OWN_WORDS_RULES = frozenset(
    {"affiliation.stated", "affiliation.office", "affiliation.country_heading", OWN_PHRASE_RULE}
)
_PHRASE_READ = 200  # characters of an office phrase read before or after a name
# a word of an office phrase: capitalised, or a small word inside one ("of", "to the")
_PHRASE_WORD = re.compile(r"[\w’'-]+(?:\.[\w’'-]+)*\.?|[^\w\s]")
_INNER_WORDS = frozenset(
    {"of", "for", "and", "the", "to", "in", "at", "on", "de", "du", "des", "la", "accredited"}
)
# where an envoy is posted ("Ambassador of Japan to ASEAN", "based in Mauritius"): not whose
_POSTING = re.compile(r"\b(?:to|in|at|accredited|based)\b")
_OF_BEFORE = re.compile(r"\bof\s+(?:the\s+)?$")
# a portfolio, not whose: "Special Representative for the DPRK Ambassador <name>"
_FOR_BEFORE = re.compile(r"\bfor\s+(?:the\s+)?$")
# what may close an appositive after a name: a clause's end, or the next clause's lower-case word
_CLAUSE_ENDS = frozenset({",", ";", ".", ":", "(", ")", "—", "–"})
_LEADING_SMALL = re.compile(r"^(?:(?:the|and|of|a|an)\s+)+", re.IGNORECASE)


def _own_phrase_affiliations(index: PeopleIndex, text: str) -> None:
    """Officials whose office phrase beside their name names a country or a body serve it,
    before any default of the release: "the State Minister of Foreign Affairs of Japan, His
    Excellency Shunsuke Takei", "H.E. Mrs. Terézia Šajgalíková, non-resident ambassador of the
    Slovak Republic", "Dr Idris Maya, Syria's ambassador to Oman". It reads the words the title
    reader leaves when honorifics, a comma or a posting split the title from the name."""
    body = [m for m in index.mentions if not m.in_title and not m.via]
    if not body:
        return
    names = sorted((m.start, m.end) for m in body)
    for m in body:
        person = index.people[m.person]
        if person.affiliation_rule in _OWN_WORDS_RULES:
            continue
        code = _left_phrase_affiliation(text, m.start, names) or _right_phrase_affiliation(
            text, m.end, names
        )
        if code:
            person.affiliation, person.basis = code, "text"
            person.affiliation_rule = OWN_PHRASE_RULE


def _phrase_word(word: str) -> bool:
    """Whether a word can stand in an office phrase: capitalised ("Minister", "Slovak"), a
    small joining word, or a lower-case office word or modifier ("non-resident ambassador")."""
    if word[:1].isupper():
        return True
    key = gz.fold(word).rstrip(".")
    # a hyphened modifier of an office ("non-resident", "newly-appointed")
    return key in _INNER_WORDS or key in gz.office_words().words or "-" in key[1:-1]


def _sentence_end(word: str) -> bool:
    """A word closing a sentence ("Italy."), not an initial or an honorific ("H.", "Dr.")."""
    return word.endswith(".") and len(word.rstrip(".")) > 1 and not _honorific_word(word)


def _honorific_word(word: str) -> bool:
    return gz.fold(word).rstrip(".") in _honorific_words()


@cache
def _honorific_words() -> frozenset[str]:
    """Every word of the honorifics ("his", "excellency", "h.e"), folded."""
    return frozenset(w.rstrip(".") for h in gz.office_words().honorifics for w in h.split())


def _left_phrase_affiliation(text: str, start: int, names: list[tuple[int, int]]) -> str | None:
    """The affiliation the office phrase before a name gives ("..., the Ambassador of Belgium
    to the Solomon Islands, His Excellency <name>"), read back to the previous name at most."""
    before = bisect_right(names, (start, -1))  # the names starting before this one
    floor = max((end for _, end in names[max(0, before - 2) : before] if end <= start), default=0)
    lo = max(floor, start - _PHRASE_READ)
    words = list(_PHRASE_WORD.finditer(text, lo, start))
    i = len(words) - 1
    while i >= 0 and (words[i].group() in ",()" or _honorific_word(words[i].group())):
        i -= 1  # "..., Dr., The Honourable <name>", "Hon (Dr.) <name>"
    end = i
    while (
        i >= 0
        and _phrase_word(words[i].group())
        and not _sentence_end(words[i].group())
        and "\n" not in text[words[i].end() : words[i + 1].start() if i < end else start]
    ):
        i -= 1
    if end < 0 or i == end:
        return None
    if _previous_appositive(text, words, i, end, floor):
        return None
    phrase = _last_office(text[words[i + 1].start() : words[end].end()])
    return _phrase_affiliation(phrase, before_name=True)


_AND = re.compile(r"\s(?:and|&)\s")


def _last_office(phrase: str) -> str:
    """The last of offices joined by "and" before a name, which is the name's own: "Foreign
    Minister Safadi of Jordan and Prime Minister <name>", "Iran and President <name>";
    "Deputy Prime Minister and Minister of Foreign Affairs of Japan" stays whole (one person's)."""
    cuts = [m for m in _AND.finditer(phrase) if _any_case_heads().search(phrase, m.end())]
    if not cuts:
        return phrase
    last = phrase[cuts[-1].end() :]
    before = phrase[: cuts[-1].start()]
    # "Minister of A and Minister of B of Japan": one person's offices when the part before
    # names no country of its own
    if not any(h for h in (*gz.country_hits(before), *gz.org_hits(before))):
        return phrase
    return last


def _previous_appositive(
    text: str, words: list[re.Match[str]], first: int, last: int, floor: int
) -> bool:
    """Whether the office phrase words[first + 1 : last + 1] stands between two names, commas
    on both sides and no article ("<name>, Saudi Minister of Communications, <this name>"): the
    last name's appositive; "<name>, the Minister of Foreign Affairs of Japan, <this name>" and
    "<name>, and the Ambassador of Liberia, <this name>" introduce this one."""
    return (
        floor > 0
        and first >= 0
        and words[first].group() == ","
        and not text[floor : words[first].start()].strip()
        and last + 1 < len(words)
        and words[last + 1].group() == ","
        and words[first + 1].group().lower() not in {"the", "and"}
    )


def _right_phrase_affiliation(text: str, end: int, names: list[tuple[int, int]]) -> str | None:
    """The affiliation an appositive after a name gives ("<name>, non-resident ambassador of the
    Slovak Republic;"), unless the phrase is the next name's title ("<name>, Foreign Minister
    of Japan, <next name>")."""
    after = bisect_left(names, (end, -1))  # the names starting at or after this one's end
    ceiling = names[after][0] if after < len(names) else len(text)
    words = list(_PHRASE_WORD.finditer(text, end, min(ceiling, end + _PHRASE_READ)))
    if words and "\n" in text[end : words[0].start()]:
        return None  # a line of its own
    i = 1 if words and words[0].group() == "," else 0
    if i < len(words) and words[i].group() in _INNER_WORDS - {"the"}:
        return None  # ", and Minister of X": the next person's office
    first = i
    while (
        i < len(words)
        and _phrase_word(words[i].group())
        and (i == first or "\n" not in text[words[i - 1].end() : words[i].start()])
    ):
        i += 1
        if _sentence_end(words[i - 1].group()):
            break
    if i == first:
        return None
    rest = [w.group() for w in words[i : i + 2]]
    next_name_near = ceiling < len(text) and ceiling - words[i - 1].end() < _PHRASE_READ
    if next_name_near and all(w == "," or _honorific_word(w) for w in rest):
        return None  # only a comma or honorifics before the next name: its title
    if rest[:1] == [","] and (len(rest) < 2 or _phrase_word(rest[1])):
        return None  # a list goes on ("<name>, Title of X, <next name>"): whose title is unsure
    if rest and rest[0] not in _CLAUSE_ENDS and not rest[0][:1].islower():
        return None  # "EU High Representative/Vice President <name>": the phrase goes on
    phrase = text[words[first].start() : words[i - 1].end()]
    if first == 0 and gz.head_pattern().match(phrase) is None:
        return None  # no comma: only an office right after the name ("<name> Minister of ...")
    return _phrase_affiliation(phrase)


def _phrase_affiliation(phrase: str, *, before_name: bool = False) -> str | None:
    """The country or body an office phrase names as its own: leading ("Syria's ambassador",
    "EU Special Representative"), after "of" ("Minister of Foreign Affairs of Indonesia") or
    right before an office ("... for Afghanistan Germany’s Ambassador Designate"), never where
    the office is posted ("to the Republic of Sierra Leone", "based in Mauritius"). Before a
    name the one nearest it wins; a plural office ("Serbia’s and Austria’s Foreign Ministers
    A and B") is shared, whose is whose the phrase does not say."""
    phrase = _LEADING_SMALL.sub("", phrase)
    if _any_case_heads().search(phrase) is None:
        return None  # no office: a place or a body named on its own
    last_word = phrase.rsplit(maxsplit=1)[-1]
    if (
        before_name
        and last_word.endswith("s")
        and gz.fold(last_word[:-1]) in gz.office_words().heads
    ):
        return None
    posting = _POSTING.search(phrase)
    scope = phrase[: posting.start()] if posting else phrase
    hits = sorted(
        (
            h
            for h in (*gz.country_hits(scope), *gz.org_hits(scope))
            if scope[h.end : h.end + 1] != "$" and not _PORTFOLIO_AFTER.match(scope, h.end)
        ),
        key=lambda h: h.start,
    )
    own = [
        hit
        for hit in hits
        if hit.start == 0
        or _OF_BEFORE.search(scope, 0, hit.start)
        or (_office_after(scope, hit.end) and not _FOR_BEFORE.search(scope, 0, hit.start))
    ]
    if not own:
        return None
    return own[-1].key if before_name else own[0].key


# between a country and the office it qualifies: a possessive ("Germany’s Ambassador"), and
# one more word at most ("Bosnian Serb General", "Panama Canal Administrator")
_TO_OFFICE = re.compile(r"(?:[’']s)?\s+")
_ONE_WORD = re.compile(r"[A-Z][\w-]+\s+")


def _office_after(scope: str, end: int) -> bool:
    """Whether an office head follows a country named at `end` of `scope`, as its qualifier."""
    gap = _TO_OFFICE.match(scope, end)
    if gap is None:
        return False
    if _any_case_heads().match(scope, gap.end()):
        return True
    word = _ONE_WORD.match(scope, gap.end())
    return word is not None and _any_case_heads().match(scope, word.end()) is not None


@cache
def _any_case_heads() -> re.Pattern[str]:
    """Office heads in any case: an appositive writes them lower-case ("non-resident
    ambassador of Japan")."""
    return gz.phrase_regex(gz._toml("offices.toml")["heads"], ignore_case=True)
