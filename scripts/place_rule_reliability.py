"""How reliable each place and date rule is on every labeled set: the table to read before keeping,
demoting or dropping a rule (issue 15).

    python scripts/place_rule_reliability.py              # extract the four sets, print tables
    python scripts/place_rule_reliability.py --reuse DIR  # read DIR/<set>.jsonl made before
    python scripts/place_rule_reliability.py --cases RULE # the primaries RULE got wrong or extra
    python scripts/place_rule_reliability.py --corpus     # + each rule's firings on unseen text
    python scripts/place_rule_reliability.py --corpus --cases RULE  # those firings, to judge

For the primary event of every labeled release (a release's first record, as score.py takes it)
and each of country, city and date, the rule its evidence names (`(no value)` when the extractor
gave none, `(published)` for a date taken from the release's date without a cue). Per rule and set:
right, wrong (gold has another value), extra (gold has none), missed (the extractor gave none,
gold has one; only under `(no value)`), and the publishers it was right and wrong for. The sets:
../shared/gold/dev and world, tests/fixtures/real-tune and real-tune-2; never the blind parts.

The labeled sets are what the rules were written from, so a rule is right there by construction.
`--corpus` also counts each rule's firings on the 2,025 State Department releases no place or
date rule was written from (unlabeled): `--corpus --cases RULE` prints every firing with the text
around its evidence, to judge by hand whether the rule holds on text it has not seen.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from same_records import write_corpus_documents  # scripts/ is on a script's path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
LABELED_SETS = {
    "dev": SHARED / "gold/dev",
    "world": SHARED / "gold/world",
    "real-tune": ROOT / "tests/fixtures/real-tune",
    "real-tune-2": ROOT / "tests/fixtures/real-tune-2",
}
INGEST = Path(sys.executable).parent / "ingest"
FIELDS = ("country", "city", "date")
# the record's field each scored field is read from, and the evidence field names that carry it
RECORD_FIELD = {"country": "country_code", "city": "city", "date": "event_date"}
OUTCOMES = ("right", "wrong", "extra", "missed")


@dataclass(frozen=True)
class Judgement:
    """One primary event's value of one field: the rule that gave it and how it compares."""

    set_name: str
    doc_id: str
    publisher: str
    field: str
    rule: str
    outcome: str
    predicted: str | None
    gold: str | None


def _scorer() -> ModuleType:
    """The shared scorer, so a value counts right here exactly when score.py counts it right."""
    spec = importlib.util.spec_from_file_location("gold_score", SHARED / "gold/score.py")
    if spec is None or spec.loader is None:
        raise SystemExit(f"error: {SHARED / 'gold/score.py'}: cannot load the scorer")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def _rule_of(record: dict, field: str) -> str:
    """The rule the record's evidence names for field; a value without evidence says why."""
    name = RECORD_FIELD[field]
    for evidence in record.get("evidence") or []:
        if evidence.get("field") in (name, f"title:{name}"):
            return str(evidence.get("rule"))
    if record.get(name) is None:
        return "(no value)"
    if field == "date" and record.get("date_basis") == "published":
        return "(published)"
    return "(no evidence)"


def _gold_value(primary: dict, field: str) -> str | None:
    if field == "date":
        return primary.get("event_date") or None
    location = primary.get("location") or {}
    return location.get("country_code" if field == "country" else "city") or None


def _outcome(field: str, predicted: str | None, gold: str | None, scorer: ModuleType) -> str:
    if predicted is None and gold is None:
        return "right"
    if predicted is None:
        return "missed"
    if gold is None:
        return "extra"
    if field == "city":
        same = scorer.city_key(predicted) == scorer.city_key(gold)
    else:
        same = predicted.upper() == gold.upper()
    return "right" if same else "wrong"


def judge_set(set_name: str, records_path: Path, scorer: ModuleType) -> list[Judgement]:
    """Every primary event's country, city and date in one set, judged against its gold."""
    folder = LABELED_SETS[set_name]
    publishers = {row["id"]: row.get("source") or "?" for row in _read_jsonl(folder / "docs.jsonl")}
    first: dict[str, dict] = {}
    for record in _read_jsonl(records_path):
        first.setdefault(str(record.get("doc_id")), record)
    judged = []
    for labeled in _read_jsonl(folder / "gold.jsonl"):
        events = labeled.get("events") or []
        primary = next((e for e in events if e.get("primary")), events[0] if events else None)
        if primary is None:
            continue
        record = first.get(str(labeled["id"]), {})
        for field in FIELDS:
            predicted = record.get(RECORD_FIELD[field]) or None
            gold = _gold_value(primary, field)
            judged.append(
                Judgement(
                    set_name,
                    str(labeled["id"]),
                    publishers.get(labeled["id"], "?"),
                    field,
                    _rule_of(record, field),
                    _outcome(field, predicted, gold, scorer),
                    predicted,
                    gold,
                )
            )
    return judged


