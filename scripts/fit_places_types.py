"""Fit the event-place ranker (data/models/place.toml) and report honest, held-out figures.

    python scripts/fit_places_types.py            # held-out figures: learned vs shipped
    python scripts/fit_places_types.py --write    # ... then fit on all and ship the model
    python scripts/fit_places_types.py --types    # the event-type ranker experiment (not shipped)

The labeled sets are tests/fixtures/real-tune, ../shared/gold/world and ../shared/gold/dev
(never the blind part). Every place candidate of a document's primary event
(ingest.extract.places.place_candidates) is one Example; it is positive when its country is the
gold event's country and its city, if it has one, the gold city. Documents are grouped by
publisher (the release URL's host) into 5 folds; for each fold the model is fitted without the
fold's publishers, the whole extractor runs on the fold's documents with that model
(linear.overridden), and ../shared/gold/score.py scores the pooled predictions of all folds.
The "shipped" line scores the extractor as installed on the same documents: for the rules (or a
model) that were tuned on all of them, it is an in-sample figure, not a held-out one.

`--types` measures the same way a ranker of the primary event's type (each type scored by where
the cue vocabulary and the type rules of data/cues.toml speak for it: headline, lead sentences,
the event's own sentence) and prints its held-out type accuracy beside the rules' (in-sample). It
is not shipped: on unit cases a person can check (an empty release, a headline-only release) it
overrides the obvious answer, see README.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

from ingest.cli.extract import read_documents
from ingest.extract import anchors, extract, linear, places
from ingest.extract.anchors import find_anchors
from ingest.records import Document

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
from learning import Example, fit, grouped_folds, write_model  # noqa: E402

SHARED = ROOT.parent / "shared" / "gold"
SETS = {
    "real-tune": ROOT / "tests" / "fixtures" / "real-tune",
    "world": SHARED / "world",
    "dev": SHARED / "dev",
}
FOLDS = 5
L2 = 1.0
METRICS = ("field_score", "type_acc", "date_acc", "country_acc", "city_acc", "participant_f1")
PLACE_MODEL = ROOT / "src" / "ingest" / "data" / "models" / f"{places.PLACE_MODEL}.toml"


@dataclass(frozen=True)
class Labeled:
    set_name: str
    document: Document
    gold: dict[str, Any]

    @property
    def publisher(self) -> str:
        host = (urlsplit(self.document.url or "").hostname or "").lower()
        return host.removeprefix("www.") or self.set_name


def _scorer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gold_score", SHARED / "score.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def labeled_documents() -> list[Labeled]:
    scorer = _scorer()
    found = []
    for name, directory in SETS.items():
        gold = {str(row["id"]): row for row in scorer.load_jsonl(str(directory / "gold.jsonl"))}
        with (directory / "docs.jsonl").open("rb") as stream:
            for document in read_documents(stream, str(directory / "docs.jsonl")):
                if document.doc_id in gold:
                    found.append(Labeled(name, document, gold[document.doc_id]))
    return found


def _primary_location(gold: dict[str, Any]) -> dict[str, Any]:
    events = gold.get("events") or []
    primary = next((e for e in events if e.get("primary")), events[0] if events else None)
    return (primary or {}).get("location") or {}


def primary_place_candidates(document: Document) -> list[places.PlaceCandidate]:
    """The place candidates of the document's primary event, as the extractor sees them."""
    anchor = next((a for a in find_anchors(document) if a.ordinal == 0), None)
    return [] if anchor is None else places.place_candidates(document, anchor)


def place_examples(item: Labeled) -> list[Example]:
    """One Example per place candidate of the document's primary event."""
    city_key = _scorer_module().city_key
    location = _primary_location(item.gold)
    country = (location.get("country_code") or "").upper()
    city = city_key(location.get("city"))
    examples = []
    for candidate in primary_place_candidates(item.document):
        right = bool(country) and candidate.place.country.upper() == country
        if candidate.place.city is not None:
            right = right and city_key(candidate.place.city) == city
        examples.append(Example(candidate.features, right, item.publisher))
    return examples


_SCORER: ModuleType | None = None


def _scorer_module() -> ModuleType:
    global _SCORER
    if _SCORER is None:
        _SCORER = _scorer()
    return _SCORER


_CUE_PATTERNS = {
    cue: re.compile(rf"\b{words}\b", re.IGNORECASE) for cue, words in anchors.CUES.items()
}


def type_features(document: Document) -> dict[str, dict[str, float]]:
    """Features per event type of the primary event: which cues of data/cues.toml the headline,
    the lead sentences and the rules' event sentence say, and how many type rules (and the first)
    name the type in the headline and in the lead."""
    text, title = document.text, document.title or ""
    spans = anchors.content_sentences(text)
    lead = anchors._lead_sentences(text, spans)[:3]
    primary = anchors._primary(document, spans)
    own = text[primary.start : primary.end] if primary.start >= 0 else ""
    sections = {"headline": title, "lead": " ".join(text[s:e] for s, e in lead), "anchor": own}
    said = [
        f"{section}:{cue}"
        for section, words in sections.items()
        for cue, pattern in _CUE_PATTERNS.items()
        if words and pattern.search(words)
    ]
    rules = anchors.TITLE_RULES
    title_says = [r.event_type for r in rules if r.pattern.search(title)] if title else []
    lead_says = [
        r.event_type for s, e in lead for r in anchors.BODY_RULES if r.pattern.search(text, s, e)
    ]
    found = {}
    for event_type in anchors.CAMEO:
        features = {f"type:{event_type}": 1.0} | {f"{w}|{event_type}": 1.0 for w in said}
        features["headline_rules"] = title_says.count(event_type) / 3
        features["first_headline_rule"] = float(title_says[:1] == [event_type])
        features["lead_rules"] = lead_says.count(event_type) / 3
        features["first_lead_rule"] = float(lead_says[:1] == [event_type])
        found[event_type] = features
    return found


