"""Celery tasks with their types (celery ships none): ``@task()`` and ``@bound_task()``
are ``shared_task`` for the worker, and for mypy a callable with the function's own
parameters and a ``delay`` taking the same ones."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec, Protocol, TypeVar, cast

from celery import shared_task

P = ParamSpec("P")
R = TypeVar("R")
R_co = TypeVar("R_co", covariant=True)


class Task(Protocol[P, R_co]):
    """What Gestor calls on a task: the function itself, or ``delay`` to queue it."""

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R_co: ...

    def delay(self, *args: P.args, **kwargs: P.kwargs) -> object: ...


class TaskRequest(Protocol):
    is_eager: bool


class BoundTask(Protocol):
    """The running task, first argument of a ``bound_task`` function."""

    @property
    def request(self) -> TaskRequest: ...

    def retry(self, *, countdown: float) -> Exception: ...


def task(**options: Any) -> Callable[[Callable[P, R]], Task[P, R]]:
    return cast(Callable[[Callable[P, R]], Task[P, R]], shared_task(**options))


def bound_task(**options: Any) -> Callable[[Callable[Concatenate[BoundTask, P], R]], Task[P, R]]:
    return cast(
        Callable[[Callable[Concatenate[BoundTask, P], R]], Task[P, R]],
        shared_task(bind=True, **options),
    )
