"""What every flow shares: Prefect's task runner as the pipeline's step runner, the report.

The runs themselves (stages, write order, failure policy) live in `ingest.pipeline`; a flow loads
its settings and hands the run a `PrefectSteps` factory and `report_artifact`, so each step is a
Prefect task run (retries, UI, logs) and each summary a Markdown artifact.
"""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Callable, Iterator, Mapping
from types import TracebackType
from typing import Any, TypeVar, cast

from prefect import Task, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.client.schemas.objects import State, TaskRun
from prefect.futures import PrefectFuture
from prefect.logging import get_run_logger
from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner
from prefect.tasks import exponential_backoff
from prefect.utilities.annotations import quote

from ingest.config import Settings
from ingest.pipeline import execution, steps
from ingest.summary import RunSummary

R = TypeVar("R")
# the user's own choice of flow-run heartbeats wins over one_off_runs()
HEARTBEAT_VARIABLES = ("PREFECT_FLOWS_HEARTBEAT_FREQUENCY", "PREFECT_RUNNER_HEARTBEAT_FREQUENCY")
# task-run names with the run's parameters in them, where one flow run has several of a step
TASK_RUN_NAMES: dict[Callable[..., Any], str] = {steps.fill_full_text: "full-text-{feed.id}"}


@contextlib.contextmanager
def one_off_runs() -> Iterator[None]:
    """Flow runs started here, in this process, send no heartbeats unless the user asks for them.

    Heartbeats let a Prefect server notice a deployment run whose worker died (`ingest serve`
    keeps them). A run started by hand in this process has no worker to lose, yet Prefect 3.9
    joins the heartbeat thread at the end of every flow run, and that thread sleeps in whole
    seconds: each run waited up to 1 s doing nothing (measured: an empty flow 1.13-1.17 s with
    heartbeats, 0.17-0.35 s without).
    """
    if any(name in os.environ for name in HEARTBEAT_VARIABLES):
        yield
        return
    with temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        yield


def default_runner() -> TaskRunner[PrefectFuture[Any]]:
    """The flows' own runner, bounded by the default max_concurrency.

    Steps go to `PrefectSteps(settings)` instead, sized from the loaded settings; this one only
    bounds anything submitted the ordinary way.
    """
    runner = ThreadPoolTaskRunner[Any](max_workers=Settings().max_concurrency)
    return cast(TaskRunner[PrefectFuture[Any]], runner)


@functools.cache
def step_task(step: Callable[..., R]) -> Task[..., R]:
    """The Prefect task of a pipeline step: no cache (inputs are large, side effects must
    happen), named as the step, its logger the task run's."""

    @functools.wraps(step)  # Prefect reads the step's signature for its parameters
    def logged(*args: Any, **kwargs: Any) -> R:
        with steps.logging_to(get_run_logger()):
            return step(*args, **kwargs)

    make_task = task(
        name=steps.STEP_NAMES.get(step, step.__name__),
        task_run_name=TASK_RUN_NAMES.get(step),
        cache_policy=NO_CACHE,
    )
    return make_task(logged)


def retrying(task: Task[..., R], settings: Settings) -> Task[..., R]:
    """The task with the pipeline's retry policy: retries and exponential backoff with jitter
    from Settings, none after a timeout (`execution.should_retry`)."""
    return task.with_options(
        retries=settings.retries,
        retry_delay_seconds=exponential_backoff(backoff_factor=settings.backoff_base_seconds),
        retry_jitter_factor=execution.RETRY_JITTER_FACTOR,
        retry_condition_fn=_may_retry,
    )


def _may_retry(task: Task[..., Any], task_run: TaskRun, state: State[Any]) -> bool:
    error = state.data
    return not isinstance(error, BaseException) or execution.should_retry(error)


class PrefectSteps:
    """A `StepRunner` on Prefect's thread-pool task runner: each step a task run, bounded by
    max_concurrency (Prefect's default pool is unbounded)."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._runner = ThreadPoolTaskRunner[Any](max_workers=max(1, settings.max_concurrency))

    def __enter__(self) -> PrefectSteps:
        self._runner.__enter__()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._runner.__exit__(kind, error, trace)

    def submit(self, step: Callable[..., R], params: Mapping[str, Any]) -> PrefectFuture[R]:
        # quote(): Prefect would otherwise walk every document looking for futures to resolve
        quoted = {name: quote(value) for name, value in params.items()}
        return self._runner.submit(retrying(step_task(step), self._settings), quoted)


def report_artifact(summary: RunSummary) -> None:
    """The run's summary as a Markdown artifact in the Prefect UI."""
    create_markdown_artifact(
        key=f"{summary.flow}-summary",
        markdown=summary.to_markdown(),
        description=summary.one_line(),
    )
