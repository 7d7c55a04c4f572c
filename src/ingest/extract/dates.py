"""Dates in press releases: explicit forms, ranges and relative words, resolved to calendar days.

Explicit forms (registry `_EXPLICIT_PATTERNS`): "April 3, 2025", "Apr. 3", "3 April 2025",
"3rd of April", "April 1-2", "1–2 April", "March 30 – April 2", "2025-04-03". A range yields its
first day. A missing year is inferred from the published date: the year (published year - 1,
same, + 1) that puts the day nearest to publication. Relative words ("today", "yesterday",
"tomorrow", "on Monday", "this week") resolve against the publisher's local published date.
Nothing here raises on odd input: unparseable pieces are skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from ingest.extract.anchors import CUES
from ingest.extract.text import caseless_beyond_ascii

__all__ = [
    "MONTHS",
    "WEEKDAYS",
    "DateMention",
    "find_dates",
    "published_date",
    "told_as_another_time",
]

MONTHS: dict[str, int] = {
    "january": 1,
    "jan": 1,
    "february": 2,
    "feb": 2,
    "march": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "may": 5,
    "june": 6,
    "jun": 6,
    "july": 7,
    "jul": 7,
    "august": 8,
    "aug": 8,
    "september": 9,
    "sept": 9,
    "sep": 9,
    "october": 10,
    "oct": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
}
WEEKDAYS: dict[str, int] = {
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
}

_MONTH = r"(?P<{g}>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<{g}>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<{g}>(?:19|20)\d\d)"
_DASH = r"\s*(?:-|–|—|to|until|through|and)\s*"


def _f(pattern: str, **groups: str) -> str:
    return pattern.format(**groups)


# Registry of explicit date forms; each names groups m1/d1/y1 (start) and optionally m2/d2/y2.
_EXPLICIT_PATTERNS: tuple[str, ...] = (
    # ISO 2025-04-03
    r"\b(?P<y1>(?:19|20)\d\d)-(?P<m1n>[01]\d)-(?P<d1>[0-3]\d)\b",
    # numeric day first, as most governments outside the US write it: 03/04/2025, 3.4.2025,
    # 15-10-2021
    r"\b(?P<d1>[0-3]?\d)([/.\-])(?P<m1n>[0-3]?\d)\2(?P<y1>(?:19|20)\d\d)\b",
    # March 30 – April 2, 2022
    r"\b"
    + _f(_MONTH, g="m1")
    + r"\s+"
    + _f(_DAY, g="d1")
    + _DASH
    + _f(_MONTH, g="m2")
    + r"\s+"
    + _f(_DAY, g="d2")
    + r"\b(?:,?\s+"
    + _f(_YEAR, g="y1")
    + r")?",
    # 30 March – 2 April 2022
    r"\b"
    + _f(_DAY, g="d1")
    + r"\s+(?:of\s+)?"
    + _f(_MONTH, g="m1")
    + _DASH
    + _f(_DAY, g="d2")
    + r"\s+(?:of\s+)?"
    + _f(_MONTH, g="m2")
    + r"\b(?:,?\s+"
    + _f(_YEAR, g="y1")
    + r")?",
    # April 1-2, 2025 / April 3, 2025 / April 3
    r"\b"
    + _f(_MONTH, g="m1")
    + r"\s+"
    + _f(_DAY, g="d1")
    + r"(?:"
    + _DASH
    + _f(_DAY, g="d2")
    + r")?\b(?!\s*(?:%|percent|million|billion))(?:,?\s+"
    + _f(_YEAR, g="y1")
    + r")?",
    # 1–2 April 2025 / 3 April 2025 / 3rd of April
    r"\b"
    + _f(_DAY, g="d1")
    + r"(?:"
    + _DASH
    + _f(_DAY, g="d2")
    + r")?\s+(?:of\s+)?"
    + _f(_MONTH, g="m1")
    + r"\b(?:,?\s+"
    + _f(_YEAR, g="y1")
    + r")?",
)
_EXPLICIT = tuple(re.compile(p, re.IGNORECASE) for p in _EXPLICIT_PATTERNS)

# Relative expressions: (pattern, day offset or None for weekday logic).
_RELATIVE_WORDS: tuple[tuple[str, int], ...] = (
    (r"\btoday\b", 0),
    (r"\bthis (?:morning|afternoon|evening)\b", 0),
    (r"\btonight\b", 0),
    (r"\bthis week\b", 0),
    (r"\byesterday\b", -1),
    (r"\blast night\b", -1),
    (r"\btomorrow\b", 1),
)
_RELATIVE = tuple((re.compile(p, re.IGNORECASE), off) for p, off in _RELATIVE_WORDS)
# the words each relative pattern opens with, as written (every match holds them)
_RELATIVE_CUES = tuple(
    p.removeprefix(r"\b").split("\\")[0].split("(")[0] for p, _ in _RELATIVE_WORDS
)
_WEEKDAY = re.compile(
    r"\b(?P<last>last\s+|next\s+|this\s+|on\s+)?(?P<wd>" + "|".join(WEEKDAYS) + r")\b(?!,?\s+"
    r"(?:" + "|".join(MONTHS) + r")\b)",
    re.IGNORECASE,
)
# Future tense, including an itinerary's present ("departs on Monday and returns on Friday").
_FUTURE = re.compile(
    r"\b(?:will|to travel|to visit|is scheduled|are scheduled|plans to|departs|leaves|returns)\b",
    re.I,
)
_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")


@dataclass(frozen=True, slots=True)
class DateMention:
    """One date found in text: the (first) day it names, where, and how it was found."""

    day: date
    start: int
    end: int
    basis: str  # explicit | relative
    has_year: bool = True
    is_range: bool = False


def published_date(published: str | None, published_at: datetime | None = None) -> date | None:
    """The publisher's local calendar date: the date part of the local ISO `published` string."""
    if published:
        match = _ISO_DATE.match(published)
        if match:
            try:
                return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
            except ValueError:
                pass
    if published_at is not None:
        return published_at.date()
    return None


