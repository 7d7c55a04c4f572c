"""Invalid feeds and settings raise ConfigError: one line naming file or variable, feed, field."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st
from prefect._internal.schemas.validators import validate_cron_string
from prefect.client.schemas.schedules import CronSchedule as ClientCronSchedule
from prefect.server.schemas.schedules import CronSchedule as ServerCronSchedule

from ingest.config import SETTING_LIMITS, Feed, Settings, cron_problem, load_feeds, load_settings
from ingest.errors import ConfigError
from ingest.flows.deployments import feed_schedules

GOOD = """
[[feeds]]
id = "us-state"
url = "https://www.state.gov/rss-feed/press-releases/feed/"
publisher = "U.S. Department of State"
country = "US"
timezone = "America/New_York"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "feeds.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_good_file_loads(tmp_path: Path) -> None:
    (feed,) = load_feeds(write(tmp_path, GOOD))
    assert feed.id == "us-state" and feed.host == "www.state.gov"


def test_relative_paths_become_file_urls(tmp_path: Path) -> None:
    text = GOOD.replace("https://www.state.gov/rss-feed/press-releases/feed/", "feeds/a.xml")
    (feed,) = load_feeds(write(tmp_path, text))
    assert feed.url == (tmp_path / "feeds" / "a.xml").as_uri() and feed.is_local


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ('timezone = "America/New_York"', 'timezone = "Mars/Olympus"'),
            "feed 'us-state': field 'timezone': 'Mars/Olympus' is not an IANA time zone",
        ),
        (
            ('country = "US"', 'country = "US"\nlanguage = "english"'),
            "feed 'us-state': field 'language': 'english' is not a language tag",
        ),
        (
            ('country = "US"', 'country = "US"\nschedule = "every hour"'),
            "feed 'us-state': field 'schedule': 'every hour' is not a 5-field cron expression",
        ),
        (
            ('country = "US"', 'country = "US"\nfull_text = "sometimes"'),
            "feed 'us-state': field 'full_text': 'sometimes' is not one of auto, always, never",
        ),
        (
            ("https://www.state.gov", "gopher://www.state.gov"),
            "feed 'us-state': field 'url': scheme 'gopher' not supported",
        ),
        (
            ('country = "US"', 'country = "US"\ncolour = "blue"'),
            "feed 'us-state': field 'colour': unknown field",
        ),
        (
            ('country = "US"', 'country = "ZZ"'),
            "feed 'us-state': field 'country': 'ZZ' is not an ISO 3166-1 alpha-2 code",
        ),
        (
            ('id = "us-state"', 'id = "US State"'),
            "feed 'US State': field 'id': use lowercase letters",
        ),
        (
            ('publisher = "U.S. Department of State"\n', ""),
            "feed 'us-state': field 'publisher': missing",
        ),
        (
            ('country = "US"', 'country = "US"\nallowed_domains = "state.gov"'),
            "feed 'us-state': field 'allowed_domains': must be list",
        ),
    ],
)
def test_invalid_field_names_file_feed_and_field(
    change: tuple[str, str], message: str, tmp_path: Path
) -> None:
    path = write(tmp_path, GOOD.replace(*change))
    with pytest.raises(ConfigError) as caught:
        load_feeds(path)
    text = str(caught.value)
    assert text.startswith(f"{path}: ") and message in text and "\n" not in text


def test_duplicate_id(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD + GOOD)
    with pytest.raises(ConfigError, match="feed 'us-state': field 'id': duplicate id"):
        load_feeds(path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[feeds]\nid = ", "not valid TOML"),
        ("title = 'no feeds'", "no [[feeds]] entries"),
    ],
)
def test_not_a_feeds_file(text: str, message: str, tmp_path: Path) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_feeds(path)
    assert str(caught.value).startswith(f"{path}: ") and message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="feeds file not found"):
        load_feeds(tmp_path / "absent.toml")


# --- issue 17, item 5: inputs that crashed or slipped through --------------------------------


@pytest.mark.parametrize("name", ["feeds.toml", "settings.toml"])
def test_a_file_that_is_not_utf8_is_one_line(name: str, tmp_path: Path) -> None:
    path = tmp_path / name
    text = GOOD if name == "feeds.toml" else 'user_agent = "x"\n'
    path.write_bytes(text.replace('"U', '"\xe9U').encode("latin-1") + b'data_root = "d\xe9"\n')
    load = load_feeds if name == "feeds.toml" else load_settings
    with pytest.raises(ConfigError) as caught:
        load(path)
    line = 5 if name == "feeds.toml" else 2
    assert str(caught.value) == (f"{path}: not UTF-8 (byte 0xe9 on line {line}); save it as UTF-8")


