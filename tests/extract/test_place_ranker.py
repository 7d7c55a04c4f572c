"""The primary event's place is the learned ranker's choice among every mechanism's proposals."""

from __future__ import annotations

from ingest.extract import extract
from ingest.extract.linear import LinearModel, load, overridden
from ingest.extract.places import PLACE_MODEL, locate_event, place_candidates
from ingest.extract.text import EventAnchor
from ingest.records import Document

# Minister Beta's meeting: the dateline, the sentence and the headline each propose a place.
TEXT = (
    "VILNIUS, 5 May 2024 – Foreign Minister Ana Beta met Foreign Minister Gamma Delta in Riga "
    "on Monday. They discussed energy security in Poland."
)
TITLE = "Minister Beta meets her Latvian counterpart in Riga"


def _document(url: str | None = None) -> Document:
    return Document(doc_id="d", text=TEXT, title=TITLE, url=url)


def _anchor() -> EventAnchor:
    start = TEXT.index("Foreign Minister Ana Beta")
    return EventAnchor("meeting", "040", start, TEXT.index(" They"), False, "met")


def _model(bias: float, **weights: float) -> LinearModel:
    return LinearModel(PLACE_MODEL, bias, weights)


def test_every_mechanism_proposes_its_place_with_features() -> None:
    proposed = {
        (c.source, c.place.city, c.place.country) for c in place_candidates(_document(), _anchor())
    }
    assert ("sentence", "Riga", "LV") in proposed
    assert ("dateline", "Vilnius", "LT") in proposed
    assert ("headline", "Riga", "LV") in proposed
    # a topic after the engagement ("discussed ... in Poland") is no proposal of the sentence
    assert not any(source == "sentence" and country == "PL" for source, _, country in proposed)
    riga = next(c for c in place_candidates(_document(), _anchor()) if c.source == "sentence")
    assert riga.features["cue:in"] == 1.0 and riga.features["other_sources"] > 0


def test_the_model_decides_and_the_choice_names_the_ranker_rule() -> None:
    with overridden(_model(-5.0, **{"source:dateline": 10.0})):
        where = locate_event(_document(), _anchor())
    assert (where.city, where.country_code) == ("Vilnius", "LT")
    assert {e.rule for e in where.evidence} == {"place.ranked"}
    assert {TEXT[e.start : e.end] for e in where.evidence} == {"VILNIUS"}
    with overridden(_model(-5.0, **{"source:sentence": 10.0})):
        assert locate_event(_document(), _anchor()).city == "Riga"


def test_no_place_when_no_proposal_is_likely() -> None:
    with overridden(_model(-5.0)):
        where = locate_event(_document(), _anchor())
    assert (where.city, where.country_code, where.evidence) == (None, None, ())


def test_the_publishers_capital_is_proposed_with_the_mention_as_evidence() -> None:
    text = "Foreign Minister Ana Beta received the Ambassador of Japan. Lithuania and Japan agreed."
    doc = Document(doc_id="d", text=text, title="Reception", url="https://mfa.gov.lt/news/1")
    anchor = EventAnchor("meeting", "040", 0, text.index(" Lithuania"), False, "received")
    [home] = [c for c in place_candidates(doc, anchor) if c.source == "publisher_capital"]
    assert (home.place.city, home.place.country) == ("Vilnius", "LT")
    assert {text[s:e] for _, s, e in home.place.spans} == {"Lithuania"}


def test_the_shipped_model_places_a_plain_meeting_and_traces_it() -> None:
    # the shipped weights (fitted on real releases) must keep the obvious case: a place the
    # sentence, the headline and the dateline agree on
    assert load(PLACE_MODEL).weights  # data/models/place.toml ships and parses
    text = "RIGA, 5 May 2024 – Foreign Minister Ana Beta met Foreign Minister Gamma Delta in Riga."
    [record] = extract(Document(doc_id="d", text=text, title=TITLE))
    assert (record.city, record.country_code) == ("Riga", "LV")
    assert any(e.field == "city" and e.rule == "place.ranked" for e in record.evidence)
