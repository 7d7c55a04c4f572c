"""ingest.parse's feedparser adjustments: installed on this feedparser, and output-identical.

Each adjustment checks the feedparser code it changes and stays off when that code differs; these
tests fail loudly then, so a feedparser upgrade is re-checked (and the adjustment updated or
dropped) instead of silently losing the speed. Equivalence is checked against stock feedparser
(ingest.feedtuning.stock_feedparser) on the captured feeds and on feeds that exercise what the
adjustments touch: C1 controls, CDATA and entities over many lines, Atom text/html/xhtml/base64
content, RSS 1.0, and a malformed feed that goes through feedparser's loose parser.
"""

from __future__ import annotations

import base64
import hashlib
import inspect
import io
import sys
import warnings
import xml.sax
import xml.sax.handler
from pathlib import Path
from typing import Any

import feedparser.api
import feedparser.mixin
import pytest
from feedparser.util import FeedParserDict
from hypothesis import example, given, settings
from hypothesis import strategies as st

from ingest import feedtuning, parse
from ingest.config import Feed
from ingest.feedtuning import (
    FEEDPARSERDICT_SOURCES,
    POP_EDITS,
    BufferedExpatParser,
    has_c1_controls,
    stock_feedparser,
)
from ingest.htmltext import html_to_line, html_to_text, normalise_lines
from ingest.parse import parse_bytes
from ingest.records import content_hash_of

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
FEED = Feed(
    id="fp-test",
    url="https://www.state.gov/feed/",
    publisher="p",
    country="US",
    timezone="America/New_York",
    full_text="auto",
)
RSS = (
    '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
    'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>t</title>{}</channel></rss>'
)
ATOM = '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">{}</feed>'


def _rss(*items: str) -> bytes:
    return RSS.format("".join(f"<item>{item}</item>" for item in items)).encode("utf-8")


def _atom_entry(index: int, content: str) -> str:
    return (
        f"<entry><id>tag:x,2022:{index}</id><updated>2022-08-03T17:10:00+01:00</updated>"
        f'<link href="https://x.example/{index}"/><title type="html">T&amp;amp;{index}</title>'
        f"{content}</entry>"
    )


CRAFTED: dict[str, bytes] = {
    "c1-literal-and-refs": _rss(
        "<title>A \u0093quoted\u0094 &#150; note</title><guid>c1</guid>"
        "<description><![CDATA[<p>Caf\u00e9 \u0092s &#x93;x&#x94;</p>]]></description>",
        "<title>Plain \u2019 title</title><guid>c2</guid>"
        "<description>Body &#8217; ok</description>",
    ),
    "multiline-cdata-entities": _rss(
        "<title>Line\none &amp; two</title><guid>m1</guid>"
        "<pubDate>Thu, 24 Feb 2022 09:30:00</pubDate>"
        "<content:encoded><![CDATA[<p>One\n  two\r\n\tthree&nbsp;four</p>\n<p>five</p>]]>"
        "</content:encoded><description>a\nb &lt;b&gt;c&lt;/b&gt; &#169;\n&#8212;</description>"
        "<dc:creator>X\nY</dc:creator>",
    ),
    "atom-content-types": ATOM.format(
        _atom_entry(1, '<content type="text">Plain\n&lt;text&gt; here</content>')
        + _atom_entry(2, '<content type="html">&lt;p&gt;Html\n&amp;amp; more&lt;/p&gt;</content>')
        + _atom_entry(
            3,
            '<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">'
            "<p>X <b>bold</b>\n text &amp; more</p></div></content>",
        )
        + _atom_entry(
            4,
            '<content type="application/octet-stream">'
            + base64.b64encode("Base64 \u0093text\u0094".encode()).decode()
            + "</content><summary>Sum\nmary</summary>",
        )
        + _atom_entry(5, '<summary type="html">&lt;p&gt;Only a summary&lt;/p&gt;</summary>')
    ).encode("utf-8"),
    "rss10": (
        b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        b'xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        b'<channel rdf:about="x"><title>t</title></channel><item rdf:about="https://x/1">'
        b"<title>One</title><link>https://x/1</link><description>D\n&lt;p&gt;e&lt;/p&gt;"
        b"</description><dc:date>2022-02-24T09:30:00Z</dc:date></item></rdf:RDF>"
    ),
    "malformed-loose-parser": _rss(
        "<title>Broken & unescaped \u0093q\u0094</title><guid>b1</guid>"
        "<description><p>Raw <b>markup</b>\nover lines &#150; &nbsp;x</description>",
        "<title>Second</title><guid>b2</guid><description>fine</description>",
    )[:-30],
}
CAPTURED = sorted((FIXTURES / "feeds").glob("*.xml")) + sorted(
    (FIXTURES / "ingestion").glob("*.xml")
)
INPUTS = {path.name: path.read_bytes() for path in CAPTURED} | CRAFTED


