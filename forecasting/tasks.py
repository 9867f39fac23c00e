"""Celery tasks of forecasting: thin, by id, scoped to their merchant. A task passes its own
id as the claimant, so a redelivery after its worker died resumes the run."""

import logging
from collections.abc import Callable
from typing import TypeVar

from celery import shared_task
from django.db import transaction

from accounts.errors import DomainError
from accounts.models import Merchant
from accounts.tenancy import tenant_context
from core.tasks import job_task
from forecasting import chunks, embeddings, engine, fine_tuning, night, services
from forecasting.accuracy import forecast_accuracy_record
from forecasting.models import SeriesForecast

logger = logging.getLogger(__name__)
# How long a chunk over its store's limit waits before it is queued again.
CHUNK_RETRY_SECONDS = 5

T = TypeVar("T")


def _execute_claimed(
    task,
    what: str,
    execute: Callable[..., T],
    fail: Callable[..., object],
    message: str,
    *,
    merchant_id: int,
    **ids: int,
) -> T:
    """``execute`` the job named by ``ids`` for the merchant, claimed by the task's own id. An
    unexpected error is logged, marks the job failed with ``message`` (for the merchant's
    page) and is raised again (for Celery's record)."""
    merchant = Merchant.objects.get(pk=merchant_id)
    try:
        return execute(merchant=merchant, claimant=task.request.id or "", **ids)
    except Exception:
        logger.exception("%s of merchant %s failed", what, merchant_id)
        fail(merchant=merchant, message=message, **ids)
        raise


@job_task("forecasting.run_forecast_task", bind=True, soft_time_limit=30 * 60, time_limit=32 * 60)
def run_forecast_task(self, *, merchant_id: int, run_id: int) -> None:
    run = _execute_claimed(
        self,
        f"forecast run {run_id}",
        engine.forecast_run_execute,
        services.forecast_run_fail,
        "The run stopped on an unexpected error.",
        merchant_id=merchant_id,
        run_id=run_id,
    )
    if run is not None and run.status == run.Status.SUCCEEDED:
        night.follow_up(merchant_id=merchant_id, run_id=run_id)


@job_task(
    "forecasting.forecast_chunk_task",
    bind=True,
    soft_time_limit=30 * 60,
    time_limit=32 * 60,
    max_retries=None,
)
def forecast_chunk_task(self, *, merchant_id: int, chunk_id: int) -> None:
    """One chunk of a large store's night (`forecasting.chunks`). When the store already runs
    its most chunks, the task goes back to the end of the queue: other stores' work, queued
    meanwhile, comes first."""
    chunk = _execute_claimed(
        self,
        f"forecast chunk {chunk_id}",
        chunks.chunk_execute,
        chunks.chunk_fail,
        "The chunk stopped on an unexpected error.",
        merchant_id=merchant_id,
        chunk_id=chunk_id,
    )
    if chunk == chunks.BUSY:
        if self.request.is_eager:  # in-process, chunks run one by one: nothing to wait for
            logger.warning("chunk %s of merchant %s found its store busy", chunk_id, merchant_id)
            return
        raise self.retry(countdown=CHUNK_RETRY_SECONDS)


@shared_task(name="forecasting.accuracy_task", soft_time_limit=10 * 60, time_limit=12 * 60)
def accuracy_task(*, merchant_id: int, run_id: int) -> dict | None:
    """After a night: how the forecasts of four weeks ago did (`forecasting.accuracy`)."""
    merchant = Merchant.objects.get(pk=merchant_id)
    return forecast_accuracy_record(merchant=merchant, run_id=run_id)


@shared_task(name="forecasting.nightly_forecasts_task", soft_time_limit=300, time_limit=360)
def nightly_forecasts_task() -> int:
    """Every quarter of an hour: queue the nightly run of each merchant whose local nightly
    time has passed today (once per merchant and local date)."""
    return sum(
        services.forecast_run_create(merchant=merchant, local_date=local_date) is not None
        for merchant, local_date in services.merchants_due()
    )


@job_task("forecasting.fine_tune_task", bind=True, soft_time_limit=55 * 60, time_limit=60 * 60)
def fine_tune_task(self, *, merchant_id: int, run_id: int) -> None:
    merchant = Merchant.objects.get(pk=merchant_id)
    try:
        fine_tuning.training_run_execute(
            merchant=merchant, run_id=run_id, claimant=self.request.id or ""
        )
    except DomainError as error:  # the merchant's data cannot be trained on: say why
        services.training_run_fail(merchant=merchant, run_id=run_id, message=str(error))
    except Exception:
        logger.exception("training run %s of merchant %s failed", run_id, merchant_id)
        services.training_run_fail(
            merchant=merchant, run_id=run_id, message="Training stopped on an unexpected error."
        )
        raise


@shared_task(name="forecasting.weekly_fine_tune_task", soft_time_limit=300, time_limit=360)
def weekly_fine_tune_task() -> int:
    """Queue a fine-tune for each merchant with sales history (on the gpu queue)."""
    return sum(
        bool(services.training_run_create(merchant=merchant, only_with_history=True))
        for merchant in Merchant.objects.order_by("pk")
    )


@shared_task(name="forecasting.embed_catalogues_task", soft_time_limit=25 * 60, time_limit=30 * 60)
def embed_catalogues_task() -> int:
    """Embed new and renamed SKUs' names of every merchant, ahead of the nightly runs."""
    embedded = 0
    for merchant in Merchant.objects.order_by("pk"):
        with transaction.atomic(), tenant_context(merchant):
            embedded += embeddings.embed_catalogue(merchant)
    return embedded


@job_task("forecasting.explain_forecast_task", soft_time_limit=5 * 60, time_limit=6 * 60)
def explain_forecast_task(*, merchant_id: int, forecast_id: int) -> bool:
    """The SHAP explanation of one stored forecast, asked for by a portal page (kept with the
    forecast; a repeated task finds it there and does nothing)."""
    merchant = Merchant.objects.get(pk=merchant_id)
    with transaction.atomic(), tenant_context(merchant):
        forecast = (
            SeriesForecast.objects.for_merchant(merchant)
            .select_related("run")
            .filter(pk=forecast_id)
            .first()
        )
    if forecast is None or forecast.explanation:
        return False
    try:
        engine.series_forecast_explain(merchant=merchant, forecast=forecast)
    except DomainError:
        return False
    return True
