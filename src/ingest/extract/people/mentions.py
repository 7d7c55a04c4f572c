"""Name occurrences in a text, each with the cues that mark it as a person."""

from __future__ import annotations

import dataclasses
import re
from bisect import bisect_right
from functools import cache

from ingest.extract import gazetteer as gz
from ingest.extract.people.countries import (
    _host_country,
    _prefer,
    _with_country_after,
    _with_country_before,
    _with_delegation_country,
)
from ingest.extract.people.index import _Raw
from ingest.extract.people.lists import (
    _CAPITAL_AFTER,
    _LIST_AFTER,
    _LIST_BEFORE,
    _inherit_list_titles,
    _plural_head,
)
from ingest.extract.people.name_shape import (
    _common_words,
    _continues_a_body_name,
    _english_phrase,
    _english_word,
    _given_name,
    _glued_english_words,
    _is_organisation,
    _is_place_run,
    _looks_like_a_name,
)
from ingest.extract.people.patterns import pattern
from ingest.extract.people.titles import (
    _clean_title,
    _left_appositive,
    _left_title,
    _right_title,
    _title_token,
    _Titled,
)
from ingest.extract.people.tokens import (
    _CONNECTORS,
    _blocked_mask,
    _blocked_spans,
    _capitalised,
    _is_head_token,
    _key,
    _office_tail,
    _office_word,
    _particles,
    _Run,
    _runs,
    _title_modifier,
    _Tok,
    _tokens,
    _tokens_between,
)
from ingest.extract.text import caseless_beyond_ascii

_ATTRIBUTION = pattern("people.attribution")
# An engagement verb earlier in the sentence makes the person someone met (a counterpart);
# a bare "with" counts only close by ("engage often with the new Administration," Mr Peters said).
_MEET_BEFORE = pattern("people.engaged_before")
_WITH_NEAR = pattern("people.with_near")


_WITH_NEAR_REACH = 4 + 60 + 1  # "with", 60 characters, and a final newline "$" may stand before


# Long releases (briefing transcripts) are read in full for their first SCAN_HEAD characters;
# after that only paragraphs naming an office are, which keeps extraction a few ms per release.
SCAN_HEAD = 5000


SIGN_OFF = 300  # characters at the end of a release where a signature block may stand


def _scanned(text: str) -> str:
    """`text` with later paragraphs that name no office blanked out (offsets unchanged)."""
    if len(text) <= SCAN_HEAD:
        return text
    cut = text.find("\n", SCAN_HEAD)
    if cut < 0:
        return text
    # office words; a phrase never spans a line, so each one marks its paragraph
    offices = _office_offsets(text, cut)
    parts = [text[:cut]]
    start, k = cut, 0
    for number, paragraph in enumerate(text[cut:].split("\n")):
        if number:
            parts.append("\n")
        end = start + len(paragraph)
        while k < len(offices) and offices[k] < start:
            k += 1
        keep = k < len(offices) and offices[k] < end
        parts.append(paragraph if keep else " " * len(paragraph))
        start = end + 1
    return "".join(parts)


def _office_offsets(text: str, start: int) -> list[int]:
    """Offsets from `start` on where `gz.head_pattern()` matches, in order: in every line where
    its scan from `start` finds a match, and in no other. The heads opening on a capital are
    scanned by their own pattern (the engine skips ahead to capitals, 4x faster than over all
    heads: "minister", "head" open on common letters); the few others are found with str.find
    and checked with their pattern where they stand (in the right line, not always at the same
    offset: "prime minister" is found at its "minister")."""
    capitalised, lower, lower_heads = _head_patterns()
    offsets = [match.start() for match in capitalised.finditer(text, start)]
    for head in lower_heads:
        at = text.find(head, start)
        while at >= 0:
            if lower.match(text, at):
                offsets.append(at)
            at = text.find(head, at + 1)
    return sorted(offsets)


