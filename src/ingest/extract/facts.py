"""Facts around an event: quotations with their speakers, money amounts, and topics discussed.

Amounts: a currency symbol or code before a number ("$20 billion", "€1.5m", "Rs 500 crore") or a
currency word after it ("20 million euros"); a bare "$" means the publisher's own dollar, guessed
from the release URL's country domain (`DOLLAR_BY_DOMAIN`), else USD. Topics come from
`TOPIC_LEXICON`: topic name -> pattern. Every value carries its [start, end) offsets in the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from ingest.extract.text import sentence_at, sentences

__all__ = [
    "CURRENCY_SYMBOLS",
    "CURRENCY_WORDS",
    "TOPIC_LEXICON",
    "AmountMention",
    "QuoteMention",
    "TopicMention",
    "find_amounts",
    "find_quotes",
    "find_topics",
]


@dataclass(frozen=True, slots=True)
class AmountMention:
    value: float
    currency: str | None
    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class QuoteMention:
    speaker: str | None  # as written near the quote ("Secretary Rubio", "Rutte"), pronouns resolved
    text: str
    start: int  # of the quoted words, inside the quotation marks
    end: int
    speaker_start: int = -1
    speaker_end: int = -1


@dataclass(frozen=True, slots=True)
class TopicMention:
    topic: str
    start: int
    end: int


# Prefix symbols and codes -> ISO 4217 ("$" is resolved by domain, see DOLLAR_BY_DOMAIN).
CURRENCY_SYMBOLS: dict[str, str] = {
    "US$": "USD",
    "U.S.$": "USD",
    "C$": "CAD",
    "CA$": "CAD",
    "CAD$": "CAD",
    "A$": "AUD",
    "AU$": "AUD",
    "NZ$": "NZD",
    "HK$": "HKD",
    "S$": "SGD",
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "₹": "INR",
    "₩": "KRW",
    "Rs.": "INR",
    "Rs": "INR",
    "USD": "USD",
    "EUR": "EUR",
    "GBP": "GBP",
    "JPY": "JPY",
    "INR": "INR",
    "CAD": "CAD",
    "AUD": "AUD",
    "NZD": "NZD",
    "PKR": "PKR",
    "KRW": "KRW",
    "CHF": "CHF",
    "CNY": "CNY",
    "RMB": "CNY",
    "SGD": "SGD",
    "$": "$",
}
# Currency words written after the number.
CURRENCY_WORDS: dict[str, str] = {
    "us dollars": "USD",
    "u.s. dollars": "USD",
    "dollars": "$",
    "euros": "EUR",
    "euro": "EUR",
    "pounds sterling": "GBP",
    "pounds": "GBP",
    "yen": "JPY",
    "rupees": "INR",
    "won": "KRW",
    "swiss francs": "CHF",
    "yuan": "CNY",
    "renminbi": "CNY",
}
# A bare "$" or "dollars" on a release from these country domains is that country's dollar.
DOLLAR_BY_DOMAIN: dict[str, str] = {
    "ca": "CAD",
    "au": "AUD",
    "nz": "NZD",
    "sg": "SGD",
    "hk": "HKD",
    "tw": "TWD",
}
# "Rs" is the rupee of the publishing country.
RUPEE_BY_DOMAIN: dict[str, str] = {"pk": "PKR", "lk": "LKR", "np": "NPR", "in": "INR"}
SCALES: dict[str, float] = {
    "thousand": 1e3,
    "k": 1e3,
    "lakh": 1e5,
    "million": 1e6,
    "mn": 1e6,
    "m": 1e6,
    "crore": 1e7,
    "billion": 1e9,
    "bn": 1e9,
    "b": 1e9,
    "trillion": 1e12,
    "tn": 1e12,
}

_NUM = r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
_SCALE = r"(?:\s*(?P<scale>" + "|".join(sorted(SCALES, key=len, reverse=True)) + r")\b)?"
_SYMBOLS = "|".join(re.escape(s) for s in sorted(CURRENCY_SYMBOLS, key=len, reverse=True))
_WORDS = "|".join(re.escape(w) for w in sorted(CURRENCY_WORDS, key=len, reverse=True))
# The look-ahead on the first character lets the engine skip most positions cheaply.
_PREFIX = re.compile(r"(?=[$€£¥₹₩A-Z])(?<![\w$])(?P<cur>" + _SYMBOLS + r")\s?" + _NUM + _SCALE)
# Whether any symbol occurs at all: one scan instead of a substring search per symbol.
_ANY_SYMBOL = re.compile(_SYMBOLS)
# `_NUM` with its first digit written apart (and checked to start the number: no word character,
# "$", "." or "," before it), so that the engine jumps from digit to digit through the text.
_NUM_STARTING = r"(?P<num>\d(?<![\w$.,]\d)(?:\d{0,2}(?:,\d{3})+(?:\.\d+)?|\d*(?:\.\d+)?))"
_SUFFIX = re.compile(_NUM_STARTING + _SCALE + r"\s+(?P<word>" + _WORDS + r")\b", re.I)


def _domain_country(url: str | None) -> str:
    if not url:
        return ""
    host = urlsplit(url).hostname or ""
    return host.rsplit(".", 1)[-1].lower() if "." in host else ""


def _resolve_currency(code: str, url: str | None) -> str:
    tld = _domain_country(url)
    if code == "$":
        return DOLLAR_BY_DOMAIN.get(tld, "USD")
    if code == "INR" and tld in RUPEE_BY_DOMAIN:
        return RUPEE_BY_DOMAIN[tld]
    return code


def _value(match: re.Match[str]) -> float | None:
    try:
        number = float(match.group("num").replace(",", ""))
    except ValueError:
        return None
    scale = (match.group("scale") or "").lower()
    return number * SCALES.get(scale, 1.0)


def find_amounts(text: str, url: str | None = None) -> list[AmountMention]:
    """Money amounts in `text`, in text order, with ISO 4217 currency and numeric value."""
    found: list[AmountMention] = []
    # cheap substring checks first: most releases hold no money at all
    has_symbol = _ANY_SYMBOL.search(text) is not None
    lowered = text.lower()
    has_word = any(map(lowered.__contains__, CURRENCY_WORDS))  # no generator frame per word
    for match in _PREFIX.finditer(text) if has_symbol else ():
        code = CURRENCY_SYMBOLS.get(match.group("cur"))
        value = _value(match)
        if code is None or value is None:
            continue
        currency = _resolve_currency(code, url)
        found.append(AmountMention(value, currency, match.group(0), match.start(), match.end()))
    for match in _SUFFIX.finditer(text) if has_word else ():
        if any(a.start <= match.start() < a.end for a in found):
            continue
        code = CURRENCY_WORDS.get(match.group("word").lower())
        value = _value(match)
        if code is None or value is None:
            continue
        currency = _resolve_currency(code, url)
        found.append(AmountMention(value, currency, match.group(0), match.start(), match.end()))
    return sorted(found, key=lambda a: a.start)


# Quotations: straight or curly double quotes, at least a few words long.
_QUOTE = re.compile(r"[\"“](?P<q>[^\"“”\n]{12,}?)[\"”]")
_SAY = r"(?:said|says|stated|states|added|noted|remarked|declared|explained|stressed|emphasi[sz]ed)"
_SPEAKER = r"(?P<who>(?:[A-Z][\w.’'-]*\s+){0,5}[A-Z][\w’'-]+|[Hh]e|[Ss]he|[Tt]hey)"
_AFTER = re.compile(
    r"[,\s]*(?:"
    + _SAY
    + r"\s+"
    + _SPEAKER
    + r"|"
    + _SPEAKER.replace("who", "who2")
    + r"\s+"
    + _SAY
    + r")"
)
_SUBJECT = re.compile(r"\s*" + _SPEAKER + r"\b")
_PRONOUNS = frozenset({"he", "she", "they"})
# Capitalised words that open a sentence without naming anyone.
_NOT_SPEAKERS = frozenset(
    {"The", "This", "That", "These", "Those", "It", "In", "On", "At", "During", "We", "I", "Our"}
)


def _sentence_subject(text: str, start: int, end: int) -> tuple[str, int, int] | None:
    match = _SUBJECT.match(text, start, end)
    if match is None:
        return None
    who = match.group("who")
    if who.split()[0] in _NOT_SPEAKERS:
        return None
    return who, match.start("who"), match.end("who")


def find_quotes(text: str) -> list[QuoteMention]:
    """Quotations of a sentence or more, with the speaker named next to them or the sentence's
    subject (a pronoun resolves to the previous named speaker or subject)."""
    spans = sentences(text)
    found: list[QuoteMention] = []
    last: tuple[str, int, int] | None = None
    for match in _QUOTE.finditer(text):
        quoted = match.group("q").strip()
        if len(quoted.split()) < 5:
            continue  # a phrase in quotation marks (a name, a term), not a quotation
        who: tuple[str, int, int] | None = None
        after = None
        if not quoted.endswith((".", "!", "?")):  # “...,” said X; after a full stop: next sentence
            after = _AFTER.match(text, match.end(), min(len(text), match.end() + 80))
        if after is not None:
            group = "who" if after.group("who") else "who2"
            who = (after.group(group), after.start(group), after.end(group))
        else:
            index = sentence_at(spans, match.start())
            if index >= 0:
                s_start = spans[index][0]
                if s_start < match.start():
                    who = _sentence_subject(text, s_start, match.start())
        if who is not None and who[0].lower() in _PRONOUNS:
            who = last
        if who is not None:
            last = who
        speaker, s0, s1 = who if who is not None else (None, -1, -1)
        found.append(QuoteMention(speaker, quoted, match.start("q"), match.end("q"), s0, s1))
    return found


# Topic lexicon: topic as reported -> (lower-case cue words, pattern over the text). The cues are
# a cheap substring pre-check so that most patterns never run over a long release.
TOPIC_LEXICON: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("defense spending", ("defen",), r"\bdefen[cs]e (?:spending|budgets?|expenditure)\b"),
    ("security cooperation", ("security",), r"\bsecurity (?:cooperation|partnership|ties)\b"),
    (
        "Russia's war against Ukraine",
        ("russia",),
        r"\bRussia[’']s (?:\w+[, ]+){0,4}(?:war|invasion|aggression)\b",
    ),
    ("Ukraine", ("ukrain",), r"\bUkrain(?:e|ian)\b"),
    (
        "climate change",
        ("climate", "cop"),
        r"\bclimate (?:change|crisis|action|ambition|finance)\b|\bCOP\s?\d\d\b",
    ),
    ("energy security", ("energy",), r"\benergy (?:security|transition|cooperation)\b"),
    ("food security", ("food",), r"\bfood (?:security|insecurity|crisis)\b"),
    ("human rights", ("human rights",), r"\bhuman rights\b"),
    ("democracy", ("democra",), r"\bdemocra(?:cy|cies|tic)\b"),
    ("trade", ("trade", "commerce", "tariff"), r"\btrade\b|\bcommerce\b|\btariffs?\b"),
    ("investment", ("investment",), r"\binvestments?\b"),
    ("sanctions", ("sanction",), r"\bsanction(?:s|ed|ing)?\b"),
    (
        "terrorism",
        ("terroris", "isis", "shaba"),
        r"\b(?:counter-?)?terroris[mt]s?\b|\bISIS\b|\bal-Shabaa?b\b",
    ),
    (
        "nuclear nonproliferation",
        ("proliferation", "denucleari", "npt"),
        r"\bnon-?proliferation\b|\bdenucleari[sz]ation\b|\bNPT\b",
    ),
    ("nuclear energy", ("nuclear",), r"\bnuclear energy\b|\bcivil nuclear\b"),
    (
        "humanitarian assistance",
        ("humanitarian",),
        r"\bhumanitarian (?:assistance|aid|situation|crisis|response)\b",
    ),
    ("COVID-19", ("covid", "pandemic", "vaccine"), r"\bCOVID(?:-19)?\b|\bpandemic\b|\bvaccines?\b"),
    ("health", ("health",), r"\bglobal health\b|\bhealth security\b"),
    ("migration", ("migra", "refugee"), r"\bmigra(?:tion|nts?)\b|\brefugees?\b"),
    ("corruption", ("corrupt",), r"\bcorrupt(?:ion)?\b"),
    ("maritime security", ("maritime", "navigation"), r"\bmaritime\b|\bfreedom of navigation\b"),
    ("cybersecurity", ("cyber",), r"\bcyber(?:security|space| attacks?)?\b"),
    (
        "space",
        ("space",),
        r"\bspace (?:cooperation|activities|exploration|dialogue)\b|\bouter space\b",
    ),
    (
        "technology",
        ("technolog", "semiconductor"),
        r"\b(?:critical|emerging) technolog(?:y|ies)\b|\bsemiconductors?\b",
    ),
    (
        "economic cooperation",
        ("economic",),
        r"\beconomic (?:cooperation|ties|growth|partnership|development)\b",
    ),
    ("development", ("development",), r"\bdevelopment assistance\b|\bsustainable development\b"),
    (
        "education",
        ("educat", "student"),
        r"\beducation(?:al)? (?:exchanges?|cooperation)\b|\bstudents?\b",
    ),
    ("rule of law", ("rule of law",), r"\brule of law\b"),
    (
        "peace process",
        ("peace", "ceasefire", "truce"),
        r"\bpeace (?:process|talks|agreement)\b|\bceasefire\b|\btruce\b",
    ),
    ("Indo-Pacific", ("indo-pacific",), r"\bIndo-Pacific\b"),
    ("Arctic", ("arctic",), r"\bArctic\b"),
    ("Middle East", ("middle east",), r"\bMiddle East\b"),
    ("Sahel", ("sahel",), r"\bSahel\b"),
    ("NATO", ("nato",), r"\bNATO\b"),
    ("defense", ("defen", "military"), r"\bdefen[cs]e cooperation\b|\bmilitary cooperation\b"),
)
_LEADING_WORD = re.compile(r"\\b([a-z0-9]+)")  # the text "\b" and a word opening a pattern


def _top_level_alternatives(pattern: str) -> list[str]:
    """`pattern` split at its top-level "|" (not inside groups, classes or after a backslash)."""
    parts: list[str] = []
    depth, in_class, escaped, start = 0, False, False, 0
    for i, char in enumerate(pattern):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char in "()":
            depth += 1 if char == "(" else -1
        elif char == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
    return [*parts, pattern[start:]]


def _literal_first(pattern: str) -> str:
    r"""`pattern` with each top-level alternative `\bword...` written `word(?<!\wword)...`.

    The same matches (a word boundary before a word character means no word character before
    it), but a pattern opening with literal text lets the regex engine jump between occurrences
    of that text instead of trying the word boundary at every position of a long release.
    """
    rewritten = []
    for alternative in _top_level_alternatives(pattern):
        lead = _LEADING_WORD.match(alternative)
        word, rest = (lead.group(1), alternative[lead.end() :]) if lead else ("", alternative)
        if rest[:1] in ("?", "*", "+", "{"):
            word, rest = word[:-1], word[-1:] + rest  # "tariffs?": the quantified "s" stays
        rewritten.append(f"{word}(?<!\\w{word}){rest}" if word else alternative)
    return "|".join(rewritten)


# Matched against the lower-cased text: case-sensitive scanning is several times faster.
_TOPICS = tuple(
    (topic, cues, re.compile(_literal_first(pattern.lower())))
    for topic, cues, pattern in TOPIC_LEXICON
)
# Topics of the event are set out in the opening paragraphs; a long transcript's tail is Q&A.
TOPIC_SCOPE = 6000


def find_topics(text: str) -> list[TopicMention]:
    """Lexicon topics that occur in `text`, each once, in lexicon order, at its first mention."""
    found: list[TopicMention] = []
    chunk = text[:TOPIC_SCOPE]
    lowered = chunk.lower()
    if len(lowered) != len(chunk):  # a few characters lower-case to two ("İ"): keep offsets
        lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in chunk)
    for topic, cues, pattern in _TOPICS:
        if not any(map(lowered.__contains__, cues)):
            continue
        match = pattern.search(lowered)
        if match is not None:
            found.append(TopicMention(topic, match.start(), match.end()))
    return found
