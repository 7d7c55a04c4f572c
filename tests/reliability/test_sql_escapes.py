"""`ingest sql` is read-only by construction: DuckDB's own limits on its connection.

Whatever form data_root takes (a plain path, a `file://` URI, `s3://`), the connection is
read-only, reaches no file outside the data root, loads no extension and cannot change those
settings, and each of them is checked as it holds on the connection.
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass, replace
from pathlib import Path

import duckdb
import pytest

from ingest import warehouse
from ingest.config import Settings
from reliability.faultserver import FaultServer
from reliability.harness import corpus_feed, fault_settings, make_feed, run_pipeline
from support.feedserver import Route

FORMS = ("path", "file-uri")


@dataclass(frozen=True)
class Warehouse:
    """One warehouse under test and the places an attack names."""

    settings: Settings
    path: Path  # the data root as a plain path
    outside: Path  # an empty folder outside the data root (also the working directory)
    document_file: str  # a stored Parquet file of the documents table

    def fill(self, template: str) -> str:
        """The attempt with its places filled in, quoted as SQL string literals want them."""
        places = {
            "root": self.settings.data_root,
            "path": str(self.path),
            "out": str(self.outside),
            "doc": self.document_file,
        }
        return template.format(**{key: value.replace("'", "''") for key, value in places.items()})


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """One pipeline run's warehouse, copied (never used) by each form below."""
    settings = fault_settings(tmp_path_factory.mktemp("escapes-built"))
    with FaultServer() as server:
        server.route("/feed.xml", Route(body=corpus_feed(340, 3, "esc")))
        summary = run_pipeline(settings, [make_feed("esc", server.url("/feed.xml"))])
    assert summary.status == "ok", summary.failures
    return settings


@pytest.fixture(scope="module", params=FORMS)
def house(
    request: pytest.FixtureRequest, built: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Warehouse:
    base = tmp_path_factory.mktemp(f"escapes-{request.param}")
    if request.param == "path":
        # a quote and SQL in the path: every path must reach DuckDB as a literal
        base = base / "it's'; drop view stg_documents; --"
        data_root = str(base / "data")
    else:  # a file:// URI (which cannot hold the spaces above)
        base = base / "it's"
        data_root = f"file://{base / 'data'}"
    shutil.copytree(Path(built.data_root), base / "data")
    settings = replace(
        built,
        data_root=data_root,
        serving_path=str(base / "ingest.duckdb"),
        state_path=str(base / "state" / "feeds.json"),
    )
    warehouse.refresh_serving_file(settings)
    path = base / "data"
    documents = sorted(str(p) for p in (path / "documents").rglob("*.parquet"))
    stored = [d for d in documents if not Path(d).name.startswith("_")]
    outside = tmp_path_factory.mktemp(f"outside-{request.param}")
    return Warehouse(settings, path, outside, stored[0])


def _snapshot(house: Warehouse) -> dict[str, str]:
    """Digest of every file under the data root, the serving file and its folder, and the
    names of everything outside."""
    files = {}
    for path in sorted(p for p in house.path.rglob("*") if p.is_file()):
        files[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    serving = Path(house.settings.serving_path)
    files[str(serving)] = hashlib.sha256(serving.read_bytes()).hexdigest()
    for folder in (serving.parent, house.outside):
        files[f"listing:{folder}"] = "\n".join(sorted(p.name for p in folder.iterdir()))
    return files


# --- DuckDB's own limits hold on their own, for every form of data_root ----------------------


def _expected_directories(house: Warehouse) -> list[str]:
    return [f"{house.path.resolve()}/"]


def _assert_locked_down(connection: duckdb.DuckDBPyConnection, directories: list[str]) -> None:
    def setting(name: str) -> object:
        return connection.execute("select current_setting(?)", [name]).fetchall()[0][0]

    assert setting("access_mode") == "read_only"
    assert setting("enable_external_access") is False
    assert setting("lock_configuration") is True
    assert setting("autoinstall_known_extensions") is False
    assert setting("autoload_known_extensions") is False
    assert setting("allow_community_extensions") is False
    assert setting("python_enable_replacements") is False
    assert sorted(setting("allowed_directories")) == sorted(directories)  # type: ignore[arg-type]
    for statement in (
        "set enable_external_access = true",
        "reset lock_configuration",
        "set allowed_directories = ['/']",
        "set autoload_known_extensions = true",
        "select * from read_text('/etc/passwd')",
        "select count(*) from glob('/*')",
        "select * from read_text('file:///etc/passwd')",
        "load httpfs",
    ):
        with pytest.raises(duckdb.Error):
            connection.execute(statement).fetchall()


def test_the_connection_limits_hold_on_their_own(house: Warehouse) -> None:
    """Without the statement checks: settings as set, locked, and no file outside the root."""
    with warehouse.read_only_connection(house.settings) as connection:
        _assert_locked_down(connection, _expected_directories(house))
        with pytest.raises(duckdb.Error):
            connection.execute(f"copy (select 1) to '{house.outside}/leak.csv'")
        # the views still read the data
        assert connection.execute("select count(*) from stg_documents").fetchall() == [(3,)]
    assert list(house.outside.iterdir()) == []


def test_a_remote_data_root_gets_the_same_limits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    loaded: list[tuple[str, object]] = []

    def record(connection: duckdb.DuckDBPyConnection, settings: Settings) -> None:
        # httpfs is not installed here: record the load, which must come before the lock
        locked = connection.execute("select current_setting('lock_configuration')").fetchall()
        loaded.append((settings.data_root, locked[0][0]))

    monkeypatch.setattr(warehouse, "_load_remote_extension", record, raising=False)
    settings = Settings(
        data_root="s3://bucket/it's/ingest/", serving_path=str(tmp_path / "ingest.duckdb")
    )
    duckdb.connect(settings.serving_path).close()  # a serving file (no views: no S3 needed)
    with warehouse.read_only_connection(settings) as connection:
        _assert_locked_down(connection, ["s3://bucket/it's/ingest/"])
        with pytest.raises(duckdb.Error):
            connection.execute(f"copy (select 1) to '{tmp_path}/leak.csv'")
    assert loaded == [(settings.data_root, False)]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ingest.duckdb"]


def test_ingest_check_still_runs_on_the_read_only_connection(house: Warehouse) -> None:
    before = _snapshot(house)
    results = warehouse.run_checks(house.settings)
    assert results and all(r.passed for r in results), [r for r in results if not r.passed]
    assert _snapshot(house) == before