def test_a_utf8_file_with_a_byte_order_mark_loads(tmp_path: Path) -> None:
    path = tmp_path / "feeds.toml"
    path.write_bytes(GOOD.encode("utf-8-sig"))
    assert load_feeds(path)[0].id == "us-state"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (  # the list's items reached str.lower()
            ('country = "US"', 'country = "US"\nallowed_domains = ["state.gov", 1]'),
            "feed 'us-state': field 'allowed_domains': must be a list of strings",
        ),
        (  # urlsplit raised ValueError
            ("https://www.state.gov/rss-feed", "http://[::1/rss-feed"),
            "feed 'us-state': field 'url': not a URL (Invalid IPv6 URL)",
        ),
        (
            ("https://www.state.gov/rss-feed", "https://www.state.gov:99999/rss-feed"),
            "feed 'us-state': field 'url': not a URL (Port out of range 0-65535)",
        ),
        (  # a path with a NUL byte
            ("https://www.state.gov/rss-feed/press-releases/feed/", "feeds/a\\u0000.xml"),
            "feed 'us-state': field 'url': not a URL (embedded null byte)",
        ),
        (  # FEED_ID's "$" matched before a trailing newline
            ('id = "us-state"', 'id = "us-state\\n"'),
            "feed 'us-state\\n': field 'id': use lowercase letters",
        ),
        (  # an error message must stay one line whatever the value holds
            ('timezone = "America/New_York"', 'timezone = "Europe/\\nParis"'),
            "feed 'us-state': field 'timezone': 'Europe/\\nParis' is not an IANA time zone",
        ),
    ],
)
def test_values_that_crashed_or_slipped_through_are_refused(
    change: tuple[str, str], message: str, tmp_path: Path
) -> None:
    path = write(tmp_path, GOOD.replace(*change))
    with pytest.raises(ConfigError) as caught:
        load_feeds(path)
    text = str(caught.value)
    assert text.startswith(f"{path}: ") and message in text and "\n" not in text


def _toml_string(value: str) -> str:
    """value as a TOML basic string (JSON's escapes are TOML's; DEL must be escaped too)."""
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


@hyp_settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    field=st.sampled_from(
        ["id", "url", "publisher", "country", "language", "timezone", "schedule"]
    ),
    value=st.text(max_size=40),
)
def test_any_text_in_a_field_loads_or_is_one_line(field: str, value: str, tmp_path: Path) -> None:
    entry = {
        "id": "us-state",
        "url": "https://www.state.gov/feed/",
        "publisher": "U.S. Department of State",
        "country": "US",
        field: value,
    }
    path = write(
        tmp_path, "[[feeds]]\n" + "".join(f"{k} = {_toml_string(v)}\n" for k, v in entry.items())
    )
    try:
        load_feeds(path)
    except ConfigError as error:
        assert str(error).startswith(f"{path}: feed ") and "\n" not in str(error)


# --- settings: numbers in range, errors naming the file or variable they came from -------------

NUMERIC = sorted(SETTING_LIMITS)


def test_every_numeric_setting_has_limits() -> None:
    numeric = {f.name for f in dataclasses.fields(Settings) if f.type in ("int", "float")}
    assert numeric == set(SETTING_LIMITS)


def _bad_value(name: str) -> st.SearchStrategy[float]:
    low, high = SETTING_LIMITS[name]
    if isinstance(getattr(Settings(), name), float):  # seconds: finite, above 0, at most high
        return st.one_of(
            st.sampled_from([math.nan, math.inf, -math.inf, 0.0, -0.0]),
            st.floats(max_value=0.0, allow_nan=False),
            st.floats(min_value=high, exclude_min=True),
        )
    return st.one_of(  # counts: whole numbers from low to high
        st.sampled_from([math.nan, math.inf, float(low) + 0.5]),
        st.integers(min_value=-(2**63), max_value=int(low) - 1),
        st.integers(min_value=int(high) + 1, max_value=2**63 - 1),
        st.floats(min_value=low, max_value=high).filter(lambda v: not v.is_integer()),
    )


def _toml(value: float) -> str:
    if isinstance(value, float) and math.isnan(value):
        return "nan"
    if isinstance(value, float) and math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return repr(value)


@hyp_settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data(), name=st.sampled_from(NUMERIC), from_env=st.booleans())
def test_numbers_out_of_range_are_refused_naming_their_source(
    data: st.DataObject, name: str, from_env: bool, tmp_path: Path
) -> None:
    value = data.draw(_bad_value(name))
    path = tmp_path / "settings.toml"
    variable = f"INGEST_{name.upper()}"
    if from_env:
        path.write_text('user_agent = "x"\n', encoding="utf-8")
        environ = {variable: _toml(value)}
        source = f"environment variable {variable}"
    else:
        path.write_text(f"{name} = {_toml(value)}\n", encoding="utf-8")
        environ = {}
        source = str(path)
    with pytest.raises(ConfigError) as caught:
        load_settings(path, environ)
    message = str(caught.value)
    assert message.startswith(f"{source}: setting '{name}' must be "), message
    assert "\n" not in message
    if from_env:
        assert str(path) not in message  # the file is fine: the variable is to blame


