"""How a run executes its steps: the seam between the pipeline and an orchestrator.

The pipeline (ingest.pipeline.feeds, .archive, .maintenance) hands each step to a `StepRunner`
and waits on what it gets back. `LocalRunner` runs steps on a bounded thread pool with the
retry policy below; flows/ gives Prefect's task runner the same shape, so the write order and
the failure policy live here once and both paths run them.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from types import TracebackType
from typing import Any, Protocol, TypeVar

from ingest.config import Settings

R = TypeVar("R")
R_co = TypeVar("R_co", covariant=True)
log = logging.getLogger(__name__)
# spread retries of steps that failed together (e.g. one storage hiccup) over +-50% of the delay
RETRY_JITTER_FACTOR = 0.5


class Outcome(Protocol[R_co]):
    """What submitting a step gives back: its result, or its exception re-raised."""

    def result(self) -> R_co: ...


class StepRunner(Protocol):
    """Runs steps side by side, bounded, retrying by the policy in `should_retry`."""

    def __enter__(self) -> StepRunner: ...

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None: ...

    def submit(self, step: Callable[..., R], params: Mapping[str, Any]) -> Outcome[R]: ...


RunnerFactory = Callable[[Settings], StepRunner]


def should_retry(error: BaseException) -> bool:
    """A step that timed out is not retried: its deadline (`steps.call_with_deadline`) already
    covers every HTTP retry, and the abandoned attempt may still be running."""
    return not isinstance(error, TimeoutError)


def retry_delays(settings: Settings) -> list[float]:
    """Exponential backoff, one delay per retry: base, 2 x base, 4 x base, ..."""
    return [settings.backoff_base_seconds * 2**attempt for attempt in range(settings.retries)]


def jittered(delay: float, rng: random.Random | None = None) -> float:
    return delay * (1 + (rng or random).uniform(-RETRY_JITTER_FACTOR, RETRY_JITTER_FACTOR))


class LocalRunner:
    """Steps on a thread pool of max_concurrency workers, in this process, with retries."""

    def __init__(self, settings: Settings) -> None:
        self._delays = retry_delays(settings)
        self._pool = ThreadPoolExecutor(
            max_workers=max(1, settings.max_concurrency), thread_name_prefix="step"
        )

    def __enter__(self) -> LocalRunner:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._pool.shutdown(wait=True)

    def submit(self, step: Callable[..., R], params: Mapping[str, Any]) -> Future[R]:
        return self._pool.submit(self._with_retries, step, dict(params))

    def _with_retries(self, step: Callable[..., R], params: dict[str, Any]) -> R:
        for delay in [*self._delays, None]:
            try:
                return step(**params)
            except Exception as error:
                if delay is None or not should_retry(error):
                    raise
                log.warning("step %s failed (%s); retrying", step.__name__, error)
                time.sleep(jittered(delay))
        raise AssertionError("unreachable: the last attempt returns or raises")


def local_runner(settings: Settings) -> StepRunner:
    return LocalRunner(settings)
