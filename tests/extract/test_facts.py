"""Quotes with speakers, money amounts with ISO 4217 currencies, lexicon topics."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ingest.extract.facts import find_amounts, find_quotes, find_topics


@pytest.mark.parametrize(
    ("text", "url", "value", "currency", "written"),
    [
        ("Allies gave over $20 billion in support.", None, 2e10, "USD", "$20 billion"),
        ("a grant of up to $1 million to help", None, 1e6, "USD", "$1 million"),
        ("committed nearly $75 million in aid", None, 7.5e7, "USD", "$75 million"),
        ("worth €1.5 billion", None, 1.5e9, "EUR", "€1.5 billion"),
        ("a £250m package", None, 2.5e8, "GBP", "£250m"),
        ("¥3,000,000 in grants", None, 3e6, "JPY", "¥3,000,000"),
        ("Rs 500 crore for roads", "https://mea.gov.in/x", 5e9, "INR", "Rs 500 crore"),
        ("Rs 500 crore for roads", "https://mofa.gov.pk/x", 5e9, "PKR", "Rs 500 crore"),
        ("$40 million for housing", "https://www.canada.ca/en/x", 4e7, "CAD", "$40 million"),
        ("NZ$12 million for the Pacific", None, 1.2e7, "NZD", "NZ$12 million"),
        ("20 million euros for Ukraine", None, 2e7, "EUR", "20 million euros"),
        ("US$3.2m in loans", None, 3.2e6, "USD", "US$3.2m"),
        ("KRW 100 billion fund", None, 1e11, "KRW", "KRW 100 billion"),
    ],
)
def test_amounts(text: str, url: str | None, value: float, currency: str, written: str) -> None:
    found = find_amounts(text, url)
    assert len(found) == 1
    amount = found[0]
    assert (amount.value, amount.currency, amount.text) == (value, currency, written)
    assert text[amount.start : amount.end] == written


def test_numbers_without_currency_are_not_amounts() -> None:
    assert find_amounts("5 percent of 20,000 refugees in 2022") == []


def test_quote_speaker_named_after_the_quote() -> None:
    text = "“We will win this fight together,” said Prime Minister Jacinda Ardern."
    quote = find_quotes(text)[0]
    assert quote.speaker == "Prime Minister Jacinda Ardern"
    assert text[quote.speaker_start : quote.speaker_end] == quote.speaker
    assert quote.text.startswith("We will win")


def test_quote_speaker_is_sentence_subject_and_pronoun_resolves() -> None:
    text = (
        'Rutte praised the effort, saying, "I want to commend you for your diplomacy." '
        'He stated, "This is the biggest surge in spending we have seen."'
    )
    quotes = find_quotes(text)
    assert [q.speaker for q in quotes] == ["Rutte", "Rutte"]
    assert all(text[q.start : q.end] == q.text for q in quotes)


def test_short_quoted_phrases_are_not_quotes() -> None:
    assert find_quotes('known as the "Nobel Prize for agriculture" today') == []


def test_topics_from_lexicon_with_offsets() -> None:
    text = "They discussed defense spending, climate change and support for Ukraine."
    topics = {t.topic: text[t.start : t.end] for t in find_topics(text)}
    assert topics["defense spending"] == "defense spending"
    assert topics["climate change"] == "climate change"
    assert topics["Ukraine"] == "Ukraine"


def test_topic_offsets_survive_characters_that_lowercase_to_two() -> None:
    text = "İstanbul talks on human rights"
    topic = find_topics(text)[0]
    assert text[topic.start : topic.end] == "human rights"


@given(st.text(max_size=300), st.none() | st.text(max_size=40))
def test_facts_never_raise(text: str, url: str | None) -> None:
    for amount in find_amounts(text, url):
        assert text[amount.start : amount.end] == amount.text
    for quote in find_quotes(text):
        assert text[quote.start : quote.end].strip() == quote.text
    for topic in find_topics(text):
        assert 0 <= topic.start < topic.end <= len(text)
