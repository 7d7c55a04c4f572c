"""Fit the record confidence model on labeled real sets; print its calibration on others.

    python scripts/fit_confidence.py --fit GROUP [GROUP ...] [--write] [--held-out]
                                     [--report DIR ...]

Each DIR holds docs.jsonl and gold.jsonl; a GROUP is one DIR or several joined by commas
(`a,b,c`): sets of one publisher group, which are never split between fitting and checking.
A primary record's field counts as right as shared/gold/score.py's per-document comparison says
(people: exactly the gold participants); the record is right when all five are. The fit counts,
per field and support (ingest.extract.confidence.supports), how often the field is right,
smoothed towards the field's rate; the calibration map from the raw product to a probability is
fitted by pooled adjacent violators (blocks of at least MIN_BLOCK records) on leave-one-GROUP-out
products of the records that are not plain bilateral ones, so it learns how sure a record is on
publishers its reliabilities were not counted on; a plain bilateral record's probability
(ingest.extract.confidence.plain_bilateral) is the share of those records that are right.
--write stores the model in src/ingest/data/confidence.toml. --held-out refits the whole method
once per group without it and prints that group's calibration (the development measure of how
the model holds on publishers it never saw). The report prints, per confidence band, how many
primary records fall in it and what share of them is right: aggregate figures only, so a blind
set can be reported without reading its failures; and the Brier score (mean squared difference
between confidence and right), lower for a better-calibrated, sharper model.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from learning import gold_scorer

from ingest.cli.extract import read_documents
from ingest.extract import extract
from ingest.extract.confidence import (
    FIELDS,
    Model,
    plain_bilateral,
    probability,
    raw_score,
    supports,
)
from ingest.records import EventRecord

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "src" / "ingest" / "data" / "confidence.toml"
BANDS = ((0.0, 0.5), (0.5, 0.7), (0.7, 0.9), (0.9, 1.01))
PRIOR = 4.0  # records' worth of the field's overall rate added to every support's count
MIN_BLOCK = 25  # records per step of the calibration map

Example = tuple[EventRecord, dict[str, bool]]


def _examples(directory: Path) -> list[Example]:
    """Each document's primary record and which of its five primary fields are right."""
    scorer = gold_scorer()
    primaries: dict[str, EventRecord] = {}
    predictions: list[dict[str, Any]] = []
    with (directory / "docs.jsonl").open("rb") as stream:
        for document in read_documents(stream, str(directory / "docs.jsonl")):
            records = extract(document)
            if records:
                primaries[document.doc_id] = records[0]
            predictions += [json.loads(json.dumps(r.to_json_dict())) for r in records]
    _, per_doc = scorer.score(scorer.load_jsonl(str(directory / "gold.jsonl")), predictions)
    examples = []
    for row in per_doc:
        record = primaries.get(row["id"])
        if record is None:
            continue
        right = {field: bool(row[field]) for field in ("type", "date", "country", "city")}
        right["people"] = not row["people_missed"] and not row["people_extra"]
        examples.append((record, right))
    return examples


def reliabilities(
    examples: Sequence[Example],
) -> tuple[dict[str, dict[str, float]], dict[str, float]]:
    """Per field and support, the smoothed share of records whose field is right."""
    table: dict[str, dict[str, float]] = {}
    base: dict[str, float] = {}
    keyed = [(supports(record), right) for record, right in examples]
    for field in FIELDS:
        rate = sum(right[field] for _, right in keyed) / len(keyed)
        seen, hits = Counter[str](), Counter[str]()
        for support, right in keyed:
            seen[support[field]] += 1
            hits[support[field]] += right[field]
        table[field] = {k: (hits[k] + PRIOR * rate) / (seen[k] + PRIOR) for k in sorted(seen)}
        base[field] = rate
    return table, base


def pooled_adjacent_violators(pairs: Sequence[tuple[float, bool]]) -> list[tuple[float, float]]:
    """A monotone step map raw -> share right, each step holding at least MIN_BLOCK records."""
    blocks: list[list[float]] = []  # [sum of raw, sum of right, count]
    chunk: list[float] = [0.0, 0.0, 0.0]
    for raw, right in sorted(pairs):
        chunk = [chunk[0] + raw, chunk[1] + float(right), chunk[2] + 1]
        if chunk[2] >= MIN_BLOCK:
            blocks.append(chunk)
            chunk = [0.0, 0.0, 0.0]
    if chunk[2]:
        if blocks:
            blocks[-1] = [a + b for a, b in zip(blocks[-1], chunk, strict=True)]
        else:
            blocks.append(chunk)
    merged: list[list[float]] = []
    for block in blocks:
        merged.append(block)
        while len(merged) > 1 and merged[-2][1] / merged[-2][2] >= merged[-1][1] / merged[-1][2]:
            last = merged.pop()
            merged[-1] = [a + b for a, b in zip(merged[-1], last, strict=True)]
    return [(total / count, hits / count) for total, hits, count in merged]