@cache
def _head_patterns() -> tuple[re.Pattern[str], re.Pattern[str], tuple[str, ...]]:
    """`gz.head_pattern()`'s heads in two patterns, those opening on a capital and the others
    (a head's first character decides, so at any offset the two match where the one does), and
    the others' words to search for."""
    heads = [head for head in gz._toml("offices.toml")["heads"] if head]
    lower_heads = [head for head in heads if not head[0].isupper()]
    capitalised = [head for head in heads if head[0].isupper()]
    # a head that opens or closes with another ("officials", "prime minister") needs no search
    # of its own: the pattern matches where the other stands, in the same line
    roots = tuple(
        head
        for head in lower_heads
        if not any(o != head and (head.startswith(o) or head.endswith(o)) for o in lower_heads)
    )
    return gz.phrase_regex(capitalised), gz.phrase_regex(lower_heads), roots


def _raw_mentions(text: str, *, in_title: bool) -> list[_Raw]:
    whole, text = text, _scanned(text)
    blocked = _blocked_spans(text, whole)
    tokens = _tokens(text, {start for start, _ in blocked})
    mask = _blocked_mask(tokens, blocked)
    context = _Context(text)
    raws: list[_Raw] = []
    for run in _runs(tokens, mask):
        glued = _past_glued_english_words(tokens, mask, _past_title_words(text, tokens, run))
        for k in range(run.first, glued.first):
            mask[k] = True  # the office's or body's words: a title's, never a name's
        run = glued
        raw = _raw_from_run(context, tokens, mask, run, in_title=in_title)
        if raw is not None:
            raws.append(raw)
    return _inherit_list_titles(_join_inverted_names(raws, text), text)


def _past_title_words(text: str, tokens: list[_Tok], run: _Run) -> _Run:
    """The run less a first word that belongs to what stands before the name: a salutation
    ("Dear Tony"), an acronym the release defines in parentheses as a title ("Senior Bureau
    Official (SBO) Harry Kamian ... SBO Kamian"), or the name of the office holder a title's
    head names after "to" or "of" ("Economic Advisor to President Ramaphosa Trudi Makhaya":
    the advisor is Trudi Makhaya; a given name stays, "Advisor to President Joe Biden"; no
    title's head before "of": "the inauguration of President Anura Kumara Dissanayake")."""
    if run.last == run.first:
        return run
    first = tokens[run.first].text
    if _key(first) in _SALUTATIONS:
        return _Run(run.first + 1, run.last)
    if _ACRONYM.fullmatch(first) and f"({first})" in text:
        return _Run(run.first + 1, run.last)
    if (
        run.last - run.first >= 2
        and run.first >= 3
        and _is_head_token(tokens[run.first - 1])
        and _capitalised(tokens[run.first - 1].text)
        and tokens[run.first - 2].text in _HOLDER_OF
        and _is_head_token(tokens[run.first - 3])  # a title's own head: "Advisor to", not "of"
        and not _given_name(first)
    ):
        return _Run(run.first + 1, run.last)
    return run


# what opens a letter or an address to someone, not their name
_SALUTATIONS = frozenset({"dear"})
_ACRONYM = re.compile(r"[A-Z]{2,6}")
# "Advisor to President X", "Chief of Staff of President X": the title names another holder
_HOLDER_OF = frozenset({"to", "of"})


def _past_glued_english_words(tokens: list[_Tok], mask: list[bool], run: _Run) -> _Run:
    """The run less English words glued before the name ("Even Dmitry Medvedev"), or less a
    regnal number, which closes a name and never opens one: the office's ("Brunei's Foreign
    Minister II Erywan Yusof")."""
    if run.last > run.first and _REGNAL.fullmatch(tokens[run.first].text):
        run = _Run(run.first + 1, run.last)
    if run.last - run.first < 2:
        return run  # the common case: one or two words, nothing to cut (a name keeps one)
    words = tuple([t.text for t in tokens[run.first : run.last + 1]])
    if any(w in '“”"' for w in words):
        return run  # a quoted nickname: "Benjamin “Benny” Gantz"
    # "Special Envoy for the Northern Triangle Ricardo Zuniga": an office's modifier before
    before = run.first - 1
    after_modifier = (
        before >= 0
        and _capitalised(tokens[before].text)
        and (_title_modifier(tokens[before]) or _office_tail(tokens, mask, before))
    )
    return _Run(run.first + _glued_english_words(words, after_modifier), run.last)


