"""Configuration in layers: shipped defaults, then a settings file, then INGEST_* variables.

Two files: settings (where data lives, HTTP limits, concurrency) and the feed list. Both are
validated at load: an invalid file raises ConfigError with one line naming file, feed and field.
"""

from __future__ import annotations

import dataclasses
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pycountry

from ingest.errors import ConfigError
from ingest.limits import DEFAULT_MAX_DOCUMENT_CHARS

FullText = Literal["auto", "always", "never"]
FULL_TEXT_MODES: tuple[str, ...] = ("auto", "always", "never")
FEED_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")
# minute hour day-of-month month day-of-week, each a list of numbers, ranges, steps or names
CRON_ITEM = r"(\*|[0-9A-Za-z]+(-[0-9A-Za-z]+)?)(/[0-9]+)?"
CRON_FIELD = re.compile(rf"^{CRON_ITEM}(,{CRON_ITEM})*$")
DEFAULT_SETTINGS_PATH = Path("config/settings.toml")
DEFAULT_FEEDS_PATH = Path("config/feeds.toml")
DEMO_FEEDS_PATH = Path("config/demo.toml")


@dataclass(frozen=True, slots=True)
class Feed:
    """One configured feed."""

    id: str
    url: str
    publisher: str
    country: str
    language: str = "en"
    timezone: str = "UTC"
    schedule: str = "0 * * * *"
    full_text: str = "auto"
    allowed_domains: tuple[str, ...] = ()

    @property
    def is_local(self) -> bool:
        """A feed read from disk (archives, backfills, the demo) rather than over HTTP."""
        return urlsplit(self.url).scheme in ("", "file")

    @property
    def host(self) -> str:
        return (urlsplit(self.url).hostname or "").lower()


@dataclass(frozen=True, slots=True)
class Settings:
    """Every tunable of the pipeline; paths are absolute after loading."""

    data_root: str = "warehouse/data"
    serving_path: str = "warehouse/ingest.duckdb"
    state_path: str = "warehouse/state/feeds.json"
    feeds_path: str = str(DEFAULT_FEEDS_PATH)
    user_agent: str = (
        "ingest-events/0.1 (press-release event pipeline; +https://pypi.org/project/ingest)"
    )
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    total_timeout: float = 60.0
    max_body_bytes: int = 20_000_000
    # the longest text one document keeps: longer text is cut at a paragraph boundary and the
    # document says so (ingest.limits); the longest real releases are under 80,000 characters
    max_document_chars: int = DEFAULT_MAX_DOCUMENT_CHARS
    # backfill: the largest file read whole (a saved feed or page: parsing one holds about ten
    # times its size) and the longest JSONL line (one document); JSONL files are read line by
    # line, so their size has no limit. Larger files and lines are refused with a reject.
    max_file_bytes: int = 20_000_000
    max_line_bytes: int = 64_000_000
    max_redirects: int = 5
    max_concurrency: int = 8
    per_host_concurrency: int = 2
    retries: int = 2
    backoff_base_seconds: float = 1.0
    failure_threshold: int = 3
    max_check_interval_seconds: int = 6 * 3600
    # feeds fetched and parsed together: one task run per group, and a run holds one group's
    # documents at a time (bodies are parsed and dropped as they arrive). Fewer groups cost
    # Prefect less (each task run ~10 ms here and ~33 ms of the API server's CPU).
    # Measured on 300 feeds x 100 entries (benchmarks/bench_load.py --prefect): peak RSS
    # 532 MB in groups of 50, 538 MB in groups of 20 (run-to-run spread ~30 MB)
    feeds_per_group: int = 50
    # documents extracted and written together (the groups of small feeds gather into one
    # batch; a larger batch is written in slices of this size): a run's memory grows with it
    documents_per_write: int = 2000
    row_group_size: int = 100_000


def load_settings(
    path: str | os.PathLike[str] | None = None, environ: dict[str, str] | None = None
) -> Settings:
    """Defaults, then the settings file (if present), then INGEST_* environment variables."""
    env = dict(os.environ if environ is None else environ)
    explicit = path is not None or "INGEST_SETTINGS" in env
    settings_path = Path(path or env.get("INGEST_SETTINGS") or DEFAULT_SETTINGS_PATH)
    values: dict[str, Any] = {}
    if settings_path.exists():
        values.update(_read_toml(settings_path))
    elif explicit:
        raise ConfigError(f"{settings_path}: settings file not found")
    for spec in dataclasses.fields(Settings):
        key = f"INGEST_{spec.name.upper()}"
        if key in env:
            values[spec.name] = env[key]
    return _settings_from(values, str(settings_path))


def _settings_from(values: dict[str, Any], where: str) -> Settings:
    defaults = Settings()
    known = {f.name for f in dataclasses.fields(Settings)}
    typed: dict[str, Any] = {}
    for key, raw in values.items():
        if key not in known:
            raise ConfigError(f"{where}: unknown setting '{key}'")
        default = getattr(defaults, key)
        try:
            typed[key] = type(default)(raw)
        except (TypeError, ValueError):
            raise ConfigError(
                f"{where}: setting '{key}' must be {type(default).__name__}, got {raw!r}"
            ) from None
        if isinstance(typed[key], int | float) and typed[key] < 0:
            raise ConfigError(f"{where}: setting '{key}' must not be negative, got {raw!r}")
    settings = Settings(**typed)
    return dataclasses.replace(
        settings,
        data_root=_absolute(settings.data_root),
        serving_path=_absolute(settings.serving_path),
        state_path=_absolute(settings.state_path),
        feeds_path=_absolute(settings.feeds_path),
    )