def _gold_types(item: Labeled) -> list[str]:
    events = item.gold.get("events") or []
    primary = next((e for e in events if e.get("primary")), events[0] if events else None)
    if primary is None:
        return []
    return [primary["event_type"], *(primary.get("alt_event_types") or [])]


def held_out_types(items: Sequence[Labeled]) -> None:
    """Held-out type accuracy of the type ranker, per set, beside the rules' (in-sample)."""
    features = [type_features(item.document) for item in items]
    gold = [_gold_types(item) for item in items]
    rules = [find_anchors(item.document)[0].event_type for item in items]
    learned: list[str] = [""] * len(items)
    per_document = [Example({}, False, item.publisher) for item in items]
    for train, test in grouped_folds(per_document, FOLDS):
        examples = [
            Example(values, bool(gold[i]) and event_type == gold[i][0], items[i].publisher)
            for i in train
            for event_type, values in features[i].items()
        ]
        bias, weights = fit(examples, L2)
        model = linear.LinearModel("type", bias, weights)
        for i in test:
            learned[i] = max(features[i], key=lambda t: model.logit(features[i][t]))
    for name in ("all", *SETS):
        chosen = [i for i, item in enumerate(items) if name in ("all", item.set_name)]
        rules_right = sum(rules[i] in gold[i] for i in chosen) / len(chosen)
        learned_right = sum(learned[i] in gold[i] for i in chosen) / len(chosen)
        print(
            f"type_acc {name:<10} rules (in-sample) {rules_right:.3f}  "
            f"learned type, held out {learned_right:.3f}"
        )


def predictions(items: Iterable[Labeled]) -> list[dict[str, Any]]:
    return [
        json.loads(json.dumps(record.to_json_dict()))
        for item in items
        for record in extract(item.document)
    ]


def scored(items: Sequence[Labeled], predicted: list[dict[str, Any]]) -> dict[str, float]:
    result, _ = _scorer_module().score([item.gold for item in items], predicted)
    return {metric: float(result[metric]) for metric in METRICS}


def _line(label: str, figures: dict[str, float]) -> str:
    return f"{label:<34}" + " ".join(f"{m}={figures[m]:.3f}" for m in METRICS)


def held_out_places(items: Sequence[Labeled]) -> list[dict[str, Any]]:
    """Pooled predictions, each fold's by the model fitted without the fold's publishers."""
    per_document = [Example({}, False, item.publisher) for item in items]
    examples = [place_examples(item) for item in items]
    pooled: list[dict[str, Any]] = []
    for train, test in grouped_folds(per_document, FOLDS):
        bias, weights = fit([e for i in train for e in examples[i]], L2)
        model = linear.LinearModel(places.PLACE_MODEL, bias, weights)
        with linear.overridden(model):
            pooled += predictions(items[i] for i in test)
    return pooled


def report(items: Sequence[Labeled], predicted: list[dict[str, Any]], label: str) -> None:
    print(_line(f"{label} all", scored(items, predicted)))
    for name in SETS:
        chosen = [item for item in items if item.set_name == name]
        ids = {item.document.doc_id for item in chosen}
        subset = [p for p in predicted if str(p.get("doc_id")) in ids]
        print(_line(f"{label} {name}", scored(chosen, subset)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="fit on all and ship the model")
    parser.add_argument("--shipped-only", action="store_true", help="score the installed one")
    parser.add_argument("--types", action="store_true", help="the type ranker experiment only")
    arguments = parser.parse_args()
    items = labeled_documents()
    publishers = len({item.publisher for item in items})
    print(f"{len(items)} documents of {publishers} publishers; {FOLDS} publisher-grouped folds")
    if arguments.types:
        held_out_types(items)
        return
    report(items, predictions(items), "shipped (in-sample)")
    if arguments.shipped_only:
        return
    report(items, held_out_places(items), "learned place, held-out")
    if arguments.write:
        examples = [e for item in items for e in place_examples(item)]
        bias, weights = fit(examples, L2)
        write_model(
            PLACE_MODEL,
            bias,
            weights,
            [
                "Event place ranker: logistic weights over "
                "ingest.extract.places.place_candidates features.",
                f"Fitted by scripts/fit_places_types.py on {len(examples)} candidates of "
                f"{len(items)} documents ({', '.join(SETS)}).",
            ],
        )
        print(f"wrote {PLACE_MODEL.relative_to(ROOT)}: {len(examples)} candidates")


if __name__ == "__main__":
    main()
