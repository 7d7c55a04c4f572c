"""Build src/ingest/data/world_110m.json, the report map's country outlines (run once, by hand).

Natural Earth's 1:110m countries (`naturalearth_lowres`: 177 countries, public domain) come
with pyogrio's wheel, read by its bundled GDAL: `pip install 'pyogrio==0.13.*'`, then
`python scripts/build_world_outline.py`. The result ships in the package as data, so the
report needs neither pyogrio (a 25 MB wheel) nor a download at run time. (Looked at and passed
over: plotly's package has no outlines, its geo charts fetch topojson from a CDN;
vega_datasets' local set has no world-110m; plotly-geo is US counties only.) Coordinates are
rounded to 0.1 degree: at the map's size a pixel is about half a degree, and the outline stays
a small part of the page (135 KB).
"""

from __future__ import annotations

import json
import struct
from importlib import resources
from pathlib import Path

from ingest.errors import StoreError
from ingest.world_outline import OUTLINE_DATA, SOURCE, Ring, WorldOutline

OUTLINE_PACKAGE = "pyogrio"
OUTLINE_FILE = "tests/fixtures/naturalearth_lowres/naturalearth_lowres.shp"
DECIMALS = 1
WKB_POLYGON = 3
WKB_MULTIPOLYGON = 6


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
    return WorldOutline(tuple(rings), SOURCE)


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


def main() -> None:
    outline = load_world_outline()
    rings = [[[x, y] for x, y in ring] for ring in outline.rings]
    text = json.dumps({"source": outline.source, "rings": rings}, separators=(",", ":"))
    target = Path(str(resources.files("ingest") / OUTLINE_DATA))
    target.write_text(text, encoding="utf-8")
    print(f"{target}: {len(rings)} rings, {len(text):,} bytes")


if __name__ == "__main__":
    main()
