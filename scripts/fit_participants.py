"""Fit the participant and affiliation models (ingest.extract.people.ranking,
affiliation_ranking) and report their honest figures.

    .venv/bin/python scripts/fit_participants.py [--write] [--l2 X]

Sets: tests/fixtures/real-tune, real-tune-2, real-tune-3, real-tune-4 and real-tune-5,
../shared/gold/world and ../shared/gold/dev (docs.jsonl and gold.jsonl each). Every person the
people stage finds for a document's primary event is an example; it is a participant when
../shared/gold/score.py's name match pairs it with a gold participant of the primary event.
Every affiliation the text offers for a person matched to a gold participant is an affiliation
example, right when it is the gold affiliation. The figures:

- held-out: five folds by publisher (the documents' `source`); for each, the model is fitted
  (both) without the fold's publishers and the whole extractor runs on the fold's documents with it
  (`linear.overridden`); the pooled predictions are scored with ../shared/gold/score.py. This
  predicts text of publishers the model has not seen.
- rules: the extractor with the participant and affiliation rules alone (models that take
  exactly the rules' choice). They were written from failures on these same sets: tuned on all
  of it.
- fitted on all: the model fitted on every set, scored on them (tuned too).

--write stores the models fitted on all sets in src/ingest/data/models/participants.toml and
affiliations.toml.

--by-group answers whether a refit on more sets should ship: for each publisher group
(real-tune, real-tune-2, real-tune-3, real-tune-4, real-tune-5, world with dev) both models are
fitted twice without the group, on the previous sets (real-tune, real-tune-2, world, dev: what
0.10.2 to 0.16.1 shipped) and on every set, and the whole extractor is scored on the held-out
group's releases with each. Both fits are blind to the group, so the comparison says what the
added publishers buy on publishers neither has seen; a refit ships when it is higher on most
groups and no group's field_score falls.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from learning import Example, fit, gold_scorer, grouped_folds, write_model

from ingest.cli.extract import read_documents
from ingest.extract import anchors, extract, linear
from ingest.extract.people import affiliation_ranking, find_people
from ingest.extract.people.participants import candidates_for
from ingest.extract.people.ranking import MODEL
from ingest.records import Document

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "gold"
FIXTURES = ROOT / "tests" / "fixtures"
SETS = {
    "real-tune": FIXTURES / "real-tune",
    "real-tune-2": FIXTURES / "real-tune-2",
    "real-tune-3": FIXTURES / "real-tune-3",
    "real-tune-4": FIXTURES / "real-tune-4",
    "real-tune-5": FIXTURES / "real-tune-5",
    "world": SHARED / "world",
    "dev": SHARED / "dev",
}
# the sets the previous models (0.10.2 to 0.16.1) were fitted on: --by-group's comparison
PREVIOUS_SETS = ("real-tune", "real-tune-2", "world", "dev")
# the publisher groups of --by-group: sets whose publishers overlap stay in one group
GROUPS = {
    "real-tune": ("real-tune",),
    "real-tune-2": ("real-tune-2",),
    "real-tune-3": ("real-tune-3",),
    "real-tune-4": ("real-tune-4",),
    "real-tune-5": ("real-tune-5",),
    "world+dev": ("world", "dev"),
}
MODELS = ROOT / "src" / "ingest" / "data" / "models"
AFFILIATIONS = affiliation_ranking.MODEL
FOLDS = 5
REPORTED = ("participant_precision", "participant_recall", "participant_f1")
REPORTED_TOO = ("affiliation_acc_matched", "field_score")
# the rules' choice exactly: a chosen person scores 0.73, any other 0.27
RULES_ONLY = linear.LinearModel(MODEL, 1.0, {"rule:none": -2.0})
# the rules' affiliation: its offer scores 1, any other under 0.0001 (an unset one stays unset)
AFFILIATION_RULES_ONLY = linear.LinearModel(AFFILIATIONS, -10.0, {"from:rules": 20.0})


@dataclass(frozen=True)
class Labeled:
    """One document with its set, publisher and gold row."""

    set_name: str
    document: Document
    publisher: str
    gold: dict[str, Any]


def _read(set_name: str, directory: Path) -> list[Labeled]:
    docs_path, gold_path = directory / "docs.jsonl", directory / "gold.jsonl"
    for path in (docs_path, gold_path):
        if not path.is_file():
            raise SystemExit(f"error: {path}: missing (each set needs docs.jsonl and gold.jsonl)")
    publishers = {}
    with docs_path.open(encoding="utf-8") as stream:
        for line in stream:
            if line.strip():
                row = json.loads(line)
                publishers[str(row["id"])] = str(row.get("source") or set_name)
    golds = {}
    with gold_path.open(encoding="utf-8") as stream:
        for line in stream:
            if line.strip():
                row = json.loads(line)
                golds[str(row["id"])] = row
    with docs_path.open("rb") as stream:
        documents = list(read_documents(stream, str(docs_path)))
    return [
        Labeled(set_name, d, publishers[d.doc_id], golds[d.doc_id])
        for d in documents
        if d.doc_id in golds
    ]


def _gold_people(gold: dict[str, Any]) -> list[dict[str, Any]]:
    events = gold.get("events") or []
    primary = next((e for e in events if e.get("primary")), events[0] if events else None)
    return list((primary or {}).get("participants") or [])


def _examples(item: Labeled, scorer: ModuleType) -> tuple[list[Example], list[Example]]:
    """(participant examples, affiliation examples) of one document."""
    found = anchors.find_anchors(item.document)
    if not found:
        return [], []
    index = find_people(item.document)
    gold = _gold_people(item.gold)
    counts = affiliation_ranking.document_counts(item.document)
    people, affiliations = [], []
    for candidate in candidates_for(index, found[0], item.document):
        matched = [g for g in gold if scorer.same_person(g.get("name"), candidate.name)]
        people.append(Example(candidate.features, bool(matched), item.publisher))
        right = scorer.fold(matched[0].get("affiliation")) if matched else ""
        if not right:
            continue
        for offer in affiliation_ranking.offers(index, candidate.person, item.document, counts):
            label = scorer.fold(offer.code) == right
            affiliations.append(Example(offer.features, label, item.publisher))
    return people, affiliations


def _predictions(
    items: list[Labeled], models: tuple[linear.LinearModel, linear.LinearModel]
) -> list[dict[str, Any]]:
    with linear.overridden(models[0]), linear.overridden(models[1]):
        return [
            json.loads(json.dumps(record.to_json_dict()))
            for item in items
            for record in extract(item.document)
        ]


def _scores(
    scorer: ModuleType, items: list[Labeled], predictions: list[dict[str, Any]]
) -> dict[str, dict[str, float]]:
    """Metrics per set and over all sets, from pooled predictions."""
    by_set: dict[str, dict[str, float]] = {}
    for set_name in [*SETS, "all"]:
        chosen = [i for i in items if set_name in ("all", i.set_name)]
        ids = {i.document.doc_id for i in chosen}
        rows = [p for p in predictions if p["doc_id"] in ids]
        by_set[set_name], _ = scorer.score([i.gold for i in chosen], rows)
    return by_set


def _line(label: str, metrics: dict[str, float]) -> str:
    shown = ", ".join(f"{k.replace('participant_', '')} {metrics[k]:.3f}" for k in REPORTED)
    more = ", ".join(f"{k} {metrics[k]:.3f}" for k in REPORTED_TOO)
    return f"  {label:<24} {shown}; {more}"


def _fitted(
    examples: list[tuple[list[Example], list[Example]]], l2: float
) -> tuple[linear.LinearModel, linear.LinearModel]:
    """Both models fitted on these documents' (participant, affiliation) examples."""
    people = fit([e for row in examples for e in row[0]], l2)
    offers = fit([e for row in examples for e in row[1]], l2)
    return (
        linear.LinearModel(MODEL, people[0], people[1]),
        linear.LinearModel(AFFILIATIONS, offers[0], offers[1]),
    )


