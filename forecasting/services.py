"""Forecasting's writes that a web process makes: queue a forecast run or a fine-tune, fail
one, activate or roll back a model version. None of them forecasts: the work runs in a worker
(`forecasting.engine` for forecasts and explanations, `forecasting.fine_tuning` for training),
queued by task name, so a portal or API process never loads the model code."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts import dispatch, runs
from accounts.errors import DomainError
from accounts.models import Merchant
from accounts.tenancy import tenant_context
from forecasting import selectors
from forecasting.models import ForecastRun, ModelVersion, TrainingRun
from forecasting.selection import SELECTION_PERIODS, SELECTION_WINDOWS
from inventory.models import SalesDay

WEEK = 7
FINE_TUNE_MODES = ("full", "lora")  # every weight, or low-rank adapters
SELECTION_DAYS = SELECTION_WINDOWS * SELECTION_PERIODS  # the days the versions are judged on
MIN_DAYS = SELECTION_DAYS + 4 * WEEK  # and at least four weeks to train the judged twin on


def forecast_run_create(
    *, merchant: Merchant, horizon: int = 56, local_date: dt.date | None = None
) -> ForecastRun | None:
    """Queue a run; the task is dispatched when the transaction commits. With a
    ``local_date`` (the nightly schedule) at most one run per merchant and date is queued:
    None when it exists already."""

    with transaction.atomic(), tenant_context(merchant):
        if local_date is not None:
            run, created = ForecastRun.objects.for_merchant(merchant).get_or_create(
                merchant=merchant, local_date=local_date, defaults={"horizon": horizon}
            )
            if not created:
                return None
        else:
            run = ForecastRun.objects.create(merchant=merchant, horizon=horizon)
        dispatch.send_on_commit(
            "forecasting.run_forecast_task", merchant_id=merchant.pk, run_id=run.pk
        )
    return run


def forecast_runs_stranded(*, queued_before: dt.datetime) -> list[tuple]:
    """The task of each forecast run queued before ``queued_before`` and still waiting: the
    broker was away or lost it (`accounts.dispatch`)."""

    return dispatch.stranded(
        ForecastRun, "forecasting.run_forecast_task", "run_id", queued_before=queued_before
    )


def forecast_run_fail(*, merchant: Merchant, run_id: int, message: str) -> None:
    runs.fail(ForecastRun, merchant=merchant, pk=run_id, message=message)


def merchants_due(now: dt.datetime | None = None) -> list[tuple[Merchant, dt.date]]:
    """Merchants whose local time has passed their nightly forecast time today, with that
    local date (a run per merchant and date is created at most once)."""
    now = now or timezone.now()
    due = []
    for merchant in Merchant.objects.order_by("pk"):
        local = now.astimezone(zoneinfo.ZoneInfo(merchant.timezone))
        if local.time() >= merchant.nightly_forecast_time:
            due.append((merchant, local.date()))
    return due


# -- fine-tuning runs and model versions ------------------------------------------------------
def training_run_create(
    *,
    merchant: Merchant,
    mode: str | None = None,
    steps: int | None = None,
    only_with_history: bool = False,
) -> TrainingRun | None:
    """Queue a fine-tune on the gpu queue (dispatched on commit). None when one is already
    queued or running for the merchant, or (``only_with_history``) it has too little data."""
    mode = mode or settings.FINE_TUNE_MODE
    if mode not in FINE_TUNE_MODES:
        raise DomainError(f"Unknown fine-tuning mode {mode!r}: use full or lora.")
    with transaction.atomic(), tenant_context(merchant):
        busy = TrainingRun.objects.for_merchant(merchant).filter(
            status__in=[TrainingRun.Status.QUEUED, TrainingRun.Status.RUNNING]
        )
        if busy.exists():
            return None
        if only_with_history:
            days = (
                SalesDay.objects.for_merchant(merchant).order_by().values("date").distinct().count()
            )
            if days < MIN_DAYS:
                return None
        run = TrainingRun.objects.create(
            merchant=merchant, mode=mode, steps=steps or settings.FINE_TUNE_STEPS
        )
        dispatch.send_on_commit(
            "forecasting.fine_tune_task", merchant_id=merchant.pk, run_id=run.pk
        )
    return run


def training_runs_stranded(*, queued_before: dt.datetime) -> list[tuple]:
    """The task of each training run queued before ``queued_before`` and still waiting: the
    broker was away or lost it (`accounts.dispatch`)."""

    return dispatch.stranded(
        TrainingRun, "forecasting.fine_tune_task", "run_id", queued_before=queued_before
    )


def model_version_make_active(merchant: Merchant, version: ModelVersion) -> None:
    ModelVersion.objects.for_merchant(merchant).filter(status=ModelVersion.Status.ACTIVE).exclude(
        pk=version.pk
    ).update(status=ModelVersion.Status.RETIRED)
    version.status = ModelVersion.Status.ACTIVE
    version.activated_at = timezone.now()
    version.save(update_fields=["status", "activated_at"])


def model_version_activate(*, merchant: Merchant, version_id: int) -> ModelVersion:
    """Make a version (an earlier one: a rollback) the merchant's active model."""
    with transaction.atomic(), tenant_context(merchant):
        version = ModelVersion.objects.for_merchant(merchant).filter(pk=version_id).first()
        if version is None:
            raise ModelVersion.DoesNotExist("No such model version.")
        model_version_make_active(merchant, version)
    return version


def model_version_rollback(*, merchant: Merchant) -> ModelVersion | None:
    """Back to the version the active one was trained from (None: back to the base model)."""
    with transaction.atomic(), tenant_context(merchant):
        active = selectors.active_version(merchant)
        if active is None:
            raise DomainError("The base model is in use already; there is nothing to roll back.")
        if active.parent_id is None:
            active.status = ModelVersion.Status.RETIRED
            active.save(update_fields=["status"])
            return None
        return model_version_activate(merchant=merchant, version_id=active.parent_id)


def training_run_fail(*, merchant: Merchant, run_id: int, message: str) -> None:
    runs.fail(TrainingRun, merchant=merchant, pk=run_id, message=message)