def _headline_words_cut(raws: list[_Raw], title: str, body: str) -> list[_Raw]:
    """A headline capitalises every word, so a run there can close on headline words ("PM
    Mottley Next Week", "Secretary Raimondo Co-Host Supply Chain Ministerial"). A headline run
    ends before its first word after the first that is a common word by the body's own
    writing: the body never writes it capitalised and writes it, or another form of it, in
    lower case, or it is a common English word (data/common_words.txt) the body does not
    capitalise. A name the body never repeats ("... with David Muir", a transcript) keeps its
    words; a run is never cut to nothing."""
    lowered = body.lower()
    if not body.strip() or len(lowered) != len(body):
        return raws  # no body; or a letter whose lower case is longer ("İ"): offsets differ
    kept: list[_Raw] = []
    for raw in raws:
        words = title[raw.start : raw.end].split()
        if len(words) != len(raw.tokens):
            kept.append(raw)  # quotes or glued tokens: no word-for-token cut
            continue
        # the first headline word after the name's first word ends it: "Raimondo Co-Host
        # Supply Chain"; a lower-case word ("von der Leyen") is the name's own particle
        count = next(
            (
                k
                for k in range(1, len(words))
                if words[k][:1].isupper()
                and words[k].lower() not in _particles()  # "Al Thani", "Bin Mubarak"
                and _headline_word(body, lowered, words[k])
            ),
            len(words),
        )
        if count == len(words):
            kept.append(raw)
            continue
        end = raw.start + len(" ".join(words[:count]))
        # a cue that reads only a full name ("Meeting with Muslim Frontline Workers") does not
        # hold for the one word left
        lost = count == 1 and raw.rule in _FULL_NAME_CUES
        kept.append(
            dataclasses.replace(
                raw, tokens=raw.tokens[:count], name=title[raw.start : end], end=end,
                possessive=False, cue=raw.cue and not lost, rule="" if lost else raw.rule,
            )
        )  # fmt: skip
    return kept


# rules that mark only a run of two words or more (`_raw_from_run`)
_FULL_NAME_CUES = frozenset({"person.with_name", "person.subject_verb", "person.engaged_object"})


_ROMAN = re.compile(r"[IVXL]+")  # a regnal number


_REGNAL = re.compile(r"[IVX]{2,4}")  # "II", "III": not "I" or "V", initials without a dot


def _headline_word(body: str, lowered: str, word: str) -> bool:
    """Whether the body shows `word` of a headline to be a common word, not a name's: the
    body writes it, or a verb's or noun's other form of it ("Selects": "selected", "Co-Host":
    "co-hosted"), in lower case and never capitalised."""
    bare = re.sub(r"[’']s$", "", word)
    if (
        not bare.replace("-", "").isalpha()
        or _ROMAN.fullmatch(bare)
        or _key(bare) in gz.office_words().name_suffixes
    ):
        return False  # "Abdullah II", "Jr": a name's own closing word
    written = False
    for at in _whole_word_offsets(lowered, bare.lower()):
        if body[at].isupper():
            return False  # "Brown", "May": the body writes it as a name
        written = True
    # another form written capitalised names a body, not a person: "Senate Select Committee"
    written = written or any(body[at].islower() for at in _inflected_offsets(lowered, bare.lower()))
    return written or _key(bare) in _common_words()


_INFLECTIONS = ("", "s", "es", "ed", "d", "ing", "e", "ion", "ions")  # "select" + "ions"


_STEM_MIN = 4  # a shorter stem is a syllable of many words


def _inflected_offsets(lowered: str, word: str) -> list[int]:
    """Where `word` (lower case) stands in `lowered` as its stem (less a plural's or third
    person's "s") with an inflection after it, or none ("selects": "select", "selected")."""
    found: list[int] = []
    stem = word[:-1] if word.endswith("s") and not word.endswith("ss") else word
    if len(stem) < _STEM_MIN:
        return found
    at = lowered.find(stem)
    while at >= 0:
        end = at + len(stem)
        if at == 0 or not lowered[at - 1].isalnum():
            tail = end
            while tail < len(lowered) and lowered[tail].isalpha():
                tail += 1
            if lowered[end:tail] in _INFLECTIONS:
                found.append(at)
        at = lowered.find(stem, at + 1)
    return found


