"""Configuration in layers: shipped defaults, then a settings file, then INGEST_* variables.

Two files: settings (where data lives, HTTP limits, concurrency) and the feed list. Both are
read as UTF-8 and validated at load: an invalid value raises ConfigError with one line naming
where it came from (the file, or the INGEST_* variable), the feed and the field. Numbers must be
finite and within SETTING_LIMITS (whole numbers for counts); cron schedules must be what
Prefect's CronSchedule accepts (`ingest serve` builds one per expression) and must fire.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib
import importlib.util
import math
import os
import re
import sys
import tomllib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal
from urllib.parse import SplitResult, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pycountry

from ingest.errors import ConfigError
from ingest.limits import DEFAULT_MAX_DOCUMENT_CHARS

FullText = Literal["auto", "always", "never"]
FULL_TEXT_MODES: tuple[str, ...] = ("auto", "always", "never")
FEED_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}\Z")  # \Z: "$" would let a final newline in
CRON_FIELDS = 5  # minute hour day-of-month month day-of-week (croniter reads 6 as seconds)
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
    # processes a backfill extracts on (ingest.pipeline.extraction): 0 = one per core this
    # process may use, 1 = in the run's own process
    extract_processes: int = 0
    row_group_size: int = 100_000
    # DuckDB's memory while a publish computes the marts, in MB (0: DuckDB's own limit, 80% of
    # the machine's); beyond it joins, aggregates and sorts spill to a temporary folder. 1,024
    # held a 100k- and a 300k-event warehouse's publish at 1.6-2.0 GB peak (12 GB at 300k
    # without it) but ran out in a sort of a 1M-event warehouse's first publish, so it is not
    # the default (docs/measurements.md)
    marts_memory_mb: int = 0
    # an s3:// data root (ingest.objectstore): the endpoint of an S3-compatible server
    # ("host:port" or a URL; else AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL, else AWS itself), its
    # region (else AWS_REGION / AWS_DEFAULT_REGION) and URL style ("path" or "vhost"; path when
    # an endpoint is given). Credentials come only from the standard AWS_* variables.
    s3_endpoint: str = ""
    s3_region: str = ""
    s3_url_style: str = ""
    # a DuckLake catalog for several writers on one data root (ingest.lake): "postgres:" and a
    # libpq connection string ("postgres:host=db.example port=5432 dbname=lake user=ingest");
    # the password only from PGPASSWORD or a libpq pass/service file, never from settings.
    # Empty: the tables are Parquet files under data_root, for one writer at a time.
    catalog: str = ""
    # with a catalog, `ingest compact` deletes lake snapshots, replaced data files and mart
    # snapshots older than this: a serving file not rebuilt for as long (its host published
    # nothing) may name deleted files, and its next publication writes it again
    lake_keep_hours: float = 168.0


PATH_SETTINGS = ("data_root", "serving_path", "state_path", "feeds_path")  # stored absolute
# (low, high) of each numeric setting. Seconds (floats) must be above low and at most high;
# counts (ints) whole numbers from low to high. The highs are far past any sane use, low enough
# that a typo (an extra zero or three) is caught rather than waited on or allocated.
SETTING_LIMITS: dict[str, tuple[float, float]] = {
    "connect_timeout": (0, 600),
    "read_timeout": (0, 600),
    "total_timeout": (0, 3600),
    "backoff_base_seconds": (0, 600),
    "max_body_bytes": (1, 1_000_000_000),  # a body is held in memory
    "max_redirects": (0, 20),  # 0: follow none
    "max_concurrency": (1, 256),
    "per_host_concurrency": (1, 64),
    "retries": (0, 10),  # 0: one attempt
    "failure_threshold": (1, 1000),
    "max_check_interval_seconds": (1, 30 * 86400),
    "feeds_per_group": (1, 10_000),
    "documents_per_write": (1, 1_000_000),
    "extract_processes": (0, 256),
    "row_group_size": (1, 10_000_000),
    "marts_memory_mb": (0, 1_000_000),  # 0: DuckDB's own limit
    "max_document_chars": (1_000, 100_000_000),  # a text is extracted in memory
    "max_file_bytes": (1, 1_000_000_000),  # a backfill feed file or page is held whole
    "max_line_bytes": (1, 1_000_000_000),  # one JSONL line is held whole
    "lake_keep_hours": (0, 10 * 365 * 24),
}


def load_settings(
    path: str | os.PathLike[str] | None = None, environ: dict[str, str] | None = None
) -> Settings:
    """Defaults, then the settings file (if present), then INGEST_* environment variables."""
    env = dict(os.environ if environ is None else environ)
    settings_path = Path(path or env.get("INGEST_SETTINGS") or DEFAULT_SETTINGS_PATH)
    # each value with where it came from, which its error message names
    values: dict[str, tuple[Any, str]] = {}
    if settings_path.exists():
        values.update((k, (v, str(settings_path))) for k, v in _read_toml(settings_path).items())
    elif path is not None:
        raise ConfigError(f"{settings_path}: settings file not found")
    elif "INGEST_SETTINGS" in env:
        raise ConfigError(f"{settings_path}: settings file not found (named by INGEST_SETTINGS)")
    for spec in dataclasses.fields(Settings):
        key = f"INGEST_{spec.name.upper()}"
        if key in env:
            values[spec.name] = (env[key], f"environment variable {key}")
    return _settings_from(values)


def _settings_from(values: dict[str, tuple[Any, str]]) -> Settings:
    defaults = Settings()
    known = {f.name for f in dataclasses.fields(Settings)}
    typed: dict[str, Any] = {}
    for key, (raw, source) in values.items():
        if key not in known:
            raise ConfigError(f"{source}: unknown setting {key!r}")
        problem, typed[key] = _setting_value(key, raw, type(getattr(defaults, key)))
        if problem:
            shown = "a value not repeated here" if key == "catalog" else repr(raw)
            raise ConfigError(f"{source}: setting '{key}' must be {problem}, got {shown}")
        if key in PATH_SETTINGS:
            try:
                typed[key] = _absolute(typed[key])
            except (RuntimeError, ValueError) as error:  # "~nobody/x": no such home directory
                raise ConfigError(f"{source}: setting '{key}': {raw!r}: {error}") from None
    typed.update((k, _absolute(getattr(defaults, k))) for k in PATH_SETTINGS if k not in typed)
    return Settings(**typed)


# settings that take one of a few words
SETTING_CHOICES: dict[str, tuple[str, ...]] = {"s3_url_style": ("path", "vhost")}


def _setting_value(key: str, raw: Any, kind: type) -> tuple[str | None, Any]:
    """(what the value must be, or None when it is fine; the value as kind)."""
    if key in SETTING_CHOICES:
        choices = SETTING_CHOICES[key]
        if isinstance(raw, str) and raw in choices:
            return None, raw
        return "one of " + ", ".join(repr(c) for c in choices), None
    if key == "catalog":
        return _catalog_value(raw)
    if kind is str:
        if isinstance(raw, str) and raw.strip() and raw.isprintable():
            return None, raw
        return "a non-empty line of text", None
    low, high = SETTING_LIMITS[key]
    if kind is int:
        value = _whole_number(raw)
        if value is None or not low <= value <= high:
            return f"a whole number from {low:,.0f} to {high:,.0f}", None
        return None, value
    seconds = _finite_number(raw)
    if seconds is None or not low < seconds <= high:
        return f"a number of seconds above {low:g} and at most {high:g}", None
    return None, seconds


CATALOG_KINDS = ("postgres:",)


def _catalog_value(raw: Any) -> tuple[str | None, Any]:
    """A DuckLake catalog: "postgres:<libpq connection string>" with no password in it."""
    wanted = '"postgres:" and a libpq connection string'
    if not isinstance(raw, str) or not raw.isprintable():
        return wanted, None
    if raw and not raw.startswith(CATALOG_KINDS):
        return wanted, None
    if re.search(r"password\s*=|://[^/@]*:[^/@]*@", raw, re.IGNORECASE):
        return wanted + " without its password (give it in PGPASSWORD or a libpq pass file)", None
    return None, raw.strip()


def _whole_number(raw: Any) -> int | None:
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and re.fullmatch(r"[+-]?[0-9]+", raw.strip()):
        return int(raw)
    return None  # 2.5, 3.0, nan, true: counts are written as whole numbers


def _finite_number(raw: Any) -> float | None:
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        return None
    try:
        value = float(raw)
    except (ValueError, OverflowError):
        return None
    return value if math.isfinite(value) else None


def _absolute(location: str) -> str:
    """Local paths become absolute (BI tools resolve relative ones elsewhere); URIs stay."""
    if "://" in location:
        return location
    return str(Path(location).expanduser().resolve())


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ConfigError(f"{path}: cannot read: {error.strerror or error}") from None
    try:
        text = data.decode("utf-8-sig")  # a byte order mark (Windows editors) is harmless
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise ConfigError(
            f"{path}: not UTF-8 (byte 0x{data[error.start]:02x} on line {line}); save it as UTF-8"
        ) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from None


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
        label = f"feed {entry['id']!r}"
    known = {f.name for f in dataclasses.fields(Feed)}
    for key in entry:
        if key not in known:
            raise ConfigError(f"{path}: {label}: field {key!r}: unknown field")
    for required in ("id", "url", "publisher", "country"):
        if required not in entry:
            raise ConfigError(f"{path}: {label}: field '{required}': missing")
    for key, value in entry.items():
        expected = list if key == "allowed_domains" else str
        if not isinstance(value, expected):
            raise ConfigError(f"{path}: {label}: field '{key}': must be {expected.__name__}")
    domains = entry.get("allowed_domains", [])
    if not all(isinstance(d, str) for d in domains):
        raise ConfigError(f"{path}: {label}: field 'allowed_domains': must be a list of strings")
    values = dict(entry)
    values["allowed_domains"] = tuple(d.lower().lstrip(".") for d in domains)
    try:
        values["url"] = _resolve_feed_url(entry["url"], path.parent)
    except ValueError as error:  # a broken IPv6 literal, a NUL byte in a path
        raise ConfigError(f"{path}: {label}: field 'url': not a URL ({error})") from None
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


def _url_parts(url: str) -> SplitResult:
    """urlsplit, with the port read too: both raise ValueError on a malformed URL."""
    parts = urlsplit(url)
    parts.port  # noqa: B018
    return parts


def _feed_problem(feed: Feed) -> tuple[str, str] | None:
    if not FEED_ID.match(feed.id):
        return "id", "use lowercase letters, digits, '.', '_' or '-' (at most 64)"
    try:
        parts = _url_parts(feed.url)
    except ValueError as error:
        return "url", f"not a URL ({error})"
    if parts.scheme not in ("http", "https", "file"):
        return "url", f"scheme {parts.scheme!r} not supported (http, https, file or a path)"
    if parts.scheme in ("http", "https") and not parts.hostname:
        return "url", "no host"
    if not _is_country(feed.country):
        return (
            "country",
            f"{feed.country!r} is not an ISO 3166-1 alpha-2 code or an organisation id",
        )
    if not re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*", feed.language):
        return "language", f"{feed.language!r} is not a language tag like 'en' or 'fr-CA'"
    try:
        ZoneInfo(feed.timezone)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return "timezone", f"{feed.timezone!r} is not an IANA time zone like 'America/New_York'"
    problem = cron_problem(feed.schedule)
    if problem:
        return "schedule", f"{feed.schedule!r} {problem}"
    if feed.full_text not in FULL_TEXT_MODES:
        return "full_text", f"{feed.full_text!r} is not one of {', '.join(FULL_TEXT_MODES)}"
    return None


def cron_problem(expression: str) -> str | None:
    """Why `ingest serve` could not schedule expression, or None when it can.

    The check Prefect's Cron and CronSchedule run (prefect._internal.schemas.validators.
    validate_cron_string: croniter.is_valid, then no random "R" or hashed "H" field) with the
    croniter Prefect vendors, so whatever passes here is a schedule `ingest serve` builds;
    plus a first firing time, which "0 0 31 2 *" never has (Prefect accepts it, then its
    scheduler cannot place a run).
    """
    fields_ = expression.split()
    if len(fields_) != CRON_FIELDS:
        return "is not a 5-field cron expression"
    croniter = _prefect_croniter()
    random_or_hashed = any(f.casefold() in ("r", "h") for f in fields_)  # as Prefect checks
    if random_or_hashed or not croniter.croniter.is_valid(expression):
        return (
            "is not a valid cron expression (minute 0-59, hour 0-23, day 1-31, month 1-12 or "
            "jan-dec, weekday 0-7 or sun-sat; steps above 0)"
        )
    try:
        croniter.croniter(expression, datetime(2001, 1, 1)).get_next(datetime)
    except croniter.CroniterError:
        return "never fires (no such date)"
    return None


@functools.cache
def _prefect_croniter() -> Any:
    """The croniter module Prefect vendors (prefect/_vendor/croniter/croniter.py).

    Loaded from its file when Prefect is not imported yet: importing it through the package
    runs prefect/__init__ first, which took `ingest status` from 0.4 to 1.5 s.
    """
    if "prefect" not in sys.modules:
        package = importlib.util.find_spec("prefect")
        for folder in (package.submodule_search_locations or []) if package else []:
            path = Path(folder, "_vendor", "croniter", "croniter.py")
            spec = importlib.util.spec_from_file_location("ingest._prefect_croniter", path)
            if path.is_file() and spec is not None and spec.loader is not None:
                module = importlib.util.module_from_spec(spec)
                spec.loader.exec_module(module)
                return module
    return importlib.import_module("prefect._vendor.croniter.croniter")


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
