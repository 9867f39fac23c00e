"""The model's check of proposed promotion plans, in a worker: what the store's forecasting
model expects each plan to do to demand (`forecasting.workers`), set beside the
uplift estimated from past promotions that the plan was made with (`planning.promotions`)."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from accounts.models import Merchant
from accounts.tenancy import tenant_context
from forecasting import workers
from forecasting.models import ForecastRun
from planning.decimals import to_decimal
from planning.models import PromotionPlan


def promotion_plans_check(*, merchant: Merchant, run: ForecastRun) -> int:
    """Set beside each proposed plan of ``run`` what the store's forecasting model expects it
    to do to demand (through its price and promotion covariates), as a check on the
    uplift estimated from past promotions that the plan was made with. Runs after planning,
    outside its transaction (the model takes a moment)."""
    with transaction.atomic(), tenant_context(merchant):
        plans = list(
            PromotionPlan.objects.for_merchant(merchant).filter(
                forecast_run=run, status=PromotionPlan.Status.PROPOSED
            )
        )
        uplifts = workers.promotion_uplift(
            merchant=merchant,
            promotions=[
                workers.PlannedPromotion(
                    plan.sku_id,
                    plan.location_id,
                    plan.start_date,
                    plan.end_date,
                    float(plan.discount_percent) / 100,
                )
                for plan in plans
            ],
        )
        checked = 0
        for plan, uplift in zip(plans, uplifts, strict=True):
            if uplift is None:
                continue
            PromotionPlan.objects.for_merchant(merchant).filter(pk=plan.pk).update(
                model_uplift=to_decimal(uplift, Decimal("0.001"))
            )
            checked += 1
    return checked
