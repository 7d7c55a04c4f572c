"""Make feedparser 6 faster on our feeds without changing what it returns.

feedparser is the parser (see the architecture notes); these adjustments change how fast it runs,
never what it returns. Each checks at import that the code it adjusts is still what it was
written against and otherwise leaves feedparser as it is; tests/ingestion/test_parse_feedparser.py
fails loudly when one is not installed, and compares adjusted with stock output. Importing this
module installs them (ingest.parse does). Measured with benchmarks/bench_parse.py on state.gov
releases, one core: parse + normalise 1,031-1,614 -> 3,044-3,666 entries/s (stock vs adjusted).
"""

from __future__ import annotations

import ast
import hashlib
import inspect
import re
import textwrap
import xml.sax.expatreader
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import feedparser
import feedparser.api
import feedparser.html
import feedparser.mixin
from feedparser.util import FeedParserDict


def cp1252_table(fixes: Mapping[int, str]) -> str:
    """A str.translate table as one string: the fixes, identity for every other BMP character.

    Characters past the Basic Multilingual Plane fall off the end (IndexError), which translate
    reads as "unchanged", so the output is the same as with the fixes dict.
    """
    return "".join(fixes.get(code, chr(code)) for code in range(0x10000))


def _install_fast_cp1252() -> bool:
    """Give feedparser a string translate table instead of its 27-key dict.

    feedparser calls `text.translate(_cp1252)` on element text; with a small dict each other
    character is a failed lookup that raises and clears a KeyError inside CPython: 234 us per
    5 KB body with the dict, 98 us with the string table, with identical output.
    """
    current = getattr(feedparser.mixin, "_cp1252", None)
    if isinstance(current, str):
        return True
    if type(current) is not dict:
        return False
    feedparser.mixin._cp1252 = cp1252_table(current)
    return True


# UTF-8 of U+0080..U+009F (0xC2 is only ever a lead byte, so no other character matches)
C1_CONTROLS_UTF8 = re.compile(b"\xc2[\x80-\x9f]")


def has_c1_controls(text: str) -> bool:
    """Does text hold a C1 control character (U+0080..U+009F), all feedparser's cp1252 fix maps?"""
    if text.isascii():
        return False
    # encoding and a byte search with a literal prefix: ~4 us per 5 KB, a str regex class ~15 us
    return C1_CONTROLS_UTF8.search(text.encode("utf-8", "surrogatepass")) is not None


# Edits to feedparser's _FeedParserMixin.pop (stock text -> new text, times it occurs), the
# method every element's text goes through:
# - the cp1252 translation costs ~20 ns per character of any non-ASCII text even with the string
#   table (CPython looks every character up), ~100 us of a 5 KB release: a third of feedparser's
#   time on our feeds. It only changes C1 control characters, which almost no text holds, so it
#   now runs only when there is one (_install_lean_pop checks the table maps nothing else);
# - the content parameters (type, language, base, src: all strings) are deep-copied for each
#   body and summary; a dict copy of immutable values is the same copy, ~25x cheaper;
# - its FeedParserDict.get calls on the content parameters read keys ("type", "base64") that
#   FeedParserDict neither aliases nor computes, which is exactly dict.get (~1 us less each).
POP_EDITS: dict[str, tuple[str, int]] = {
    "output = output.translate(_cp1252)": (
        "output = output.translate(_cp1252) if _ingest_has_c1_controls(output) else output",
        1,
    ),
    "copy.deepcopy(self.contentparams)": ("FeedParserDict(self.contentparams)", 3),
    "self.contentparams.get('type'": ("dict.get(self.contentparams, 'type'", 5),
    "self.contentparams.get('base64'": ("dict.get(self.contentparams, 'base64'", 2),
}


def _install_lean_pop() -> bool:
    """Recompile feedparser's _FeedParserMixin.pop with POP_EDITS (only if each edit applies).

    The new function runs in feedparser.mixin's own globals with the source's line numbers, so it
    behaves and reports errors as the stock one does; the stock one stays at `pop.stock`.
    """
    mixin = feedparser.mixin._FeedParserMixin
    stock = mixin.pop
    if getattr(stock, "stock", None) is not None:
        return True
    fixes = getattr(feedparser.html, "_cp1252", None)
    if not isinstance(fixes, dict) or not all(0x80 <= code <= 0x9F for code in fixes):
        return False  # the translation would change more than C1 controls
    try:
        source = inspect.getsource(stock)
        first_line = inspect.getsourcelines(stock)[1]
    except (OSError, TypeError):
        return False
    for old, (new, count) in POP_EDITS.items():
        if source.count(old) != count:
            return False
        source = source.replace(old, new)
    tree = ast.parse(textwrap.dedent(source))
    ast.increment_lineno(tree, first_line - 1)
    code = compile(tree, inspect.getsourcefile(stock) or "<feedparser.mixin>", "exec")
    feedparser.mixin._ingest_has_c1_controls = has_c1_controls
    defined: dict[str, Any] = {}
    exec(code, vars(feedparser.mixin), defined)
    lean = defined["pop"]
    lean.stock = stock
    mixin.pop = lean
    return True


