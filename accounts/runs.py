"""The life cycle every long job's run row shares (imports, forecast runs, later training
runs): a worker claims a queued run with one conditional update, so a retried or duplicated
task finds it taken and does nothing; a run that ends on an unexpected error is marked failed
with its reason.

A run model has ``status`` with the values queued/running/succeeded/failed, ``started_at``,
``finished_at`` and ``message``.
"""

from __future__ import annotations

from django.db import models, transaction
from django.utils import timezone

from accounts.models import Merchant
from accounts.tenancy import tenant_context

QUEUED, RUNNING, SUCCEEDED, FAILED = "queued", "running", "succeeded", "failed"


def claim(model: type[models.Model], *, merchant: Merchant, pk: int):
    """Move the run from queued to running and return it; None when it is not queued."""
    with transaction.atomic(), tenant_context(merchant):
        claimed = (
            model.objects.for_merchant(merchant)
            .filter(pk=pk, status=QUEUED)
            .update(status=RUNNING, started_at=timezone.now())
        )
        return model.objects.for_merchant(merchant).get(pk=pk) if claimed else None


def fail(model: type[models.Model], *, merchant: Merchant, pk: int, message: str) -> None:
    """Mark a run failed with ``message``, unless it had succeeded."""
    with transaction.atomic(), tenant_context(merchant):
        model.objects.for_merchant(merchant).filter(pk=pk).exclude(status=SUCCEEDED).update(
            status=FAILED, message=message, finished_at=timezone.now()
        )
