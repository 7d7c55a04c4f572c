"""Office titles around a name: before it, after it, or in an appositive."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from ingest.extract import gazetteer as gz
from ingest.extract.people.tokens import (
    _CONNECTORS,
    _capitalised,
    _honorific,
    _is_head_token,
    _is_particle,
    _key,
    _lower_heads,
    _name_like,
    _office_tail,
    _office_word,
    _Tok,
    misspelt_head,
)


@dataclass(frozen=True, slots=True)
class _Titled:
    title: str | None
    affiliation: str | None
    start: int  # offset of the title's first char (or the name's when no title)
    has_head: bool


def _title_token(tok: _Tok, blocked: bool) -> bool:
    if tok.punct:
        return False
    key = _key(tok.text)
    words = gz.office_words()
    if key in words.words or key in words.heads or blocked:
        return True
    if tok.text in {"U.S.", "US", "UK", "U.K."}:
        return True
    return _ACRONYM.fullmatch(tok.text) is not None  # "MFA", "NUG", "INL"


_ACRONYM = re.compile(r"[A-Z]{2,6}")


def _honorific_apostrophe(tokens: list[_Tok], i: int) -> bool:
    """The apostrophe of "Dato'" (split off by the tokenizer), not a possessive plural's."""
    return tokens[i].text in "'’" and i > 0 and _honorific(tokens[i - 1])


def _inner_institution_word(tokens: list[_Tok], mask: list[bool], i: int) -> bool:
    """ "President of the German Bundestag", "Committee of the State Duma": a capitalised word
    that is never a name (an institution's), after an office or place word of the same title."""
    tok = tokens[i]
    return (
        i > 0
        and not tok.punct
        and _capitalised(tok.text)
        and not _name_like(tok, mask[i])
        and not _honorific(tok)
        and _title_token(tokens[i - 1], mask[i - 1])
        and tokens[i - 1].text.lower() not in _CONNECTORS
    )


def _left_title(tokens: list[_Tok], mask: list[bool], index: int, text: str) -> _Titled | None:
    """The office words written before the name starting at token `index`."""
    i = index - 1
    while i >= 0 and (_honorific(tokens[i]) or _honorific_apostrophe(tokens, i)):
        i -= 1
    end = i
    if end >= 0 and tokens[end].possessive and not mask[end]:
        return None  # "the Secretary of State's Award": what the office has, not who holds it
    while i >= 0:
        tok = tokens[i]
        if _title_token(tok, mask[i]):
            if tok.possessive and i != end and not mask[i]:
                break  # "Blinken's Foreign Minister": another person's; "Ukraine's" is a cue
            i -= 1
            continue
        if tok.text.lower() in _CONNECTORS and not tok.punct:
            i -= 1
            continue
        if _capitalised(tok.text) and _office_tail(tokens, mask, i):
            i -= 1
            continue
        if _inner_institution_word(tokens, mask, i):
            i -= 1
            continue
        if _name_head_as_title(tokens, mask, i, index):
            i -= 1
            continue
        if tok.text == ")" and i >= 2 and tokens[i - 2].text == "(":
            i -= 3
            continue
        if (
            tok.text == ","
            and i > 0
            and _office_word(tokens[i - 1])
            and (
                (i + 1 <= end and _title_token(tokens[i + 1], mask[i + 1]))
                or (
                    i + 2 <= end
                    and tokens[i + 1].text.lower() == "and"
                    and _title_token(tokens[i + 2], mask[i + 2])
                )
            )
        ):
            i -= 1
            continue
        break
    first = i + 1
    while first <= end and (tokens[first].text.lower() in _CONNECTORS or tokens[first].punct):
        first += 1
    while end >= first and (tokens[end].text.lower() in _CONNECTORS or tokens[end].punct):
        end -= 1  # "Senator the Hon Penny Wong": the office is "Senator"
    if first > end:
        return None
    span = tokens[first : end + 1]
    if not any(_is_head_token(t) or _key(t.text) in _name_heads() for t in span):
        return None
    return _clean_title(text, span)


@cache
def _name_heads() -> frozenset[str]:
    """Folded office heads that are given names too (offices.toml [name_heads]): "Amir"."""
    return frozenset(gz.fold(w) for w in gz._toml("offices.toml")["name_heads"]["heads"])


