"""Country outlines for the report's map, read from the Natural Earth file a pip package ships.

pyogrio's wheel carries Natural Earth's 1:110m countries (`naturalearth_lowres`: 177 countries,
public domain) and reads it with its bundled GDAL, so the map needs no download and no
geometry file of our own. (Looked at and passed over: plotly's package has no outlines, its
geo charts fetch topojson from a CDN; vega_datasets' local set has no world-110m; plotly-geo
is US counties only.) Coordinates are rounded to 0.1 degree: at the map's size a pixel is
about half a degree, and the outline stays a small part of the page.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from ingest.errors import StoreError

OUTLINE_PACKAGE = "pyogrio"
OUTLINE_FILE = "tests/fixtures/naturalearth_lowres/naturalearth_lowres.shp"
DECIMALS = 1
WKB_POLYGON = 3
WKB_MULTIPOLYGON = 6

Ring = tuple[tuple[float, float], ...]


@dataclass(frozen=True, slots=True)
class WorldOutline:
    """Every country's rings as (longitude, latitude) points, and where they were read from."""

    rings: tuple[Ring, ...]
    source: str


def outline_path() -> Path:
    """Natural Earth's 1:110m countries inside the installed pyogrio package."""
    path = Path(str(resources.files(OUTLINE_PACKAGE) / OUTLINE_FILE))
    if not path.exists():
        raise StoreError(f"{path}: world outline not found (is pyogrio 0.13 installed?)")
    return path


def load_world_outline() -> WorldOutline:
    """Read the outline file's polygons (its own reader: pyogrio's GDAL) into plain rings."""
    import pyogrio.raw

    path = outline_path()
    _meta, _fids, geometries, _fields = pyogrio.raw.read(str(path), columns=[])
    rings: list[Ring] = []
    for geometry in geometries:
        if geometry is not None:
            rings.extend(rings_of(bytes(geometry)))
    return WorldOutline(tuple(rings), "Natural Earth 1:110m countries (public domain), via pyogrio")


def rings_of(wkb: bytes) -> list[Ring]:
    """The rings of a WKB Polygon or MultiPolygon (the two shapes a countries layer holds)."""
    rings, _end = _read_geometry(wkb, 0)
    return rings


def _read_geometry(wkb: bytes, offset: int) -> tuple[list[Ring], int]:
    order = "<" if wkb[offset] == 1 else ">"
    (kind,) = struct.unpack_from(f"{order}I", wkb, offset + 1)
    offset += 5
    if kind == WKB_POLYGON:
        return _read_polygon(wkb, offset, order)
    if kind == WKB_MULTIPOLYGON:
        (count,) = struct.unpack_from(f"{order}I", wkb, offset)
        offset += 4
        rings: list[Ring] = []
        for _ in range(count):
            polygon_rings, offset = _read_geometry(wkb, offset)
            rings.extend(polygon_rings)
        return rings, offset
    raise StoreError(f"world outline: WKB geometry type {kind} is not a polygon")


def _read_polygon(wkb: bytes, offset: int, order: str) -> tuple[list[Ring], int]:
    (ring_count,) = struct.unpack_from(f"{order}I", wkb, offset)
    offset += 4
    rings: list[Ring] = []
    for _ in range(ring_count):
        (point_count,) = struct.unpack_from(f"{order}I", wkb, offset)
        offset += 4
        values = struct.unpack_from(f"{order}{2 * point_count}d", wkb, offset)
        offset += 16 * point_count
        points = zip(values[0::2], values[1::2], strict=True)
        rings.append(tuple((round(x, DECIMALS), round(y, DECIMALS)) for x, y in points))
    return rings, offset
