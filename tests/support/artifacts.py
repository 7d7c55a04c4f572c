"""Where tests keep what a person may want to look at afterwards (screenshots).

$INGEST_TEST_ARTIFACTS when set (CI can collect it), else ingest-test-artifacts/ in the
system's temporary folder; files are overwritten by the next run.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def artifact_path(name: str) -> Path:
    """The path of an artifact file; its folder exists."""
    folder = Path(
        os.environ.get("INGEST_TEST_ARTIFACTS")
        or Path(tempfile.gettempdir()) / "ingest-test-artifacts"
    )
    folder.mkdir(parents=True, exist_ok=True)
    return folder / name
