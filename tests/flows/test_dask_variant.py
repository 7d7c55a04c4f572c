"""The prefect-dask variant of benchmarks/bench_workers.py stays out of the pipeline's
dependencies: without its packages the benchmark says, in one line, the command that installs
them, and that command installs exactly what the variant imports."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BENCHMARK = ROOT / "benchmarks" / "bench_workers.py"
# runs the benchmark as its command line does, with prefect_dask unimportable as in a venv
# installed with `.[dev]` only
WITHOUT_PREFECT_DASK = (
    "import runpy, sys; sys.modules['prefect_dask'] = None; "
    f"sys.argv = [{str(BENCHMARK)!r}, '--dask', '--copies', '1']; "
    f"runpy.run_path({str(BENCHMARK)!r}, run_name='__main__')"
)


def test_without_prefect_dask_the_benchmark_prints_the_install_command_in_one_line() -> None:
    done = subprocess.run(
        [sys.executable, "-c", WITHOUT_PREFECT_DASK],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr
    assert done.stdout == ""  # nothing measured, no corpus written
    assert done.stderr.count("\n") == 1, done.stderr
    # dask and distributed are named too where they are missing (CI installs neither)
    assert done.stderr.startswith("error: the Dask variant needs prefect-dask")
    assert ".venv/bin/pip install --group pyproject.toml:dask" in done.stderr


def test_the_dask_group_holds_what_the_variant_imports() -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from dask_backfill import DASK_PACKAGES
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    group = pyproject["dependency-groups"]["dask"]
    names = {requirement.split(">")[0].split("=")[0].split("<")[0] for requirement in group}
    assert names == set(DASK_PACKAGES.values())
    runtime = " ".join(pyproject["project"]["dependencies"])
    assert not any(name in runtime for name in names)
