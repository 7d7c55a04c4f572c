"""HTML fragments from feeds to plain text: one paragraph per line, entities decoded, code dropped.

Regex-based on purpose: feed bodies are small, trusted-to-be-sloppy fragments that we never render,
and a tokenising parser costs ~10x more per entry (see benchmarks/bench_parse.py). Full article
pages go through trafilatura instead (ingest.article).
"""

from __future__ import annotations

import html
import re

# elements whose content is never text a reader sees
_INVISIBLE = re.compile(
    r"<(script|style|noscript|template|svg|math|iframe|object|head)\b[^>]*>.*?</\1\s*>",
    re.IGNORECASE | re.DOTALL,
)
_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.DOTALL)
_CDATA = re.compile(r"<!\[CDATA\[(.*?)\]\]>", re.DOTALL)
# tags that end a paragraph or line when rendered: they become a line break
BLOCK_TAGS = (
    "address article aside blockquote br caption dd div dl dt figcaption figure footer form "
    "h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section table tbody td tfoot th thead "
    "tr ul"
).split()
_BLOCK = re.compile(rf"</?(?:{'|'.join(BLOCK_TAGS)})\b[^>]*>", re.IGNORECASE)
# any other tag (a letter, '/', '!' or '?' right after '<'); a bare '<' in text is kept
_TAG = re.compile(r"<[A-Za-z/!?][^>]*>")


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
    """Collapse whitespace inside lines, drop empty lines, join with "\\n"."""
    # splitlines also breaks on \r, \x0b, \x0c, \x1c-\x1e, \x85, \u2028 and \u2029
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def html_to_line(fragment: str | None) -> str:
    """A one-line text (titles): tags stripped, entities decoded, all whitespace collapsed."""
    return " ".join(html_to_text(fragment).split())