@hyp_settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data(), name=st.sampled_from(NUMERIC))
def test_numbers_in_range_load_with_their_type(
    data: st.DataObject, name: str, tmp_path: Path
) -> None:
    low, high = SETTING_LIMITS[name]
    kind = type(getattr(Settings(), name))
    if kind is float:
        value: float = data.draw(st.floats(min_value=0.0, max_value=high, exclude_min=True))
    else:
        value = data.draw(st.integers(int(low), int(high)))
    path = tmp_path / "settings.toml"
    path.write_text(f"{name} = {value!r}\n", encoding="utf-8")
    from_file = getattr(load_settings(path, {}), name)
    from_env = getattr(
        load_settings(tmp_path / "settings.toml", {f"INGEST_{name.upper()}": repr(value)}), name
    )
    assert from_file == from_env == value
    assert type(from_file) is type(from_env) is kind


def test_an_environment_variable_is_blamed_not_the_file(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text("retries = 2\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(path, {"INGEST_RETRIES": "x"})
    assert str(caught.value) == (
        "environment variable INGEST_RETRIES: setting 'retries' must be a whole number from "
        "0 to 10, got 'x'"
    )


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("retries = 2.5", "setting 'retries' must be a whole number from 0 to 10, got 2.5"),
        ("retries = true", "setting 'retries' must be a whole number from 0 to 10, got True"),
        ("connect_timeout = 0", "setting 'connect_timeout' must be a number of seconds above 0"),
        ("data_root = 5", "setting 'data_root' must be a non-empty line of text, got 5"),
        ('user_agent = "a\\nb"', "setting 'user_agent' must be a non-empty line of text"),
        ('data_root = ""', "setting 'data_root' must be a non-empty line of text, got ''"),
        (
            "max_body_bytes = 0",
            "setting 'max_body_bytes' must be a whole number from 1 to 1,000,000,000, got 0",
        ),
        ("__class__ = 1", "unknown setting '__class__'"),
    ],
)
def test_settings_of_the_wrong_kind_are_refused(line: str, message: str, tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text(line + "\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(path, {})
    assert str(caught.value).startswith(f"{path}: {message}") and "\n" not in str(caught.value)


# --- cron: exactly what Prefect's CronSchedule accepts, and nothing that never fires ----------


def _with_schedule(tmp_path: Path, schedule: str) -> Path:
    return write(
        tmp_path, GOOD.replace('country = "US"', f'country = "US"\nschedule = "{schedule}"')
    )


@pytest.mark.parametrize(
    ("schedule", "reason"),
    [
        ("99 * * * *", "not a valid cron expression"),
        ("60 * * * *", "not a valid cron expression"),
        ("*/0 * * * *", "not a valid cron expression"),
        ("0 24 * * *", "not a valid cron expression"),
        ("0 0 0 * *", "not a valid cron expression"),
        ("0 0 * 13 *", "not a valid cron expression"),
        ("H * * * *", "not a valid cron expression"),  # croniter's hashed form: Prefect refuses it
        ("0 0 31 2 *", "never fires"),
        ("0 0 31 4,6 *", "never fires"),
        ("* * * * * *", "is not a 5-field cron expression"),
        ("@hourly", "is not a 5-field cron expression"),
    ],
)
def test_cron_expressions_prefect_would_refuse_are_refused(
    schedule: str, reason: str, tmp_path: Path
) -> None:
    path = _with_schedule(tmp_path, schedule)
    with pytest.raises(ConfigError) as caught:
        load_feeds(path)
    assert str(caught.value).startswith(f"{path}: feed 'us-state': field 'schedule': '{schedule}' ")
    assert reason in str(caught.value) and "\n" not in str(caught.value)


@pytest.mark.parametrize(
    "schedule",
    [
        "*/30 * * * *",
        "0 9 * * mon-fri",
        "15 6 1 jan,jul *",
        "0 0 29 2 *",
        "5-1 * * * *",
        "0 0 * * 7",
    ],
)
def test_cron_expressions_prefect_accepts_load(schedule: str, tmp_path: Path) -> None:
    assert load_feeds(_with_schedule(tmp_path, schedule))[0].schedule == schedule


CRON_ATOM = st.one_of(
    st.just("*"),
    st.integers(0, 99).map(str),
    st.sampled_from(["jan", "dec", "mon", "sun", "L", "H", "5#3", "?"]),
    st.tuples(st.integers(0, 99), st.integers(0, 99)).map(lambda r: f"{r[0]}-{r[1]}"),
)
CRON_PART = st.tuples(CRON_ATOM, st.one_of(st.just(""), st.integers(0, 99).map(lambda s: f"/{s}")))
CRON_FIELD_TEXT = st.lists(CRON_PART.map("".join), min_size=1, max_size=3).map(",".join)


@hyp_settings(max_examples=300, deadline=None)
@given(st.lists(CRON_FIELD_TEXT, min_size=5, max_size=5).map(" ".join))
def test_every_schedule_validation_accepts_builds_a_prefect_cron_schedule(schedule: str) -> None:
    """What `ingest serve` does with a schedule: Cron(...) per expression, then the server
    schedules runs from it (CronSchedule.get_dates). And what Prefect's validator takes, we
    take too, unless it never fires."""
    problem = cron_problem(schedule)
    try:
        validate_cron_string(schedule)
    except ValueError:
        assert problem is not None and "not a valid cron expression" in problem
        return
    if problem is not None:
        assert "never fires" in problem
        return
    feed = Feed(id="f", url="https://x.example/", publisher="P", country="US", schedule=schedule)
    (built,) = feed_schedules([feed])
    assert built.cron == schedule
    ClientCronSchedule(cron=schedule, timezone="UTC")  # what the deployment sends
    server_side = ServerCronSchedule(cron=schedule, timezone="UTC")
    assert len(asyncio.run(server_side.get_dates(n=1))) == 1


def test_checking_a_schedule_does_not_import_prefect() -> None:
    """Feeds are validated by `ingest status` too, which has no other use for Prefect."""
    script = (
        "import sys; from ingest.config import cron_problem; "
        "print(cron_problem('99 * * * *'), cron_problem('*/30 * * * *'), 'prefect' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert done.stdout.split("\n")[0].endswith(") None False"), done
    assert done.stdout.startswith("is not a valid cron expression"), done


# --- the same errors through the command line: exit 2, one line on stderr, no traceback --------

INGEST = Path(sys.executable).with_name("ingest")


def _cli(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("INGEST_", "PREFECT_"))}
    environ.update(PREFECT_HOME=str(tmp_path / "prefect"), **env)
    return subprocess.run(
        [str(INGEST), *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env=environ,
    )


def _settings_file(tmp_path: Path, text: str = "") -> Path:
    path = tmp_path / "settings.toml"
    feeds = write(tmp_path, GOOD)
    path.write_text(f'feeds_path = "{feeds.as_posix()}"\n{text}', encoding="utf-8")
    return path


def _assert_one_line_error(done: subprocess.CompletedProcess[str], expected: str) -> None:
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert done.stderr.startswith(f"error: {expected}"), done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr


@pytest.mark.parametrize("name", ["feeds.toml", "settings.toml"])
def test_a_file_not_utf8_through_the_command_line(name: str, tmp_path: Path) -> None:
    settings = _settings_file(tmp_path)
    path = tmp_path / name
    path.write_bytes(path.read_bytes().replace(b"U.S.", b"\xc9.U.") + b'user_agent = "\xff"\n')
    line = 5 if name == "feeds.toml" else 2
    done = _cli(tmp_path, "status", "--settings", str(settings))
    byte = "c9" if name == "feeds.toml" else "ff"
    _assert_one_line_error(done, f"{path}: not UTF-8 (byte 0x{byte} on line {line})")


def test_numbers_out_of_range_through_the_command_line(tmp_path: Path) -> None:
    settings = _settings_file(tmp_path, "total_timeout = nan\n")
    done = _cli(tmp_path, "status", "--settings", str(settings))
    _assert_one_line_error(done, f"{settings}: setting 'total_timeout' must be a number of seconds")
    settings = _settings_file(tmp_path)
    done = _cli(tmp_path, "status", "--settings", str(settings), INGEST_READ_TIMEOUT="inf")
    _assert_one_line_error(done, "environment variable INGEST_READ_TIMEOUT: setting 'read_timeout'")


def test_serve_refuses_a_bad_cron_expression_before_it_starts(tmp_path: Path) -> None:
    """`ingest serve` used to start Prefect, then crash building the schedule."""
    settings = _settings_file(tmp_path)
    feeds = _with_schedule(tmp_path, "99 * * * *")
    # no server there: serve must refuse the feeds file before it looks for one
    done = _cli(
        tmp_path, "serve", "--settings", str(settings), PREFECT_API_URL="http://127.0.0.1:9/api"
    )
    _assert_one_line_error(done, f"{feeds}: feed 'us-state': field 'schedule': '99 * * * *' ")