def _name_head_as_title(tokens: list[_Tok], mask: list[bool], i: int, name_first: int) -> bool:
    """ "the Amir of Qatar Sheikh Tamim", "the Amir Sheikh Tamim": an office head that is also
    a given name is a title before "of" and a country, or before the honorific opening the
    name at `name_first`; "Hossein Amir Abdollahian" keeps it as a name."""
    if tokens[i].punct or _key(tokens[i].text) not in _name_heads():
        return False
    after = i + 1
    if after + 1 < len(tokens) and tokens[after].text == "of" and mask[after + 1]:
        return True  # the country is a blocked span: "of Qatar", "of the State of Qatar"
    return after < name_first and _honorific(tokens[after])


def _right_title(tokens: list[_Tok], mask: list[bool], after: int, text: str) -> _Titled | None:
    """An appositive title after the name: ", Secretary of State" / ", leader of the ... of X"."""
    if after >= len(tokens) or tokens[after].text != ",":
        return None
    i = after + 1
    if i < len(tokens) and tokens[i].text.lower() in {"the", "a"}:
        i += 1
    start = i
    seen_head = False
    open_complement = False
    lead_words = 0  # "Managing Director", "Raymond Vernon Fellow": words before the head
    words = gz.office_words()
    while i < len(tokens) and i - start < 32:
        tok = tokens[i]
        if tok.punct and tok.text != "(":
            break
        if not mask[i] and (_key(tok.text) in words.honorifics or _starts_name(tokens, mask, i)):
            break  # the next person: ", and Minister of State Dr. Sultan Al Jaber"
        if _is_head_token(tok):
            seen_head = True
        elif tok.text.lower() in {"of", "for", "to"} and seen_head:
            open_complement = True
        elif _title_token(tok, mask[i]) or (tok.text.lower() in _CONNECTORS and i > start):
            pass
        elif not seen_head and lead_words < 2 and _capitalised(tok.text):
            lead_words += 1
        elif not open_complement:
            break
        i += 1
    span = tokens[start:i]
    while span and (span[-1].text.lower() in _CONNECTORS or span[-1].punct):
        span = span[:-1]
    if not span or not seen_head:
        return None
    if i < len(tokens) and not tokens[i].punct and _name_like(tokens[i], mask[i]):
        return None  # ", Foreign Minister Y": the next person's title, not an appositive
    k = i + 1 if i < len(tokens) and tokens[i].text == "," else len(tokens)
    while k < len(tokens) and _key(tokens[k].text) in gz.office_words().honorifics:
        k += 1
    if k < len(tokens) and k > i + 1 and _name_like(tokens[k], mask[k]):
        return None  # "..., Prime Minister of Mauritius, Dr. N. Ramgoolam": the next person's
    listed = tokens[after + 1].text.lower() == "the" and k == i + 1
    if listed and k < len(tokens) and _starts_name(tokens, mask, k):
        return None  # "X, the Minister of Foreign Affairs of Japan, Taro Kono": a list's next
    return _clean_title(text, span)


def _starts_name(tokens: list[_Tok], mask: list[bool], i: int) -> bool:
    """Two capitalised name tokens in a row: a person's name, not more of a title."""
    return (
        i + 1 < len(tokens)
        and _name_like(tokens[i], mask[i])
        and not tokens[i].possessive
        and _name_like(tokens[i + 1], mask[i + 1])
    )


_US_DEPARTMENT = re.compile(r"^(?:U\.S\.\s+)?(?:Department\s+of\s+State|State\s+Department)\s+")


_OF_ORG = re.compile(r"\s+of\s+(?:the\s+)?(?P<org>[A-Z][^,(]*?)(?P<acronym>\s*\([A-Z]{2,8}\)?)?$")


_OF_COUNTRY_TO = re.compile(
    r"\bof\s+(?:the\s+)?(?P<country>[A-Z][\w’' .-]{1,40}?)\s+(?:to\b|in\s+(?=[A-Z]))"
)


_OF_COUNTRY = re.compile(r"\s+of\s+(?:the\s+)?(?=[A-Z])")


_OF_COUNTRYS = re.compile(r"\bof\s+(?:the\s+)?(?P<country>[A-Z][\w .-]{1,40}?)[’']s\s+\w")


def _clean_title(text: str, span: list[_Tok]) -> _Titled:
    """Split a title phrase into affiliation cue and office: "Indian External Affairs Minister"
    -> ("External Affairs Minister", "IN"); "Minister for Foreign Affairs of Japan" -> JP."""
    start = span[0].start
    place = _PLACE_THEN_TITLE.match(text, start, span[-1].end)
    if place and _LOCATIVE_BEFORE.search(text, max(0, start - 6), start):
        # "In South Africa, Deputy Secretary Sherman will travel ...": where, not whose
        start = place.end()
    title, affiliation, shift, has_head = _title_parts(text[start : span[-1].end])
    return _Titled(title, affiliation, start + shift, has_head)