# How far from its release's date an engagement a sentence other than the event's own dates may
# lie: on the four labeled sets 289 of 290 dated primaries are within 31 days of publication,
# while a later sentence's day months earlier is another occasion recalled ("This meeting seeks
# to build on ... the inaugural Quad Leaders' Summit on March 12, 2021", published in August).
NEAR_PUBLICATION = timedelta(days=31)


def near_publication(day: date | None, published: date | None) -> bool:
    """Whether a day another sentence states can be the release's event: within a month of its
    publication (any day when the release is undated)."""
    return day is None or published is None or abs(day - published) <= NEAR_PUBLICATION


# A later engagement told as happening at another time than the release's own occasion, with no
# day of its own: "President Biden's upcoming visit", "during his visit to Israel in July", "his
# visit to Israel next month", "the Amir's recent visit". It does not share the primary's day.
_ANOTHER_TIME = re.compile(
    r"\b(?:upcoming|forthcoming|planned|future|recent(?:ly)?|previous"
    r"|(?:next|last)\s+(?:week|month|year)|in\s+(?-i:[A-Z])[a-z]+\b(?=\s+(?:and|to|or|,|\.)|$))",
    re.IGNORECASE,
)


def told_as_another_time(text: str, start: int, end: int) -> bool:
    """Whether the sentence at `start`..`end` places what it tells at another time: a coming or
    a recalled occasion, or a month without a day ("in July")."""
    for match in _ANOTHER_TIME.finditer(text, start, end):
        word = match.group(0)
        if not word.lower().startswith("in ") or word[3:].lower() in MONTHS:
            return True
    return False


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _infer_year(month: int, day: int, anchor: date | None) -> date | None:
    """The day with the year that lies nearest to `anchor` (publication); None if impossible."""
    if anchor is None:
        return None
    candidates = [
        d
        for y in (anchor.year - 1, anchor.year, anchor.year + 1)
        if (d := _safe_date(y, month, day))
    ]
    if not candidates:
        return None
    return min(candidates, key=lambda d: abs((d - anchor).days))


# A weekday written before a date: "on Tuesday, January 16" names the year as well.
_WEEKDAY_BEFORE = re.compile(r"\b(?P<wd>" + "|".join(WEEKDAYS) + r"),?\s*(?:the\s+)?$", re.I)


def _weekday_number(written: str) -> int:
    """The weekday a case-ignoring match names: upper-casing first folds the letters that match
    ASCII ones only when case is ignored ("frıday" with a dotless i, a long s, the Kelvin sign)."""
    return WEEKDAYS[written.upper().lower()]


