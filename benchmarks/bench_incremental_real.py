"""Incremental publish on real releases: the demo warehouse without its newest N archive
releases built as the base (`ingest demo`), then one `ingest backfill` run of those N, its
publish timed stage by stage (and whether participant_persons was built on the previous
snapshot: the resolution logs what it resolved again); then `ingest refresh --full` on the same
data, timed, and every mart compared with the run's.

Held back: the newest N releases of the bundled archive that no captured demo feed also holds
(so the base has none of them). The base's lone surnames and the run's are counted.

    .venv/bin/python benchmarks/bench_incremental_real.py --held 40 --workdir /tmp/real \
        --output benchmarks/results/bench_incremental_real-DATE.json
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import shutil
import tarfile
import time
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from ingest import cli, publication, store, warehouse
from ingest.config import load_settings

REPOSITORY = Path(__file__).resolve().parent.parent
ITEM = re.compile(r"<item>.*?</item>", re.DOTALL)
LINK = re.compile(r"<link>([^<]+)</link>")
LONE_SURNAMES_SQL = """select count(*) filter (where resolution_rule in ('surname', 'unresolved')),
    count(*) from stg_participants"""


def split_archive(workdir: Path, held: int) -> int:
    """workdir/config: the demo's feeds and archive less the newest `held` releases no feed
    holds, which go to workdir/held/held.xml; how many were held back."""
    shutil.copytree(REPOSITORY / "config" / "demo" / "feeds", workdir / "config/demo/feeds")
    shutil.copy(REPOSITORY / "config" / "demo.toml", workdir / "config/demo.toml")
    captured = set()
    for feed in (workdir / "config/demo/feeds").iterdir():
        captured |= set(LINK.findall(feed.read_text("utf-8")))
    (archive,) = (REPOSITORY / "config/demo/archive").glob("*.tar.gz")
    extracted = workdir / "archive"
    with tarfile.open(archive) as tar:
        tar.extractall(extracted, filter="data")
    kept_back: list[str] = []
    head = ""
    for path in sorted(extracted.glob("*.xml"), reverse=True):  # newest month first
        text = path.read_text("utf-8")
        items = ITEM.findall(text)  # newest first within a month
        head = head or text[: text.index("<item>")]
        chosen = [item for item in items if not set(LINK.findall(item)) & captured]
        chosen = chosen[: held - len(kept_back)]
        kept_back += chosen
        rest = [item for item in items if item not in chosen]
        path.write_text(text[: text.index("<item>")] + "".join(rest) + "</channel></rss>\n")
        if len(kept_back) >= held:
            break
    (workdir / "config/demo/archive").mkdir(parents=True)
    with tarfile.open(workdir / "config/demo/archive/archive.tar.gz", "w:gz") as tar:
        for path in sorted(extracted.glob("*.xml")):
            tar.add(path, arcname=path.name)
    (workdir / "held").mkdir()
    (workdir / "held/held.xml").write_text(head + "".join(kept_back) + "</channel></rss>\n")
    return len(kept_back)


class Kept(logging.Handler):
    """The messages logged, in order."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def mart_rows(settings: Any) -> dict[str, list[str]]:
    snapshot = publication.read(settings).marts_snapshot
    assert snapshot is not None
    found = {}
    for view in warehouse.load_views():
        if view.materialized:
            table = pq.read_table(store.mart_path(settings, view.name, snapshot))
            found[view.name] = sorted(map(repr, (tuple(r.values()) for r in table.to_pylist())))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--held", type=int, default=40, help="newest releases held back")
    parser.add_argument("--workdir", required=True, help="a new folder for the warehouse")
    parser.add_argument("--output", help="also write the results to this JSON file")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s: %(message)s")
    resolution_log = Kept()
    logging.getLogger("ingest.warehouse").setLevel(logging.INFO)
    logging.getLogger("ingest.warehouse").addHandler(resolution_log)
    workdir = Path(args.workdir).resolve()
    workdir.mkdir(parents=True)
    held = split_archive(workdir, args.held)
    settings_path = workdir / "settings.toml"
    settings_path.write_text(
        f'data_root = "{workdir}/data"\nserving_path = "{workdir}/ingest.duckdb"\n'
        f'state_path = "{workdir}/state/feeds.json"\n'
    )
    os.chdir(workdir)  # `ingest demo` reads config/demo.toml of the working directory
    began = time.perf_counter()
    cli.cli.main(["demo", "--settings", str(settings_path)], standalone_mode=False)
    base_seconds = time.perf_counter() - began
    settings = load_settings(str(settings_path))
    base_lone = warehouse.query(settings, LONE_SURNAMES_SQL).rows[0]

    published: list[warehouse.Published] = []
    publish = warehouse.publish

    def recording(*given: Any, **named: Any) -> warehouse.Published:
        result = publish(*given, **named)
        published.append(result)
        return result

    warehouse.publish = recording  # type: ignore[assignment]
    began = time.perf_counter()
    cli.cli.main(
        [
            "backfill",
            str(workdir / "held"),
            "--settings",
            str(settings_path),
            "--source",
            "us-state-archive",
            "--timezone",
            "America/New_York",
        ],
        standalone_mode=False,
    )
    run_seconds = time.perf_counter() - began
    warehouse.publish = publish  # type: ignore[assignment]
    (run,) = [p for p in published if p.marts_recomputed]
    incremental_rows = mart_rows(settings)
    after_lone = warehouse.query(settings, LONE_SURNAMES_SQL).rows[0]
    began = time.perf_counter()
    full = warehouse.publish(settings, force=True)
    full_seconds = time.perf_counter() - began
    result = {
        "held_back_releases": held,
        "base_seconds": round(base_seconds, 1),
        "base_lone_surname_participants": base_lone,
        "after_lone_surname_participants": after_lone,
        "run_command_seconds": round(run_seconds, 2),
        "run_marts_seconds": round(run.marts_seconds, 3),
        "run_mart_seconds": {name: round(s, 3) for name, s in run.mart_seconds},
        "run_incremental": list(run.incremental),
        "run_serving_seconds": round(run.serving_seconds, 3),
        "full_publish_seconds": round(full_seconds, 3),
        "full_marts_seconds": round(full.marts_seconds, 3),
        "full_mart_seconds": {name: round(s, 3) for name, s in full.mart_seconds},
        "marts_equal_to_full": incremental_rows == mart_rows(settings),
        # what the resolution said it did, in every publish (the demo's, the run's)
        "resolution_log": resolution_log.lines,
    }
    print(json.dumps(result, indent=1), flush=True)
    if args.output:
        Path(args.output).write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    main()
