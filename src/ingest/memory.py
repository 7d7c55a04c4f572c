"""Arrow's allocator for a long run in groups: one that gives freed memory back to the system."""

from __future__ import annotations

import contextlib
import ctypes
import os
import sys

POOL_VARIABLE = "ARROW_DEFAULT_MEMORY_POOL"  # read once by Arrow's C++ when pyarrow loads
RETURNING_POOL = "jemalloc"
ARENAS_VARIABLE = "MALLOC_ARENA_MAX"  # glibc's own knob: the user's value wins
MALLOC_ARENAS = 2
M_ARENA_MAX = -8  # glibc's mallopt parameter number (malloc.h)


def tune_process() -> None:
    """What a command's process sets before pyarrow loads or threads start: Arrow's pool and
    glibc's arenas. Called by the entry points (`ingest.cli`, `ingest.flows`), never on
    `import ingest`: a library must not change its importer's process."""
    prefer_returning_allocator()
    limit_malloc_arenas()


def prefer_returning_allocator() -> None:
    """Have Arrow allocate from jemalloc, unless the user chose a pool (or Windows: none there).

    pyarrow's default on Linux is mimalloc, which keeps freed pages in the heap of the thread
    that freed them. Our Parquet writes run on worker threads, so every group of feeds left its
    buffers behind and a run's resident memory crept up group after group. Measured on 100
    feeds x 100 entries in groups of 20 (the body of benchmarks/bench_load.py): peak RSS 538 MB
    with mimalloc, 448 MB with jemalloc. Arrow's C++ reads the choice when pyarrow loads, so
    this runs when a command starts (`tune_process`); when pyarrow is already loaded, only the
    pool that pyarrow's own Python calls use can still change (measured: about half the gain).
    """
    if sys.platform == "win32" or POOL_VARIABLE in os.environ:
        return
    os.environ[POOL_VARIABLE] = RETURNING_POOL
    if "pyarrow" in sys.modules:
        import pyarrow as pa

        with contextlib.suppress(NotImplementedError):  # a build without jemalloc
            pa.set_memory_pool(pa.jemalloc_memory_pool())


def limit_malloc_arenas() -> bool:
    """Let glibc's malloc keep at most MALLOC_ARENAS arenas; True when it did.

    Our worker threads allocate release texts and records (Python objects over 512 bytes come
    from malloc); glibc gives each thread an arena of its own (up to 8 per core) and returns a
    freed page only from the top of an arena, so memory freed by one group of feeds sat in
    arenas the next group's threads did not use. Measured on 100 feeds x 100 entries in groups
    of 20: peak RSS 450 MB with glibc's default, 411 MB with 2 arenas. Threads are GIL-bound
    in Python anyway, so fewer arenas cost no measurable time.
    """
    if not sys.platform.startswith("linux") or ARENAS_VARIABLE in os.environ:
        return False
    try:
        libc = ctypes.CDLL("libc.so.6")
        return bool(libc.mallopt(M_ARENA_MAX, MALLOC_ARENAS))
    except (OSError, AttributeError):  # not glibc (e.g. musl): nothing to tune
        return False


def give_back_unused() -> None:
    """Return the pool's freed pages to the system now rather than after the allocator's decay.

    Called after each write slice of a store batch, so the next starts from what is in use
    (jemalloc's purge covers every arena, whichever thread freed the memory).
    """
    import pyarrow as pa

    pa.default_memory_pool().release_unused()