def _weekday_before(text: str, start: int) -> int | None:
    found = _WEEKDAY_BEFORE.search(text, max(0, start - 14), start)
    return _weekday_number(found.group("wd")) if found else None


def _infer_year_by_weekday(month: int, day: int, weekday: int, anchor: date) -> date | None:
    """The day, among the years around publication, that falls on the weekday written with it
    ("Tuesday, January 16" published in April 2025 is 2024-01-16); None when none does."""
    candidates = [
        d
        for y in range(anchor.year - 2, anchor.year + 2)
        if (d := _safe_date(y, month, day)) and d.weekday() == weekday
    ]
    return min(candidates, key=lambda d: abs((d - anchor).days)) if candidates else None


_WRITTEN_YEAR = re.compile(r"\b(?:19|20)\d\d\b")


def _written_year(match: re.Match[str]) -> int | None:
    """Without a published date, the year the text around a yearless date writes ("the 2018
    Meeting of Consuls ..., which took place from January 4 to 11"): the nearest before it, else
    after it."""
    text = match.string
    before = list(_WRITTEN_YEAR.finditer(text, 0, match.start()))
    chosen = before[-1] if before else _WRITTEN_YEAR.search(text, match.end())
    return int(chosen.group(0)) if chosen else None


def _month_of(match: re.Match[str], group: str) -> int | None:
    value = match.groupdict().get(group)
    if value is None:
        return None
    if value.isdigit():
        return int(value)
    return MONTHS.get(value.lower().rstrip("."))


def _mention_from(match: re.Match[str], anchor: date | None) -> DateMention | None:
    groups = match.groupdict()
    written = groups.get("m1")
    if written is not None and not written[0].isupper():
        return None  # "may" the verb, not May; month names are capitalised in English
    month = _month_of(match, "m1") or _month_of(match, "m1n")
    day_text = groups.get("d1")
    if month is None or day_text is None:
        return None
    day = int(day_text)
    if groups.get("m1n") and month > 12 >= day:  # 12/31/2025: the US order after all
        month, day = day, month
    year_text = groups.get("y1")
    if year_text:
        found = _safe_date(int(year_text), month, day)
        # a range "March 30 – April 2, 2022": the year written belongs to the end; a start month
        # after the end month crosses a year boundary
        end_month = _month_of(match, "m2")
        if found and end_month is not None and end_month < month:
            found = _safe_date(int(year_text) - 1, month, day)
    else:
        weekday = _weekday_before(match.string, match.start())
        found = None
        if weekday is not None and anchor is not None:
            found = _infer_year_by_weekday(month, day, weekday, anchor)
        found = found or _infer_year(month, day, anchor)
        if found is None and anchor is None:
            year = _written_year(match)
            found = _safe_date(year, month, day) if year else None
    if found is None:
        return None
    is_range = groups.get("d2") is not None
    return DateMention(found, match.start(), match.end(), "explicit", bool(year_text), is_range)


# every explicit form holds a digit (a day, a year): a text without one is not scanned for them
_ANY_DIGIT = re.compile(r"\d")


def _explicit(text: str, anchor: date | None) -> list[DateMention]:
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    for pattern in _EXPLICIT if _ANY_DIGIT.search(text) else ():
        for match in pattern.finditer(text):
            if any(s < match.end() and match.start() < e for s, e in taken):
                continue
            mention = _mention_from(match, anchor)
            if mention is not None:
                found.append(mention)
                taken.append((match.start(), match.end()))
    return found


# A sentence end before a weekday (not the period of "Ferdinand R. Marcos" or "Mr.").
_SENTENCE_BREAK = re.compile(
    r"(?<![A-Z])(?<!Mr)(?<!Ms)(?<!Dr)(?<!Jr)(?<!Sr)(?<!St)(?<!Mrs)[.!?](?=\s)|\n"
)
# A fronted weekday whose own clause is in the future: "On Thursday, the Minister will travel".
_FRONTED = re.compile(r"\s*(?:on\s+)?$", re.IGNORECASE)
_FUTURE_AFTER = re.compile(
    r",?\s+(?:[^.;,\n]{0,60}?\s)?(?:will|shall|is\s+(?:scheduled|expected|due)\s+to"
    r"|are\s+(?:scheduled|expected|due)\s+to)\b",
    re.IGNORECASE,
)


