"""How sure a record is: the chance that its type, date, place and people are all right.

A logistic model over what supported the record (a headline naming the engagement, a trigger
word in the text, how the date was found, a stated place, how many people were named, the event
type), fitted on the real development sets (shared/gold/dev, shared/gold/world,
tests/fixtures/real-tune) by `scripts/fit_confidence.py`; its weights are data
(`src/ingest/data/confidence.toml`), read once. Deterministic; nothing is learned at run time.
"""

from __future__ import annotations

import functools
import math
import tomllib
from importlib import resources

from ingest.records import EventRecord

EVENT_TYPES = ("meeting", "call", "visit", "conference", "signing", "statement", "other")
DATE_BASES = ("explicit", "relative", "published")


def features(record: EventRecord) -> dict[str, float]:
    """The record's supports, as numbers (absent ones are 0)."""
    fields = {evidence.field for evidence in record.evidence}
    people = len(record.participants)
    found: dict[str, float] = {
        "type_in_title": float("title:event_type" in fields),
        "type_in_text": float("event_type" in fields),
        "city": float(record.city is not None),
        "country": float(record.country_code is not None),
        "one_person": float(people == 1),
        "two_or_more_people": float(people >= 2),
        "primary": float(record.is_primary),
    }
    found |= {f"date_{basis}": float(record.date_basis == basis) for basis in DATE_BASES}
    found |= {f"type_{kind}": float(record.event_type == kind) for kind in EVENT_TYPES}
    return found


@functools.cache
def _weights() -> tuple[float, dict[str, float]]:
    text = resources.files("ingest").joinpath("data", "confidence.toml").read_text("utf-8")
    model = tomllib.loads(text)
    return float(model["bias"]), {k: float(v) for k, v in model["weights"].items()}


def score(record: EventRecord) -> float:
    """P(all primary fields right | what supported the record), rounded to 3 places."""
    bias, weights = _weights()
    logit = bias + sum(weights.get(name, 0.0) * value for name, value in features(record).items())
    return round(1.0 / (1.0 + math.exp(-logit)), 3)
