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


# every module of the library but the command's package (ingest.cli, an entry point that tunes)
IMPORT_EVERY_LIBRARY_MODULE = (
    "import importlib, pkgutil\n"
    "def import_below(package):\n"  # not pkgutil.walk_packages: it imports ingest.cli to walk it
    "    for found in pkgutil.iter_modules(package.__path__, package.__name__ + '.'):\n"
    "        if found.name != 'ingest.cli':\n"
    "            module = importlib.import_module(found.name)\n"
    "            if found.ispkg:\n"
    "                import_below(module)\n"
    "import_below(importlib.import_module('ingest'))\n"
)


def test_importing_the_library_changes_nothing_in_the_process() -> None:
    """`import ingest` (and every stage) leaves the importer's allocator, environment and
    glibc's malloc alone: no mallopt lookup (seen as ctypes' audit event), no variable set."""
    probe = (
        "import os, sys, pyarrow as pa; before = pa.default_memory_pool().backend_name\n"
        "symbols = []\n"
        "sys.addaudithook(lambda e, a: symbols.append(a[1]) if e == 'ctypes.dlsym' else None)\n"
        f"{IMPORT_EVERY_LIBRARY_MODULE}"
        "print(before == pa.default_memory_pool().backend_name, 'mallopt' in symbols,"
        " 'ARROW_DEFAULT_MEMORY_POOL' in os.environ, 'MALLOC_ARENA_MAX' in os.environ)"
    )
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in ("ARROW_DEFAULT_MEMORY_POOL", "MALLOC_ARENA_MAX")
    }
    done = subprocess.run(
        [sys.executable, "-c", probe], env=environment, capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["True", "False", "False", "False"]


def test_the_command_entry_point_does_tune_the_process() -> None:
    """The probe above sees mallopt when it happens: importing the command tunes."""
    probe = (
        "import sys; symbols = []\n"
        "sys.addaudithook(lambda e, a: symbols.append(a[1]) if e == 'ctypes.dlsym' else None)\n"
        "import ingest.cli; print('mallopt' in symbols)"
    )
    environment = {k: v for k, v in os.environ.items() if k != "MALLOC_ARENA_MAX"}
    done = subprocess.run(
        [sys.executable, "-c", probe], env=environment, capture_output=True, text=True, check=True
    )
    glibc = sys.platform.startswith("linux") and os.confstr("CS_GNU_LIBC_VERSION") is not None
    assert done.stdout.split() == [str(glibc)]
