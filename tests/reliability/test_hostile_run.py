"""One real `ingest run` process over every hostile feed at once, within 600 MB.

The same faults as test_faults.py (500, hang, trickle, gzip bomb, 200 MB bodies, redirect loops,
truncated XML, billion laughs, XXE, Latin-1, empty, ...) plus a release of 12 MB (under the
20 MB body cap) and a feed whose items link to another service on its host. Run as the command a
user runs, in a process of its own, so its peak resident memory is its own (issue 17: one 12 MB
item took `ingest run` to 1,166 MB).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from ingest import store
from ingest.config import Feed
from reliability.faultserver import MB, FaultServer
from reliability.harness import command_settings, corpus_feed, corpus_items, rss, rss_item
from reliability.test_faults import FAULTS, _feed_path, _summary_only
from support.feedserver import FeedServer, Route

PEAK_RSS_LIMIT_BYTES = 600 * MB
HEALTHY = "healthy"


def _huge_item(megabytes: int) -> bytes:
    item = corpus_items()[250]
    paragraph = f"<p>{item['content']}</p>"
    repeats = megabytes * MB // len(paragraph) + 1
    return rss([rss_item({**item, "content": paragraph * repeats}, guid="huge-12mb")])


def _peak_rss_until_exit(process: subprocess.Popen[bytes]) -> int:
    """The process's own peak resident memory (VmHWM), read until it exits.

    Not wait4's ru_maxrss: that also counts the children it waited for, and `ingest run`
    starts (and waits for) a temporary Prefect server of its own.
    """
    peak = 0
    status = Path(f"/proc/{process.pid}/status")
    while process.poll() is None:
        try:
            for line in status.read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]) * 1024)
        except (OSError, ValueError):
            pass  # exiting: the last reading stands
        time.sleep(0.05)
    return peak


def _toml_feed(feed: Feed) -> str:
    domains = ", ".join(f'"{d}"' for d in feed.allowed_domains)
    return (
        f'[[feeds]]\nid = "{feed.id}"\nurl = "{feed.url}"\npublisher = "{feed.publisher}"\n'
        f'country = "{feed.country}"\nlanguage = "{feed.language}"\n'
        f'timezone = "{feed.timezone}"\nfull_text = "{feed.full_text}"\n'
        f"allowed_domains = [{domains}]\n\n"
    )


def _feed(feed_id: str, url: str, **changes: str) -> Feed:
    values = {
        "id": feed_id,
        "url": url,
        "publisher": "A publisher",
        "country": "US",
        "timezone": "America/New_York",
        "full_text": "never",
        **changes,
    }
    return Feed(**values)  # type: ignore[arg-type]


@pytest.mark.slow
def test_one_run_over_every_hostile_feed_stays_under_600_mb(tmp_path: Path) -> None:
    with FaultServer() as server, FeedServer() as other_service:
        other_service.route("/secret", Route(body=b"<html><body>internal</body></html>"))
        feeds = [_feed(HEALTHY, server.route("/ok.xml", Route(body=corpus_feed(0, 2))))]
        for fault in FAULTS:
            route = fault.setup(server, _feed_path(fault.name), tmp_path)
            if route is not None:
                server.route(_feed_path(fault.name), route)
            feeds.append(_feed(fault.name, server.url(_feed_path(fault.name)), **fault.feed))
        server.route("/huge.xml", Route(body=_huge_item(12)))
        feeds.append(_feed("release-12mb", server.url("/huge.xml")))
        link = other_service.url("/secret")
        server.route("/private.xml", Route(body=_summary_only(link, "private-1")))
        feeds.append(_feed("links-to-other-service", server.url("/private.xml"), full_text="auto"))

        feeds_file = tmp_path / "feeds.toml"
        feeds_file.write_text("".join(_toml_feed(f) for f in feeds), encoding="utf-8")
        settings, settings_file = command_settings(
            tmp_path,
            feeds_path=feeds_file,
            connect_timeout=1.0,
            read_timeout=1.0,
            total_timeout=3.0,
            retries=0,
            max_concurrency=8,  # the default
            per_host_concurrency=8,  # every feed is on one test host
        )
        # the environment of a user's shell, not of this test session (its Prefect API, its
        # allocator choices): the run starts its own temporary Prefect server
        env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": str(tmp_path),
            "PREFECT_HOME": str(tmp_path / "prefect"),
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "DO_NOT_TRACK": "1",
            "INGEST_SETTINGS": str(settings_file),
        }
        command = [str(Path(sys.executable).with_name("ingest")), "run", "--force"]
        with tempfile.TemporaryFile() as out:
            run = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
            peak = _peak_rss_until_exit(run)
            out.seek(0)
            output = out.read().decode(errors="replace")
        secret_requests = other_service.requests_to("/secret")

    print(f"ingest run peak RSS {peak / MB:.0f} MB")
    assert run.returncode is not None and run.returncode >= 0, output
    assert peak <= PEAK_RSS_LIMIT_BYTES, f"peak RSS {peak / MB:.0f} MB\n{output[-2000:]}"
    assert secret_requests == [], "another service on the feed's host was reached"
    documents = store.read_table(settings, "documents", ["source_id"]).to_pylist()
    assert sum(d["source_id"] == HEALTHY for d in documents) == 2, output[-2000:]
    assert any(d["source_id"] == "release-12mb" for d in documents)
    rejects = store.read_table(settings, "rejects", ["source_id", "stage"]).to_pylist()
    reported = {(r["source_id"], r["stage"]) for r in rejects}
    missing = [f.name for f in FAULTS if f.stage and (f.name, f.stage) not in reported]
    assert missing == [], f"faults not reported per feed: {missing}"
