"""Fit the record confidence model on labeled real sets; print its calibration on others.

    python scripts/fit_confidence.py --fit DIR [DIR ...] [--report DIR ...] [--write]

Each DIR holds docs.jsonl and gold.jsonl. A primary record counts as right when its type, date,
country and city are right and its participants are exactly the gold ones (shared/gold/score.py's
per-document comparison). The model is an L2-regularised logistic regression over
ingest.extract.confidence.features, fitted by gradient descent (deterministic); --write stores
it in src/ingest/data/confidence.toml. The report prints, per confidence band, how many primary
records fall in it and what share of them is right: aggregate figures only, so a blind set can
be reported without reading its failures.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

from ingest.cli.extract import read_documents
from ingest.extract import extract
from ingest.extract.confidence import features, score
from ingest.records import EventRecord

ROOT = Path(__file__).resolve().parents[1]
SCORER = ROOT.parent / "shared" / "gold" / "score.py"
MODEL = ROOT / "src" / "ingest" / "data" / "confidence.toml"
BANDS = ((0.0, 0.5), (0.5, 0.7), (0.7, 0.9), (0.9, 1.01))
L2 = 0.01
STEPS = 4000
RATE = 0.5


def _scorer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gold_score", SCORER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _examples(directory: Path) -> list[tuple[EventRecord, bool]]:
    """Each document's primary record and whether all its primary fields are right."""
    scorer = _scorer()
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
        right = all(row[k] for k in ("type", "date", "country", "city"))
        right = right and not row["people_missed"] and not row["people_extra"]
        examples.append((record, right))
    return examples


def fit(examples: list[tuple[EventRecord, bool]]) -> tuple[float, dict[str, float]]:
    rows = [(features(record), 1.0 if right else 0.0) for record, right in examples]
    names = sorted(rows[0][0])
    bias, weights = 0.0, dict.fromkeys(names, 0.0)
    for _ in range(STEPS):
        grad_bias, grad = 0.0, dict.fromkeys(names, 0.0)
        for values, label in rows:
            logit = bias + sum(weights[n] * values[n] for n in names)
            error = 1.0 / (1.0 + math.exp(-logit)) - label
            grad_bias += error
            for n in names:
                grad[n] += error * values[n]
        bias -= RATE * grad_bias / len(rows)
        for n in names:
            weights[n] -= RATE * (grad[n] / len(rows) + L2 * weights[n])
    return bias, weights


def calibration(examples: list[tuple[EventRecord, bool]]) -> list[tuple[str, int, float | None]]:
    table = []
    for low, high in BANDS:
        inside = [right for record, right in examples if low <= score(record) < high]
        share = sum(inside) / len(inside) if inside else None
        table.append((f"{low:.1f}-{min(high, 1.0):.1f}", len(inside), share))
    return table


def _write(bias: float, weights: dict[str, float], sets: list[str], count: int) -> None:
    lines = [
        "# Record confidence: logistic weights over ingest.extract.confidence.features.",
        f"# Fitted by scripts/fit_confidence.py on {count} primary records of {', '.join(sets)}",
        f"# ({datetime.now(UTC):%Y-%m-%d}); label: type, date, country, city and people right.",
        f"bias = {bias:.4f}",
        "",
        "[weights]",
    ]
    lines += [f"{name} = {value:.4f}" for name, value in sorted(weights.items())]
    MODEL.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fit", nargs="*", default=[], type=Path)
    parser.add_argument("--report", nargs="*", default=[], type=Path)
    parser.add_argument("--write", action="store_true")
    arguments = parser.parse_args()
    if arguments.fit:
        examples = [e for directory in arguments.fit for e in _examples(directory)]
        bias, weights = fit(examples)
        print(f"fitted on {len(examples)} records; right: {sum(r for _, r in examples)}")
        if arguments.write:
            _write(bias, weights, [d.name for d in arguments.fit], len(examples))
            score.__globals__["_weights"].cache_clear()
    for directory in arguments.report:
        examples = _examples(directory)
        print(f"{directory.name}: {len(examples)} primary records")
        for band, count, share in calibration(examples):
            shown = "-" if share is None else f"{share:.3f}"
            print(f"  confidence {band}: {count} records, all primary fields right: {shown}")


if __name__ == "__main__":
    main()