def _absolute(location: str) -> str:
    """Local paths become absolute (BI tools resolve relative ones elsewhere); URIs stay."""
    if "://" in location:
        return location
    return str(Path(location).expanduser().resolve())


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from None
    except OSError as error:
        raise ConfigError(f"{path}: cannot read: {error.strerror}") from None


def load_feeds(path: str | os.PathLike[str]) -> tuple[Feed, ...]:
    """Read and validate a feed list; relative feed paths resolve against the file's folder."""
    feeds_path = Path(path)
    if not feeds_path.exists():
        raise ConfigError(f"{feeds_path}: feeds file not found")
    document = _read_toml(feeds_path)
    entries = document.get("feeds")
    if not isinstance(entries, list) or not entries:
        raise ConfigError(f"{feeds_path}: no [[feeds]] entries")
    feeds: list[Feed] = []
    seen: set[str] = set()
    for index, entry in enumerate(entries, start=1):
        feed = _feed_from(entry, feeds_path, index)
        if feed.id in seen:
            raise ConfigError(f"{feeds_path}: feed '{feed.id}': field 'id': duplicate id")
        seen.add(feed.id)
        feeds.append(feed)
    return tuple(feeds)


def _feed_from(entry: Any, path: Path, index: int) -> Feed:
    label = f"feed #{index}"
    if not isinstance(entry, dict):
        raise ConfigError(f"{path}: {label}: must be a table")
    if isinstance(entry.get("id"), str):
        label = f"feed '{entry['id']}'"
    known = {f.name for f in dataclasses.fields(Feed)}
    for key in entry:
        if key not in known:
            raise ConfigError(f"{path}: {label}: field '{key}': unknown field")
    for required in ("id", "url", "publisher", "country"):
        if required not in entry:
            raise ConfigError(f"{path}: {label}: field '{required}': missing")
    for key, value in entry.items():
        expected = list if key == "allowed_domains" else str
        if not isinstance(value, expected):
            raise ConfigError(f"{path}: {label}: field '{key}': must be {expected.__name__}")
    values = dict(entry)
    values["allowed_domains"] = tuple(
        d.lower().lstrip(".") for d in entry.get("allowed_domains", [])
    )
    values["url"] = _resolve_feed_url(entry["url"], path.parent)
    feed = Feed(**values)
    problem = _feed_problem(feed)
    if problem:
        field_name, message = problem
        raise ConfigError(f"{path}: {label}: field '{field_name}': {message}")
    return feed


def _resolve_feed_url(url: str, base: Path) -> str:
    scheme = urlsplit(url).scheme
    if scheme in ("http", "https", "file"):
        return url
    if scheme and len(scheme) > 1:  # a one-letter scheme is a Windows drive
        return url  # rejected by validation with a clear message
    return (base / url).resolve().as_uri()


def _feed_problem(feed: Feed) -> tuple[str, str] | None:
    parts = urlsplit(feed.url)
    if not FEED_ID.match(feed.id):
        return "id", "use lowercase letters, digits, '.', '_' or '-' (at most 64)"
    if parts.scheme not in ("http", "https", "file"):
        return "url", f"scheme '{parts.scheme}' not supported (http, https, file or a path)"
    if parts.scheme in ("http", "https") and not parts.hostname:
        return "url", "no host"
    if not _is_country(feed.country):
        return (
            "country",
            f"'{feed.country}' is not an ISO 3166-1 alpha-2 code or an organisation id",
        )
    if not re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*", feed.language):
        return "language", f"'{feed.language}' is not a language tag like 'en' or 'fr-CA'"
    try:
        ZoneInfo(feed.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return "timezone", f"'{feed.timezone}' is not an IANA time zone like 'America/New_York'"
    fields_ = feed.schedule.split()
    if len(fields_) != 5 or not all(CRON_FIELD.match(f) for f in fields_):
        return "schedule", f"'{feed.schedule}' is not a 5-field cron expression"
    if feed.full_text not in FULL_TEXT_MODES:
        return "full_text", f"'{feed.full_text}' is not one of {', '.join(FULL_TEXT_MODES)}"
    return None


# publishers that are international organisations rather than governments
ORGANISATION_PUBLISHERS = frozenset(
    "NATO EU UN AU ASEAN OSCE OECD IAEA WHO IMF WB WTO G7 G20 OAS CARICOM ECOWAS GCC SCO CoE "
    "UNHCR UNICEF WFP ICC".split()
)


def _is_country(code: str) -> bool:
    """ISO alpha-2 (XK for Kosovo), or an international organisation's short name."""
    if code == "XK" or code in ORGANISATION_PUBLISHERS:
        return True
    return len(code) == 2 and pycountry.countries.get(alpha_2=code) is not None


def feed_timezone(feed: Feed) -> ZoneInfo:
    return ZoneInfo(feed.timezone)


@dataclass(frozen=True, slots=True)
class Config:
    """Settings plus the feed list they point at: what a run needs."""

    settings: Settings
    feeds: tuple[Feed, ...] = field(default_factory=tuple)


def load_config(settings_path: str | None = None, feeds_path: str | None = None) -> Config:
    settings = load_settings(settings_path)
    path = feeds_path or settings.feeds_path
    return Config(settings=settings, feeds=load_feeds(path))
