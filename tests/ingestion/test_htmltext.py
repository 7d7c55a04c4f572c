"""HTML fragments to plain text: paragraphs, entities, invisible elements; never raises."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.htmltext import html_to_line, html_to_text, plain_to_text

CASES = [
    ("<p>One</p><p>Two</p>", "One\nTwo"),
    ("Line one<br>Line two<br/>Line three", "Line one\nLine two\nLine three"),
    ("<p>Tom &amp; Jerry&#8217;s &lt;tag&gt; &nbsp;caf&eacute;</p>", "Tom & Jerry’s <tag> café"),
    ("<script>var a = '<p>no</p>';</script><p>yes</p>", "yes"),
    ("<STYLE type='text/css'>p { color: red }</STYLE>Text", "Text"),
    ("<!-- a comment <p>hidden</p> -->shown", "shown"),
    ("<p>a   b\t\tc</p>\n\n\n<p>  d  </p>", "a b c\nd"),
    ("<ul><li>first</li><li>second</li></ul>", "first\nsecond"),
    ("<b>bold</b> and <a href='x'>link</a>", "bold and link"),
    ("3 < 4 and 5 > 2", "3 < 4 and 5 > 2"),
    (
        '<p>Office of the Spokesperson</p>\n<p><input type="hidden" /></p>',
        "Office of the Spokesperson",
    ),
    ("", ""),
    ("<p></p><div>  </div>", ""),
]


@pytest.mark.parametrize(("html", "text"), CASES)
def test_html_to_text(html: str, text: str) -> None:
    assert html_to_text(html) == text


def test_none_and_plain() -> None:
    assert html_to_text(None) == ""
    assert plain_to_text("  AT&amp;T  <b>\r\nnext ") == "AT&amp;T <b>\nnext"
    assert html_to_line("<h1>Readout</h1><p>of the call</p>") == "Readout of the call"


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_never_raises_and_output_is_normalised(fragment: str) -> None:
    text = html_to_text(fragment)
    assert isinstance(text, str)
    for line in text.split("\n") if text else []:
        assert line and line == line.strip() and "  " not in line
    assert "\r" not in text


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_characters="<&"), max_size=200))
def test_text_without_markup_is_a_fixed_point(fragment: str) -> None:
    once = html_to_text(fragment)
    assert html_to_text(once) == once


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="abc <>/p&;#x1", max_size=12), max_size=20))
def test_markup_soup_never_raises(parts: list[str]) -> None:
    soup = "<p>".join(parts) + "<script>" + "</p>".join(parts)
    once = html_to_text(soup)
    assert "<script" not in once.lower() or "<" in soup
