"""Feed bytes to documents on the real captured feeds: fields, identity, dates, rejects."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from hypothesis import given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st

from ingest.config import Feed
from ingest.fetch import FetchResult
from ingest.parse import (
    MAX_VERSIONS_PER_DOCUMENT,
    ParsedFeed,
    canonical_link,
    doc_id_of,
    identity_key,
    parse_bytes,
    parse_feed,
    split_new_and_revised,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
FEEDS = FIXTURES / "feeds"
MakeFeed = Callable[..., Feed]

# every captured feed: entries, and the first entry's title and local publication time
CAPTURED = [
    (
        "state.gov_press-releases_rss_2021-05-23.xml",
        10,
        "Yemen National Day",
        "2021-05-22T08:00:47-04:00",
    ),
    (
        "state.gov_press-releases_rss_2022-02-24.xml",
        10,
        "Secretary Blinken’s Call with the United Arab Emirates Foreign Minister Sheikh "
        "Abdullah bin Zayed",
        "2022-02-24T18:32:02-05:00",
    ),
    (
        "state.gov_press-releases_rss_2022-08-03.xml",
        10,
        "Art in Embassies Announces New Temporary Exhibitions for Chief of Mission Residences",
        "2022-08-03T15:49:23-04:00",
    ),
    (
        "nasa.gov_breaking-news_rss_2022-04-05.xml",
        10,
        "NASA to Discuss Final Test Status Today Before Artemis Moon Mission",
        "2022-04-05T06:27:00-04:00",
    ),
    (
        "news.gov.scot_rss_2017-06-27.xml",
        2,
        "Scotland's future must be decided by the people who live here",
        "2017-06-27T10:05:00-04:00",
    ),
]


def parse_file(feed: Feed, name: str) -> tuple:  # type: ignore[type-arg]
    parsed = parse_bytes(feed, (FEEDS / name).read_bytes())
    return parsed.documents, parsed


@pytest.mark.parametrize(("name", "count", "title", "published"), CAPTURED)
def test_captured_feeds_parse_into_documents(
    name: str, count: int, title: str, published: str, make_feed: MakeFeed
) -> None:
    feed = make_feed("https://www.state.gov/rss-feed/press-releases/feed/")
    documents, parsed = parse_file(feed, name)
    assert parsed.entries == count and len(documents) == count and not parsed.rejects
    first = documents[0]
    assert first.title == title
    assert first.published == published
    assert first.published_at is not None and first.published_at.tzinfo is not None
    assert first.published_at.utcoffset().total_seconds() == 0  # type: ignore[union-attr]
    assert datetime.fromisoformat(published) == first.published_at
    for document in documents:
        assert document.doc_id.startswith("us-state-test:")
        assert document.source_id == "us-state-test" and document.language == "en"
        assert document.text and "<" not in document.text and "&#" not in document.text
        assert document.content_hash == document.with_content_hash().content_hash
        assert document.url and document.url.startswith("http")


def test_state_gov_body_from_content_encoded(make_feed: MakeFeed) -> None:
    documents, parsed = parse_file(
        make_feed("x.xml"), "state.gov_press-releases_rss_2021-05-23.xml"
    )
    yemen = documents[0]
    assert yemen.text.startswith(
        "Antony J. Blinken, Secretary of State\nOn behalf of the Government of the United "
        "States of America, I offer bests wishes to the people of Yemen"
    )
    assert yemen.guid == "https://www.state.gov/?page_id=245633"
    assert yemen.url == "https://www.state.gov/yemen-national-day/"
    assert not parsed.summary_only


def test_utc_evening_entry_is_the_previous_local_day(make_feed: MakeFeed) -> None:
    documents, _ = parse_file(make_feed("x.xml"), "state.gov_press-releases_rss_2022-02-24.xml")
    holt = next(d for d in documents if "Lester Holt" in (d.title or ""))
    assert holt.published_at == datetime(2022, 2, 24, 1, 12, 38, tzinfo=UTC)
    assert holt.published == "2022-02-23T20:12:38-05:00"
    assert holt.text.startswith("Antony J. Blinken, Secretary of State\nWashington, D.C.\n")
    assert "QUESTION: For more on where things stand" in holt.text
    assert "doesn’t stop President Putin" in holt.text  # &#8217; decoded


def test_scripts_in_bodies_are_dropped(make_feed: MakeFeed) -> None:
    documents, _ = parse_file(make_feed("x.xml"), "state.gov_press-releases_rss_2022-08-03.xml")
    for document in documents:
        assert "jQuery" not in document.text and "addEventListener" not in document.text
    assert documents[0].text.startswith(
        "Office of the Spokesperson\nArt in Embassies (AIE) recently completed the installations"
    )


def test_summary_only_entries_are_flagged(make_feed: MakeFeed) -> None:
    documents, parsed = parse_file(make_feed("x.xml"), "nasa.gov_breaking-news_rss_2022-04-05.xml")
    assert parsed.summary_only == {d.doc_id for d in documents}
    # the Scottish capture's content:encoded is a one-line teaser: the longer description wins
    documents, parsed = parse_file(make_feed("x.xml"), "news.gov.scot_rss_2017-06-27.xml")
    assert documents[0].text.startswith("First Minister Nicola Sturgeon today gave a statement")
    assert documents[0].doc_id in parsed.summary_only


def test_timezone_comes_from_the_feed_config(make_feed: MakeFeed) -> None:
    tokyo = make_feed("x.xml", timezone="Asia/Tokyo", language="ja")
    documents, _ = parse_file(tokyo, "state.gov_press-releases_rss_2022-02-24.xml")
    holt = next(d for d in documents if "Lester Holt" in (d.title or ""))
    assert holt.published == "2022-02-24T10:12:38+09:00"
    assert holt.language == "ja"


@pytest.mark.parametrize(
    "when", ["Thu, 24 Feb 2022 09:30:00", "2022-02-24T09:30:00", "Thu, 24 Feb 2022 09:30:00 EST"]
)
def test_zone_less_dates_are_read_in_the_feed_zone(when: str, make_feed: MakeFeed) -> None:
    body = (
        b'<rss version="2.0"><channel><title>t</title><item><title>A</title>'
        b"<link>https://www.state.gov/a/</link><pubDate>" + when.encode() + b"</pubDate>"
        b"<description>Text</description></item></channel></rss>"
    )
    (document,) = parse_bytes(make_feed("x.xml"), body).documents
    assert document.published == "2022-02-24T09:30:00-05:00"
    assert document.published_at == datetime(2022, 2, 24, 14, 30, tzinfo=UTC)


def test_parsing_twice_gives_identical_documents(make_feed: MakeFeed) -> None:
    feed = make_feed("x.xml")
    body = (FEEDS / "state.gov_press-releases_rss_2022-08-03.xml").read_bytes()
    first, second = parse_bytes(feed, body), parse_bytes(feed, body)
    assert first == second
    documents = list(first.documents)
    hashes = {d.doc_id: d.content_hash for d in documents}
    assert split_new_and_revised(documents, hashes) == ([], [])


def test_ids_are_namespaced_by_feed(make_feed: MakeFeed) -> None:
    name = "state.gov_press-releases_rss_2022-08-03.xml"
    a, _ = parse_file(make_feed("x.xml", id="feed-a"), name)
    b, _ = parse_file(make_feed("x.xml", id="feed-b"), name)
    assert [d.doc_id.split(":")[1] for d in a] == [d.doc_id.split(":")[1] for d in b]
    assert not {d.doc_id for d in a} & {d.doc_id for d in b}
    assert a[0].doc_id == doc_id_of("feed-a", "https://www.state.gov/?page_id=365731")


def test_split_new_and_revised(make_feed: MakeFeed) -> None:
    documents, _ = parse_file(make_feed("x.xml"), "state.gov_press-releases_rss_2021-05-23.xml")
    known = {d.doc_id: d.content_hash for d in documents[2:]}
    edited = dataclasses.replace(documents[3], text=documents[3].text + "\nUpdated.")
    changed = [*documents[:3], edited.with_content_hash(), *documents[4:]]
    new, revised = split_new_and_revised(changed, known)
    assert [d.doc_id for d in new] == [d.doc_id for d in documents[:2]]
    assert [d.doc_id for d in revised] == [documents[3].doc_id]
    capped = {documents[3].doc_id: MAX_VERSIONS_PER_DOCUMENT}
    assert split_new_and_revised(changed, known, capped)[1] == []


def test_duplicate_guids_are_disambiguated_deterministically(make_feed: MakeFeed) -> None:
    body = (FIXTURES / "ingestion" / "duplicate_guids.xml").read_bytes()
    parsed = parse_bytes(make_feed("x.xml"), body)
    assert parsed.entries == 5
    titles = [d.title for d in parsed.documents]
    assert titles == [
        "Yemen National Day",
        "Deputy Secretary Sherman’s Meeting with Lao Deputy Foreign Minister Thongphane",
        "Ninth Meeting of the Law Enforcement Coordination Group",
    ]
    ids = [d.doc_id for d in parsed.documents]
    assert len(set(ids)) == 3
    assert ids[0] == doc_id_of("us-state-test", "https://www.state.gov/?page_id=0")
    assert ids == [d.doc_id for d in parse_bytes(make_feed("x.xml"), body).documents]
    # no guid, no link: identity from title + published
    assert parsed.documents[2].doc_id == doc_id_of(
        "us-state-test",
        "Ninth Meeting of the Law Enforcement Coordination Group\x1f2022-07-01T12:30:09+00:00",
    )
    reasons = sorted(r.reason for r in parsed.rejects)
    assert reasons == [
        "entry 3 repeats an earlier entry (same id and content)",
        "entry 5 has no guid, link, title or date to identify it",
    ]
    assert all(r.stage == "parse" and r.source_id == "us-state-test" for r in parsed.rejects)


def test_truncated_xml_keeps_its_whole_entries_and_warns(make_feed: MakeFeed) -> None:
    body = (FEEDS / "state.gov_press-releases_rss_2022-08-03.xml").read_bytes()
    cut = body[: body.index(b"</item>", len(body) // 2) + len(b"</item>") + 40]
    parsed = parse_bytes(make_feed("x.xml"), cut)
    assert parsed.bozo == "<unknown>:1007:30: no element found"
    # six whole entries, and the seventh cut after its first 40 bytes
    assert parsed.entries == 7 and len(parsed.documents) == 6
    assert parsed.documents[0].title == (
        "Art in Embassies Announces New Temporary Exhibitions for Chief of Mission Residences"
    )
    incomplete, warning = parsed.rejects
    assert incomplete.reason == "entry 7 is incomplete: the feed ends inside it"
    assert parsed.warning == warning
    assert (warning.item_id, warning.stage) == ("x.xml", "parse")
    assert warning.reason == (
        "feed parsed with errors (<unknown>:1007:30: no element found): "
        "6 of 7 entries whole, 1 incomplete"
    )


def test_an_entry_cut_inside_its_text_is_refused_not_stored_in_part(make_feed: MakeFeed) -> None:
    body = (FEEDS / "nasa.gov_breaking-news_rss_2022-04-05.xml").read_bytes()
    cut = body[: body.index(b"by an American, will participate")]
    parsed = parse_bytes(make_feed("https://www.nasa.gov/rss/dyn/breaking_news.rss"), cut)
    assert parsed.entries == 4
    assert [d.title for d in parsed.documents][-1] != (
        "NASA Astronaut to Discuss American Space Record in News Conference"
    )
    assert len(parsed.documents) == 3
    assert not any("by an American" in d.text for d in parsed.documents)
    assert parsed.warning is not None and "parsed with errors" in parsed.warning.reason
    assert any("entry 4 is incomplete" in r.reason for r in parsed.rejects)


def test_a_feed_cut_inside_cdata_warns_and_names_the_error(make_feed: MakeFeed) -> None:
    body = (FEEDS / "state.gov_press-releases_rss_2021-05-23.xml").read_bytes()
    cut = body[: body.index(b"The delegations discussed the deteriorating") + 20]
    parsed = parse_bytes(make_feed("https://www.state.gov/feed/"), cut)
    assert len(parsed.documents) == 4
    assert parsed.warning is not None
    assert "unclosed CDATA section" in parsed.warning.reason
    assert parsed.warning.item_id == "https://www.state.gov/feed/"


@pytest.mark.parametrize("name", sorted(p.name for p in FEEDS.glob("*.xml")))
def test_whole_feeds_give_no_warning(name: str, make_feed: MakeFeed) -> None:
    parsed = parse_bytes(make_feed("x.xml"), (FEEDS / name).read_bytes())
    assert parsed.warning is None
    assert not any(r.stage == "parse" and "incomplete" in r.reason for r in parsed.rejects)


def test_a_mislabelled_content_type_is_no_warning(make_feed: MakeFeed) -> None:
    body = (FEEDS / "nasa.gov_breaking-news_rss_2022-04-05.xml").read_bytes()
    parsed = parse_bytes(make_feed("x.xml"), body, {"content-type": "text/html; charset=utf-8"})
    assert parsed.bozo is not None  # feedparser notes it ...
    assert parsed.warning is None  # ... but the feed was read whole


@pytest.mark.parametrize(
    "garbage",
    [b"<html><body><h1>502 Bad Gateway</h1>", b"\x00\x01\x02 not xml at all", b"<rss><chan"],
)
def test_garbage_is_one_parse_reject(garbage: bytes, make_feed: MakeFeed) -> None:
    result = FetchResult("us-state-test", "ok", "https://www.state.gov/feed/", body=garbage)
    parsed = parse_feed(make_feed("https://www.state.gov/feed/"), result)
    assert parsed.documents == () and parsed.entries == 0
    (reject,) = parsed.rejects
    assert reject.stage == "parse" and reject.item_id == "https://www.state.gov/feed/"
    assert reject.reason.startswith("not a feed: ") and "\n" not in reject.reason


def test_no_body_parses_to_nothing(make_feed: MakeFeed) -> None:
    result = FetchResult("us-state-test", "not_modified", "https://www.state.gov/feed/")
    assert parse_feed(make_feed("https://www.state.gov/feed/"), result).documents == ()


def test_title_markup_is_stripped_and_relative_links_resolved(make_feed: MakeFeed) -> None:
    body = (
        b'<rss version="2.0"><channel><title>t</title><item>'
        b"<title>Readout &lt;em&gt;of&lt;/em&gt; the   Call &amp;amp; Meeting</title>"
        b"<link>/readout/</link><pubDate>Thu, 24 Feb 2022 09:30:00 +0000</pubDate>"
        b"<description>&lt;p&gt;One&lt;/p&gt;&lt;p&gt;Two &amp;amp; three&lt;/p&gt;</description>"
        b"</item></channel></rss>"
    )
    parsed = parse_bytes(make_feed("x.xml"), body, base_url="https://www.state.gov/feed/")
    (document,) = parsed.documents
    assert document.title == "Readout of the Call & Meeting"
    assert document.url == "https://www.state.gov/readout/"
    assert document.text == "One\nTwo & three"


def test_empty_entry_with_link_waits_for_full_text(make_feed: MakeFeed) -> None:
    body = (
        b'<rss version="2.0"><channel><title>t</title><item><title>Only a title</title>'
        b"<link>https://www.state.gov/a/</link></item></channel></rss>"
    )
    never = parse_bytes(make_feed("x.xml"), body)
    assert never.documents == ()
    assert never.rejects[0].reason == "entry 1 has no text (no content, description or summary)"
    auto = parse_bytes(make_feed("x.xml", full_text="auto"), body)
    assert auto.documents[0].text == "" and auto.documents[0].doc_id in auto.summary_only


def test_identity_rules() -> None:
    assert identity_key(" guid-1 ", "https://a/", "T", None) == "guid-1"
    assert identity_key(None, "HTTPS://WWW.State.gov:443/a/?utm_source=x&id=2#top", "T", None) == (
        "https://www.state.gov/a/?id=2"
    )
    assert identity_key("", None, "Title", "2022-01-01T00:00:00+00:00") == (
        "Title\x1f2022-01-01T00:00:00+00:00"
    )
    assert identity_key(None, None, None, None) is None
    assert canonical_link("http://example.org:8080/x") == "http://example.org:8080/x"


def test_cp1252_fix_up_still_applies_with_the_fast_table(make_feed: MakeFeed) -> None:
    import feedparser.html
    import feedparser.mixin

    from ingest.feedtuning import FAST_CP1252, cp1252_table

    assert FAST_CP1252 and isinstance(feedparser.mixin._cp1252, str)
    stock = feedparser.html._cp1252
    sample = "".join(map(chr, range(0x300))) + "\u2019\uffff\U0001f600\U0010ffff"
    assert sample.translate(cp1252_table(stock)) == sample.translate(stock)
    # C1 controls from text mis-decoded as Latin-1 become the cp1252 quotes and dash
    body = (
        '<rss version="2.0"><channel><title>t</title><item><title>A \x93quoted\x94 \x96 note'
        "</title><link>https://www.state.gov/a/</link><description>Caf\u00e9 \u2019s "
        "\U0001f600</description></item></channel></rss>"
    ).encode()
    (document,) = parse_bytes(make_feed("x.xml"), body).documents
    assert document.title == "A \u201cquoted\u201d \u2013 note"
    assert document.text == "Caf\u00e9 \u2019s \U0001f600"


ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en-GB">
  <title>Foreign, Commonwealth &amp; Development Office - Activity on GOV.UK</title>
  <id>https://www.gov.uk/government/organisations/fcdo.atom</id>
  <updated>2022-08-03T17:10:00+01:00</updated>
  <entry>
    <id>tag:www.gov.uk,2005:/government/news/foreign-secretary-meets-counterpart</id>
    <updated>2022-08-03T17:10:00+01:00</updated>
    <link rel="alternate" type="text/html" href="/government/news/foreign-secretary-meets"/>
    <title>Foreign Secretary meets counterpart</title>
    <summary type="html">&lt;p&gt;The Foreign Secretary met her counterpart.&lt;/p&gt;</summary>
    <content type="html">&lt;p&gt;The Foreign Secretary met her counterpart in London.&lt;/p&gt;
&lt;p&gt;They discussed trade.&lt;/p&gt;</content>
  </entry>
  <entry>
    <id>tag:www.gov.uk,2005:/government/news/plain</id>
    <updated>2022-08-02T09:00:00Z</updated>
    <title type="text">Plain &lt;text&gt; title</title>
    <content type="text">Line one.
Line two &amp; more.</content>
  </entry>
</feed>
"""