def _whole_word_offsets(lowered: str, word: str) -> list[int]:
    """Where `word` (lower case) stands as a whole word in `lowered` (a lower-cased text): a
    plain string scan, no pattern compiled per word."""
    found = []
    at = lowered.find(word)
    while at >= 0:
        end = at + len(word)
        if (at == 0 or not lowered[at - 1].isalnum()) and (
            end == len(lowered) or not lowered[end].isalnum()
        ):
            found.append(at)
        at = lowered.find(word, at + 1)
    return found


_INVERTED_GAP = re.compile(r"[ \t]*,[ \t]*$")


_INVERTED_AFTER = re.compile(r"[ \t]*,|[ \t]+(?!and\b|or\b)[a-z]")


_HYPHENATED_GIVEN = re.compile(r"[A-Z][a-z]+-[a-z]+")  # "Kyung-wha", "Jae-in"


def _join_inverted_names(raws: list[_Raw], text: str) -> list[_Raw]:
    """A surname written first and the given names after a comma, one person:
    "Minister of Foreign Affairs Kang, Kyung-wha had ...", "Mr. Lavrov, Sergey Viktorovich,
    Minister of ...". An East Asian given name (hyphenated, or after a surname in capitals) keeps
    the written order ("Kang Kyung-wha"); other names read given names first ("Sergey
    Viktorovich Lavrov"). The given names must be named nowhere else: "Minister Kang, Motegi
    and ..." is a list."""
    if len(raws) < 2:
        return raws
    firsts: dict[str, int] = {}
    for raw in raws:
        for token in raw.tokens:
            firsts[token] = firsts.get(token, 0) + 1
    out: list[_Raw] = []
    k = 0
    while k < len(raws):
        surname = raws[k]
        given = raws[k + 1] if k + 1 < len(raws) else None
        if (
            given is not None
            and surname.cue
            and len(surname.tokens) == 1
            and not surname.possessive
            and 1 <= len(given.tokens) <= 3
            and (given.titled is None or given.titled.start > given.start)
            and (surname.titled is None or surname.titled.start < surname.start)
            and _INVERTED_GAP.match(text, surname.end, given.start) is not None
            and _INVERTED_AFTER.match(text, given.end) is not None
            and all(firsts[t] == 1 for t in given.tokens)
        ):
            east_asian = (
                _HYPHENATED_GIVEN.fullmatch(given.name) is not None or surname.name.isupper()
            )
            if east_asian:
                tokens, name = surname.tokens + given.tokens, f"{surname.name} {given.name}"
            else:
                tokens, name = given.tokens + surname.tokens, f"{given.name} {surname.name}"
            out.append(
                dataclasses.replace(
                    surname,
                    tokens=tokens,
                    name=name,
                    end=given.end,
                    titled=surname.titled or given.titled,
                    possessive=given.possessive,
                )
            )
            k += 2
            continue
        out.append(surname)
        k += 1
    return out