def _possessive_body(phrase: str) -> tuple[str | None, int]:
    """ "Pacific Community's (SPC) Director-General" -> (SPC, offset of "Director-General");
    "regional organization’s Executive Secretary" -> (None, offset of "Executive"): the body
    whose office it is, not words of the office."""
    orgs = gz.org_hits(phrase)
    if orgs and orgs[0].start == 0:
        tail = _ORG_POSSESSIVE.match(phrase, orgs[0].end)
        if tail and tail.end() < len(phrase):
            return orgs[0].key, tail.end()
    lower = _LOWER_POSSESSIVE_LEAD.match(phrase)
    return None, lower.end() if lower else 0


_ORG_POSSESSIVE = re.compile(
    r"\s*(?:\([A-Z]{2,8}\)\s*)?(?:’s|'s)\s*(?:\([A-Z]{2,8}\)\s*)?(?=[A-Z])"
)


_LOWER_POSSESSIVE_LEAD = re.compile(r"(?:[a-z][\w-]*\s+){0,2}[a-z][\w-]*(?:’s|'s)\s+(?=[A-Z])")


_LOCATIVE_BEFORE = re.compile(r"\b(?:[Ii]n|[Aa]t|[Ff]rom)\s+$")


_PLACE_THEN_TITLE = re.compile(r"[A-Z][\w’' .-]{1,40}?,\s+(?=[A-Z])")


@lru_cache(maxsize=1 << 12)
def _title_parts(phrase: str) -> tuple[str | None, str | None, int, bool]:
    """(office, affiliation, offset of the office in `phrase`, has a head word); cached because
    releases repeat their titles ("Secretary of State", "Prime Minister of Japan")."""
    start = 0
    affiliation: str | None = None
    lead = gz.country_hits(phrase)
    modifier = _LEAD_MODIFIER.match(phrase)
    if modifier and lead and lead[0].start == modifier.end():
        # "acting US Secretary of State": the country serves, the office stays as written
        affiliation = lead[0].key
    elif lead and lead[0].start == 0:
        affiliation = lead[0].key
        cut = lead[0].end
        if phrase[cut : cut + 2] in ("’s", "'s"):
            cut += 2
        phrase, start = (
            phrase[cut:].lstrip(" ,"),
            start + len(phrase[:cut]) + (len(phrase[cut:]) - len(phrase[cut:].lstrip(" ,"))),
        )
    if affiliation is None:
        affiliation, cut = _possessive_body(phrase)
        phrase, start = phrase[cut:], start + cut
    if affiliation and phrase.startswith("and "):
        # "Lawrence Wong of Singapore and Prime Minister X": Singapore was the last person's
        affiliation, phrase, start = None, phrase[4:], start + 4
    department = _US_DEPARTMENT.match(phrase)
    if department:
        affiliation = affiliation or "US"
        phrase = phrase[department.end() :]
    envoy = _OF_COUNTRY_TO.search(phrase)
    if envoy and not affiliation:
        # "Ambassador of Japan to ASEAN": the government sending the envoy
        affiliation = gz.lookup_country(envoy.group("country"))
    for trailing in _OF_COUNTRY.finditer(phrase):
        country = phrase[trailing.end() :].strip()
        code = gz.lookup_country(country)
        if code and gz.is_country_phrase(country):
            affiliation = affiliation or code
            phrase = phrase[: trailing.start()]
            break
    possessor = _OF_COUNTRYS.search(phrase) if affiliation is None else None
    if possessor and gz.is_country_phrase(possessor.group("country")):
        # "deputy chairman of Russia’s security council": the body is that country's
        affiliation = gz.lookup_country(possessor.group("country"))
    org_tail = _OF_ORG.search(phrase)
    if org_tail:
        orgs = gz.org_hits(org_tail.group("org"))
        if orgs and orgs[0].start == 0:
            affiliation = affiliation or orgs[0].key
            if org_tail.group("acronym"):
                # "Secretary General of the North Atlantic Treaty Organization (NATO)": the body
                # is the affiliation, the office keeps its words as written (the labeled
                # releases do), less the acronym in brackets
                phrase = phrase[: org_tail.start("acronym")]
    national = _national_office(phrase)
    if national is not None and (affiliation is None or affiliation in gz.organisation_codes()):
        # "OSCE Chairperson-in-Office and German Foreign Minister": the government served
        affiliation = national
    if affiliation is None:
        affiliation = _org_or_place_affiliation(phrase)
    lead_org = re.match(r"(?P<org>[A-Z]{2,6})\s+(?=\S)", phrase)
    if (
        lead_org
        and gz.org_hits(lead_org.group("org"))
        and affiliation == gz.org_hits(lead_org.group("org"))[0].key
    ):
        # "NATO Secretary General" -> "Secretary General" with affiliation NATO (the seed's form)
        phrase = phrase[lead_org.end() :]
    phrase = re.sub(r"\s+", " ", phrase).strip(" ,")
    phrase = _MISSPELT_WORD.sub(_spelt_head, phrase)  # "Foreign Minster" -> "Foreign Minister"
    phrase = _COUNTERPART_LEAD.sub("", phrase)  # "counterpart, the Minister ..." -> the office
    # "Foreign Minister Senator Mohammad Ishaq Dar": the seat held is not part of the office
    phrase = _TRAILING_SEAT.sub("", phrase)
    has_head = any(
        _key(w) in gz.office_words().heads or _key(w) in _name_heads()
        for w in re.split(r"[\s/]+", phrase)
    )
    return phrase or None, affiliation, start, has_head


