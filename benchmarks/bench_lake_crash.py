"""kill -9 of a writer mid-commit on a DuckLake (PostgreSQL catalog, S3 data): 20 trials.

Each trial kills a writer process at a random point of its commit (a delay of up to twice the
clean run's measured commit time after its "committing load" line), checks that a reader sees none
or all of the run's rows, then runs the writer again and checks the lake holds exactly what a
clean run stores. Starts its own PostgreSQL and S3 (moto) servers on 127.0.0.1.

    .venv/bin/python benchmarks/bench_lake_crash.py [--trials 20] [--seed 19]
        [-o benchmarks/lake_crash.json]
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from support.lakecrash import Trial, run_trials  # noqa: E402
from support.lakehosts import lake_servers  # noqa: E402

ARCHIVE = ROOT / "tests" / "fixtures" / "feeds" / "state.gov_press-releases_rss_2021-05-23.xml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("-o", "--output", default=str(ROOT / "benchmarks" / "lake_crash.json"))
    args = parser.parse_args()

    def report(trial: Trial) -> None:
        print(json.dumps(trial.__dict__), flush=True)

    workdir = Path(tempfile.mkdtemp(prefix="lake-crash-"))
    try:
        archive = workdir / "archive"
        archive.mkdir()
        shutil.copyfile(ARCHIVE, archive / ARCHIVE.name)
        with lake_servers() as servers:
            result = run_trials(servers, archive, workdir, args.trials, args.seed, report)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    result = {
        "benchmark": "lake_crash",
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {platform.python_version()}",
        "command": "python benchmarks/bench_lake_crash.py " + " ".join(sys.argv[1:]),
        **result,
    }
    Path(args.output).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    summary = {k: v for k, v in result.items() if k != "results"}
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
