"""Invalid feed files raise ConfigError with one line naming file, feed and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.config import load_feeds
from ingest.errors import ConfigError

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