_MISSPELT_WORD = re.compile(r"\b[A-Z][a-z]{6,}\b")  # a long capitalised word: a head's length


def _spelt_head(word: re.Match[str]) -> str:
    return misspelt_head(word.group()) or word.group()


_LEAD_MODIFIER = re.compile(r"(?:acting|interim|former|outgoing|incoming)\s+")


_TRAILING_SEAT = re.compile(r"(?<=\S)\s+(?:Senator|Sen\.?|MP|MNA)$")


_COUNTERPART_LEAD = re.compile(r"^(?:(?:his|her|their)\s+)?counterparts?\s*,?\s+(?:the\s+)?(?=\S)")


_PORTFOLIO_AFTER = re.compile(r"\s+(?:and\s+[A-Z][\w-]*\s+)?Affairs\b")


_PART_BREAK = re.compile(r",\s+|\s+and\s+")


_NATIONAL_BEFORE = re.compile(r"^(?:[’']s)?\s+(?=[A-Z])")  # "German Foreign", "Iceland's Foreign"


def _national_office(phrase: str) -> str | None:
    """The country of a later part of a compound title: "OSCE Chairperson-in-Office and German
    Foreign Minister" -> DE, "President of the Committee of Ministers, Iceland's Foreign
    Minister" -> IS: a national office that a person also holds names the government served."""
    for part in _PART_BREAK.finditer(phrase):
        rest = phrase[part.end() :]
        hits = gz.country_hits(rest)
        if (
            hits
            and hits[0].start == 0
            and _NATIONAL_BEFORE.match(rest[hits[0].end :])
            and _lower_heads().search(rest, hits[0].end)
        ):
            return hits[0].key
    return None


def _org_or_place_affiliation(phrase: str) -> str | None:
    """ "NATO Secretary General" -> NATO; "Crown Prince of Abu Dhabi" -> AE (a city's country).
    An organisation named in a portfolio ("Minister of Foreign and CARICOM Affairs") is not the
    body served."""
    orgs = [h for h in gz.org_hits(phrase) if not _PORTFOLIO_AFTER.match(phrase, h.end)]
    if orgs:
        return orgs[0].key
    place = re.search(r"\bof\s+((?:[A-Z][\w’'-]+\s?){1,3})$", phrase)
    if place:
        city = gz.lookup_city(place.group(1).strip())
        if city is not None and city.population >= 100000:
            return city.country_code
    return None


