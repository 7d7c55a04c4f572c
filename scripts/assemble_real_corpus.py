"""Assemble the real labeled corpus: two independent labelings, the adjudicated disagreements.

    python scripts/assemble_real_corpus.py DOCS.jsonl LABELS_DIR BLIND_PUBLISHERS.json OUT_DIR

LABELS_DIR holds A-*.jsonl and B-*.jsonl (the two labelers, each covering every document once)
and C-*.jsonl (the adjudicator's line for every document where A and B differed). The final
label of a document is C's when it has one, else A's (A and B agreed). Documents are split by
publisher (`source`): those of BLIND_PUBLISHERS go to OUT_DIR/real-blind, the others to
OUT_DIR/real-tune, each as docs.jsonl + gold.jsonl in the same order. Prints the agreement of
the two labelings (shared/gold/score.py with A as gold and B as predictions) per part.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

SCORER = Path(__file__).resolve().parents[2] / "shared" / "gold" / "score.py"


def _lines(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _by_id(paths: list[Path]) -> dict[str, dict[str, Any]]:
    rows: dict[str, dict[str, Any]] = {}
    for path in paths:
        for row in _lines(path):
            if row["id"] in rows:
                raise SystemExit(f"{path}: {row['id']} labeled twice")
            rows[row["id"]] = row
    return rows


def _as_predictions(labels: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A labeling in the pipeline's record shape (primary event first), for the scorer."""
    predictions = []
    for label in labels:
        events = sorted(label["events"], key=lambda e: not e.get("primary"))
        for event in events:
            where = event.get("location") or {}
            predictions.append(
                {
                    "doc_id": label["id"],
                    "event_type": event["event_type"],
                    "event_date": event.get("event_date"),
                    "city": where.get("city"),
                    "country_code": where.get("country_code"),
                    "participants": event.get("participants") or [],
                }
            )
    return predictions


def _write(path: Path, rows: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def _agreement(first: list[dict[str, Any]], second: list[dict[str, Any]]) -> str:
    with tempfile.TemporaryDirectory() as scratch:
        gold, predicted = Path(scratch, "gold.jsonl"), Path(scratch, "pred.jsonl")
        _write(gold, first)
        _write(predicted, _as_predictions(second))
        done = subprocess.run(
            [sys.executable, str(SCORER), str(gold), str(predicted)],
            capture_output=True,
            text=True,
            check=True,
        )
    return " ".join(done.stdout.split())


def main(docs_path: str, labels_dir: str, blind_path: str, out_dir: str) -> None:
    docs = _lines(Path(docs_path))
    labels = Path(labels_dir)
    first = _by_id(sorted(labels.glob("A-*.jsonl")))
    second = _by_id(sorted(labels.glob("B-*.jsonl")))
    adjudicated = _by_id(sorted(labels.glob("C-*.jsonl")))
    blind = set(json.loads(Path(blind_path).read_text(encoding="utf-8")))
    for part, wanted in (("real-tune", False), ("real-blind", True)):
        chosen = [d for d in docs if (d["source"] in blind) == wanted]
        if not chosen:  # a round may be all blind (session 12's real-blind-4) or all tuning
            continue
        final = []
        for doc in chosen:
            label = dict(adjudicated.get(doc["id"]) or first[doc["id"]])
            label.pop("adjudication", None)
            final.append(label)
        _write(Path(out_dir, part, "docs.jsonl"), chosen)
        _write(Path(out_dir, part, "gold.jsonl"), final)
        ids = [d["id"] for d in chosen]
        agreement = _agreement([first[i] for i in ids], [second[i] for i in ids])
        publishers = len({d["source"] for d in chosen})
        changed = sum(i in adjudicated for i in ids)
        print(f"{part}: {len(chosen)} documents, {publishers} publishers, {changed} adjudicated")
        print(f"  agreement of the two labelings: {agreement}")


if __name__ == "__main__":
    if len(sys.argv) != 5:
        raise SystemExit(__doc__)
    main(*sys.argv[1:])
