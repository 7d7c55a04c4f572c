"""Check that a change to the extractor leaves its records byte for byte as they were.

    python scripts/same_records.py save DIR      # before: `ingest extract` of every set into DIR
    python scripts/same_records.py compare DIR   # after: extract again, compare with DIR

The sets: the 2,025-release State Department corpus (turned into documents JSONL the way
benchmarks/bench_extract.py reads it), tests/fixtures/real-tune, ../shared/gold/world and
../shared/gold/dev. `compare` prints one line per set and, for a set that differs, the first
differing record's document id; it exits 1 when any set differs.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from email.utils import parsedate_to_datetime
from pathlib import Path

from ingest.htmltext import html_to_text

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus/state.gov_press-releases_2021-05_to_2022-08.items.json"
DOCUMENT_SETS = {
    "real-tune": ROOT / "tests/fixtures/real-tune/docs.jsonl",
    "world": SHARED / "gold/world/docs.jsonl",
    "dev": SHARED / "gold/dev/docs.jsonl",
}
INGEST = Path(sys.executable).parent / "ingest"


def write_corpus_documents(target: Path) -> Path:
    """The corpus's feed items as documents JSONL, ids as benchmarks/bench_extract.py gives them."""
    items = json.loads(CORPUS.read_text(encoding="utf-8"))
    with target.open("w", encoding="utf-8") as out:
        for number, item in enumerate(items):
            published = item.get("pubDate")
            row = {
                "id": f"bench-{number}",
                "url": item.get("link"),
                "title": item.get("title"),
                "published": parsedate_to_datetime(published).isoformat() if published else None,
                "text": html_to_text(item.get("content") or ""),
            }
            out.write(json.dumps(row) + "\n")
    return target


def extract_every_set(out_dir: Path, scratch: Path) -> list[str]:
    """Run `ingest extract` over each set into out_dir/<set>.jsonl; the set names in order."""
    sets = {"corpus": write_corpus_documents(scratch / "corpus-docs.jsonl"), **DOCUMENT_SETS}
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, docs in sets.items():
        target = out_dir / f"{name}.jsonl"
        subprocess.run([str(INGEST), "extract", str(docs), "-o", str(target)], check=True)
    return list(sets)


def first_difference(before: Path, after: Path) -> str | None:
    """None when the files are equal, else where the first differing record is."""
    old_lines = before.read_bytes().splitlines()
    new_lines = after.read_bytes().splitlines()
    for number, (old, new) in enumerate(zip(old_lines, new_lines, strict=False), start=1):
        if old != new:
            doc_id = json.loads(old).get("doc_id")
            return f"line {number} (document {doc_id}) differs"
    if len(old_lines) != len(new_lines):
        return f"{len(old_lines)} records before, {len(new_lines)} now"
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["save", "compare"])
    parser.add_argument("directory", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch_name:
        scratch = Path(scratch_name)
        if args.action == "save":
            names = extract_every_set(args.directory, scratch)
            print(f"saved {', '.join(names)} in {args.directory}")
            return 0
        names = extract_every_set(scratch / "after", scratch)
        differing = 0
        for name in names:
            problem = first_difference(
                args.directory / f"{name}.jsonl", scratch / f"after/{name}.jsonl"
            )
            differing += problem is not None
            print(f"{name}: {problem or 'same records, byte for byte'}")
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
