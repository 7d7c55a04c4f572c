"""Arrow's allocator: jemalloc when the build has it, the user's ARROW_DEFAULT_MEMORY_POOL wins."""

from __future__ import annotations

import os
import subprocess
import sys

import pyarrow as pa
import pytest

# a command's process: the entry point tunes memory before the store loads pyarrow
PROBE = (
    "import ingest.cli, ingest.store, pyarrow as pa; print(pa.default_memory_pool().backend_name)"
)


def backend_after_importing_the_store(**env: str) -> str:
    environment = {k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        env={**environment, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def jemalloc_available() -> bool:
    try:
        pa.jemalloc_memory_pool()
    except NotImplementedError:
        return False
    return True


@pytest.mark.skipif(not jemalloc_available(), reason="this pyarrow has no jemalloc")
def test_the_store_allocates_from_jemalloc() -> None:
    assert backend_after_importing_the_store() == "jemalloc"


def test_the_users_choice_of_pool_wins() -> None:
    assert backend_after_importing_the_store(ARROW_DEFAULT_MEMORY_POOL="system") == "system"


@pytest.mark.skipif(not jemalloc_available(), reason="this pyarrow has no jemalloc")
def test_pyarrow_loaded_first_still_gets_jemalloc_for_its_own_calls() -> None:
    probe = "import pyarrow as pa, ingest.cli; print(pa.default_memory_pool().backend_name)"
    environment = {k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"}
    done = subprocess.run(
        [sys.executable, "-c", probe], env=environment, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "jemalloc"


def test_malloc_arenas_are_limited_unless_the_user_chose(monkeypatch: pytest.MonkeyPatch) -> None:
    from ingest import memory

    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
    assert memory.limit_malloc_arenas() is False  # the user's value stands
    monkeypatch.delenv("MALLOC_ARENA_MAX")
    glibc = sys.platform.startswith("linux") and os.confstr("CS_GNU_LIBC_VERSION") is not None
    assert memory.limit_malloc_arenas() is glibc


def test_importing_the_library_changes_nothing_in_the_process() -> None:
    """`import ingest` (and its stages) leaves the importer's allocator and environment alone."""
    probe = (
        "import os, pyarrow as pa; before = pa.default_memory_pool().backend_name; "
        "import ingest, ingest.store, ingest.pipeline.feeds; "
        "print(before == pa.default_memory_pool().backend_name, "
        "'ARROW_DEFAULT_MEMORY_POOL' in os.environ, 'MALLOC_ARENA_MAX' in os.environ)"
    )
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in ("ARROW_DEFAULT_MEMORY_POOL", "MALLOC_ARENA_MAX")
    }
    done = subprocess.run(
        [sys.executable, "-c", probe], env=environment, capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["True", "False", "False"]
