"""Celery tasks of forecasting: thin, by id, scoped to their merchant."""

import logging

from celery import shared_task

from accounts.models import Merchant
from forecasting import services

logger = logging.getLogger(__name__)


@shared_task(
    name="forecasting.run_forecast_task",
    soft_time_limit=30 * 60,
    time_limit=32 * 60,
    acks_late=True,
    reject_on_worker_lost=True,
)
def run_forecast_task(*, merchant_id: int, run_id: int) -> None:
    merchant = Merchant.objects.get(pk=merchant_id)
    try:
        services.forecast_run_execute(merchant=merchant, run_id=run_id)
    except Exception:
        logger.exception("forecast run %s of merchant %s failed", run_id, merchant_id)
        services.forecast_run_fail(
            merchant=merchant, run_id=run_id, message="The run stopped on an unexpected error."
        )
        raise


@shared_task(name="forecasting.nightly_forecasts_task", soft_time_limit=300, time_limit=360)
def nightly_forecasts_task() -> int:
    """Queue one run per merchant (each runs on the forecast queue on its own)."""
    count = 0
    for merchant in Merchant.objects.order_by("pk"):
        services.forecast_run_create(merchant=merchant)
        count += 1
    return count
