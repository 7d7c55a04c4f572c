"""The people stage's cue phrases as named patterns, read from data/people_patterns.toml."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from ingest.extract import gazetteer as gz

PATTERN_FILE = "people_patterns.toml"


@cache
def _entries() -> dict[str, dict[str, Any]]:
    return {str(entry["id"]): entry for entry in gz._toml(PATTERN_FILE)["pattern"]}


def pattern(pattern_id: str) -> re.Pattern[str]:
    """The compiled pattern with this id (a KeyError names an id the data file lacks)."""
    entry = _entries()[pattern_id]
    return re.compile(str(entry["regex"]), re.IGNORECASE if entry.get("ignore_case") else 0)
