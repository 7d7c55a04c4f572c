"""An s3:// data root: how pyarrow and DuckDB reach an S3-compatible store, offline-installed.

The endpoint, region and URL style come from Settings (`s3_endpoint`, `s3_region`,
`s3_url_style`) or the standard AWS variables; credentials only from the standard variables
(AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), never from a settings file.
DuckDB gets them as a TEMPORARY secret on each connection: nothing of them is written into the
serving file, and a BI tool reading that file creates its own secret (README, "Object storage
and several writers").
DuckDB's httpfs extension comes from the duckdb-ext-httpfs wheel, built for this DuckDB version,
so nothing is downloaded at run time.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import duckdb
import pyarrow.fs as pafs

from ingest.config import Settings
from ingest.errors import ConfigError, StoreError

S3_SCHEMES = frozenset({"s3", "s3a"})
DEFAULT_REGION = "us-east-1"


@dataclass(frozen=True, slots=True)
class S3Access:
    """Where the store is and who we are there (the secret parts never printed)."""

    endpoint: str  # host[:port], empty for AWS itself
    use_ssl: bool
    region: str
    url_style: str  # path | vhost
    key_id: str
    secret: str
    session_token: str

    def __repr__(self) -> str:  # keeps the secret out of logs and tracebacks
        shown = f"endpoint={self.endpoint!r}, region={self.region!r}, url_style={self.url_style!r}"
        return f"S3Access({shown})"


def is_s3(settings: Settings) -> bool:
    return urlsplit(settings.data_root).scheme.lower() in S3_SCHEMES


def s3_access(settings: Settings, environ: Mapping[str, str] | None = None) -> S3Access:
    """The store's endpoint and credentials, from Settings first, then the AWS variables."""
    env = os.environ if environ is None else environ
    given = (
        settings.s3_endpoint or env.get("AWS_ENDPOINT_URL_S3") or env.get("AWS_ENDPOINT_URL") or ""
    )
    endpoint, use_ssl = _endpoint(given)
    region = (
        settings.s3_region or env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or ""
    ) or DEFAULT_REGION
    url_style = settings.s3_url_style or ("path" if endpoint else "vhost")
    return S3Access(
        endpoint=endpoint,
        use_ssl=use_ssl,
        region=region,
        url_style=url_style,
        key_id=env.get("AWS_ACCESS_KEY_ID", ""),
        secret=env.get("AWS_SECRET_ACCESS_KEY", ""),
        session_token=env.get("AWS_SESSION_TOKEN", ""),
    )


def _endpoint(given: str) -> tuple[str, bool]:
    """host[:port] and whether to use TLS, from "host:port" or "http(s)://host:port"."""
    if not given:
        return "", True
    if "://" not in given:
        return given.rstrip("/"), True
    parts = urlsplit(given)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"s3 endpoint {given!r}: expected host:port or http(s)://host:port")
    return parts.netloc, parts.scheme == "https"


def pyarrow_filesystem(settings: Settings) -> pafs.S3FileSystem:
    """pyarrow's S3 filesystem for the data root (credentials as DuckDB gets them)."""
    access = s3_access(settings)
    return pafs.S3FileSystem(
        access_key=access.key_id or None,
        secret_key=access.secret or None,
        session_token=access.session_token or None,
        region=access.region,
        endpoint_override=access.endpoint or None,
        scheme="https" if access.use_ssl else "http",
        force_virtual_addressing=access.url_style == "vhost" and bool(access.endpoint),
    )


def extension_directory() -> str:
    """Where the duckdb-ext-* wheels put DuckDB's extensions (site-packages/duckdb_ext/...)."""
    spec = importlib.util.find_spec("duckdb_ext")
    locations = list(spec.submodule_search_locations or []) if spec else []
    for location in locations:
        candidate = Path(location) / "extensions"
        if candidate.is_dir():
            return str(candidate)
    raise StoreError(
        "DuckDB's httpfs extension is not installed: pip install "
        f"'duckdb-ext-httpfs=={duckdb.__version__}.*' (an s3:// data_root needs it)"
    )


def prepare(connection: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """Load httpfs from the wheel and give the connection a temporary secret for the store.

    Call before any query that reads the data root, and before the configuration is locked.
    """
    if not is_s3(settings):
        return
    access = s3_access(settings)
    try:
        connection.execute("set extension_directory = ?", [extension_directory()])
        connection.load_extension("httpfs")
        connection.execute(
            "create or replace temporary secret ingest_data_root ("
            "type s3, key_id ?, secret ?, session_token ?, region ?, endpoint ?, url_style ?, "
            "use_ssl ?, scope ?)",
            [
                access.key_id,
                access.secret,
                access.session_token,
                access.region,
                access.endpoint or "s3.amazonaws.com",
                access.url_style,
                access.use_ssl,
                settings.data_root.rstrip("/") + "/",
            ],
        )
    except duckdb.Error as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise StoreError(f"cannot reach data_root {settings.data_root}: {first}") from None