def corpus_firings(records_path: Path) -> list[tuple[str, str, dict]]:
    """(field, rule, primary record) for every field of the corpus's primaries."""
    first: dict[str, dict] = {}
    for record in _read_jsonl(records_path):
        first.setdefault(str(record.get("doc_id")), record)
    return [
        (field, _rule_of(record, field), record) for record in first.values() for field in FIELDS
    ]


def print_corpus_counts(firings: list[tuple[str, str, dict]]) -> None:
    print("\non the State Department corpus (unlabeled), primaries per rule:")
    counts = Counter((field, rule) for field, rule, _ in firings)
    for (field, rule), count in sorted(counts.items()):
        print(f"{field:8} {rule:28} {count:5}")


def print_corpus_cases(firings: list[tuple[str, str, dict]], rule: str, docs: Path) -> None:
    texts = {row["id"]: row for row in _read_jsonl(docs)}
    for field, fired, record in firings:
        if fired != rule:
            continue
        doc = texts[record["doc_id"]]
        name = RECORD_FIELD[field]
        evidence = next(e for e in record["evidence"] if e.get("field") in (name, f"title:{name}"))
        source = doc["title"] if evidence["field"].startswith("title:") else doc["text"]
        around = source[max(0, evidence["start"] - 160) : evidence["end"] + 40]
        print(f"{record['doc_id']} {record['event_type']} {field}={record.get(name)}")
        print(f"    {doc.get('title')!r}\n    ...{around!r}")


def extract_sets(out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, folder in LABELED_SETS.items():
        target = out_dir / f"{name}.jsonl"
        subprocess.run(
            [str(INGEST), "extract", str(folder / "docs.jsonl"), "-o", str(target)], check=True
        )


def _cell(counts: Counter[str]) -> str:
    """right/wrong/extra/missed, blank where the rule never spoke in the set."""
    if not counts:
        return "."
    return "/".join(str(counts[o]) for o in OUTCOMES)


def print_tables(judged: list[Judgement]) -> None:
    sets = list(LABELED_SETS)
    for field in FIELDS:
        by_rule: dict[str, dict[str, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
        publishers: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for j in judged:
            if j.field != field:
                continue
            by_rule[j.rule][j.set_name][j.outcome] += 1
            publishers[j.rule][j.outcome].add(j.publisher)
        print(f"\n{field}: right/wrong/extra/missed per set; publishers right | not right")
        header = f"{'rule':28} " + " ".join(f"{s:>13}" for s in sets)
        print(header + f" {'all':>13} {'pub ok | not':>13}")
        order = sorted(by_rule, key=lambda r: -sum(sum(c.values()) for c in by_rule[r].values()))
        for rule in order:
            total: Counter[str] = sum(by_rule[rule].values(), Counter())
            not_right = publishers[rule]["wrong"] | publishers[rule]["extra"]
            not_right |= publishers[rule]["missed"]
            cells = " ".join(f"{_cell(by_rule[rule][s]):>13}" for s in sets)
            pubs = f"{len(publishers[rule]['right'])} | {len(not_right)}"
            print(f"{rule:28} {cells} {_cell(total):>13} {pubs:>13}")


def print_cases(judged: list[Judgement], rule: str) -> None:
    for j in judged:
        if j.rule == rule and j.outcome != "right":
            print(
                f"{j.set_name:12} {j.field:8} {j.outcome:7} {j.doc_id}: {j.predicted} vs {j.gold}"
            )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reuse", type=Path, help="read DIR/<set>.jsonl instead of extracting")
    parser.add_argument("--out", type=Path, default=Path("/tmp/place-rule-reliability"))
    parser.add_argument("--cases", help="list the primaries a rule got wrong (or gave extra)")
    parser.add_argument("--corpus", action="store_true", help="also the unlabeled corpus")
    args = parser.parse_args(argv)
    records = args.reuse or args.out
    corpus_docs = records / "corpus-docs.jsonl"
    if args.reuse is None:
        extract_sets(records)
        if args.corpus:
            write_corpus_documents(corpus_docs)
            corpus_out = str(records / "corpus.jsonl")
            subprocess.run([str(INGEST), "extract", str(corpus_docs), "-o", corpus_out], check=True)
    scorer = _scorer()
    judged = [
        j for name in LABELED_SETS for j in judge_set(name, records / f"{name}.jsonl", scorer)
    ]
    firings = corpus_firings(records / "corpus.jsonl") if args.corpus else []
    if args.cases and args.corpus:
        print_corpus_cases(firings, args.cases, corpus_docs)
    elif args.cases:
        print_cases(judged, args.cases)
    else:
        print_tables(judged)
        if args.corpus:
            print_corpus_counts(firings)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
