"""Child processes that end with their parent: no orphan outlives a killed command.

A command killed with SIGKILL runs no cleanup, and its children (a process pool's forkserver
and workers, a temporary Prefect server) would live on, holding memory and ports: measured, all
five of them outlived a killed `ingest backfill` (tests/reliability/test_killed_backfill.py).
On Linux a child can ask for a signal when its parent dies (prctl PR_SET_PDEATHSIG: the parent
*thread*, so children are started from the thread that runs the command); elsewhere nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
from typing import Any

PR_SET_PDEATHSIG = 1
ORPHAN_PARENT_PID = 1  # an orphan's parent is init (or a subreaper)


def _libc() -> Any:
    if not sys.platform.startswith("linux"):
        return None
    return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)


# loaded here, not in the child: between fork and exec a child should do as little as it can
_LIBC = _libc()


def die_with_parent(how: signal.Signals = signal.SIGKILL) -> None:
    """In a child: receive `how` when its parent dies; exit at once if it is already gone."""
    if _LIBC is None:
        return
    _LIBC.prctl(PR_SET_PDEATHSIG, int(how), 0, 0, 0)
    if os.getppid() == ORPHAN_PARENT_PID:  # the parent died before the request took effect
        os._exit(1)
