"""The flows end to end on captured feeds: real Parquet, DuckDB, a local HTTP server, Prefect."""

from __future__ import annotations

import dataclasses
import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from conftest import FIXTURE_FEEDS, SettingsFactory, feed_entry
from ingest import store
from ingest.config import Feed, Settings, load_feeds, load_settings
from ingest.extract import extract
from ingest.fetch import FetchResult
from ingest.parse import ParsedFeed, parse_bytes
from ingest.state import load_states
from ingest.tour import FURTHER, STOPS, tour
from ingest.warehouse import query, run_checks
from support.feedserver import FeedServer, Route

pytestmark = pytest.mark.usefixtures("prefect_harness")
TABLES = ("documents", "events", "rejects", "loads")


def counts(settings: Settings) -> dict[str, int]:
    return {name: store.read_table(settings, name).num_rows for name in TABLES}


def artifact_markdown(key: str) -> str:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey
    from prefect.client.schemas.sorting import ArtifactSort

    with get_client(sync_client=True) as client:
        found = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[key])),
            sort=ArtifactSort.CREATED_DESC,
            limit=1,
        )
    assert found, f"no artifact {key}"
    return str(found[0].data)


def latest_task_run_names(flow_name: str) -> set[str]:
    """The task names of the latest run of flow_name (task-run names carry a suffix)."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowFilter, FlowFilterName, FlowRunFilter
    from prefect.client.schemas.sorting import FlowRunSort

    with get_client(sync_client=True) as client:
        runs = client.read_flow_runs(
            flow_filter=FlowFilter(name=FlowFilterName(any_=[flow_name])),
            sort=FlowRunSort.START_TIME_DESC,
            limit=1,
        )
        assert runs, f"no run of {flow_name}"
        tasks = client.read_task_runs(
            flow_run_filter=FlowRunFilter(id={"any_": [runs[0].id]})  # type: ignore[arg-type]
        )
    return {task.name.rsplit("-", 1)[0] for task in tasks}


def test_run_over_captured_feeds_stores_everything_once(make_settings: SettingsFactory) -> None:
    from ingest.flows.ingest_feeds import ingest_feeds

    path = make_settings()
    settings = load_settings(path)
    first = ingest_feeds(settings_path=str(path))
    assert first.status == "ok", first.to_markdown()
    assert (first.feeds_ok, first.feeds_failed) == (3, 0)
    after_first = counts(settings)
    assert after_first["documents"] == first.documents_new == 30
    assert after_first["events"] == first.events_written > 0
    assert after_first["loads"] == 1
    assert "ingest-feeds: ok" in artifact_markdown("ingest-feeds-summary")
    # each pipeline step ran as a Prefect task run named after it
    assert {"fetch-and-parse", "store-batch"} <= latest_task_run_names("ingest-feeds")
    assert Path(settings.serving_path).exists()
    assert query(settings, "select count(*) from stg_documents").rows == [(30,)]
    # real extracted records pass every warehouse data check (codes, keys, accepted values)
    assert [check.name for check in run_checks(settings) if not check.passed] == []

    second = ingest_feeds(settings_path=str(path))
    assert second.status == "ok"
    assert (second.feeds_not_modified, second.documents_new, second.events_written) == (3, 0, 0)
    assert counts(settings) == {**after_first, "loads": 2}

    # without the state file (a cache) every feed is read and parsed again: still nothing new
    Path(settings.state_path).unlink()
    third = ingest_feeds(settings_path=str(path), force=True)
    assert (third.feeds_ok, third.documents_new, third.documents_revised) == (3, 0, 0)
    assert counts(settings) == {**after_first, "loads": 3}

    # the tour and the SQL it suggests run on what was stored
    stops = tour(settings)
    assert [stop.title for stop, _ in stops] == [stop.title for stop in STOPS]
    assert stops[0][1].rows[0][:2] == (30, after_first["events"])
    for sql in FURTHER:
        query(settings, sql)


def test_broken_feeds_are_recorded_and_do_not_stop_the_others(
    make_settings: SettingsFactory, tmp_path: Path
) -> None:
    from ingest.flows.ingest_feeds import ingest_feeds

    good = FIXTURE_FEEDS / "state.gov_press-releases_rss_2022-08-03.xml"
    garbage = tmp_path / "not-a-feed.xml"
    garbage.write_bytes(b"\x00\x01 this is not XML at all <<<")
    with FeedServer() as server:
        server.route("/broken.xml", Route(status=500, body=b"oops"))
        served = server.serve_file("/good.xml", good)
        feeds = tmp_path / "feeds.toml"
        feeds.write_text(
            feed_entry("served-good", served)
            + feed_entry("served-500", server.url("/broken.xml"))
            + feed_entry("missing-file", str(tmp_path / "nowhere.xml"))
            + feed_entry("garbage-file", str(garbage)),
            encoding="utf-8",
        )
        path = make_settings(feeds)
        summary = ingest_feeds(settings_path=str(path))
    settings = load_settings(path)
    assert summary.status == "partial"
    assert (summary.feeds_ok, summary.feeds_failed) == (1, 3)
    assert summary.documents_new == 10 and summary.events_written > 0
    assert {item for item, _ in summary.failures} == {"served-500", "missing-file", "garbage-file"}

    rejects = store.read_table(settings, "rejects").to_pylist()
    by_source = {row["source_id"]: row for row in rejects}
    assert "HTTP 500" in by_source["served-500"]["reason"]
    assert "nowhere.xml" in by_source["missing-file"]["reason"]
    assert by_source["garbage-file"]["stage"] == "parse"

    states = load_states(settings.state_path)
    assert states["served-good"].consecutive_failures == 0
    for feed_id in ("served-500", "missing-file", "garbage-file"):
        assert states[feed_id].consecutive_failures == 1, feed_id
        assert states[feed_id].next_check_at is not None
    # a feed that failed to parse must be re-read next time, not answered from its validators
    assert states["garbage-file"].last_modified is None

    (load,) = store.read_table(settings, "loads").to_pylist()
    assert load["status"] == "partial" and load["feeds_failed"] == 3
    assert "served-500" in load["message"]
    assert "partial" in artifact_markdown("ingest-feeds-summary")


def test_reprocess_re_extracts_other_versions_once(make_settings: SettingsFactory) -> None:
    from ingest.flows.maintenance import reprocess

    path = make_settings()
    settings = load_settings(path)
    feed = load_feeds(settings.feeds_path)[0]
    documents = parse_bytes(feed, Path(feed.url.removeprefix("file://")).read_bytes()).documents
    now = datetime.now(UTC)
    store.write_documents(settings, documents, now, "old-load")
    old = [
        dataclasses.replace(record, extractor_version="0.0.1-old")
        for document in documents
        for record in extract(document)
    ]
    store.write_events(settings, old, "old-load", now)
    old_events = counts(settings)["events"]
    assert old_events == len(old) > 0

    first = reprocess(settings_path=str(path))
    assert dict(first.details)["documents re-extracted"] == str(len({r.doc_id for r in old}))
    assert first.events_written > 0
    versions = set(
        store.read_table(settings, "events", ["extractor_version"]).column(0).to_pylist()
    )
    assert "0.0.1-old" in versions and len(versions) == 2

    second = reprocess(settings_path=str(path))
    assert dict(second.details)["documents re-extracted"] == "0"
    assert second.events_written == 0
    assert counts(settings)["events"] == old_events + first.events_written

    everything = reprocess(settings_path=str(path), everything=True)
    assert dict(everything.details)["documents re-extracted"] == str(len(documents))
    assert everything.events_written == 0  # same content, same extractor: nothing new


def test_backfill_reads_feeds_jsonl_and_pages(
    make_settings: SettingsFactory, tmp_path: Path
) -> None:
    from ingest.flows.backfill import backfill

    source = tmp_path / "archive"
    source.mkdir()
    shutil.copy(FIXTURE_FEEDS / "state.gov_press-releases_rss_2021-05-23.xml", source / "a.xml")
    lines = [
        {
            "id": "jsonl-1",
            "url": "https://example.org/1",
            "title": "Secretary Blinken's Meeting with Italian Foreign Minister Tajani",
            "published": "2023-03-07T10:00:00-05:00",
            "text": "Secretary Blinken met with Italian Foreign Minister Antonio Tajani "
            "today in Washington to discuss support for Ukraine.",
        },
        {"id": "jsonl-2", "title": "no text here"},
    ]
    (source / "docs.jsonl").write_text(
        "\n".join(json.dumps(line) for line in lines) + "\n{not json\n", encoding="utf-8"
    )
    (source / "page.html").write_text(PAGE, encoding="utf-8")
    (source / "notes.txt").write_text("ignored", encoding="utf-8")
    path = make_settings()
    settings = load_settings(path)

    first = backfill(path=str(source), settings_path=str(path), progress=True)
    stored = store.read_table(settings, "documents").to_pylist()
    urls = {row["url"] for row in stored}
    assert "https://example.org/1" in urls
    assert "https://www.example.gov/releases/meeting-with-minister" in urls
    assert sum(row["url"].startswith("https://www.state.gov/") for row in stored) == 10
    assert first.documents_new == len(stored) == 12
    reasons = [row["reason"] for row in store.read_table(settings, "rejects").to_pylist()]
    assert any("no 'text'" in reason for reason in reasons)
    assert len(reasons) == 2  # the line without text and the line that is not JSON
    # two lines refused: the run says so
    assert first.status == "partial"
    assert sorted(item for item, _ in first.failures) == ["docs.jsonl:2", "docs.jsonl:3"]
    assert dict(first.details)["files"] == "3"

    second = backfill(path=str(source), settings_path=str(path))
    assert (second.documents_new, second.documents_revised, second.events_written) == (0, 0, 0)
    assert store.read_table(settings, "documents").num_rows == 12


def test_compact_merges_files_and_keeps_rows(make_settings: SettingsFactory) -> None:
    from ingest.flows.ingest_feeds import ingest_feeds
    from ingest.flows.maintenance import compact

    path = make_settings()
    settings = load_settings(path)
    ingest_feeds(settings_path=str(path))
    ingest_feeds(settings_path=str(path), force=True)
    before = counts(settings)
    files_before = len(store.data_files(settings, "loads"))
    summary = compact(settings_path=str(path))
    assert summary.status == "ok"
    assert len(store.data_files(settings, "loads")) < files_before + 1
    assert counts(settings) == {**before, "loads": before["loads"] + 1}


PAGE = """<!doctype html>
<html><head>
<title>Meeting with the Minister | Example Government</title>
<link rel="canonical" href="https://www.example.gov/releases/meeting-with-minister">
<meta property="article:published_time" content="2023-05-02T09:30:00+02:00">
</head><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article>
<h1>Foreign Minister meets her Canadian counterpart</h1>
<p>The Foreign Minister met today in Berlin with Canadian Foreign Minister Mélanie Joly.
The ministers discussed support for Ukraine, energy security and trade between Europe and
Canada, and agreed to deepen cooperation on critical minerals.</p>
<p>"Our partnership has never been more important," the Minister said after the meeting.
Both ministers welcomed the progress made since their last meeting in Ottawa in March and
agreed to meet again at the G7 ministerial later this year.</p>
</article>
<footer>Contact the press office</footer>
</body></html>
"""


def test_groups_and_write_slices_store_the_same_as_one_batch(
    make_settings: SettingsFactory, tmp_path: Path
) -> None:
    from ingest.flows.ingest_feeds import ingest_feeds

    apart = tmp_path / "one-batch"
    whole_path = make_settings(
        data_root=str(apart / "data"),
        serving_path=str(apart / "ingest.duckdb"),
        state_path=str(apart / "feeds.json"),
    )
    whole_settings = load_settings(whole_path)
    whole = ingest_feeds(settings_path=str(whole_path))

    # three groups of one feed (10 entries each), each batch written in slices of 4, 4 and 2
    path = make_settings(feeds_per_group=1, documents_per_write=4)
    settings = load_settings(path)
    first = ingest_feeds(settings_path=str(path))
    assert (first.status, first.feeds_ok, first.documents_new) == ("ok", 3, 30)
    assert first.events_written == whole.events_written
    keys = ["doc_id", "event_id"]
    assert sorted(store.read_table(settings, "events", keys).to_pylist(), key=str) == sorted(
        store.read_table(whole_settings, "events", keys).to_pylist(), key=str
    )
    assert len(list(Path(settings.data_root, "documents").rglob("*.parquet"))) >= 9
    # the last batch's task rebuilt the serving file: it shows every batch, not only its own
    assert query(settings, "select count(*) from stg_documents").rows == [(30,)]
    assert "views" in dict(first.durations)
    assert set(load_states(settings.state_path)) == {f.id for f in load_feeds(settings.feeds_path)}
    second = ingest_feeds(settings_path=str(path))
    assert (second.feeds_not_modified, second.documents_new, second.events_written) == (3, 0, 0)


def test_a_run_with_no_feed_due_still_builds_the_serving_file(
    make_settings: SettingsFactory,
) -> None:
    from ingest.flows.ingest_feeds import ingest_feeds

    path = make_settings()
    settings = load_settings(path)
    summary = ingest_feeds(settings_path=str(path), schedule="0 0 31 2 *")  # no feed has it
    assert (summary.status, summary.feeds_ok, summary.documents_new) == ("ok", 0, 0)
    assert Path(settings.serving_path).exists()
    assert query(settings, "select count(*) from stg_documents").rows == [(0,)]
    assert counts(settings)["loads"] == 1


def test_a_parser_bug_on_one_feed_is_a_reject_and_the_others_are_stored(
    make_settings: SettingsFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ingest import parse
    from ingest.flows.ingest_feeds import ingest_feeds

    path = make_settings()
    settings = load_settings(path)
    victim = load_feeds(settings.feeds_path)[1].id
    real_parse = parse.parse_feed

    def parse_with_a_bug(feed: Feed, result: FetchResult, max_chars: int) -> ParsedFeed:
        if feed.id == victim:
            raise RuntimeError("parser bug")
        return real_parse(feed, result, max_chars)

    monkeypatch.setattr(parse, "parse_feed", parse_with_a_bug)
    summary = ingest_feeds(settings_path=str(path))
    assert (summary.status, summary.feeds_ok, summary.feeds_failed) == ("partial", 2, 1)
    assert summary.documents_new == 20
    rejects = store.read_table(settings, "rejects").to_pylist()
    assert [(r["source_id"], r["stage"]) for r in rejects] == [(victim, "parse")]
    assert "parser raised RuntimeError: parser bug" in rejects[0]["reason"]
    assert load_states(settings.state_path)[victim].consecutive_failures == 1


def test_runs_by_hand_skip_heartbeats_unless_the_user_sets_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Prefect joins the heartbeat thread at the end of each run: up to 1 s idle per run."""
    from prefect import flow
    from prefect.settings import (
        PREFECT_FLOWS_HEARTBEAT_FREQUENCY,
        get_current_settings,
        temporary_settings,
    )

    from ingest.flows.common import one_off_runs

    @flow(name="heartbeat-probe")
    def heartbeat_seen_by_the_run() -> int | None:
        return get_current_settings().flows.heartbeat_frequency

    for name in ("PREFECT_FLOWS_HEARTBEAT_FREQUENCY", "PREFECT_RUNNER_HEARTBEAT_FREQUENCY"):
        monkeypatch.delenv(name, raising=False)
    with temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: 90}):
        with one_off_runs():
            assert heartbeat_seen_by_the_run() is None
        assert heartbeat_seen_by_the_run() == 90  # restored after
        monkeypatch.setenv("PREFECT_FLOWS_HEARTBEAT_FREQUENCY", "90")
        with one_off_runs():
            assert heartbeat_seen_by_the_run() == 90  # the user's choice wins


def test_a_task_past_its_deadline_is_not_retried_other_failures_are() -> None:
    """The deadline already covers every HTTP retry; the abandoned attempt may still run."""
    from prefect import flow, task
    from prefect.cache_policies import NO_CACHE

    from ingest.flows.common import retrying

    attempts: list[str] = []

    @task(cache_policy=NO_CACHE)
    def failing(kind: str) -> None:
        attempts.append(kind)
        raise TimeoutError("past the deadline") if kind == "timeout" else OSError("disk hiccup")

    @flow(name="retry-probe")
    def run(kind: str) -> str:
        try:
            retrying(failing, Settings(retries=2, backoff_base_seconds=0.01))(kind)
        except Exception as error:
            return type(error).__name__
        return "no error"

    assert (run("timeout"), attempts.count("timeout")) == ("TimeoutError", 1)
    assert (run("os"), attempts.count("os")) == ("OSError", 3)
