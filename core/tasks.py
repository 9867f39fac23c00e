"""Celery tasks of core: thin, by name; and the decorator of the apps' long-job tasks."""

from collections.abc import Callable
from typing import Any

from celery import shared_task

from core import dispatch


def job_task(
    name: str, *, soft_time_limit: int, time_limit: int, **options: Any
) -> Callable[[Callable[..., Any]], Any]:
    """`shared_task` for a task that Celery acknowledges only when it ends and delivers again
    when its worker is lost. Only for a task that claims its run row or first checks whether
    its work is done, so that a second delivery resumes the job or does nothing."""
    return shared_task(
        name=name,
        soft_time_limit=soft_time_limit,
        time_limit=time_limit,
        acks_late=True,
        reject_on_worker_lost=True,
        **options,
    )


@shared_task(name="core.redispatch_stranded_task", soft_time_limit=120, time_limit=150)
def redispatch_stranded_task() -> int:
    """Every few minutes: send again the tasks of long jobs still queued (`core.dispatch`)."""
    return dispatch.redispatch_stranded()