def _left_appositive(tokens: list[_Tok], mask: list[bool], index: int, text: str) -> _Titled | None:
    """ "Ukraine's First Lady, Olena Zelenska" / "the Crown Prince of Abu Dhabi, Sheikh ..."."""
    i = index - 1
    while i >= 0 and (_honorific(tokens[i]) or _honorific_apostrophe(tokens, i)):
        i -= 1  # "YAB Dato' Seri Anwar Ibrahim"
    if i < 1 or tokens[i].text != ",":
        return None
    if (
        _name_like(tokens[i - 1], mask[i - 1])
        and not _is_head_token(tokens[i - 1])
        and not _office_tail(tokens, mask, i - 1)
    ):
        # "... of Abu Dhabi, Sheikh X": a place closing the title is fine, a person is not
        of = next((k for k in range(i - 1, max(i - 5, 0), -1) if tokens[k].text == "of"), None)
        place = text[tokens[of + 1].start : tokens[i - 1].end] if of is not None else ""
        if of is None or (gz.lookup_city(place) is None and gz.lookup_country(place) is None):
            return None
    nxt = tokens[index + 1] if index + 1 < len(tokens) else None
    # a left appositive introduces a full name, or a single name the comma closes ("Indonesia's
    # Minister for Foreign Affairs, Sugiono, arrived")
    mononym = (
        nxt is not None
        and nxt.text in {",", ")"}
        and not tokens[index].possessive
        and (_office_word(tokens[i - 1]) or mask[i - 1])  # the office ends at the comma
    )
    if nxt is None or not (_name_like(nxt, mask[index + 1]) or _is_particle(nxt) or mononym):
        return None
    titled = _left_title(tokens, mask, i, text)
    honorific = i < index - 1  # "..., Dr. Navinchandra Ramgoolam": an honorific opens a person
    listed = (
        titled is not None
        and not honorific
        and _after_list_comma(tokens, titled.start)
        and not _after_titled_item(tokens, mask, titled.start)
    )
    if listed and (titled is None or titled.affiliation is None):
        # "Evanna Hu, CEO and Partner, Omelas": the last person's appositive; but "Lavrov, the
        # Minister of Foreign Affairs of Japan, Taro Kono" names a country: the next person's
        return None
    if titled is None:
        # the comma blocks _left_title's own scan: look through a place-of title by hand
        j = i - 1
        while j >= 0 and (
            (
                not tokens[j].punct
                and (
                    _title_token(tokens[j], mask[j])
                    or tokens[j].text.lower() in _CONNECTORS
                    or _capitalised(tokens[j].text)
                )
            )
            or _inner_office_comma(tokens, j, i)
        ):
            j -= 1
        span = [t for t in tokens[j + 1 : i] if t.text.lower() not in {"the", "a"}]
        while span and span[0].text.lower() in _CONNECTORS:
            span = span[1:]  # "..., and the Special Representative for X, Name"
        if span and any(_is_head_token(t) for t in span):
            return _clean_title(text, span)
        return None
    return titled


def _inner_office_comma(tokens: list[_Tok], j: int, end: int) -> bool:
    """ "Minister for Foreign Affairs, Emigration and Egyptian Expatriates": a comma inside one
    office's name (an office word before it, the words after it no office of their own)."""
    if tokens[j].text != "," or j < 1 or not _office_word(tokens[j - 1]):
        return False
    after = tokens[j + 1 : end]
    return (
        bool(after)
        and after[0].text.lower() not in _CONNECTORS
        and not any(_is_head_token(t) or t.punct for t in after)
    )


def _after_titled_item(tokens: list[_Tok], mask: list[bool], start: int) -> bool:
    """Whether the list item before the comma at `start` is itself "Title, Name" ("the Minister
    of Foreign Affairs, Dee-Maxwell Saah Kemayah, Minister of National Defense, Daniel
    Ziankhan"): that person has their office, so the one after the comma opens the next."""
    first = next((k for k, t in enumerate(tokens) if t.start >= start), None)
    if first is None:
        return False
    k = first - 1
    while k >= 0 and tokens[k].text.lower() in {"the", "a"}:
        k -= 1
    if k < 1 or tokens[k].text != ",":
        return False
    k -= 1
    names = 0
    while k >= 0 and _name_like(tokens[k], mask[k]) and not _is_head_token(tokens[k]):
        k, names = k - 1, names + 1
    if not 2 <= names <= 5 or k < 1 or tokens[k].text != ",":
        return False
    return _is_head_token(tokens[k - 1]) or _office_word(tokens[k - 1])


def _after_list_comma(tokens: list[_Tok], start: int) -> bool:
    first = next((k for k, t in enumerate(tokens) if t.start >= start), None)
    if first is None:
        return False
    k = first - 1
    while k >= 0 and tokens[k].text.lower() in {"the", "a"}:
        k -= 1
    # only a comma: a semicolon closes the last person's item, so the title after it opens the
    # next one ("...; the Minister of Finance, Ivane Machavariani; ...")
    return k >= 0 and tokens[k].text == ","
