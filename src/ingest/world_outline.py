"""Country outlines for the report's map: Natural Earth's 1:110m countries, shipped as data.

`data/world_110m.json` (public domain; built once by scripts/build_world_outline.py) holds each
country's rings as (longitude, latitude) points rounded to 0.1 degree, so the page inlines them
and makes no request.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from importlib import resources

from ingest.errors import StoreError

OUTLINE_DATA = "data/world_110m.json"
SOURCE = "Natural Earth 1:110m countries (public domain)"

Ring = tuple[tuple[float, float], ...]


@dataclass(frozen=True, slots=True)
class WorldOutline:
    """Every country's rings as (longitude, latitude) points, and where they came from."""

    rings: tuple[Ring, ...]
    source: str


@functools.cache
def load_world_outline() -> WorldOutline:
    """The shipped outline; a one-line StoreError when the file is missing or malformed."""
    path = resources.files("ingest") / OUTLINE_DATA
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        rings = tuple(tuple((float(x), float(y)) for x, y in ring) for ring in data["rings"])
        return WorldOutline(rings, str(data.get("source") or SOURCE))
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise StoreError(f"{path}: world outline unreadable: {error}") from None
