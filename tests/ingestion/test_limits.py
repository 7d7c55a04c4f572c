"""Per-document size limit: text past max_document_chars is cut at a paragraph boundary."""

from __future__ import annotations

import json
from collections.abc import Callable
from xml.sax.saxutils import escape

from hypothesis import given
from hypothesis import strategies as st

from ingest.backfill import backfill_feed, read_item
from ingest.config import Feed
from ingest.limits import cut_page, cut_text, limit_document
from ingest.parse import parse_bytes
from ingest.records import Document
from ingest.sources import Item

MakeFeed = Callable[..., Feed]
PARAGRAPH = "The Secretary met the Foreign Minister in Paris to discuss Ukraine and trade."


def test_text_within_the_limit_is_kept_whole() -> None:
    text = "\n".join([PARAGRAPH] * 3)
    assert cut_text(text, len(text)) == text


def test_longer_text_keeps_its_whole_paragraphs_up_to_the_limit() -> None:
    text = "\n".join(f"{n} {PARAGRAPH}" for n in range(100))
    cut = cut_text(text, 1000)
    assert len(cut) <= 1000 and text.startswith(cut)
    assert text[len(cut)] == "\n"  # the next paragraph starts right after the cut
    assert len(cut) > 1000 - len(PARAGRAPH) - 4  # no whole paragraph that fitted was dropped


def test_one_huge_paragraph_is_cut_at_a_sentence_then_a_space() -> None:
    sentences = " ".join([PARAGRAPH] * 100)
    cut = cut_text("Title line\n" + sentences, 1000)
    assert cut.endswith("trade.") and len(cut) <= 1000
    words = "word " * 1000
    assert cut_text(words, 1001).endswith("word") and len(cut_text(words, 1001)) <= 1001
    assert cut_text("x" * 5000, 1000) == "x" * 1000


@given(st.text(alphabet=st.sampled_from("ab .\n"), max_size=400), st.integers(1, 300))
def test_a_cut_is_a_prefix_within_the_limit(text: str, limit: int) -> None:
    cut = cut_text(text, limit)
    assert text.startswith(cut) and len(cut) <= limit
    assert cut == text or len(text) > limit


def test_a_cut_document_says_how_long_it_was() -> None:
    text = "\n".join([PARAGRAPH] * 50)
    document = limit_document(Document("d", text, "Title", summary=text), 500)
    assert document.is_text_cut and document.original_text_chars == len(text)
    assert len(document.text) <= 500 and len(document.summary or "") <= 500
    whole = Document("d", PARAGRAPH)
    assert limit_document(whole, 500) is whole


def test_a_page_too_long_to_extract_whole_is_cut_at_a_tag() -> None:
    page = "<html><body>" + f"<p>{PARAGRAPH}</p>" * 1000 + "</body></html>"
    cut, was_cut = cut_page(page, 100)  # pages keep PAGE_CHARS_PER_TEXT_CHAR x the text limit
    assert was_cut and page.startswith(cut) and page[len(cut)] == "<"
    assert cut_page("<p>short</p>", 100) == ("<p>short</p>", False)


def test_a_feed_entry_over_the_limit_is_cut_when_parsed(make_feed: MakeFeed) -> None:
    text = "\n".join(f"{n} {PARAGRAPH}" for n in range(500))
    html = "".join(f"<p>{escape(line)}</p>" for line in text.splitlines())
    body = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item>'
        f"<guid>g1</guid><title>Long</title><description>{escape(html)}</description>"
        "</item></channel></rss>"
    ).encode()
    (document,) = parse_bytes(make_feed("x.xml"), body, max_document_chars=5000).documents
    assert document.is_text_cut and document.original_text_chars == len(text)
    assert len(document.text) <= 5000 and text.startswith(document.text)
    whole = parse_bytes(make_feed("x.xml"), body).documents[0]
    assert whole.text == text and not whole.is_text_cut
    assert document.content_hash != whole.content_hash  # the hash covers what is stored


def test_backfilled_jsonl_and_pages_are_cut_when_read() -> None:
    text = "\n".join(f"{n} {PARAGRAPH}" for n in range(500))
    line = json.dumps({"id": "j1", "title": "Long", "text": text}) + "\n"
    batch = read_item(Item("docs.jsonl", line.encode()), backfill_feed(), max_document_chars=5000)
    (document,) = batch.documents
    assert document.is_text_cut and document.original_text_chars == len(text)
    assert len(document.text) <= 5000
    page = "<html><head><title>Long</title></head><body><article>" + "".join(
        f"<p>{escape(p)}</p>" for p in text.splitlines()
    )
    batch = read_item(Item("page.html", page.encode()), backfill_feed(), max_document_chars=5000)
    (document,) = batch.documents
    assert document.is_text_cut and len(document.text) <= 5000
