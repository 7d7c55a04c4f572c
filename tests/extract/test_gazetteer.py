"""Gazetteer lookups: countries by name/alias/demonym, cities, venues, organisations, publishers."""

from __future__ import annotations

import gc
import time
import tomllib
import unicodedata
from importlib import resources

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.extract import gazetteer as gz


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("The United States and the UK agreed.", ["US", "GB"]),
        ("Talks between the Republic of Korea and the DPRK resumed.", ["KR", "KP"]),
        ("Türkiye and Turkey are one country; Kosovo is XK.", ["TR", "TR", "XK"]),
        ("Emirati, Ukrainian and British officials met Nigerians.", ["AE", "UA", "GB", "NG"]),
        ("Burma's military regime; Myanmar's people.", ["MM", "MM"]),
        ("Côte d’Ivoire and Cote d'Ivoire", ["CI", "CI"]),
        ("People’s Republic of China and the PRC", ["CN", "CN"]),
        ("U.S. officials briefed the U.A.E. delegation.", ["US", "AE"]),
        # phrases containing a country name that are not that country
        ("across Latin America and the Indian Ocean", []),
        ("security on the Korean Peninsula and in the South China Sea", []),
        ("Papua New Guinea and Guinea-Bissau, not Guinea twice", ["PG", "GW", "GN"]),
    ],
)
def test_country_hits(text: str, codes: list[str]) -> None:
    hits = gz.country_hits(text)
    assert [h.key for h in hits] == codes
    for hit in hits:
        assert text[hit.start : hit.end].strip() == text[hit.start : hit.end]
        assert hit.end > hit.start


@pytest.mark.parametrize(
    ("phrase", "code"),
    [
        ("Britain", "GB"),
        ("Japanese", "JP"),
        ("ROK", "KR"),
        ("Kosovo", "XK"),
        ("the Netherlands", "NL"),
        ("Holy See", "VA"),
        ("Atlantis", None),
    ],
)
def test_lookup_country(phrase: str, code: str | None) -> None:
    assert gz.lookup_country(phrase) == code


@pytest.mark.parametrize(
    ("name", "country", "expected"),
    [
        ("New Delhi", None, ("New Delhi", "IN")),  # the primary name, not Delhi's alternate
        ("Washington, D.C.", None, ("Washington", "US")),
        ("Kiev", None, ("Kyiv", "UA")),
        ("The Hague", None, ("The Hague", "NL")),
        ("Santiago", None, ("Santiago", "CL")),  # the largest of that name
        ("Wilmington", "US", ("Wilmington", "US")),
        ("Montréal", None, ("Montreal", "CA")),
        ("Bogota", None, ("Bogota", "CO")),
        ("Nowhereville", None, None),
    ],
)
def test_lookup_city(name: str, country: str | None, expected: tuple[str, str] | None) -> None:
    city = gz.lookup_city(name, country)
    if expected is None:
        assert city is None
    else:
        assert city is not None
        assert (city.name, city.country_code) == expected
        assert -90 <= city.latitude <= 90 and -180 <= city.longitude <= 180


def test_country_centre_is_the_capital() -> None:
    assert gz.capital_of("XK") is not None
    centre = gz.country_centre("BE")
    assert centre is not None
    lat, lon = centre
    assert 50 < lat < 51.5 and 4 < lon < 5  # Brussels
    assert gz.country_centre("ZZ") is None


@pytest.mark.parametrize(
    ("text", "venue", "city", "country"),
    [
        ("talks at NATO Headquarters today", "NATO Headquarters", "Brussels", "BE"),
        ("received at Hyderabad House", "Hyderabad House", "New Delhi", "IN"),
        ("a dinner at Lancaster House", "Lancaster House", "London", "GB"),
        ("met at the Kremlin", "Kremlin", "Moscow", "RU"),
        ("the Palais des Nations hosted", "Palais des Nations", "Geneva", "CH"),
    ],
)
def test_venue_hits(text: str, venue: str, city: str, country: str) -> None:
    hits = gz.venue_hits(text)
    assert len(hits) == 1
    found, start, end = hits[0]
    assert text[start:end] == venue
    assert (found.city, found.country_code) == (city, country)


@pytest.mark.parametrize(
    ("text", "short"),
    [
        ("NATO Secretary General", "NATO"),
        ("European External Action Service Secretary General", "EU"),
        ("African Union Commission Chairperson", "AU"),
        ("the International Atomic Energy Agency", "IAEA"),
        ("ICAO Council President", "ICAO"),
    ],
)
def test_org_hits(text: str, short: str) -> None:
    assert gz.org_hits(text)[0].key == short


