"""Celery tasks of planning: thin, by id, scoped to their merchant."""

import logging

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_noop

from accounts.errors import DomainError
from accounts.models import Merchant
from accounts.tenancy import tenant_context
from core import runs
from core.tasks import job_task
from forecasting import workers
from forecasting.models import ForecastRun
from planning import (
    alerts,
    digest,
    notifications,
    promotion_checks,
    promotions,
    selectors,
    services,
)
from planning.models import PolicyReplay, SuggestionBulkAction
from planning.replays import execute
from planning.suggestions import bulk

logger = logging.getLogger(__name__)


@shared_task(
    name="planning.plan_after_forecast_task",
    soft_time_limit=30 * 60,
    time_limit=32 * 60,
    acks_late=True,
    reject_on_worker_lost=True,
)
def plan_after_forecast_task(*, merchant_id: int, run_id: int) -> int:
    """After a successful forecast run: the reorder suggestions, the alerts and the promotion
    plans for overstock (in one transaction, so a repeated task replaces them whole), then the
    SHAP explanations of the forecasts behind the most valuable suggestions. Planning from a
    run that is no longer the latest does nothing."""
    merchant = Merchant.objects.get(pk=merchant_id)
    with transaction.atomic(), tenant_context(merchant):
        run = ForecastRun.objects.for_merchant(merchant).get(pk=run_id)
        latest = selectors.latest_forecast_run(merchant=merchant)
        if latest is None or latest.pk != run.pk:
            return 0
        result = services.reorder_suggestions_plan(merchant=merchant, run=run)
        alerts.alerts_refresh(merchant=merchant, run=run)
        promotions.promotion_plans_propose(merchant=merchant, run=run)
        sku_ids = selectors.skus_to_explain(
            merchant=merchant, run=run, limit=settings.PLANNING_EXPLAIN_LIMIT
        )
    promotion_checks.promotion_plans_check(merchant=merchant, run=run)
    workers.explain_forecasts(merchant=merchant, run=run, sku_ids=sku_ids)
    return result.suggestions


@shared_task(
    bind=True,
    name="planning.deliver_webhook_task",
    soft_time_limit=60,
    time_limit=90,
    acks_late=True,
    reject_on_worker_lost=True,
)
def deliver_webhook_task(self, *, merchant_id: int, delivery_id: int) -> None:
    """One try of a webhook delivery; a failed try queues the next after its backoff (the
    hourly sweep resends any the broker lost)."""
    merchant = Merchant.objects.get(pk=merchant_id)
    wait = notifications.webhook_deliver(merchant=merchant, delivery_id=delivery_id)
    # run in-process (no broker), a retry would wait inline: the sweep picks it up instead
    if wait is not None and not self.request.is_eager:
        deliver_webhook_task.apply_async(
            kwargs={"merchant_id": merchant_id, "delivery_id": delivery_id}, countdown=wait
        )


@shared_task(name="planning.merchant_checks_task", soft_time_limit=10 * 60, time_limit=11 * 60)
def merchant_checks_task() -> dict:
    """Every quarter of an hour, for every merchant: the stale-data and failed-job alerts, the
    morning digest once its local hour has come, and webhook retries that are due."""
    done = {"alerts_opened": 0, "digests": 0, "retries": 0}
    # a sweep over all merchants; each one's work runs scoped to it
    for merchant in Merchant.objects.order_by("pk"):
        try:
            with transaction.atomic(), tenant_context(merchant):
                counts = alerts.merchant_alerts_refresh(merchant=merchant)
            done["alerts_opened"] += counts.opened
            done["digests"] += digest.digest_send(merchant=merchant)
        except Exception:  # one merchant's trouble must not stop the others' checks
            logger.exception("checks of merchant %s failed", merchant.pk)
    for merchant_id, delivery_id in notifications.due_deliveries():
        deliver_webhook_task.delay(merchant_id=merchant_id, delivery_id=delivery_id)
        done["retries"] += 1
    return done


def _run_claimed(task, model, what: str, execute, message: str, *, merchant_id: int, **ids):
    """``execute`` the merchant's job named by ``ids`` (its row of ``model``), claimed by the
    task's own id. A DomainError (the store's data cannot do it) fails the job with its
    words; an unexpected error is logged and fails it with ``message``."""
    merchant = Merchant.objects.get(pk=merchant_id)
    [pk] = ids.values()
    try:
        execute(merchant=merchant, claimant=task.request.id or "", **ids)
    except DomainError as error:
        runs.fail(model, merchant=merchant, pk=pk, message=str(error))
    except Exception:
        logger.exception("%s %s of merchant %s failed", what, pk, merchant_id)
        runs.fail(model, merchant=merchant, pk=pk, message=message)


@job_task("planning.policy_replay_task", bind=True, soft_time_limit=40 * 60, time_limit=42 * 60)
def policy_replay_task(self, *, merchant_id: int, replay_id: int) -> None:
    _run_claimed(
        self,
        PolicyReplay,
        "policy replay",
        execute.policy_replay_execute,
        execute.REPLAY_STOPPED,
        merchant_id=merchant_id,
        replay_id=replay_id,
    )


@job_task("planning.suggestion_bulk_task", bind=True, soft_time_limit=10 * 60, time_limit=11 * 60)
def suggestion_bulk_task(self, *, merchant_id: int, job_id: int) -> None:
    """A decision on every line a filter of the orders page matched
    (`planning.suggestions.bulk`)."""
    _run_claimed(
        self,
        SuggestionBulkAction,
        "bulk action",
        bulk.suggestion_bulk_execute,
        gettext_noop("The action stopped on an unexpected error."),
        merchant_id=merchant_id,
        job_id=job_id,
    )