def _feedparser_result(body: bytes) -> str:
    """Everything feedparser returns, as text (exceptions compare by identity otherwise)."""
    result = feedparser.parse(body, sanitize_html=False, resolve_relative_uris=False)
    plain = {key: value for key, value in result.items() if key != "bozo_exception"}
    return repr(plain) + repr(result.get("bozo_exception"))


def test_every_adjustment_is_installed() -> None:
    installed = {
        "cp1252 string table": feedtuning.FAST_CP1252,
        "lean _FeedParserMixin.pop (POP_EDITS)": feedtuning.LEAN_POP,
        "buffered SAX driver (PREFERRED_XML_PARSERS)": feedtuning.BUFFERED_SAX,
        "FeedParserDict get/__contains__ (FEEDPARSERDICT_SOURCES)": feedtuning.FAST_FEEDPARSERDICT,
    }
    missing = [name for name, ok in installed.items() if not ok]
    assert not missing, (
        f"feedparser {feedparser.__version__} no longer has what ingest.parse adjusts: {missing}; "
        "re-read the installed code and update or drop the adjustment"
    )


def test_pop_edits_match_the_installed_source() -> None:
    stock = feedparser.mixin._FeedParserMixin.pop.stock
    source = inspect.getsource(stock)
    for old, (new, count) in POP_EDITS.items():
        assert source.count(old) == count, f"feedparser's pop changed around {old!r}"
        assert new not in source
    lean = feedparser.mixin._FeedParserMixin.pop
    assert lean.__code__.co_filename == inspect.getsourcefile(stock)
    assert lean.__code__.co_firstlineno == stock.__code__.co_firstlineno


def test_feedparserdict_methods_are_the_ones_read() -> None:
    for name, digest in FEEDPARSERDICT_SOURCES.items():
        method = getattr(FeedParserDict, name)
        source = inspect.getsource(getattr(method, "stock", method))
        assert hashlib.sha256(source.encode()).hexdigest()[:16] == digest, name


def test_sax_driver_delivers_text_in_one_piece() -> None:
    reader = xml.sax.make_parser(feedparser.api.PREFERRED_XML_PARSERS)
    assert type(reader) is BufferedExpatParser
    pieces: list[str] = []

    class Collect(xml.sax.handler.ContentHandler):
        def characters(self, content: str) -> None:
            pieces.append(content)

    reader.setContentHandler(Collect())
    reader.parse(io.BytesIO(b"<a>one\ntwo &amp; three\nfour</a>"))
    assert pieces == ["one\ntwo & three\nfour"]


@pytest.mark.parametrize("name", sorted(INPUTS))
def test_adjusted_feedparser_returns_what_stock_returns(name: str) -> None:
    body = INPUTS[name]
    adjusted = _feedparser_result(body), parse_bytes(FEED, body)
    with stock_feedparser():
        stock = _feedparser_result(body), parse_bytes(FEED, body)
    assert adjusted == stock
    assert adjusted[1].documents or adjusted[1].rejects


def test_crafted_feeds_exercise_the_adjusted_paths() -> None:
    parsed = parse_bytes(FEED, CRAFTED["c1-literal-and-refs"])
    assert [d.title for d in parsed.documents] == [
        "A \u201cquoted\u201d \u2013 note",
        "Plain \u2019 title",
    ]
    assert parsed.documents[0].text == "Caf\u00e9 \u2019s \u201cx\u201d"
    atom = parse_bytes(FEED, CRAFTED["atom-content-types"]).documents
    assert atom[2].text == "X bold\ntext & more"
    # feedparser decodes the base64 body, then maps its C1 quotes: the guard sees decoded text
    assert atom[3].text == "Base64 \u201ctext\u201d"
    assert parse_bytes(FEED, CRAFTED["malformed-loose-parser"]).bozo