def test_atom_entries(make_feed: MakeFeed) -> None:
    feed = make_feed("https://www.gov.uk/x.atom", timezone="Europe/London")
    parsed = parse_bytes(feed, ATOM, base_url="https://www.gov.uk/x.atom")
    first, second = parsed.documents
    assert first.guid == "tag:www.gov.uk,2005:/government/news/foreign-secretary-meets-counterpart"
    assert first.url == "https://www.gov.uk/government/news/foreign-secretary-meets"
    assert first.published == "2022-08-03T17:10:00+01:00"  # from <updated>: no <published>
    assert (
        first.text == "The Foreign Secretary met her counterpart in London.\nThey discussed trade."
    )
    assert first.summary == "The Foreign Secretary met her counterpart."
    assert second.title == "Plain <text> title"  # text/plain: no tag stripping
    assert second.text == "Line one.\nLine two & more."
    assert second.published == "2022-08-02T10:00:00+01:00"
    assert parsed.summary_only == frozenset()


ENTRY_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=0, max_size=40
)


@hyp_settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(ENTRY_TEXT, st.one_of(st.none(), ENTRY_TEXT), st.booleans()),
        min_size=1,
        max_size=8,
    )
)
def test_doc_ids_are_stable_safe_and_unique(entries: list[tuple[str, str | None, bool]]) -> None:
    items = []
    for position, (title, guid, with_link) in enumerate(entries):
        parts = [f"<title>{escape(title)}</title>", "<description>Text.</description>"]
        if guid is not None:
            parts.append(f"<guid>{escape(guid)}</guid>")
        if with_link:
            parts.append(f"<link>https://www.state.gov/r/{position % 3}/</link>")
        items.append("<item>" + "".join(parts) + "</item>")
    body = '<rss version="2.0"><channel><title>t</title>' + "".join(items) + "</channel></rss>"
    feed = Feed(id="prop-feed", url="x.xml", publisher="p", country="US", full_text="never")
    first = parse_bytes(feed, body.encode("utf-8"))
    second = parse_bytes(feed, body.encode("utf-8"))
    ids = [d.doc_id for d in first.documents]
    assert ids == [d.doc_id for d in second.documents]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"prop-feed:[0-9a-f]{24}", doc_id) for doc_id in ids)
    assert len(first.documents) + len(first.rejects) == first.entries == len(entries)


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"", "not a feed: "),
        (
            b"<html><head><title>Sign in</title></head><body><form></form></body></html>",
            "not a feed: ",
        ),
    ],
)
def test_a_200_that_is_not_a_feed_is_a_reject(
    body: bytes, reason: str, make_feed: MakeFeed
) -> None:
    (reject,) = parse_bytes(make_feed("x.xml"), body).rejects
    assert reject.stage == "parse" and reject.reason.startswith(reason)


