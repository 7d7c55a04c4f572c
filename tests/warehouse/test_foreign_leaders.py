"""The foreign-leaders check (scripts/check_foreign_leaders.py): the record's names against
dim_people, on the real record and on a small DuckDB file shaped like the serving file."""

from __future__ import annotations

import csv
import json
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest
from tests.warehouse.factories import archive_releases, publish_extracted

from ingest.config import load_settings

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
from check_foreign_leaders import (
    VISIT_COLUMNS,
    VISITS,
    Leader,
    PersonRow,
    leaders_of,
    main,
    name_parts,
    names_match,
    people_in,
    read_visits,
    time_aware,
    time_aware_report,
)


def test_titles_are_stripped_and_two_visitors_are_two_names() -> None:
    assert people_in("President Andrzej Duda and Prime Minister Donald Tusk") == [
        "Andrzej Duda",
        "Donald Tusk",
    ]
    assert people_in("Amir Sheikh Tamim bin Hamad Al Thani") == ["Tamim bin Hamad Al Thani"]
    assert people_in("Prime MinisterHaidar al- Abadi") == ["Haidar al- Abadi"]
    assert people_in("Prime Minister Dato' Seri Anwar bin Ibrahim") == ["Anwar bin Ibrahim"]


# every name is the record's (tests/fixtures/foreign-leaders/visits.csv) or the demo
# warehouse's dim_people
SAME_PERSON = [
    ("Recep Tayyip Erdoğan", "Recep Tayyip Erdogan"),  # accents folded
    ("Kishida Fumio", "Fumio Kishida"),  # name order
    ("Shinzo Abe", "Abe Shinzo"),
    ("Sergio Matterella", "Sergio Mattarella"),  # a long family name one letter apart
    ("Luis Abinader", "Luis Abinader Corona"),  # a second family name
    ("Ferdinand Marcos Jr.", "Ferdinand Romualdez Marcos Jr."),  # a middle name, a suffix
    ("Abdel Fattah Said Alsisi", "Abdel Fattah Al Sisi"),  # a glued article
    ("Hamad bin Isa al-Khalifa", "Hamad Bin Isa Bin Salman al-Khalifa"),
    ("Benigno S. Aquino, 3rd", "Benigno Aquino 3rd"),  # an ordinal
]
NAMESAKES = [
    ("Lee Hsien Loong", "Lee Myung-bak"),  # one family name, two people
    ("Abdullah Gul", "Abdullah II bin Al-Hussein"),
    ("Tamim bin Hamad Al Thani", "Hamad bin Khalifa al-Thani"),  # son and father
    ("Sabah al-Ahmed al-Jaber al-Sabah", "Sabah Al-Khaled Al-Hamad Al-Sabah"),
    ("Elias Saca Gonzalez", "Juan S. Gonzalez"),  # an initial is a first given name only
    ("Mohamed Irfaan Ali", "Ali Mohamed Rage"),  # name order needs every given name
    ("Mohamed Irfaan Ali", "Mohamed Ali Nafti"),
    ("Juan Carlos I", "Juan Carlos Salazar"),  # a monarch's given names, no family name
    ("Wahid", "Abdurrahman Wahid"),  # one word never matches
]


@pytest.mark.parametrize(("a", "b"), SAME_PERSON)
def test_spellings_of_one_person_match(a: str, b: str) -> None:
    assert names_match(name_parts(a), name_parts(b))
    assert names_match(name_parts(b), name_parts(a))


@pytest.mark.parametrize(("a", "b"), NAMESAKES)
def test_namesakes_do_not_match(a: str, b: str) -> None:
    assert not names_match(name_parts(a), name_parts(b))
    assert not names_match(name_parts(b), name_parts(a))


def test_the_record_reads_whole_and_groups_its_spellings() -> None:
    visits = read_visits(VISITS)
    assert len(visits) == 1372
    assert {v.source_path for v in visits} == {"data/2000.xml", "data/2010.xml", "data/2020.xml"}
    assert [v.country for v in visits if not v.country_code] == ["Yugoslavia"]
    leaders = {(x.country_code, x.name): x for x in leaders_of(visits)}
    erdogan = leaders[("TR", "Recep Tayyip Erdogan")]
    assert "Recep Tayyip Erdoğan" in erdogan.spellings
    assert "Receip Tayyip Erdogan" in erdogan.spellings
    qatar = [x for key, x in leaders.items() if key[0] == "QA"]
    assert len(qatar) >= 2  # the amir and his father stay two leaders


