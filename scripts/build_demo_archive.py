"""Build the demo archive: the shared State Department corpus as monthly RSS files in a tar.gz.

The corpus (2,025 real feed items, 2021-05 to 2022-08, US Government works) has no GUIDs, so each
item's link is its GUID. Releases already in the bundled captures of config/demo/feeds/ are left
out: the demo ingests those through the live-feed path, and a release must not appear twice.

    python3 scripts/build_demo_archive.py [--corpus PATH] [--out PATH]
"""

from __future__ import annotations

import argparse
import collections
import email.utils
import html
import io
import json
import re
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared/corpus/state.gov_press-releases_2021-05_to_2022-08.items.json"
OUT = ROOT / "config/demo/archive/state.gov_press-releases_2021-05_to_2022-08.tar.gz"
CHANNEL = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
    "<title>Press Releases – United States Department of State</title>"
    "<link>https://www.state.gov</link><language>en-US</language>"
)


def captured_links() -> set[str]:
    links: set[str] = set()
    for path in (ROOT / "config/demo/feeds").glob("*.xml"):
        links.update(re.findall(r"<link>(https://www\.state\.gov/[^<]+)</link>", path.read_text()))
    return links


def item_xml(item: dict[str, str]) -> str:
    body = item["content"].replace("]]>", "]]]]><![CDATA[>")
    link = html.escape(item["link"])
    return (
        f"<item><title>{html.escape(item['title'])}</title><link>{link}</link>"
        f"<dc:creator><![CDATA[{item.get('creator') or ''}]]></dc:creator>"
        f'<pubDate>{item["pubDate"]}</pubDate><guid isPermaLink="true">{link}</guid>'
        f"<content:encoded><![CDATA[{body}]]></content:encoded></item>"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    items = json.loads(args.corpus.read_text(encoding="utf-8"))
    skip = captured_links()
    months: dict[str, list[str]] = collections.defaultdict(list)
    for item in items:
        if item["link"] in skip:
            continue
        month = email.utils.parsedate_to_datetime(item["pubDate"]).strftime("%Y-%m")
        months[month].append(item_xml(item))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(args.out, "w:gz") as archive:
        for month, entries in sorted(months.items()):
            data = (CHANNEL + "".join(entries) + "</channel></rss>\n").encode("utf-8")
            info = tarfile.TarInfo(f"state.gov_press-releases_{month}.xml")
            info.size, info.mtime = len(data), 0  # mtime 0: the same corpus gives the same bytes
            archive.addfile(info, io.BytesIO(data))
    kept = sum(len(v) for v in months.values())
    print(
        f"{args.out}: {kept} releases in {len(months)} monthly feeds ({len(skip)} captured skipped)"
    )


if __name__ == "__main__":
    main()