class BufferedExpatParser(xml.sax.expatreader.ExpatParser):
    """The SAX driver feedparser uses by default (expat), with pyexpat's buffer_text on.

    Without it expat hands feedparser an element's text line by line and entity by entity, ~40
    calls a release, each a few Python calls deep; feedparser joins the pieces again anyway.
    """

    def reset(self) -> None:
        super().reset()
        parser: Any = self.__dict__["_parser"]  # the pyexpat parser (not in the type stubs)
        parser.buffer_text = True


def create_parser() -> BufferedExpatParser:
    """xml.sax driver hook: xml.sax.make_parser calls this for a module named in its list."""
    return BufferedExpatParser()


def _install_buffered_sax() -> bool:
    """Name this module first in feedparser.api.PREFERRED_XML_PARSERS, the SAX drivers it asks
    xml.sax.make_parser for (stock: only "drv_libxml2", absent here, tried and failed per feed)."""
    preferred = getattr(feedparser.api, "PREFERRED_XML_PARSERS", None)
    if not isinstance(preferred, list):
        return False
    if __name__ not in preferred:
        preferred.insert(0, __name__)
    return True


# FeedParserDict.get and `in` run its __getitem__: comparisons for five computed keys and an
# alias lookup, ~1 us a call, ~40 calls a release. For any other key they mean dict.get and
# dict.__contains__. Valid for the methods as read (sha256 of their source, feedparser 6.0.x).
FEEDPARSERDICT_SOURCES = {
    "__getitem__": "d5e9db7051ff0c09",
    "get": "b22d485fab74cbb1",
    "__contains__": "4811f3a69282100c",
}
FEEDPARSERDICT_COMPUTED_KEYS = frozenset(
    {"category", "enclosures", "license", "updated", "updated_parsed"}
)


def _install_fast_feedparserdict() -> bool:
    """Give FeedParserDict a get and __contains__ that go straight to dict for plain keys."""
    cls = FeedParserDict
    if getattr(cls.get, "stock", None) is not None:
        return True
    for name, digest in FEEDPARSERDICT_SOURCES.items():
        try:
            source = inspect.getsource(getattr(cls, name))
        except (OSError, TypeError):
            return False
        if hashlib.sha256(source.encode("utf-8")).hexdigest()[:16] != digest:
            return False
    special = FEEDPARSERDICT_COMPUTED_KEYS | frozenset(cls.keymap)
    stock_get, stock_contains = cls.get, cls.__contains__

    def get(self: Any, key: Any, default: Any = None) -> Any:
        if key in special:
            return stock_get(self, key, default)
        return dict.get(self, key, default)

    def contains(self: Any, key: Any) -> bool:
        if key in special:
            return bool(stock_contains(self, key))
        return dict.__contains__(self, key)

    get.stock = stock_get  # type: ignore[attr-defined]
    contains.stock = stock_contains  # type: ignore[attr-defined]
    cls.get = get
    cls.__contains__ = contains
    cls.has_key = contains
    return True


FAST_CP1252 = _install_fast_cp1252()
LEAN_POP = _install_lean_pop()
BUFFERED_SAX = _install_buffered_sax()
FAST_FEEDPARSERDICT = _install_fast_feedparserdict()


@contextmanager
def stock_feedparser() -> Iterator[None]:
    """feedparser as installed, without the adjustments above: for comparisons in tests and
    benchmarks (changes process-wide state: not for use while other threads parse)."""
    mixin, cls = feedparser.mixin, FeedParserDict
    saved = (mixin._cp1252, mixin._FeedParserMixin.pop, cls.get, cls.__contains__, cls.has_key)
    preferred: list[str] = feedparser.api.PREFERRED_XML_PARSERS
    saved_preferred = list(preferred)
    mixin._cp1252 = feedparser.html._cp1252
    mixin._FeedParserMixin.pop = getattr(saved[1], "stock", saved[1])
    cls.get = getattr(saved[2], "stock", saved[2])
    cls.__contains__ = cls.has_key = getattr(saved[3], "stock", saved[3])
    preferred[:] = [name for name in preferred if name != __name__]
    try:
        yield
    finally:
        mixin._cp1252, mixin._FeedParserMixin.pop, cls.get, cls.__contains__, cls.has_key = saved
        preferred[:] = saved_preferred