class _Context:
    """A text, the sentence around an offset (one pass over the text's sentence ends, made when
    first asked) and per-sentence facts computed once."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._hosts: dict[int, str | None] = {}
        self._attributed: dict[int, bool] = {}
        self._ends: list[int] | None = None

    def sentence(self, offset: int) -> tuple[int, int]:
        if self._ends is None:
            text = self.text
            self._ends = [
                m.end()
                for m in _SENTENCE_END.finditer(text)
                # only a period can close an abbreviation: no call for the other ends
                if text[m.start()] != "." or not _is_abbreviation_end(text, m.start())
            ]
        ends = self._ends
        k = bisect_right(ends, offset)
        start = ends[k - 1] if k > 0 else 0
        end = ends[k] if k < len(ends) else len(self.text)
        return start, end

    def attributed(self, span: tuple[int, int]) -> bool:
        """Whether the sentence at `span` attributes a readout ("according to", "readout by")."""
        if span[0] not in self._attributed:
            self._attributed[span[0]] = _attributes_a_readout(self.text, *span)
        return self._attributed[span[0]]

    def host_country(self, span: tuple[int, int]) -> str | None:
        if span[0] not in self._hosts:
            self._hosts[span[0]] = _host_country(self.text, *span)
        return self._hosts[span[0]]


# r"[.!?][\"”’)]*\s+|\n" with one character class first, so the engine skips ahead to those
# characters; the look-behinds then pick the branch (1.7x faster over the corpus)
# Every match of the case-ignoring attribution pattern opens with one of these words
# (tests/extract/test_speedups.py holds them to the data file's pattern).
ATTRIBUTION_WORDS = ("attributable", "according", "said", "says", "readout")


def _attributes_a_readout(text: str, start: int, end: int) -> bool:
    """`_ATTRIBUTION.search(text, start, end)`, answered by substring tests of the lower-cased
    sentence when it holds none of the words (most sentences: the case-ignoring scan costs
    ~15x the tests); `caseless_beyond_ascii` says where the tests answer as the pattern."""
    sentence = text[start:end]
    if caseless_beyond_ascii(sentence):
        lowered = sentence.lower()
        if not any(word in lowered for word in ATTRIBUTION_WORDS):
            return False
    return _ATTRIBUTION.search(text, start, end) is not None


_SENTENCE_END = re.compile(r"[.!?\n](?:(?<=[.!?])[\"”’)]*\s+|(?<=\n))")


_ABBREVIATED = re.compile(
    r"(?:\b[A-Z]|\b(?:Mr|Mrs|Ms|Dr|St|Jr|Sr|Lt|Gen|Hon|Rt|Amb|Prof|Smt|U\.S|H\.E|H\.H|D\.C))$"
)


def _is_abbreviation_end(text: str, dot: int) -> bool:
    """A period closing "Mr", "Dr", "U.S" or an initial, not a sentence."""
    return text[dot] == "." and _ABBREVIATED.search(text, max(0, dot - 4), dot) is not None


def _raw_from_run(
    context: _Context, tokens: list[_Tok], mask: list[bool], run: _Run, *, in_title: bool
) -> _Raw | None:
    text = context.text
    name_toks = tokens[run.first : run.last + 1]
    start, end = name_toks[0].start, name_toks[-1].end
    name = text[start:end]
    folded = tuple([_key(t.text) for t in name_toks if t.text not in '“”"'])
    if len(name_toks) == 1 and _plainly_bare(tokens, mask, run):
        # the common case: "Rutte", "Washington", a capitalised word with nothing around it
        # that could mark a person; kept only to resolve to someone named elsewhere
        possessive = name_toks[-1].possessive
        return _Raw(folded, name, start, end, None, False, possessive, in_title, False, False,
                    None, False)  # fmt: skip
    left = _left_title(tokens, mask, run.first, text)
    after = run.last + 1
    while after < len(tokens) and _key(tokens[after].text) in gz.office_words().name_suffixes:
        after += 1
    right = _right_title(tokens, mask, after, text)
    left_rule = "person.title_before"
    if left is None and right is None:
        left = _left_appositive(tokens, mask, run.first, text)
        left_rule = "person.appositive_before"
    preferred = _prefer(left, right)
    title_rule = _title_rule(preferred, left, right, left_rule)
    titled = _with_country_after(preferred, text, tokens[after - 1].end)
    titled = _with_delegation_country(titled, text, start)
    titled = _with_country_before(titled, text)
    prev = tokens[run.first - 1].text if run.first > 0 else ""
    honorific = run.first > 0 and _key(prev) in gz.office_words().honorifics
    s_start, s_end = context.sentence(start)
    before = text[s_start:start]
    # the cue words end where the trailing space of `before` begins: search from there only
    cue_from = max(0, len(before.rstrip()) - 4)
    with_cue = len(name_toks) >= 2 and _WITH_BEFORE.search(before, cue_from) is not None
    verb_cue = (
        len(name_toks) >= 2
        and not name_toks[-1].possessive
        and _SUBJECT_VERB.match(text, end) is not None
        and not any(_key(t.text) in gz.office_words().words for t in name_toks)
    )  # "Vladimir Putin had a telephone conversation with ..."
    # "met today with the US Acting-Ambassador to the Republic of Yemen Kathy Westly", "met
    # with the representative of FAO in Yemen, Hussein Jadin": a full name closing a title or an
    # apposition that an engagement verb earlier in the sentence governs is someone met, though
    # no office word stands right before it
    object_cue = (
        len(name_toks) >= 2
        and not with_cue
        and run.first > 0
        # right after the country or body closing the title, or the comma after it (in a
        # list, "former ministers A, B and C", a name stands after a name and the list's title)
        and (
            mask[run.first - 1]
            or (tokens[run.first - 1].text == "," and run.first >= 2 and mask[run.first - 2])
        )
        and _office_after_engagement(before)
        and not text.startswith(";", end)  # "of Colombia, A; of Brazil, B": a list of its own
        # no word a common one: "His Royal Highness", "Jesuit Father X"
        and not any(_key(t.text) in _common_words() for t in name_toks)
    )
    if _institution_follows(tokens, after, in_title=in_title):
        return None  # "the Communist Party", "Hagley Museum": an organisation or place
    if _is_organisation(name):
        return None  # "the seventh Commonwealth Secretary-General": the body, not a person
    if left is not None and _continues_a_body_name(tokens, mask, run, left.start):
        return None  # "Secretary General of the Muslim World League": the rest of the body's name
    opens_sentence = run.first == 0 or tokens[run.first - 1].punct
    if left is None and len(name_toks) == 1 and opens_sentence and not honorific:
        titled = None  # "Later, the Secretary General met ...": an adverb, not an appositive
    cue = (titled is not None and titled.has_head) or honorific or with_cue or verb_cue
    cue = cue or object_cue
    line_start = text.rfind("\n", 0, start) + 1
    # a byline heads a release; a sign-off ("Name\nSpokesperson\nMinistry ...") closes it
    edge = start <= 400 or start >= len(text) - SIGN_OFF
    stacked = None if in_title or not edge else _title_on_next_line(text, line_start, start, end)
    cue = cue or (stacked is not None and len(name_toks) >= 2)
    if (
        cue
        and not honorific
        and (
            left is None
            or not left.has_head
            # a surname after its office is a person: "Assistant Secretary for Consular Affairs
            # Bitter", "Minister for Europe and North America Cleverly"; and so is a name after
            # a comma: "the Minister of State for the Presidency ..., Agio Pereira"
            or (
                len(name_toks) > 1
                and not tokens[run.first - 1].punct
                and not _is_head_token(tokens[run.first - 1])
            )
            or _portfolio_goes_on(tokens, run)
        )
        and _english_phrase(tuple([t.text for t in name_toks if t.text not in '“”"']))
    ):
        # "Specialty Occupation", "Geological Survey": English words, no title before; or not
        # right after its head, so more of the office ("Special Envoy for the Global Coalition
        # to Defeat ISIS", "Minister for Higher Education, Scientific Research")
        cue = False
    if cue and run.first > 0 and tokens[run.first - 1].text == "to" and _infinitive(name_toks):
        cue = False  # "the Global Coalition to Defeat Daesh": a verb's object, no person
    if not cue:
        # a bare capitalised run: kept only to resolve to someone named elsewhere, or a person
        # when it stands in one list with a named person ("Ministers A B, C D and E F")
        listable = (
            len(name_toks) >= 2
            and (_LIST_AFTER.match(text, end) is not None or _LIST_BEFORE.search(before, cue_from))
            and _CAPITAL_AFTER.match(text, end) is None  # "Raymond Vernon Fellow": a title's
            and not any(_plural_head(t.text) for t in name_toks)  # "Presidents Rafael Correa"
            and not _is_place_run(text, tokens, run, name)
            and _looks_like_a_name(text, name_toks, name)
        )
        return _Raw(
            folded,
            name,
            start,
            end,
            None,
            False,
            name_toks[-1].possessive,
            in_title,
            False,
            False,
            None,
            False,
            listable=bool(listable),
        )
    if _is_place_run(text, tokens, run, name):
        return None
    if not _looks_like_a_name(text, name_toks, name):
        # "Working Lunch", "June 29", "AffairsBureau": kept only to resolve to someone named
        return _Raw(folded, name, start, end, None, False, name_toks[-1].possessive, in_title,
                    False, False, None, False)  # fmt: skip
    if stacked is not None:
        # "Senator the Hon Penny Wong\nMinister for Foreign Affairs": a byline block
        titled = _Titled(stacked.title, stacked.affiliation, stacked.start, True)
    byline = (
        stacked is not None
        or (
            right is not None
            and not in_title
            and _only_honorifics(text[line_start:start])  # "The Hon Pat Conroy MP, Minister ..."
            and start < 400
            and "\n" in text[end : end + 200]
            and text.find("\n", end) - end < 100
        )
    )
    near = max(0, len(before) - _WITH_NEAR_REACH)
    meets = _MEET_BEFORE.search(before) is not None or _WITH_NEAR.search(before, near) is not None
    return _Raw(
        tokens=folded,
        name=name,
        start=start,
        end=end,
        titled=titled,
        cue=True,
        possessive=name_toks[-1].possessive,
        in_title=in_title,
        byline=byline,
        attribution=context.attributed((s_start, s_end)) and not in_title,
        object_country=context.host_country((s_start, s_end)) if meets else None,
        is_object=meets,
        shouted=all(t.text.isupper() for t in name_toks if t.text[:1].isalpha()),
        lone=len(name_toks) == 1
        and not honorific
        and stacked is None
        and not _names_a_lone_word(tokens, run, left is not None and titled is not None, in_title),
        rule=(
            "person.byline_block"
            if stacked is not None
            else title_rule
            if titled is not None and titled.has_head
            else "person.honorific"
            if honorific
            else "person.with_name"
            if with_cue
            else "person.engaged_object"
            if object_cue and not verb_cue
            else "person.subject_verb"
        ),
    )


def _portfolio_goes_on(tokens: list[_Tok], run: _Run) -> bool:
    """Whether a run after a comma is one item of a portfolio the office lists on: another
    comma and a capitalised word that opens no office follow it ("Minister for Higher
    Education, Adult Education, Scientific Research, University Hospitals, Youth Welfare"). A
    name there stands at the list's end, before the next office or the sentence's end."""
    after = run.last + 1
    return (
        run.first > 0
        and tokens[run.first - 1].text == ","
        and after + 1 < len(tokens)
        and tokens[after].text == ","
        and not tokens[after + 1].punct
        and _capitalised(tokens[after + 1].text)
        and not _office_word(tokens[after + 1])
        and _key(tokens[after + 1].text) not in gz.office_words().honorifics
    )


def _infinitive(name_toks: list[_Tok]) -> bool:
    """Whether a run after "to" opens with an English word (a verb: "Defeat Daesh"), not a
    given name ("to Mark Green") nor an office ("to President Ramaphosa")."""
    return len(name_toks) > 1 and _english_word(name_toks[0].text)


def _office_after_engagement(before: str) -> bool:
    """Whether an engagement verb in `before` (the sentence up to a name) is followed by an
    office word: the name closes the title of someone met ("met with the representative of
    FAO in Yemen, Hussein Jadin"), not a thing named after a country ("will meet with senior
    officials ... over the Grand Ethiopian Renaissance Dam": an office in the plural names no
    one)."""
    engaged = _MEET_BEFORE.search(before)
    if engaged is None:
        return False
    offices = gz.head_pattern().finditer(before, engaged.end())
    return any(not office.group().lower().endswith("s") for office in offices)


def _names_a_lone_word(tokens: list[_Tok], run: _Run, titled_before: bool, in_title: bool) -> bool:
    """Whether a title marks a single capitalised word as a name: the title's last word, written
    capitalised, or the comma closing it, stands right before it ("President Truman",
    "Secretary of Defense Austin") or a comma sets a title after it, and no capitalised word
    follows. A lone word after a connector or article, or before "Operations", "Union",
    "Command", is part of the name of an office or body: "for Conflict and Stabilization
    Operations", "Envoy to Monitor", "the Chancellery". Headlines capitalise every word, and a
    possessive ends the name ("Biden's Meeting")."""
    after = run.last + 1
    continued = after < len(tokens) and not tokens[after].punct and _capitalised(tokens[after].text)
    if continued and not in_title and not tokens[run.last].possessive:
        return False
    if not titled_before:
        return after < len(tokens) and tokens[after].text == ","  # "Rutte, Secretary General"
    # "Secretary of Defense Austin"; "Japan's Minister for Foreign Affairs, Iwaya,"
    return run.first > 0 and (
        _capitalised(tokens[run.first - 1].text) or tokens[run.first - 1].text == ","
    )


def _title_rule(
    preferred: _Titled | None, left: _Titled | None, right: _Titled | None, left_rule: str
) -> str:
    """The rule id of the title that marks a name: the one written before it, or after it."""
    if preferred is None or left is None:
        return "person.apposition"
    if right is None or preferred.title != right.title or preferred.title == left.title:
        return left_rule
    return "person.apposition"


def _only_honorifics(prefix: str) -> bool:
    words = gz.office_words().honorifics | {"the"}
    return all(_key(w) in words for w in prefix.split())


def _title_on_next_line(text: str, line_start: int, start: int, end: int) -> _Titled | None:
    """The office on the line under a name that stands alone on its line (with honorifics)."""
    words = gz.office_words()
    prefix = text[line_start:start].split()
    if any(_key(w) not in _byline_prefixes() for w in prefix):
        return None
    line_end = text.find("\n", end)
    if line_end < 0 or any(_key(w) not in words.name_suffixes for w in text[end:line_end].split()):
        return None
    match = _NEXT_LINE.match(text, line_end)
    if not match:
        return None
    line = match.group("line").strip()
    if len(line) > 90 or line.endswith((".", ":")) or not gz.head_pattern().search(line):
        return None
    found: list[_Tok] = []
    _tokens_between(text, match.start("line"), match.end("line"), found)
    return _clean_title(text, found) if found else None


@cache
def _byline_prefixes() -> frozenset[str]:
    """Folded words that may stand before a name heading a byline block."""
    words = gz.office_words()
    return words.honorifics | words.heads | {"the"}


_NEXT_LINE = re.compile(r"\n[ \t]*\n?[ \t]*(?P<line>[^\n]+)")


def _plainly_bare(tokens: list[_Tok], mask: list[bool], run: _Run) -> bool:
    """No title, honorific or comma right before a one-word run, no comma right after it."""
    if run.first > 0:
        prev = tokens[run.first - 1]
        if prev.text == "," or (
            not prev.punct
            and (
                _title_token(prev, mask[run.first - 1])
                or _key(prev.text) in gz.office_words().honorifics
                or prev.text.lower() in _CONNECTORS
            )
        ):
            return False
    nxt = tokens[run.last + 1] if run.last + 1 < len(tokens) else None
    return nxt is None or (
        nxt.text != "," and _key(nxt.text) not in gz.office_words().name_suffixes
    )


def _institution_follows(tokens: list[_Tok], after: int, *, in_title: bool) -> bool:
    """Whether an institution's head noun closes the capitalised words after a run: "Hagley
    Museum", "St. Jude Children’s Research Hospital" (a few words between in a release's body;
    only the next word after a possessive, "President Biden’s Emergency Plan for ...", what the
    person has, and in a headline, which capitalises every word: "Blinken Visits Hospital")."""
    possessive = after > 0 and tokens[after - 1].possessive
    reach = 1 if in_title or possessive else _INSTITUTION_REACH
    words = gz.office_words()
    for k in range(after, min(after + reach, len(tokens))):
        tok = tokens[k]
        if tok.punct or not _capitalised(tok.text):
            return False
        key = _key(tok.text)
        if key in words.institutions:
            return True
        if key in _CLOSING_INSTITUTION_WORDS and _phrase_ends(tokens, k + 1):
            return True  # "with B.L. Harbert International as general contractor"
        if key in words.heads or key in words.honorifics:
            return False  # "X Foreign Minister", "X Dr. Y": an office or the next person
    return False


_INSTITUTION_REACH = 4  # "Children’s Research Hospital": the body's words before its head


# office words that close a body's or firm's name when no capitalised word follows them
# ("Amnesty International"); inside an office they stand before more ("International Cooperation")
_CLOSING_INSTITUTION_WORDS = frozenset({"international"})


def _phrase_ends(tokens: list[_Tok], k: int) -> bool:
    return k >= len(tokens) or tokens[k].punct or not _capitalised(tokens[k].text)


_SUBJECT_VERB = pattern("people.subject_verb")
_WITH_BEFORE = pattern("people.with_before")
