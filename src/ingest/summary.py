"""What one pipeline run did: a frozen RunSummary, its `loads` row and its markdown report."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# the counters a RunSummary carries, in report order, with their labels
COUNTERS: tuple[tuple[str, str], ...] = (
    ("feeds_ok", "feeds fetched"),
    ("feeds_not_modified", "feeds not modified"),
    ("feeds_skipped", "feeds not due yet"),
    ("feeds_failed", "feeds failing"),
    ("entries_parsed", "entries parsed"),
    ("documents_new", "documents new"),
    ("documents_revised", "documents revised"),
    ("events_written", "events written"),
    ("rejects_written", "rejects written"),
)
MAX_FAILURES_SHOWN = 20
# failures a run keeps by name (a backfill of millions of bad lines must not hold them all);
# the rest are counted, and every one of them is a reject row anyway
MAX_FAILURES_KEPT = 1000


@dataclass(frozen=True, slots=True)
class RunSummary:
    """Counters, stage durations and feed failures of one flow run (one `loads` row)."""

    flow: str
    load_id: str
    started_at: datetime
    ended_at: datetime
    feeds_ok: int = 0
    feeds_not_modified: int = 0
    feeds_skipped: int = 0
    feeds_failed: int = 0
    entries_parsed: int = 0
    documents_new: int = 0
    documents_revised: int = 0
    events_written: int = 0
    rejects_written: int = 0
    extractor_version: str = ""
    durations: tuple[tuple[str, float], ...] = ()  # (stage, seconds) in run order
    failures: tuple[tuple[str, str], ...] = ()  # (feed or item id, reason)
    more_failures: int = 0  # failures past MAX_FAILURES_KEPT, counted only
    details: tuple[tuple[str, str], ...] = ()  # flow-specific facts, e.g. compaction counts
    error: str | None = None  # set when the run itself failed (a bug or a store error)

    @property
    def status(self) -> str:
        """ok; partial when some feeds or items failed but the run completed; failed."""
        if self.error is not None:
            return "failed"
        if self.feeds_failed or self.failures or self.more_failures:
            return "partial"
        return "ok"

    @property
    def seconds(self) -> float:
        return (self.ended_at - self.started_at).total_seconds()

    @property
    def message(self) -> str:
        """One line for the `loads` table: the error, else the first failures."""
        if self.error is not None:
            return self.error
        if not self.failures:
            return "; ".join(f"{name}: {value}" for name, value in self.details)
        shown = "; ".join(f"{item}: {reason}" for item, reason in self.failures[:3])
        more = len(self.failures) + self.more_failures - 3
        return shown + (f"; and {more} more" if more > 0 else "")

    def to_load_row(self) -> dict[str, Any]:
        """The row `ingest.store.write_load` appends to the `loads` table."""
        return {
            "load_id": self.load_id,
            "flow": self.flow,
            "started_at": self.started_at,
            "ended_at": self.ended_at,
            "status": self.status,
            "feeds_ok": self.feeds_ok,
            "feeds_not_modified": self.feeds_not_modified,
            "feeds_failed": self.feeds_failed,
            "entries_parsed": self.entries_parsed,
            "documents_new": self.documents_new,
            "documents_revised": self.documents_revised,
            "events_written": self.events_written,
            "rejects_written": self.rejects_written,
            "extractor_version": self.extractor_version,
            "message": self.message,
        }

    def to_markdown(self) -> str:
        """The report published as a Prefect artifact and printed by the CLI."""
        lines = [
            f"## {self.flow}: {self.status}",
            "",
            f"load `{self.load_id}`, {self.started_at:%Y-%m-%d %H:%M:%S} UTC, {self.seconds:.1f} s",
            "",
            "| counter | value |",
            "| --- | ---: |",
        ]
        lines += [f"| {label} | {getattr(self, name)} |" for name, label in COUNTERS]
        if self.durations:
            lines += ["", "| stage | seconds |", "| --- | ---: |"]
            lines += [f"| {stage} | {seconds:.2f} |" for stage, seconds in self.durations]
        if self.details:
            lines += ["", "| detail | value |", "| --- | --- |"]
            lines += [f"| {_cell(name)} | {_cell(value)} |" for name, value in self.details]
        if self.failures:
            lines += ["", "| failed | reason |", "| --- | --- |"]
            lines += [
                f"| {_cell(item)} | {_cell(reason)} |"
                for item, reason in self.failures[:MAX_FAILURES_SHOWN]
            ]
            more = len(self.failures) + self.more_failures - MAX_FAILURES_SHOWN
            if more > 0:
                lines.append(f"\n... and {more} more")
        if self.error is not None:
            lines += ["", f"**error:** {_cell(self.error)}"]
        return "\n".join(lines) + "\n"

    def one_line(self) -> str:
        """A terse line for terminals and logs."""
        counts = ", ".join(
            f"{getattr(self, name)} {label}" for name, label in COUNTERS if getattr(self, name)
        )
        return f"{self.flow} {self.status} in {self.seconds:.1f} s: {counts or 'nothing to do'}"


def _cell(text: str) -> str:
    """Markdown table cells cannot hold pipes or newlines."""
    return " ".join(text.replace("|", "\\|").split())


@dataclass(slots=True)
class Tally:
    """The mutable accumulator a flow fills while it runs; frozen into a RunSummary at the end."""

    flow: str
    load_id: str
    started_at: datetime
    counts: dict[str, int] = field(default_factory=dict)
    durations: dict[str, float] = field(default_factory=dict)
    failures: list[tuple[str, str]] = field(default_factory=list)
    details: list[tuple[str, str]] = field(default_factory=list)
    extractor_version: str = ""
    more_failures: int = 0

    def fail(self, item: str, reason: str) -> None:
        """Note a failure (the run ends partial); past MAX_FAILURES_KEPT it is only counted."""
        if len(self.failures) < MAX_FAILURES_KEPT:
            self.failures.append((item, reason))
        else:
            self.more_failures += 1

    def add(self, **counts: int) -> None:
        for name, value in counts.items():
            self.counts[name] = self.counts.get(name, 0) + value

    @contextmanager
    def timing(self, stage: str) -> Iterator[None]:
        """Add the wall time of the block to the stage's duration."""
        start = time.perf_counter()
        try:
            yield
        finally:
            self.add_duration(stage, time.perf_counter() - start)

    def add_duration(self, stage: str, seconds: float) -> None:
        self.durations[stage] = self.durations.get(stage, 0.0) + seconds

    def freeze(self, ended_at: datetime, error: str | None = None) -> RunSummary:
        known = {f.name for f in dataclasses.fields(RunSummary)}
        unknown = set(self.counts) - known
        if unknown:
            raise ValueError(f"unknown counters: {sorted(unknown)}")
        return RunSummary(
            flow=self.flow,
            load_id=self.load_id,
            started_at=self.started_at,
            ended_at=ended_at,
            extractor_version=self.extractor_version,
            durations=tuple(self.durations.items()),
            failures=tuple(self.failures),
            more_failures=self.more_failures,
            details=tuple(self.details),
            error=error,
            **self.counts,
        )
