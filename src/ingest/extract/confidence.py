"""How sure a record is: the chance that its type, date, place and people are all right.

Each primary field is settled by some support: a rule (`title.call`, `date.event_sentence`,
`place.event_sentence`), no value for a kind of event (a call has no city), or for the people
their number, whether only strong rules named them, whether each has a title and whether the
release names other people besides them. How often a
field is right given its support was counted on the real labeled sets, smoothed towards the
field's overall rate for supports seen rarely; a record's raw score is the product over its five
fields. Fields do fail together, so the product is mapped to a probability by a monotone
calibration fitted on predictions for publisher groups the reliabilities were not counted on
(leave one group out). Fields also hold together: a plain bilateral record (`plain_bilateral`)
is right far more often than the product of its fields says, on every publisher group, so it
gets its own probability, the share of such records right. All of it is data
(`src/ingest/data/confidence.toml`, written by `scripts/fit_confidence.py`), read once.
Deterministic; nothing is learned at run time.
"""

from __future__ import annotations

import bisect
import functools
import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources

from ingest.records import EventRecord

FIELDS = ("type", "date", "country", "city", "people")

# Participant rules that name the people of the event's own clause, headline or a title or
# apposition beside the name; the others (the ranking model, a later sentence, the whole trip,
# an antecedent) reach further and are wrong more often.
_STRONG_PEOPLE_RULES = frozenset(
    {
        "participant.event_clause",
        "participant.headline",
        "person.title_before",
        "person.apposition",
        "person.appositive_before",
        "person.honorific",
        "person.with_name",
    }
)


def _first_rule(rules: Mapping[str, list[str]], *fields: str) -> str:
    for field in fields:
        if rules.get(field):
            return rules[field][0]
    return "none"


# Place rules that read the event's own sentence or headline (a transcript's own place line).
_OWN_PLACE_RULES = frozenset({"place.event_sentence", "place.headline", "place.transcript_line"})


def supports(record: EventRecord) -> dict[str, str]:
    """What settled each primary field of the record, as one key per field."""
    rules: dict[str, list[str]] = {}
    for evidence in record.evidence:
        rules.setdefault(evidence.field, []).append(evidence.rule)
    kind = record.event_type
    in_title, in_text = "title:event_type" in rules, "event_type" in rules
    told = "title" if in_title else ("text" if in_text else "none")
    date_rule = _first_rule(rules, "event_date", "title:event_date")
    country_rule = _first_rule(rules, "country_code", "title:country_code")
    city_rule = _first_rule(rules, "city", "title:city")
    named_by = set(rules.get("participants", ())) | set(rules.get("title:participants", ()))
    people = len(record.participants)
    strength = "strong" if named_by <= _STRONG_PEOPLE_RULES else "weak"
    titled = "titled" if all(p.title for p in record.participants) else "untitled"
    # Other people named in the release are competing candidates: the participants were chosen
    # among them, which fails more often than naming the only people there are.
    rivals = "others" if record.mentioned_people else "alone"
    has_country = "country" if record.country_code else "no_country"
    return {
        "type": f"{kind}:{told}:{'both' if in_title and in_text else 'one'}",
        "date": f"{record.date_basis}:{date_rule}",
        "country": country_rule if record.country_code else f"none:{kind}",
        "city": city_rule if record.city else f"none:{kind}:{has_country}",
        "people": f"{min(people, 3)}:{strength}:{titled}:{rivals}",
    }


# Kinds of event that are one engagement between two sides: a visit is a trip (its place is its
# stops'), a statement or an "other" names no engagement between the people it names.
_TWO_SIDED = frozenset({"meeting", "call", "conference", "signing"})


def plain_bilateral(record: EventRecord) -> bool:
    """A release's own engagement between two people, both named by the rules of the event's
    own clause or headline, placed by the event's own sentence or headline (a call has no place).

    Here independent mechanisms settle the record together: the clause that tells the event
    names both sides and where it was, so there was no other candidate to choose wrongly. Of the
    tuning sets' primary records, 140 of 145 such records had all five primary fields right (9
    of 10, 17 of 17 and 114 of 118 on the three publisher groups), against 278 of 469 of the
    others. One person, or three or more, is where people are missed or added most; a place
    from further away is wrong more often. Only primary records: the labeled figures are theirs.
    """
    support = supports(record)
    placed = support["country"] in _OWN_PLACE_RULES or support["country"] == "none:call"
    return (
        record.is_primary
        and record.event_type in _TWO_SIDED
        and placed
        and support["people"].startswith("2:strong:")
    )


@dataclass(frozen=True)
class Model:
    """Per field, how often it is right given its support; the raw-to-probability map; and the
    probability of a plain bilateral record (`plain_bilateral`)."""

    reliability: Mapping[str, Mapping[str, float]]
    base_rate: Mapping[str, float]
    knots_raw: tuple[float, ...]
    knots_probability: tuple[float, ...]
    plain_bilateral: float


def parse_model(text: str) -> Model:
    model = tomllib.loads(text)
    knots = model["calibration"]
    return Model(
        reliability={f: dict(model["reliability"][f]) for f in FIELDS},
        base_rate={f: float(model["base_rate"][f]) for f in FIELDS},
        knots_raw=tuple(float(x) for x in knots["raw"]),
        knots_probability=tuple(float(p) for p in knots["probability"]),
        plain_bilateral=float(knots["plain_bilateral"]),
    )


@functools.cache
def _model() -> Model:
    text = resources.files("ingest").joinpath("data", "confidence.toml").read_text("utf-8")
    return parse_model(text)


def raw_score(record: EventRecord, model: Model | None = None) -> float:
    """The product over the five fields of how often a field with its support is right."""
    model = model or _model()
    product = 1.0
    for field, key in supports(record).items():
        product *= model.reliability[field].get(key, model.base_rate[field])
    return product


def calibrated(raw: float, model: Model) -> float:
    """The calibration map at `raw`: linear between knots, flat beyond the ends."""
    xs, ys = model.knots_raw, model.knots_probability
    if raw <= xs[0]:
        return ys[0]
    if raw >= xs[-1]:
        return ys[-1]
    right = bisect.bisect_right(xs, raw)
    x0, x1, y0, y1 = xs[right - 1], xs[right], ys[right - 1], ys[right]
    return y0 if math.isclose(x0, x1) else y0 + (y1 - y0) * (raw - x0) / (x1 - x0)


def probability(record: EventRecord, model: Model | None = None) -> float:
    """P(all primary fields right | what supported the record)."""
    model = model or _model()
    if plain_bilateral(record):
        return model.plain_bilateral
    return calibrated(raw_score(record, model), model)


def score(record: EventRecord) -> float:
    """P(all primary fields right | what supported the record), rounded to 3 places."""
    return round(probability(record), 3)