def test_stock_feedparser_restores_the_adjustments() -> None:
    lean, get = feedparser.mixin._FeedParserMixin.pop, FeedParserDict.get
    with stock_feedparser():
        assert feedparser.mixin._FeedParserMixin.pop is lean.stock
        assert FeedParserDict.get is get.stock
        assert isinstance(feedparser.mixin._cp1252, dict)
        assert feedtuning.__name__ not in feedparser.api.PREFERRED_XML_PARSERS
    assert feedparser.mixin._FeedParserMixin.pop is lean and FeedParserDict.get is get
    assert isinstance(feedparser.mixin._cp1252, str)
    assert feedparser.api.PREFERRED_XML_PARSERS[0] == feedtuning.__name__


def test_has_c1_controls() -> None:
    for code in range(0x3000):
        text = f"caf\u00e9 {chr(code)} \u2019"
        assert has_c1_controls(text) == (0x80 <= code <= 0x9F), hex(code)
    assert not has_c1_controls("ascii only \x7f")
    assert not has_c1_controls("lone \ud800 surrogate")
    assert has_c1_controls("\U0001f600\x85")


def _dict_behaviour(item: Any, key: str) -> tuple[Any, ...]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        answer = (key in item, item.get(key), item.get(key, "default"), item.has_key(key))
    return answer, [str(w.message) for w in caught]


@pytest.mark.parametrize(
    "key",
    ["title", "summary", "description", "category", "license", "enclosures", "updated",
     "updated_parsed", "url", "href", "guid", "id", "missing", "tagline", "channel"],
)  # fmt: skip
def test_feedparserdict_lookups_are_unchanged(key: str) -> None:
    def sample() -> FeedParserDict:
        return FeedParserDict(
            title="T",
            summary="S",
            id="I",
            href="H",
            published="P",
            published_parsed=(2022, 1, 1),
            tags=[FeedParserDict(term="news")],
            links=[FeedParserDict(rel="license", href="https://license/")],
        )

    adjusted = _dict_behaviour(sample(), key)
    with stock_feedparser():
        stock = _dict_behaviour(sample(), key)
    assert adjusted == stock


WHITESPACE = [chr(code) for code in range(sys.maxunicode + 1) if chr(code).isspace()]


def reference_normalise_lines(text: str) -> str:
    """The definition normalise_lines implements faster."""
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


@settings(max_examples=500, deadline=None)
@given(
    st.text(alphabet=st.sampled_from([*WHITESPACE, "a", "b", ".", "\u00e9", "\x00"]))
    | st.text(max_size=60)
)
@example("<?>")  # a bogus comment in HTML: html_to_line drops it, as browsers do
def test_normalise_lines_matches_its_definition(text: str) -> None:
    assert normalise_lines(text) == reference_normalise_lines(text)
    if "<" not in text and "&" not in text:  # markup is HTML's to read: only plain text here
        assert html_to_line(text) == " ".join(reference_normalise_lines(text).split())


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([*WHITESPACE[:12], "<p>", "x", "&nbsp;", "\u2019"])).map("".join))
def test_content_hash_matches_records(fragment: str) -> None:
    title, text = html_to_line(fragment), html_to_text(fragment)
    assert parse._content_hash(title, text) == content_hash_of(title, text)
    assert parse._content_hash(None, text) == content_hash_of(None, text)


def test_a_body_naming_a_local_file_is_parsed_as_text_not_opened() -> None:
    # feedparser.parse(bytes) first tries the bytes as a file name; parse passes a stream
    local_feed = CAPTURED[0]
    parsed = parse_bytes(FEED, str(local_feed).encode())
    assert parsed.documents == () and parsed.entries == 0
    (reject,) = parsed.rejects
    assert reject.reason.startswith("not a feed")
