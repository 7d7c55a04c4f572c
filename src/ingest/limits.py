"""The size limit of one document: text past max_document_chars is cut at a paragraph boundary.

Extraction's memory and time grow with the text (measured on main: a 20 MB release took 15 s
and 500 MB, a 50 MB one passed 3 GB), so every stage that makes a Document (a feed entry, a
JSONL line, a saved or fetched page, `ingest extract`'s input) cuts its text to the limit
before anything else holds it. The longest real releases are under 80,000 characters (the
2,025 of the State Department corpus); the default keeps them whole with room to spare.

A cut keeps a prefix of the text (evidence offsets stay valid in the uncut text too) and ends
at a paragraph break; a paragraph longer than half the limit is cut at a sentence end, then a
space. The document says so: `is_text_cut`, and `original_text_chars` its length before.
"""

from __future__ import annotations

import dataclasses
import re

from ingest.records import Document

DEFAULT_MAX_DOCUMENT_CHARS = 200_000
# a page's HTML is cut to this many times the text limit before its main text is extracted:
# markup, navigation and scripts take room, and trafilatura holds a tree of the whole page
# (measured: 20 MB of HTML, 725 MB peak RSS)
PAGE_CHARS_PER_TEXT_CHAR = 10
SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*(?=\s)")


def cut_text(text: str, max_chars: int) -> str:
    """text itself within max_chars, else its longest prefix ending at a paragraph break.

    Breaks in the first half of the limit would waste it: then the prefix ends at the last
    sentence end, else the last space, else at max_chars itself.
    """
    if len(text) <= max_chars:
        return text
    floor = max_chars // 2
    end = text.rfind("\n", floor, max_chars + 1)
    if end < 0:
        ends = [m.end() for m in SENTENCE_END.finditer(text, floor, max_chars + 1)]
        ends = [e for e in ends if e <= max_chars]
        end = ends[-1] if ends else text.rfind(" ", floor, max_chars + 1)
    if end < 0:
        end = max_chars
    return text[:end].rstrip()


def limit_document(document: Document, max_chars: int, *, page_cut: bool = False) -> Document:
    """The document with its text (and summary) cut to max_chars; itself when within.

    `page_cut`: the text came from a page cut before extraction (`cut_page`), so it may be
    short of the page's whole text, whose length is then unknown. The content hash is left
    alone: makers of documents hash what they store after the cut, and a stored document
    re-extracted keeps the hash of its stored version.
    """
    text = cut_text(document.text, max_chars)
    summary = None if document.summary is None else cut_text(document.summary, max_chars)
    if text is document.text and summary is document.summary and not page_cut:
        return document
    return dataclasses.replace(
        document,
        text=text,
        summary=summary,
        is_text_cut=document.is_text_cut or page_cut or text is not document.text,
        original_text_chars=(
            len(document.text) if text is not document.text else document.original_text_chars
        ),
    )


def cut_page(html: str, max_text_chars: int) -> tuple[str, bool]:
    """A page's HTML cut before a tag so its text extraction stays bounded; (html, was it cut)."""
    limit = max_text_chars * PAGE_CHARS_PER_TEXT_CHAR
    if len(html) <= limit:
        return html, False
    end = html.rfind("<", 0, limit + 1)
    return html[: end if end > 0 else limit], True