def _weekday_day(match: re.Match[str], text: str, anchor: date) -> date:
    target = _weekday_number(match.group("wd"))
    prefix = (match.group("last") or "").strip().lower()
    breaks = [b.end() for b in _SENTENCE_BREAK.finditer(text, 0, match.start())]
    sentence_start = breaks[-1] if breaks else 0
    future = bool(_FUTURE.search(text, sentence_start, match.start())) or prefix == "next"
    if not future and _FRONTED.fullmatch(text, sentence_start, match.start()):
        future = _FUTURE_AFTER.match(text, match.end()) is not None
    if future:
        return anchor + timedelta(days=(target - anchor.weekday()) % 7)
    back = (anchor.weekday() - target) % 7
    if prefix == "last" and back == 0:
        back = 7
    return anchor - timedelta(days=back)


def _relative(text: str, anchor: date | None) -> list[DateMention]:
    if anchor is None:
        return []
    found: list[DateMention] = []
    # a pattern whose words the lower-cased text lacks finds nothing: most sentences name no
    # day, and the case-ignoring scans cost 15x a substring test (see `caseless_beyond_ascii`
    # for the texts where the test answers as the pattern)
    lowered = text.lower() if caseless_beyond_ascii(text) else None
    for (pattern, offset), words in zip(_RELATIVE, _RELATIVE_CUES, strict=True):
        if lowered is not None and words not in lowered:
            continue
        for match in pattern.finditer(text):
            day = anchor + timedelta(days=offset)
            found.append(DateMention(day, match.start(), match.end(), "relative"))
    if lowered is not None and not any(day in lowered for day in WEEKDAYS):
        return found
    for match in _WEEKDAY.finditer(text):
        day = _weekday_day(match, text, anchor)
        found.append(DateMention(day, match.start(), match.end(), "relative"))
    return found


def find_dates(text: str, anchor: date | None) -> list[DateMention]:
    """Every explicit and relative date in `text`, in text order; relative ones need `anchor`."""
    try:
        mentions = _explicit(text, anchor) + _relative(text, anchor)
    except (ValueError, OverflowError):
        return []
    return sorted(mentions, key=lambda m: (m.start, m.end))


# Words before a date that make it a bound or a background date, not the day an event happened.
# A week named without its day: "met in New York this week", "their phone conversation last
# week". It dates no engagement (GUIDE: the gold leaves such a day null), and it yields to any
# day its sentence states ("earlier this week, on Monday, September 30, 2019").
WEEK = re.compile(r"(?:(?:earlier|later)\s+)?(?:this|last|past|next)\s+week\b", re.IGNORECASE)
WEEK_RANK = 3


_NOT_EVENT_DAY = re.compile(
    r"(?:\bsince|\buntil|\bby|\bbefore|\bafter|\bthrough|\bending|\bfrom\s+\w+\s+to|[’']s)\s*$",
    re.IGNORECASE,
)
# A coming occasion that the engagement was about: its date is the subject's, not the event's
# ("discussed the upcoming Summit of the Americas, to be held June 6-10").
_DISCUSSED_OCCASION = re.compile(
    r"\b(?:discuss\w*|talked\s+about|prepar\w+\s+for|review\w*)\b[^.;]{0,60}?"
    r"\b(?:upcoming|forthcoming|next|coming)\b[^.;]{0,60}$",
    re.IGNORECASE,
)
# A gathering on whose margins an engagement was held, its days written after its name: they are
# the gathering's span, not the engagement's day ("in the margins of the 25th Commonwealth Heads
# of Government Meeting (CHOGM) taking place in London from 16-20th April, 2018, ... met with").
_MARGINS_OF = re.compile(r"\b(?:margins?|sidelines?|fringes?)\s+of\b[^.;]{0,120}$", re.IGNORECASE)
# A date used as an adjective ("the May 3 attack", "the July 25 referendum") names another event.
_ATTRIBUTIVE = re.compile(r"\s+(?!and\b|to\b|in\b|at\b|with\b|for\b|from\b|through\b)[a-z]{3,}")
# A preposition that introduces the event's own day: "met on April 3", "from May 17-20".
_EVENT_DAY_CUE = re.compile(
    r"(?:\bon|\bfrom|\bbetween|\bduring|\bdated|\bheld|\(|–|—|-|:)\s*"
    r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?(?:the\s+)?$",
    re.IGNORECASE,
)
# A relative clause between commas describes someone, not the event: ", who took office on 1 May,".
_ASIDE = re.compile(r",\s*(?:who|which|whose|where|when)\b[^,;]*,")
_TODAY_WORDS = re.compile(r"\btoday\b|\bthis (?:morning|afternoon|evening)\b|\btonight\b", re.I)


