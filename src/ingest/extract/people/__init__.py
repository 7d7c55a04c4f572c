"""People in a release: named officials with their titles and affiliations, and who took part.

A person is a run of capitalised name tokens that something marks as a person: an office title
before it ("Indian External Affairs Minister Dr. Subrahmanyam Jaishankar"), an appositive title
after it ("Antony J. Blinken, Secretary of State"; "Mr. HAYASHI Yoshimasa, Minister for Foreign
Affairs of Japan"), an honorific, or an engagement verb ("met with Svyatlana Tsikhanouskaya").
Later short mentions ("Secretary Blinken", "Rutte", "Foreign Minister Park") resolve to the
full name. Office words, honorifics and particles are data (`ingest/data/offices.toml`).

The steps, one module each: `tokens` (words and name-shaped runs), `titles` (offices around a
name), `name_shape`, `countries` and `lists` (what marks a run as a person), `mentions` (name
occurrences with their cues), `coreference` (short mentions to full names), `back_references`
(a title without a name, "the Foreign Minister", for the one person who holds it),
`affiliation` (whose government), `participants` (who took part in an event), and the learned
decisions over them for the primary event: `ranking` (who took part) and `affiliation_ranking`
(whose official each participant is).
"""

from __future__ import annotations

from ingest.extract import gazetteer as gz
from ingest.extract.people.affiliation import (
    _country_headings,
    _home_affiliations,
    _own_phrase_affiliations,
    _publisher_from_text,
    _share_companions_affiliation,
    _trip_country,
    _trip_stops,
    organisation_host,
)
from ingest.extract.people.back_references import add_title_back_references
from ingest.extract.people.coreference import _resolve
from ingest.extract.people.index import Mention, PeopleIndex, Person
from ingest.extract.people.mentions import _headline_words_cut, _raw_mentions
from ingest.extract.people.participants import participants_for
from ingest.records import Document

__all__ = ["Mention", "PeopleIndex", "Person", "find_people", "participants_for"]


def find_people(doc: Document, publisher: str | None = None) -> PeopleIndex:
    """Every person named in the headline and body, with coreference of later mentions.

    `publisher` is the country or organisation issuing the release (from the feed when known);
    without it, the URL host decides (else the source's site), and officials named without a
    country cue serve it.
    """
    publisher = (
        publisher
        or gz.publisher_of(doc.url)
        or organisation_host(doc.url)
        or _site_publisher(doc.source_id)
        or _publisher_from_text(doc.text)
    )
    raws = _raw_mentions(doc.text, in_title=False)
    if doc.title:
        raws += _headline_words_cut(_raw_mentions(doc.title, in_title=True), doc.title, doc.text)
    index = PeopleIndex(publisher=publisher)
    trip = _trip_country(doc.text, publisher)
    stops = (
        _trip_stops(doc.text, publisher, [r.start for r in raws if not r.in_title]) if trip else {}
    )
    _resolve(index, raws, publisher, trip, stops)
    _own_phrase_affiliations(index, doc.text)
    _country_headings(index, doc.text)
    _share_companions_affiliation(index, doc.text)
    _home_affiliations(index, doc, publisher, trip)
    add_title_back_references(index, doc.text)
    return index


def _site_publisher(source_id: str | None) -> str | None:
    """The publisher of a document whose source is the issuing site ("pmpress.gov.sb", a
    documents file's `source`) while its URL is a news site that carried the release; a feed id
    ("us-state-archive") names no site."""
    if not source_id or "." not in source_id:
        return None
    url = f"https://{source_id}"
    return gz.publisher_of(url) or organisation_host(url)
