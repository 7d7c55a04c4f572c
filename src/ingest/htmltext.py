"""HTML fragments from feeds to plain text: one paragraph per line, entities decoded, code dropped.

Regex-based on purpose: feed bodies are small, trusted-to-be-sloppy fragments that we never render,
and a tokenising parser costs ~10x more per entry (see benchmarks/bench_parse.py). Full article
pages go through trafilatura instead (ingest.article).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from itertools import groupby

_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.DOTALL)
_CDATA = re.compile(r"<!\[CDATA\[(.*?)\]\]>", re.DOTALL)
# tags that end a paragraph or line when rendered: they become a line break
BLOCK_TAGS = (
    "address article aside blockquote br caption dd div dl dt figcaption figure footer form "
    "h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section table tbody td tfoot th thead "
    "tr ul"
).split()


def _alternation(words: Iterable[str]) -> str:
    """A regex alternation of words grouped by first letter ("d(?:iv|d|l|t)|..."): at each '<'
    the engine tries 14 branches instead of 40 block tags (22 -> 16 us per 5 KB release)."""
    groups = []
    for first, group in groupby(sorted(words), key=lambda word: word[:1]):
        rests = sorted((word[1:] for word in group), key=len, reverse=True)  # longest first
        tails = "|".join(map(re.escape, rests))
        groups.append(re.escape(first) + (f"(?:{tails})" if tails else ""))
    return "|".join(groups)


# elements whose content is never text a reader sees
INVISIBLE_TAGS = "script style noscript template svg math iframe object head".split()
_INVISIBLE = re.compile(
    rf"<({_alternation(INVISIBLE_TAGS)})\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL
)
_BLOCK = re.compile(rf"</?(?:{_alternation(BLOCK_TAGS)})\b[^>]*>", re.IGNORECASE)
# any other tag (a letter, '/', '!' or '?' right after '<'); a bare '<' in text is kept
_TAG = re.compile(r"<[A-Za-z/!?][^>]*>")
# what str.splitlines breaks on besides "\n"
_LINE_BREAKS = re.compile("[\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
# whitespace to str.split (the same set as re's \s) other than " " and "\n"; every character of
# it is non-printable to str.isprintable
_OTHER_SPACES = re.compile(r"[^\S \n]")
_SPACE_RUNS = re.compile("  +")


def html_to_text(fragment: str | None) -> str:
    """Plain text of an HTML fragment: paragraphs as lines joined by "\\n", whitespace collapsed.

    Never raises; empty or markup-only input gives "".
    """
    if not fragment:
        return ""
    text = fragment
    if "<" in text:
        if "<!" in text:  # comments and CDATA are rare in feed bodies: skip two scans
            text = _COMMENT.sub("", text)
            text = _CDATA.sub(r"\1", text)
        text = _INVISIBLE.sub("", text)
        text = _BLOCK.sub("\n", text)
        text = _TAG.sub("", text)
    if "&" in text:
        text = html.unescape(text)
    return normalise_lines(text)


def plain_to_text(value: str | None) -> str:
    """A text/plain body: only whitespace is normalised (no tags or entities to decode)."""
    return normalise_lines(value or "")


def normalise_lines(text: str) -> str:
    """Collapse whitespace inside lines, drop empty lines, join with "\\n".

    The same as joining `" ".join(line.split())` over `text.splitlines()`, without making a
    string per word (that was ~60 us of a 5 KB release). Printable lines hold no whitespace but
    spaces; when a line is not printable, line breaks other than "\\n" become "\\n" and other
    whitespace (tabs, U+2028, ...) a space first.
    """
    if "\xa0" in text:  # the no-break space of &nbsp;: the one common non-printable whitespace
        text = text.replace("\xa0", " ")
    lines = text.split("\n")
    if not all(map(str.isprintable, lines)):
        lines = _OTHER_SPACES.sub(" ", _LINE_BREAKS.sub("\n", text)).split("\n")
    text = "\n".join(filter(None, map(str.strip, lines)))
    return _SPACE_RUNS.sub(" ", text) if "  " in text else text


def html_to_line(fragment: str | None) -> str:
    """A one-line text (titles): tags stripped, entities decoded, all whitespace collapsed."""
    return html_to_text(fragment).replace("\n", " ")  # lines are already stripped and collapsed
