"""The whole suite's order: the longest test modules first, so both xdist workers end together.

`make test` runs `-n 2 --dist loadfile`: a worker takes one whole module at a time, in the order
collected (pyproject.toml's addopts turns off xdist's own reordering, which puts the modules with
the most tests first and so left the one-test, two-minute modules for the end while the other
worker sat idle). Handing out the longest first (the greedy longest-processing-time rule) leaves
only short modules for the end.
"""

from __future__ import annotations

import pytest

# Measured seconds per module (the sum of its tests' times; x21-suite12, 2026-12-07, at load
# 10), longest first. A module not listed runs after these, in collection order; the order
# only needs to be roughly right, so the list needs no update for small changes.
LONGEST_MODULES_FIRST = (
    "tests/warehouse/test_lake.py",  # 238 s
    "tests/flows/test_workers.py",  # 227 s
    "tests/flows/test_serve.py",  # 129 s
    "tests/reliability/test_whole_runs.py",  # 126 s
    "tests/flows/test_prefect_ui.py",  # 122 s
    "tests/warehouse/test_marts.py",  # 93 s
    "tests/flows/test_flows.py",  # 89 s
    "tests/warehouse/test_incremental_persons.py",  # 86 s
    "tests/test_packaging.py",  # 72 s
    "tests/warehouse/test_incremental_marts.py",  # 70 s
    "tests/flows/test_cli.py",  # 63 s
    "tests/reliability/test_crash.py",  # 61 s
    "tests/reliability/test_hostile_run.py",  # 60 s
    "tests/flows/test_backfill_cli.py",  # 59 s
    "tests/reliability/test_sql_escapes.py",  # 51 s
    "tests/flows/test_backfill_beside_server.py",  # 44 s
    "tests/warehouse/test_checks.py",  # 38 s
    "tests/reliability/test_document_size.py",  # 37 s
    "tests/warehouse/test_object_storage.py",  # 36 s
    "tests/warehouse/test_publication.py",  # 34 s
    "tests/extract/test_cli_extract.py",  # 33 s
    "tests/warehouse/test_event_file_index.py",  # 32 s
    "tests/report/test_report.py",  # 32 s
    "tests/warehouse/test_readme_sql.py",  # 31 s
    "tests/reliability/test_killed_backfill.py",  # 28 s
    "tests/warehouse/test_persons.py",  # 25 s
    "tests/warehouse/test_store.py",  # 24 s
    "tests/warehouse/test_serving.py",  # 21 s
    "tests/reliability/test_faults.py",  # 19 s
    "tests/reliability/test_readonly.py",  # 19 s
    "tests/warehouse/test_roundtrip.py",  # 18 s
    "tests/warehouse/test_memory.py",  # 17 s
    "tests/warehouse/test_publication_versions.py",  # 16 s
    "tests/flows/test_run_in_library.py",  # 16 s
    "tests/extract/test_speedups.py",  # 15 s
    "tests/reliability/test_private_origin.py",  # 14 s
    "tests/warehouse/test_refresh.py",  # 14 s
    "tests/warehouse/test_who_met.py",  # 13 s
)


def module_rank(item: pytest.Item) -> int:
    """The module's place in LONGEST_MODULES_FIRST; every other module after them."""
    module = item.nodeid.split("::", 1)[0]
    try:
        return LONGEST_MODULES_FIRST.index(module)
    except ValueError:
        return len(LONGEST_MODULES_FIRST)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # a stable sort: each module's tests keep their order, and so do the modules not listed
    items.sort(key=module_rank)