def _rank(text: str, offset: int, mention: DateMention) -> int | None:
    """Preference for `mention` (lower is better) as the event's day; None to ignore it."""
    start, end = offset + mention.start, offset + mention.end
    before = text[max(0, start - 16) : start]
    if mention.basis == "relative":
        return WEEK_RANK if WEEK.fullmatch(text, start, end) else 2
    if _NOT_EVENT_DAY.search(before):
        return None
    if _DISCUSSED_OCCASION.search(text, max(0, start - 120), start):
        return None
    if mention.is_range and _MARGINS_OF.search(text, max(0, start - 140), start):
        return None
    if (
        not mention.has_year
        and _ATTRIBUTIVE.match(text, end)
        and _weekday_before(text, start) is None  # "on Tuesday, January 16 met": a day, not a name
    ):
        return None
    return 0 if _EVENT_DAY_CUE.search(before) else 1


# A clause about an occasion still to come: its date is that occasion's, not the day of the
# event the sentence reports beside it ("held today, Sunday, August 4, 2024 ... the Council of
# Foreign Ministers, which will be held in Yaoundé on August 29-30, 2024").
_COMING_OCCASION = re.compile(
    r"\b(?:will\s+be\s+(?:held|convened|hosted)|to\s+be\s+held|will\s+take\s+place|"
    r"scheduled\s+(?:for|to))\b[^.;]{0,80}$",
    re.IGNORECASE,
)


def _coming_occasion(text: str, start: int) -> bool:
    return _COMING_OCCASION.search(text, max(0, start - 100), start) is not None


def _class(rank: int, mention: DateMention) -> int:
    """Preference class: a day introduced by a preposition or a relative word first, and of
    those, a stated range ("from April 15 to 17") over "today" (a trip reported when over); a
    week ("this week") last, as it names no day."""
    if rank == WEEK_RANK:
        return WEEK_RANK
    if rank == 1:
        return 2
    return 0 if mention.is_range else 1


# Between a relative word and the explicit date that restates it: "Tomorrow, on 21 December".
_APPOSITION = re.compile(r"[\s,(]*(?:on\s+)?(?:the\s+)?", re.IGNORECASE)


def _restated(best: DateMention, mentions: list[DateMention], text: str) -> DateMention:
    """The explicit date written right after a chosen relative word, which names its day
    exactly ("Tomorrow, on 21 December" is 21 December whatever the published date)."""
    if best.basis != "relative":
        return best
    gap = _APPOSITION.match(text, best.end)
    following = gap.end() if gap else best.end
    return next(
        (m for m in mentions if m.basis == "explicit" and m.start == following),
        best,
    )


# A date that opens its sentence: "On 10 January 2022, ..."
_FRONTED_DATE = re.compile(r"\s*(?:On\s+)?(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+)?")


def _stated_day(text: str, start: int, end: int, published: date | None) -> DateMention | None:
    """The day a release that is not an engagement states for what it reports, when the date
    opens the sentence ("On 10 January 2022 the members ... were sworn in"); a date inside the
    sentence dates its subject ("a post ... on 13 July 2022"), not the release's occasion."""
    front = _FRONTED_DATE.match(text, start, end)
    offset = (front.end() if front else start) - start
    for mention in find_dates(text[start:end], published):
        if mention.basis == "explicit" and mention.start == offset and mention.has_year:
            return mention
    return None