def _training(
    examples: dict[str, list[tuple[list[Example], list[Example]]]],
    names: tuple[str, ...],
    held: tuple[str, ...],
) -> list[tuple[list[Example], list[Example]]]:
    """The examples of the named sets outside the held-out group."""
    return [row for name in names if name not in held for row in examples[name]]


def by_group(scorer: ModuleType, l2: float) -> None:
    """Each publisher group held out: both models fitted on the other groups of the previous
    sets (what was shipped, less the group) against the other groups of every set (the refit,
    less the group), the whole extractor scored on the held-out group's releases."""
    items = {name: _read(name, path) for name, path in SETS.items()}
    examples = {name: [_examples(item, scorer) for item in rows] for name, rows in items.items()}
    wins = {"participant_f1": 0, "affiliation_acc_matched": 0, "field_score": 0}
    for group, members in GROUPS.items():
        held = [item for name in members for item in items[name]]

        previous = _fitted(_training(examples, PREVIOUS_SETS, members), l2)
        refit = _fitted(_training(examples, tuple(SETS), members), l2)
        gold = [item.gold for item in held]
        before, _ = scorer.score(gold, _predictions(held, previous))
        after, _ = scorer.score(gold, _predictions(held, refit))
        for name in wins:
            wins[name] += after[name] > before[name]
        print(f"{group} ({len(held)} releases) held out")
        print(_line("previous sets less it", before))
        print(_line("every set less it", after))
    summary = ", ".join(f"{name} {count}" for name, count in wins.items())
    print(f"the refit is higher on held-out groups ({len(GROUPS)}): {summary}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="ship the model fitted on all sets")
    parser.add_argument("--l2", type=float, default=1.0, help="L2 penalty (default 1.0)")
    parser.add_argument(
        "--by-group", action="store_true", help="hold out each publisher group (no --write)"
    )
    arguments = parser.parse_args()
    scorer = gold_scorer()
    if arguments.by_group:
        by_group(scorer, arguments.l2)
        return
    items = [item for name, path in SETS.items() for item in _read(name, path)]
    examples = [_examples(item, scorer) for item in items]
    groups = [Example({}, False, item.publisher) for item in items]

    def fitted(indices: list[int]) -> tuple[linear.LinearModel, linear.LinearModel]:
        return _fitted([examples[i] for i in indices], arguments.l2)

    held_out: list[dict[str, Any]] = []
    for train, test in grouped_folds(groups, FOLDS):
        held_out += _predictions([items[i] for i in test], fitted(train))
    learned = fitted(list(range(len(items))))
    rules = _scores(scorer, items, _predictions(items, (RULES_ONLY, AFFILIATION_RULES_ONLY)))
    honest = _scores(scorer, items, held_out)
    tuned = _scores(scorer, items, _predictions(items, learned))
    count = sum(len(row[0]) for row in examples)
    positives = sum(e.label for row in examples for e in row[0])
    offered = sum(len(row[1]) for row in examples)
    publishers = len({item.publisher for item in items})
    print(
        f"{len(items)} documents, {publishers} publishers, {count} candidates ({positives} gold),"
        f" {offered} affiliation offers"
    )
    for set_name in [*SETS, "all"]:
        print(set_name)
        print(_line("rules (tuned on it)", rules[set_name]))
        print(_line(f"learned, held-out x{FOLDS}", honest[set_name]))
        print(_line("learned, fitted on all", tuned[set_name]))
    if arguments.write:
        figures, sets = honest["all"], ", ".join(SETS)
        held = (
            f"Publisher-grouped held-out ({FOLDS} folds), all sets pooled: participant"
            f" P {figures['participant_precision']:.3f} R {figures['participant_recall']:.3f}"
            f" F1 {figures['participant_f1']:.3f}, affiliation right for"
            f" {figures['affiliation_acc_matched']:.3f} of matched; rules alone (tuned on them)"
            f" F1 {rules['all']['participant_f1']:.3f}, affiliation"
            f" {rules['all']['affiliation_acc_matched']:.3f}."
        )
        people, offers = learned
        write_model(
            MODELS / f"{MODEL}.toml",
            people.bias,
            people.weights,
            [
                "Who took part in a release's primary event (ingest.extract.people.ranking).",
                f"Fitted by scripts/fit_participants.py (l2 {arguments.l2}) on {count} candidates"
                f" of {len(items)} documents ({sets}), {publishers} publishers.",
                held,
            ],
        )
        write_model(
            MODELS / f"{AFFILIATIONS}.toml",
            offers.bias,
            offers.weights,
            [
                "Whose official a participant is (ingest.extract.people.affiliation_ranking).",
                f"Fitted by scripts/fit_participants.py (l2 {arguments.l2}) on {offered} offers"
                f" of {len(items)} documents ({sets}), {publishers} publishers.",
                held,
            ],
        )
        print(f"wrote {MODELS.relative_to(ROOT)}/{{{MODEL},{AFFILIATIONS}}}.toml")


if __name__ == "__main__":
    main()