def fit(examples_by_group: dict[str, list[Example]]) -> Model:
    """Reliabilities from every group; the calibration from each group's products under the rest.

    Holding out a whole publisher group (not one set of it) lets the map see how much a record
    of publishers the counts never met loses, which is what a new publisher's record is. Plain
    bilateral records do not depend on the counts: their probability is their share right.
    """
    if len(examples_by_group) < 2:
        raise SystemExit(
            f"fit_confidence: --fit needs two groups or more, got {len(examples_by_group)}"
        )
    everything = [e for examples in examples_by_group.values() for e in examples]
    table, base = reliabilities(everything)
    pairs: list[tuple[float, bool]] = []
    for held_out, examples in examples_by_group.items():
        others = [e for name, ex in examples_by_group.items() if name != held_out for e in ex]
        fold = Model(*reliabilities(others), (0.0,), (0.0,), 0.0)
        pairs += [
            (raw_score(record, fold), all(right.values()))
            for record, right in examples
            if not plain_bilateral(record)
        ]
    bilateral = [all(right.values()) for record, right in everything if plain_bilateral(record)]
    knots = pooled_adjacent_violators(pairs)
    return Model(
        table,
        base,
        tuple(x for x, _ in knots),
        tuple(min(y, 0.999) for _, y in knots),
        min(sum(bilateral) / len(bilateral), 0.999) if bilateral else knots[-1][1],
    )


def calibration(examples: Sequence[Example], model: Model) -> list[tuple[str, int, float | None]]:
    table = []
    for low, high in BANDS:
        scores = [(probability(r, model), ok) for r, ok in examples]
        inside = [all(ok.values()) for s, ok in scores if low <= round(s, 3) < high]
        share = sum(inside) / len(inside) if inside else None
        table.append((f"{low:.1f}-{min(high, 1.0):.1f}", len(inside), share))
    return table


def _toml_table(values: dict[str, float]) -> list[str]:
    return [f"{json.dumps(key)} = {value:.4f}" for key, value in values.items()]


def _write(model: Model, sets: list[str], count: int) -> None:
    lines = [
        "# Record confidence (ingest.extract.confidence): per field, how often it is right given",
        f"# its support; fitted by scripts/fit_confidence.py on {count} primary records of",
        f"# {', '.join(sets)} ({datetime.now(UTC):%Y-%m-%d}). The calibration maps the product",
        "# over the fields to the share of records with all five right, leave one group out;",
        "# plain_bilateral is the share right of plain bilateral records (see the module).",
        "",
        "[base_rate]",
        *_toml_table(dict(model.base_rate)),
    ]
    for field in FIELDS:
        lines += ["", f"[reliability.{field}]", *_toml_table(dict(model.reliability[field]))]
    lines += [
        "",
        "[calibration]",
        f"raw = [{', '.join(f'{x:.4f}' for x in model.knots_raw)}]",
        f"probability = [{', '.join(f'{y:.4f}' for y in model.knots_probability)}]",
        f"plain_bilateral = {model.plain_bilateral:.4f}",
    ]
    MODEL.write_text("\n".join(lines) + "\n", encoding="utf-8")


def brier(examples: Sequence[Example], model: Model) -> float:
    """Mean squared difference between each record's confidence and 1 if right else 0."""
    return sum(
        (round(probability(r, model), 3) - all(ok.values())) ** 2 for r, ok in examples
    ) / len(examples)


def _print_calibration(name: str, examples: Sequence[Example], model: Model) -> None:
    print(f"{name}: {len(examples)} primary records, Brier {brier(examples, model):.4f}")
    for band, count, share in calibration(examples, model):
        shown = "-" if share is None else f"{share:.3f}"
        print(f"  confidence {band}: {count} records, all primary fields right: {shown}")


def _group_name(paths: Sequence[Path]) -> str:
    return "+".join(path.name for path in paths)


def _held_out(sets_by_group: dict[str, dict[str, list[Example]]]) -> None:
    """Per group: the method refitted on the other groups, scored on the group it never saw."""
    for held_out, sets in sets_by_group.items():
        others = {
            name: [e for examples in group.values() for e in examples]
            for name, group in sets_by_group.items()
            if name != held_out
        }
        if len(others) < 2:  # too few groups to hold one out of the calibration too
            others = {
                s: ex for g, grp in sets_by_group.items() if g != held_out for s, ex in grp.items()
            }
        model = fit(others)
        _print_calibration(f"{held_out} (held out)", [e for ex in sets.values() for e in ex], model)
        if len(sets) > 1:
            for name, examples in sets.items():
                _print_calibration(f"  {name} (held out with its group)", examples, model)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fit", nargs="*", default=[], help="groups: DIR or DIR,DIR,...")
    parser.add_argument("--report", nargs="*", default=[], type=Path)
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--held-out", action="store_true", help="refit without each group")
    arguments = parser.parse_args()
    from ingest.extract import confidence

    model = confidence._model()
    if arguments.fit:
        groups = [[Path(part) for part in group.split(",")] for group in arguments.fit]
        sets_by_group = {
            _group_name(paths): {path.name: _examples(path) for path in paths} for paths in groups
        }
        by_group = {g: [e for ex in sets.values() for e in ex] for g, sets in sets_by_group.items()}
        count = sum(len(examples) for examples in by_group.values())
        model = fit(by_group)
        right = sum(all(r.values()) for examples in by_group.values() for _, r in examples)
        print(f"fitted on {count} records of {len(by_group)} groups; right: {right}")
        if arguments.write:
            _write(model, list(by_group), count)
            confidence._model.cache_clear()
        if arguments.held_out:
            _held_out(sets_by_group)
    for directory in arguments.report:
        _print_calibration(directory.name, _examples(directory), model)


if __name__ == "__main__":
    main()