def test_a_valid_empty_feed_is_not_a_reject(make_feed: MakeFeed) -> None:
    body = b'<rss version="2.0"><channel><title>t</title></channel></rss>'
    assert parse_bytes(make_feed("x.xml"), body) == ParsedFeed()


def test_markup_in_rss_titles_is_stripped_even_when_guessed_plain(make_feed: MakeFeed) -> None:
    titles = (
        "<b>Secretary</b> meets <i>Minister</i>",
        "Statement<script>alert('x')</script> on trade",
        "<img src=x onerror=alert(1)>Joint communique<style>p{}</style>",
    )
    items = "".join(
        f"<item><title><![CDATA[{t}]]></title><guid>g{i}</guid><description>d</description></item>"
        for i, t in enumerate(titles)
    )
    body = f'<rss version="2.0"><channel><title>t</title>{items}</channel></rss>'.encode()
    parsed = parse_bytes(make_feed("x.xml"), body)
    assert [d.title for d in parsed.documents] == [
        "Secretary meets Minister",
        "Statement on trade",
        "Joint communique",
    ]


def test_lone_surrogate_and_nul_references_are_repaired(make_feed: MakeFeed) -> None:
    body = (
        b'<rss version="2.0"><channel><title>t</title>'
        b"<item><title>Lone &#xD800;&#0; ref</title><guid>s-1</guid>"
        b"<description>Text &#xD800; here.</description></item>"
        b"<item><title>Fine</title><guid>s-2</guid><description>Good.</description></item>"
        b"</channel></rss>"
    )
    parsed = parse_bytes(make_feed("x.xml"), body)
    bad, good = parsed.documents
    assert bad.title == "Lone \ufffd\ufffd ref" and bad.text == "Text \ufffd here."
    assert good.text == "Good."
    bad.text.encode("utf-8")  # storable