# What makes a date in a statement's lead sentence the day of something other than the release's
# own act: a clause of its own before it ("the attack that took place in Nice on", "which our
# member country experienced on", "following the holding of the first round on"), an agent
# ("a twitter post by Mr. X ... on"), an occasion marked ("on the occasion of the fifty-ninth
# anniversary of your independence on June 1"), officials who met (a joint statement's "met in
# Brussels on May 10": the meeting's day), or the government pronouncing on what it dates
# ("condemns the terrorist attack ... on 23 November 2018").
_SUBJECT_DATED = re.compile(
    r"\b(?:which|that|who|whose|whom|following|after|since|when|where|by|met)\b"
    r"|\b" + CUES["pronounce"] + r"\b",
    re.IGNORECASE,
)
# an occasion marked dates the day only in its own clause: "To mark the 26th Anniversary of the
# IORA, a press gathering was held on Tuesday 7th March 2023" is the gathering's day
_OCCASION_DATED = re.compile(r"\b(?:occasion|anniversary)\b[^,;]*$", re.IGNORECASE)


def _act_day(text: str, start: int, end: int, published: date | None) -> DateMention | None:
    """The day the lead sentence of a release that is not an engagement gives its own act, a
    date with its year introduced as the act's ("a press gathering was held on Tuesday 7th March
    2023", "handed over to her successor ... on October 27, 2022"), with nothing before it in
    the sentence that makes it another occasion's (`_SUBJECT_DATED`)."""
    for mention in find_dates(text[start:end], published):
        if mention.basis != "explicit" or not mention.has_year:
            continue
        at = start + mention.start
        if _rank(text, start, mention) != 0 or _coming_occasion(text, at):
            continue
        if (
            _SUBJECT_DATED.search(text, start, at) is None
            and _OCCASION_DATED.search(text, start, at) is None
            and near_publication(mention.day, published)
        ):
            return mention
        return None  # the first dated clause decides
    return None


# A headline's date names the release's own occasion ("Press Briefing (June 30, 2022)") when it
# lies in the week up to publication; an older one is a subject ("the March 1, 1990 massacre").
_HEADLINE_DAY_REACH = timedelta(days=7)


def _headline_day(title: str | None, published: date | None) -> DateMention | None:
    if not title:
        return None
    for mention in find_dates(title, published):
        if mention.basis != "explicit" or not mention.has_year:
            continue
        if published is None or timedelta(0) <= published - mention.day <= _HEADLINE_DAY_REACH:
            return mention
    return None


def event_day(
    text: str,
    spans: list[tuple[int, int]],
    published: date | None,
    title: str | None = None,
    engagement: bool = True,
    near: int = -1,
) -> tuple[date | None, str, tuple[int, int] | None, bool]:
    """The day an event happened: (day, basis, (start, end) of the cue, cue_in_title).

    `spans` are the places to look, in order of preference (the event's sentence first). An
    engagement takes the day introduced there by a preposition ("on April 3") or a relative word
    ("today"), the one nearest to `near` (the trigger's offset) when several; else a bare date
    ("traveled March 30 – April 2"); else a date in the headline; else the published date. A
    statement or remark is dated when published.
    """
    if engagement:
        for start, end in spans:
            asides = [(c.start(), c.end()) for c in _ASIDE.finditer(text, start, end)]
            ranked = [
                (_class(rank, m), abs(start + m.start - near) if near >= 0 else m.start, m)
                for m in find_dates(text[start:end], published)
                if (rank := _rank(text, start, m)) is not None
                and not any(a <= start + m.start < b for a, b in asides)
            ]
            current = [r for r in ranked if not _coming_occasion(text, start + r[2].start)]
            ranked = current or ranked
            if ranked:
                best = min(ranked, key=lambda item: (item[0], item[1]))[2]
                best = _restated(best, [m for _, _, m in ranked], text[start:end])
                return best.day, best.basis, (start + best.start, start + best.end), False
        if title:
            for m in find_dates(title, published):
                if m.basis == "explicit":
                    return m.day, "explicit", (m.start, m.end), True
    else:
        for start, end in spans[:1]:
            stated = _stated_day(text, start, end, published) or _act_day(
                text, start, end, published
            )
            if stated is not None:
                return stated.day, "explicit", (start + stated.start, start + stated.end), False
            match = _TODAY_WORDS.search(text, start, end)
            if match and published is not None:
                return published, "relative", (match.start(), match.end()), False
        headline = _headline_day(title, published)
        if headline is not None:
            return headline.day, "explicit", (headline.start, headline.end), True
    if published is not None:
        return published, "published", None, False
    return None, "none", None, False