@pytest.mark.parametrize(
    ("url", "publisher"),
    [
        ("https://www.state.gov/secretary-blinkens-call/", "US"),
        ("https://www.gov.uk/government/news/foreign-secretary", "GB"),
        ("https://www.mofa.go.jp/press/release/page4e_001.html", "JP"),
        ("https://www.mea.gov.in/press-releases.htm", "IN"),
        ("https://www.nato.int/cps/en/natohq/news.htm", "NATO"),
        ("https://www.eeas.europa.eu/eeas/statement", "EU"),
        ("https://press.un.org/en/2024/sgsm.doc.htm", "UN"),
        ("https://example.org/x", None),
        (None, None),
    ],
)
def test_publisher_of(url: str | None, publisher: str | None) -> None:
    assert gz.publisher_of(url) == publisher


@pytest.mark.parametrize(
    ("title", "code"),
    [
        ("Secretary of State", "US"),
        ("External Affairs Minister", "IN"),
        ("State Councilor and Foreign Minister", "CN"),
        ("Foreign Minister", None),
        (None, None),
    ],
)
def test_implied_affiliation(title: str | None, code: str | None) -> None:
    assert gz.implied_affiliation(title) == code


def test_phrase_regex_prefers_the_longest_phrase() -> None:
    pattern = gz.phrase_regex(["Guinea", "Papua New Guinea", "New"])
    assert [m.group(0) for m in pattern.finditer("Papua New Guinea, New Guinea")] == [
        "Papua New Guinea",
        "New",
        "Guinea",
    ]


def test_country_scan_is_fast() -> None:
    text = "The United States and Japan discussed Ukraine, Russia and the DPRK. " * 40
    gz.country_hits(text)  # warm the tables
    started = time.perf_counter()
    for _ in range(200):
        gz.country_hits(text)
    per_call = (time.perf_counter() - started) / 200
    assert per_call < 0.02  # a 2,700-character text; ~0.2 ms idle, generous for a busy CI box


@pytest.mark.parametrize("enabled_before", [True, False])
def test_a_table_is_built_once_with_the_collector_paused_and_left_as_found(
    enabled_before: bool,
) -> None:
    seen: list[bool] = []

    @gz.table
    def squares(limit: int) -> dict[int, int]:
        seen.append(gc.isenabled())
        return {n: n * n for n in range(limit)}

    was_enabled = gc.isenabled()
    try:
        _set_collector(enabled_before)
        first = squares(4)
        assert squares(4) is first
        assert squares(5) == {0: 0, 1: 1, 2: 4, 3: 9, 4: 16}
        assert seen == [False, False]
        assert gc.isenabled() is enabled_before
    finally:
        _set_collector(was_enabled)


def _set_collector(enabled: bool) -> None:
    if enabled:
        gc.enable()
    else:
        gc.disable()


def test_a_failing_table_build_resumes_the_collector() -> None:
    @gz.table
    def broken() -> dict[str, str]:
        raise ValueError("bad table")

    assert gc.isenabled()
    with pytest.raises(ValueError, match="bad table"):
        broken()
    assert gc.isenabled()


def _fold_by_decomposing(text: str) -> str:
    """`fold` without its ASCII shortcut: every text decomposed and stripped of accents."""
    apostrophes = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'"})
    decomposed = unicodedata.normalize("NFKD", text.translate(apostrophes))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().split())


@settings(max_examples=300, deadline=None)
@given(sample=st.text(alphabet=st.characters(max_codepoint=0x2FF) | st.sampled_from("’‘`ﬁ")))
def test_fold_takes_the_ascii_shortcut_without_changing_a_key(sample: str) -> None:
    assert gz.fold(sample) == _fold_by_decomposing(sample)


def test_every_publisher_host_names_a_country_or_a_known_organisation() -> None:
    """real-tune (coe.int): the Council of Europe's own officials were given "Council of Europe",
    not its short name "CoE" that the organisations table and the warehouse checks know."""
    with resources.files("ingest").joinpath("data/publishers.toml").open("rb") as stream:
        hosts = tomllib.load(stream)["hosts"]
    organisations = gz.organisation_codes()
    odd = {
        host: code for host, code in hosts.items() if len(code) != 2 and code not in organisations
    }
    assert odd == {}
