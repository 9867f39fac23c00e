"""Celery tasks of core: thin, by name."""

from celery import shared_task

from core import dispatch


@shared_task(name="core.redispatch_stranded_task", soft_time_limit=120, time_limit=150)
def redispatch_stranded_task() -> int:
    """Every few minutes: send again the tasks of long jobs still queued (`core.dispatch`)."""
    return dispatch.redispatch_stranded()
