"""The life cycle every long job's run row shares (imports, forecast runs, later training
runs): a worker claims a queued run with one conditional update, so a retried or duplicated
task finds it taken and does nothing; a run that ends on an unexpected error is marked failed
with its reason.

A run model has ``status`` with the values queued/running/succeeded/failed, ``started_at``,
``finished_at``, ``message`` and ``claimed_by`` (the task running it: a Celery task id, or
this process's job thread, `core.dispatch.thread_claimant`). A run a stopped process left
running is marked failed (`interrupt`, from `core.dispatch.interrupted_sweep`).
"""

from __future__ import annotations

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext

from core.database_tenant import HasPrimaryKey, tenant_context

QUEUED, RUNNING, SUCCEEDED, FAILED = "queued", "running", "succeeded", "failed"


def claimable(claimant: str = "") -> models.Q:
    """The runs a task may claim: queued ones, and (with its id) one it was running."""
    available = models.Q(status=QUEUED)
    if claimant:
        available |= models.Q(status=RUNNING, claimed_by=claimant)
    return available


def claim(model: type[models.Model], *, merchant: HasPrimaryKey, pk: int, claimant: str = ""):
    """Move the run from queued to running and return it; None when it is not queued.

    With a ``claimant`` (the Celery task id), a run already running under that same id is
    taken over: the broker delivers a task again only when the worker that had it is gone
    (acks late, rejected on worker loss), and a task's retry keeps its id (sent again after
    an error that rolled its work back, a lost database connection), so the run resumes
    instead of being stranded. A duplicate task (the dispatch sweep may send one) has another
    id and still finds the run taken."""
    with transaction.atomic(), tenant_context(merchant):
        changes = {"status": RUNNING, "started_at": timezone.now()}
        if claimant:
            changes["claimed_by"] = claimant
        claimed = (
            model.objects.for_merchant(merchant)
            .filter(claimable(claimant), pk=pk)
            .update(**changes)
        )
        return model.objects.for_merchant(merchant).get(pk=pk) if claimed else None


def fail(
    model: type[models.Model], *, merchant: HasPrimaryKey, pk: int, message: str, claimant: str = ""
) -> bool:
    """Mark a run failed with ``message``, unless it had succeeded. With a ``claimant``, a run
    that another task is running is left to that task: a duplicate's error is not the run's.
    True when this call ended the run (not when it had failed already), so that its end is
    announced once."""
    with transaction.atomic(), tenant_context(merchant):
        runs = model.objects.for_merchant(merchant).filter(pk=pk).exclude(status=SUCCEEDED)
        if claimant:
            runs = runs.exclude(models.Q(status=RUNNING) & ~models.Q(claimed_by=claimant))
        changes = {"status": FAILED, "message": message, "finished_at": timezone.now()}
        ended = runs.exclude(status=FAILED).update(**changes)
        if not ended:
            runs.update(**changes)  # a failed run takes the latest reason
        return ended > 0


def interrupt(
    model: type[models.Model],
    *,
    merchant: HasPrimaryKey | int,
    pk: int,
    claimant: str,
    message: str,
) -> bool:
    """Mark failed with ``message`` a run that ``claimant`` was running and that nothing runs
    any more (its process stopped). Only while it is still running under that claimant: a
    run that ended, or that was queued again and claimed anew meanwhile, is left as it is.
    True when this call ended it."""
    with transaction.atomic(), tenant_context(merchant):
        return (
            model.objects.for_merchant(merchant)
            .filter(pk=pk, status=RUNNING, claimed_by=claimant)
            .update(status=FAILED, message=message, finished_at=timezone.now())
            > 0
        )


def record(model: type[models.Model], *, merchant: HasPrimaryKey, pk: int, **fields) -> None:
    """Write progress fields of a run (phase timings, steps done) in their own short
    transaction, so the portal sees them while the run goes on."""
    with transaction.atomic(), tenant_context(merchant):
        model.objects.for_merchant(merchant).filter(pk=pk).update(**fields)


def progress(run: models.Model, *, done: int, total: int, label: str) -> dict:
    """What a page's progress bar shows of a run (its JSON status): ``done`` of ``total``
    steps, as a percentage that reaches 100 only once the run has succeeded, and ``label``
    saying what the steps are. The run's stored (English) message is translated where it is a
    known text (a cancel by staff)."""
    percent = min(99, int(100 * done / total)) if total else 0
    if run.status == SUCCEEDED:
        percent = 100
    return {
        "status": run.status,
        "status_label": run.get_status_display(),
        "done": done,
        "total": total,
        "percent": percent,
        "label": label,
        "finished": run.status in (SUCCEEDED, FAILED),
        "message": gettext(run.message) if run.message else "",
    }
