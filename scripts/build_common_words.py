"""Build src/ingest/data/common_words.txt: English words the releases write in lower case.

A capitalised run made only of such words ("Working Lunch", "Upcoming", "Stabilization") is a
headline or an office's words, not a person's name. The list is the words of the bundled demo
archive (US Government works, config/demo/archive/) written in lower case at least MIN_LOWER
times and at least LEAD times as often as capitalised inside a sentence, so surnames that are
also words ("Power", "Rice") stay out when the corpus capitalises them often enough.

It also writes src/ingest/data/lower_case_words.txt: every word written in lower case at least
MIN_LOWER times, a weaker test kept for runs that another cue already doubts.

    python3 scripts/build_common_words.py [--archive PATH] [--out PATH] [--lower-out PATH]
"""

from __future__ import annotations

import argparse
import collections
import html
import re
import tarfile
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARCHIVE = ROOT / "config/demo/archive/state.gov_press-releases_2021-05_to_2022-08.tar.gz"
OUT = ROOT / "src/ingest/data/common_words.txt"
LOWER_OUT = ROOT / "src/ingest/data/lower_case_words.txt"
MIN_LOWER = 3
LEAD = 3
WORD = re.compile(r"(?<![\w’'-])([A-Za-z][a-z]+(?:-[a-z]+)*)(?![\w’'-])")
SENTENCE_START = re.compile(r"(?:^|[.!?:;“\"(—–-]\s*|\n\s*)$")


def _texts(path: Path) -> list[str]:
    out = []
    with tarfile.open(path) as archive:
        for entry in archive:
            handle = archive.extractfile(entry)
            if handle is None:
                continue
            raw = handle.read().decode("utf-8", "replace")
            raw = html.unescape(re.sub(r"<[^>]+>", " ", html.unescape(raw)))
            out.append(unicodedata.normalize("NFC", raw))
    return out


def build(path: Path) -> tuple[list[str], list[str]]:
    """(common words, every word written in lower case at least MIN_LOWER times)."""
    lower: collections.Counter[str] = collections.Counter()
    capital: collections.Counter[str] = collections.Counter()
    for text in _texts(path):
        for match in WORD.finditer(text):
            word = match.group(1)
            if word.islower():
                lower[word] += 1
            elif not SENTENCE_START.search(text[max(0, match.start() - 3) : match.start()]):
                capital[word.lower()] += 1
    written_lower = sorted(w for w, n in lower.items() if n >= MIN_LOWER and len(w) > 1)
    return [w for w in written_lower if lower[w] >= LEAD * capital[w]], written_lower


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--archive", type=Path, default=ARCHIVE)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--lower-out", type=Path, default=LOWER_OUT)
    args = parser.parse_args()
    words, written_lower = build(args.archive)
    header = (
        "# English words the releases write in lower case (scripts/build_common_words.py,\n"
        "# from the demo archive). A capitalised run of only these is not a person's name.\n"
    )
    args.out.write_text(header + "\n".join(words) + "\n", encoding="utf-8")
    print(f"{len(words)} words -> {args.out}")
    lower_header = (
        "# English words the releases write in lower case at least 3 times, however often they\n"
        "# capitalise them too (scripts/build_common_words.py): 'city', 'games', also 'price'\n"
        "# and 'young', so only a second cue makes a run of them no person's name.\n"
    )
    args.lower_out.write_text(lower_header + "\n".join(written_lower) + "\n", encoding="utf-8")
    print(f"{len(written_lower)} words -> {args.lower_out}")


if __name__ == "__main__":
    main()
