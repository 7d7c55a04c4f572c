"""The package's exception tree: every error we raise on purpose is an IngestError.

Hierarchy:

    IngestError                  base; the CLI prints str(error) as one line and exits 2
    ├── ConfigError              an invalid settings or feeds file (names file, feed and field)
    ├── FetchError               a feed or page could not be fetched (recorded as data by flows)
    │   ├── FetchTimeout         connect/read/total deadline passed
    │   ├── BodyTooLarge         body exceeded the size cap
    │   ├── BlockedURL           scheme, domain or address not allowed (SSRF guard)
    │   └── HTTPStatusError      a non-success status after retries
    ├── ParseError               bytes that yield no entries (bozo and nothing parsed)
    ├── InputError               a user-supplied file or argument is malformed (names file and line)
    └── StoreError               a table could not be read or written
        └── CheckFailed          warehouse data checks returned offending rows

A bad input becomes data (a reject row with a reason); a bug raises something that is not an
IngestError and keeps its traceback.
"""

from __future__ import annotations


class IngestError(Exception):
    """Base of every error the pipeline raises on purpose."""


class ConfigError(IngestError):
    """A settings or feeds file is invalid."""


class FetchError(IngestError):
    """A feed or article could not be fetched."""


class FetchTimeout(FetchError):
    """A connect, read or total deadline passed."""


class BodyTooLarge(FetchError):
    """The response body exceeded the configured size cap."""


class BlockedURL(FetchError):
    """The URL's scheme, domain or resolved address is not allowed."""


class HTTPStatusError(FetchError):
    """The server answered with a status we cannot use."""

    def __init__(self, message: str, status_code: int) -> None:
        super().__init__(message)
        self.status_code = status_code


class ParseError(IngestError):
    """Fetched bytes that yield no feed entries."""


class InputError(IngestError):
    """A user-supplied file or argument is malformed."""


class StoreError(IngestError):
    """A table could not be read or written."""


class CheckFailed(StoreError):
    """Warehouse data checks returned offending rows."""
