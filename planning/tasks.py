"""Celery tasks of planning: thin, by id, scoped to their merchant."""

import logging

from celery import shared_task
from django.conf import settings
from django.db import transaction

from accounts.models import Merchant
from accounts.tenancy import tenant_context
from forecasting import services as forecasting_services
from forecasting.models import ForecastRun
from planning import selectors, services

logger = logging.getLogger(__name__)


@shared_task(
    name="planning.plan_after_forecast_task",
    soft_time_limit=30 * 60,
    time_limit=32 * 60,
    acks_late=True,
    reject_on_worker_lost=True,
)
def plan_after_forecast_task(*, merchant_id: int, run_id: int) -> int:
    """After a successful forecast run: the reorder suggestions and the stock-out and
    overstock alerts (in one transaction, so a repeated task replaces them whole), then the
    SHAP explanations of the forecasts behind the most valuable suggestions. Planning from a
    run that is no longer the latest does nothing."""
    merchant = Merchant.objects.get(pk=merchant_id)
    with transaction.atomic(), tenant_context(merchant):
        run = ForecastRun.objects.for_merchant(merchant).get(pk=run_id)
        latest = selectors.latest_forecast_run(merchant=merchant)
        if latest is None or latest.pk != run.pk:
            return 0
        result = services.reorder_suggestions_plan(merchant=merchant, run=run)
        services.alerts_refresh(merchant=merchant, run=run)
        sku_ids = selectors.skus_to_explain(
            merchant=merchant, run=run, limit=settings.PLANNING_EXPLAIN_LIMIT
        )
    forecasting_services.explain_forecasts(merchant=merchant, run=run, sku_ids=sku_ids)
    return result.suggestions
