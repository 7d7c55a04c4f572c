"""Person resolution alone: CPU seconds of persons.resolve_names over N synthetic names written
like bench_warehouse's participants ("Person i", mentions Zipf-like, affiliations drawn as
bench_warehouse draws them), with one mentioned name of a million mentions. Prints one JSON line.

    .venv/bin/python benchmarks/bench_resolution.py --names 20000
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

from ingest import persons

sys.path.insert(0, str(Path(__file__).parent))
from bench_warehouse import AFFILIATIONS, PEOPLE

AFFILIATIONS_PER_NAME = 30  # draws per name at most: a name's affiliations and their counts
DAYS = 7300  # bench_warehouse's twenty years


def name_uses(count: int, seed: int) -> list[persons.NameUse]:
    """`count` names as a warehouse's SQL groups them, plus the mentioned "Someone Else"."""
    chance = random.Random(seed)
    uses = []
    for i in range(1, count + 1):
        mentions = max(1, PEOPLE // i)
        drawn: dict[str, int] = {}
        for _ in range(min(mentions, AFFILIATIONS_PER_NAME)):
            affiliation = AFFILIATIONS[int(len(AFFILIATIONS) ** chance.random()) - 1]
            drawn[affiliation] = drawn.get(affiliation, 0) + 1
        first = date(2006, 1, 1) + timedelta(days=chance.randrange(DAYS))
        uses.append(
            persons.NameUse(
                f"Person {i}",
                mentions,
                mentions,
                tuple(sorted(drawn.items())),
                frozenset({"Minister"}),
                first,
                first + timedelta(days=300),
            )
        )
    uses.append(persons.NameUse("Someone Else", 1_000_000, 0))
    return uses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--names", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    uses = name_uses(args.names, args.seed)
    began, wall = time.process_time(), time.perf_counter()
    resolved = persons.resolve_names(uses, [], {})
    result = {
        "name": f"resolve_names_{args.names}",
        "value": round(time.process_time() - began, 3),
        "unit": "cpu_s",
        "wall_seconds": round(time.perf_counter() - wall, 3),
        "persons": len(set(resolved.registry.values())),
    }
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