def _visits_file(path: Path, rows: list[tuple[str, str, str, str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(VISIT_COLUMNS)
        for visit_id, start, visitor, country, code in rows:
            writer.writerow(["data/2020.xml", visit_id, start, visitor, country, code])
    return path


def _serving_file(path: Path) -> Path:
    """dim_people, person_aliases and person_affiliations with the serving file's columns."""
    people = [
        ("p1", "Kishida Fumio", "person", "JP", 6, "2021-10-05", "2022-07-20"),
        ("p2", "Recep Tayyip Erdogan", "person", "US", 1, "2022-03-01", "2022-03-01"),
        ("p3", "Aziz Akhanouch", "person", "MA", 2, "2022-03-28", "2022-03-28"),
        ("p4", "Aziz Akhannouch", "person", "MA", 1, "2022-03-29", "2022-03-29"),
        ("p5", "Lee Myung-bak", "person", "KR", 1, "2022-01-01", "2022-01-01"),
        ("p6", "Erdogan", "unresolved_surname", "TR", 3, "2022-01-01", "2022-02-01"),
    ]
    affiliations = [
        ("p1", "JP", "2021-10-05", "2022-07-20", 6),
        ("p2", "US", "2022-03-01", "2022-03-01", 1),
        ("p3", "MA", "2022-03-28", "2022-03-28", 2),
        ("p4", "MA", "2022-03-29", "2022-03-29", 1),
        ("p5", "KR", "2022-01-01", "2022-01-01", 1),
        ("p6", "TR", "2022-01-01", "2022-02-01", 3),
    ]
    with duckdb.connect(str(path)) as con:
        con.execute(
            "create table dim_people (person_id varchar, person_name varchar, person_kind "
            "varchar, affiliation varchar, event_count bigint, first_event_on date, "
            "last_event_on date)"
        )
        con.executemany("insert into dim_people values (?, ?, ?, ?, ?, ?, ?)", people)
        con.execute("create table person_aliases (person_id varchar, alias varchar)")
        con.executemany(
            "insert into person_aliases values (?, ?)",
            [("p1", "Fumio Kishida"), ("p1", "Kishida"), ("p2", "Recep Tayyip Erdogan")],
        )
        con.execute(
            "create table person_affiliations (person_id varchar, affiliation varchar, "
            "first_seen_on date, last_seen_on date, event_count bigint)"
        )
        con.executemany("insert into person_affiliations values (?, ?, ?, ?, ?)", affiliations)
    return path


def test_the_check_counts_found_right_and_split_leaders(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    visits = _visits_file(
        tmp_path / "visits.csv",
        [
            ("3018", "2021-04-16", "Prime Minister Suga Yoshihide", "Japan", "JP"),
            ("3147", "2023-01-13", "Prime Minister Kishida Fumio", "Japan", "JP"),
            ("3312", "2024-07-10", "President Recep Tayyip Erdoğan", "Türkiye", "TR"),
            ("3130", "2022-12-13", "Prime Minister Aziz Akhannouch", "Morocco", "MA"),
            ("3210", "2023-11-12", "Prime Minister Lee Hsien Loong", "Singapore", "SG"),
            ("1416", "2000-06-12", "President Wahid", "Indonesia", "ID"),
        ],
    )
    out = tmp_path / "report.json"
    serving = _serving_file(tmp_path / "ingest.duckdb")
    assert main([str(serving), "--visits", str(visits), "--json", str(out)]) == 0
    report = json.loads(out.read_text(encoding="utf-8"))
    # Suga is not in dim_people, Lee Hsien Loong only has a namesake, Wahid is one word
    assert report["leaders_in_record"] == 5
    assert report["found"] == 3
    assert report["main_right_share"] == pytest.approx(2 / 3, abs=0.001)
    assert [m["leader"] for m in report["misses"]] == ["Recep Tayyip Erdoğan"]
    assert report["misses"][0]["main_affiliation"] == "US"
    assert report["split_count"] == 1
    split = report["splits"][0]
    assert {r["person_name"] for r in split["rows"]} == {"Aziz Akhanouch", "Aziz Akhannouch"}
    out = capsys.readouterr().out
    assert "3 of 5 in dim_people, 0.667 with the right country" in out
    # every visit within four years of the person's events: none is a class apart
    assert "time-aware: 2 of 3 right against the visit nearest their events (0.667); 0 with" in out


def _leader(name: str, country: str, *days: str) -> Leader:
    dates = tuple(date.fromisoformat(d) for d in days)
    return Leader(name, country, (name,), len(dates), dates[0], dates[-1], dates)


def _row(pid: str, name: str, affiliation: str, first: str, last: str) -> PersonRow:
    return PersonRow(
        pid, name, "person", affiliation, 3, (name,), ((affiliation, last),),
        date.fromisoformat(first), date.fromisoformat(last),
    )  # fmt: skip


def test_the_time_aware_check_judges_the_visit_nearest_the_events() -> None:
    """Real cases of the demo warehouse: a leader who visited for two countries is judged on
    the visit nearest his events; one whose visits are all years away is a class apart."""
    stoltenberg = _row("p1", "Jens Stoltenberg", "NATO", "2021-05-01", "2022-08-20")
    bachelet = _row("p2", "Michelle Bachelet", "UN", "2021-06-01", "2022-05-01")
    kishida = _row("p3", "Kishida Fumio", "JP", "2021-10-05", "2022-07-20")
    erdogan = _row("p4", "Recep Tayyip Erdogan", "US", "2022-03-01", "2022-03-01")
    found = [
        (_leader("Jens Stoltenberg", "NO", "2010-04-12", "2012-05-20"), [stoltenberg]),
        (_leader("Jens Stoltenberg", "NATO", "2019-04-02", "2022-01-10"), [stoltenberg]),
        (_leader("Michelle Bachelet", "CL", "2006-06-08", "2016-03-31"), [bachelet]),
        (_leader("Kishida Fumio", "JP", "2023-01-13"), [kishida]),
        (_leader("Recep Tayyip Erdogan", "TR", "2019-11-13"), [erdogan]),
    ]
    results = {r.leader: r for r in time_aware(found)}
    assert len(results) == 4  # Stoltenberg once, for the visit nearest his events
    assert results["Jens Stoltenberg"].nearest_country == "NATO"
    assert results["Jens Stoltenberg"].is_right and not results["Jens Stoltenberg"].is_far
    assert results["Michelle Bachelet"].is_far  # 2016 against 2021-22: the office changed
    assert results["Michelle Bachelet"].days_apart == (date(2021, 6, 1) - date(2016, 3, 31)).days
    assert results["Kishida Fumio"].is_right and results["Kishida Fumio"].days_apart == 177
    assert not results["Recep Tayyip Erdogan"].is_right
    report = time_aware_report(list(results.values()))
    assert (report["judged"], report["right"], report["far_count"]) == (3, 2, 1)
    assert report["right_share"] == pytest.approx(0.667)
    assert [m["leader"] for m in report["misses"]] == ["Recep Tayyip Erdogan"]
    assert [f["leader"] for f in report["far"]] == ["Michelle Bachelet"]


RELEASES = VISITS.parent / "releases.jsonl"


def test_the_check_reads_a_warehouse_the_pipeline_built_through_its_settings_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Four real releases of the demo archive (Kishida Fumio, Aziz Akhannouch spelled two ways,
    Jens Stoltenberg as NATO's Secretary General) extracted, stored and published."""
    data, serving = tmp_path / "data", tmp_path / "ingest.duckdb"
    settings_path = tmp_path / "settings.toml"
    settings_path.write_text(
        f'data_root = "{data}"\nserving_path = "{serving}"\n'
        f'state_path = "{tmp_path / "state" / "feeds.json"}"\n',
        encoding="utf-8",
    )
    settings = load_settings(settings_path)
    publish_extracted(settings, archive_releases(RELEASES))
    out = tmp_path / "report.json"
    assert main([str(settings_path), "--json", str(out)]) == 0
    report = json.loads(out.read_text(encoding="utf-8"))
    found = {x["leader"]: x for x in report["found_leaders"]}
    assert found["Kishida Fumio"]["is_main_right"]
    assert found["Kishida Fumio"]["rows"][0]["person_name"] in ("Kishida Fumio", "Fumio Kishida")
    # right in 2022 (NATO's Secretary General), the record knows him as Norway's prime minister
    stoltenberg = found["Jens Stoltenberg"]
    assert stoltenberg["main_affiliation"] == "NATO" and stoltenberg["is_record_older"]
    assert "Jens Stoltenberg" in [m["leader"] for m in report["misses"]]
    # time-aware: his last visit in the record (2012) is years from his events, a class apart
    far = {x["leader"]: x for x in report["time_aware"]["far"]}
    assert far["Jens Stoltenberg"]["nearest_country"] == "NO"
    assert "Jens Stoltenberg" not in [m["leader"] for m in report["time_aware"]["misses"]]
    akhannouch = {r["person_name"] for r in found["Aziz Akhannouch"]["rows"]}
    assert akhannouch <= {"Aziz Akhannouch", "Aziz Akhanouch"}
    assert found["Aziz Akhannouch"]["is_split"] == (len(akhannouch) == 2)
    assert report["found"] == 3
    assert capsys.readouterr().out.startswith("foreign leaders: 3 of 567 in dim_people")


def test_bad_input_is_one_line_naming_the_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    serving = _serving_file(tmp_path / "ingest.duckdb")
    bad_date = _visits_file(
        tmp_path / "visits.csv", [("1", "2021-13-01", "President Joko Widodo", "Indonesia", "ID")]
    )
    assert main([str(serving), "--visits", str(bad_date)]) == 2
    error = capsys.readouterr().err
    assert error == (
        f"error: {bad_date}: line 2: start_date '2021-13-01' is not a date like 2021-07-15\n"
    )
    no_columns = tmp_path / "short.csv"
    no_columns.write_text("visit_id,visitor\n1,President Joko Widodo\n", encoding="utf-8")
    assert main([str(serving), "--visits", str(no_columns)]) == 2
    assert "short.csv: line 1: missing column(s) source_path, start_date" in capsys.readouterr().err
    good = _visits_file(
        tmp_path / "good.csv", [("1", "2021-01-01", "President Joko Widodo", "Indonesia", "ID")]
    )
    missing = tmp_path / "missing.duckdb"
    assert main([str(missing), "--visits", str(good)]) == 2
    assert capsys.readouterr().err == f"error: {missing}: no such settings or serving file\n"
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    assert main([str(empty), "--visits", str(good)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {empty}: cannot read dim_people:") and err.count("\n") == 1
