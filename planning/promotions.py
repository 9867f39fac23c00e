"""Writes of promotion plans: from a forecast run, a plan for each overstocked SKU (not at
risk of a stock-out, not already promoted in the window) that clears its excess by the
target day at the best margin; accepting one creates its Promotion, dismissing one says no.
The arithmetic lives in `planning.promotion_math`."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from accounts.errors import DomainError
from accounts.models import Merchant, User
from forecasting import selectors as forecasting_selectors
from forecasting.models import ForecastRun
from inventory.models import SKU, Promotion, SalesDay
from planning import promotion_math as math_
from planning.decimals import to_decimal
from planning.models import Alert, PromotionPlan
from planning.positions.selectors import (
    NO_STOCK,
    Prices,
    latest_stock,
    open_orders,
    primary_items,
    unit_cost,
)
from planning.preferences.selectors import planning_settings

# history the uplift is estimated from: three years, so that the same weeks of the two years
# before a promotion control its counterfactual for season (`planning.promotion_uplift`)
HISTORY_DAYS = 3 * 365
TARGET_DAYS = 56  # the excess should be gone this many days after the last day of history
QUIET_DAYS = 14  # a dismissed plan's SKU is not proposed again for this long
MONEY_PLACES, QUANTITY_PLACES = Decimal("0.01"), Decimal("0.001")


def _series_days(merchant: Merchant, skus: set[int], first: dt.date, last: dt.date):
    """Per SKU: its series (one per location) of daily units, promotion flags, discounts and
    usable days, over [first, last]."""
    days = (last - first).days + 1
    rows = (
        SalesDay.objects.for_merchant(merchant)
        .filter(date__gte=first, date__lte=last)
        .values_list("date", "units")
    )
    open_days = np.zeros(days, dtype=bool)
    for day in rows.filter(units__gt=0).order_by().values_list("date", flat=True).distinct():
        open_days[(day - first).days] = True
    series: dict[tuple[int, int], dict[str, np.ndarray]] = defaultdict(
        lambda: {
            "units": np.zeros(days),
            "promoted": np.zeros(days, dtype=bool),
            "price": np.full(days, np.nan),
            "stock_out": np.zeros(days, dtype=bool),
        }
    )
    for sku, location, day, units, promoted, price, stock_out in (
        SalesDay.objects.for_merchant(merchant)
        .filter(sku_id__in=skus, date__gte=first, date__lte=last)
        .values_list(
            "sku_id", "location_id", "date", "units", "on_promotion", "average_price", "stock_out"
        )
    ):
        one, index = series[(sku, location)], (day - first).days
        one["units"][index] = float(units)
        one["promoted"][index] = promoted
        one["price"][index] = float(price) if price is not None else np.nan
        one["stock_out"][index] = stock_out
    found: dict[int, list[math_.SeriesDays]] = defaultdict(list)
    for (sku, _location), one in series.items():
        plain_prices = one["price"][~one["promoted"] & ~np.isnan(one["price"])]
        reference = float(np.median(plain_prices)) if len(plain_prices) else np.nan
        with np.errstate(invalid="ignore"):
            discount = np.where(
                one["promoted"] & ~np.isnan(one["price"]) & (reference > 0),
                np.clip(1 - one["price"] / reference, 0, 0.9),
                0.0,
            )
        found[sku].append(
            math_.SeriesDays(
                units=one["units"],
                promoted=one["promoted"],
                discount=np.nan_to_num(discount),
                usable=open_days & ~one["stock_out"],
            )
        )
    return found


def promotion_effects(
    *, merchant: Merchant, skus: set[int], today: dt.date
) -> dict[int, math_.Effect]:
    """The promotion effect of each of ``skus``, estimated from the history of every SKU that
    was promoted in the last `HISTORY_DAYS` (for the category and store estimates)."""
    first = today - dt.timedelta(days=HISTORY_DAYS - 1)
    promoted = set(
        SalesDay.objects.for_merchant(merchant)
        .filter(on_promotion=True, date__gte=first, date__lte=today)
        .values_list("sku_id", flat=True)
        .distinct()
    )
    series = _series_days(merchant, promoted, first, today)
    categories = dict(
        SKU.objects.for_merchant(merchant)
        .filter(pk__in=promoted | skus)
        .values_list("pk", "category")
    )
    # every promotion's counterfactual fitted in one batch (`planning.promotion_uplift`)
    evidence = math_.evidence_by_sku({sku: series.get(sku, []) for sku in promoted | skus})
    effects = math_.estimate(evidence, categories)
    return {sku: effects[sku] for sku in skus}


def _blocked(
    merchant: Merchant, sku: SKU, location_id: int, first: dt.date, days: int
) -> np.ndarray:
    """The days from ``first`` on which the SKU is already promoted at the location (by a
    promotion of the SKU or of its category, there or everywhere)."""
    blocked = np.zeros(days, dtype=bool)
    last = first + dt.timedelta(days=days - 1)
    promotions = Promotion.objects.for_merchant(merchant).filter(
        Q(sku=sku) | Q(sku__isnull=True, category=sku.category or "\x00"),
        Q(location_id=location_id) | Q(location__isnull=True),
        start_date__lte=last,
        end_date__gte=first,
    )
    for start, end in promotions.values_list("start_date", "end_date"):
        blocked[max((start - first).days, 0) : (end - first).days + 1] = True
    return blocked


def _overstocked(merchant: Merchant, today: dt.date) -> list[tuple[int, int]]:
    """The (SKU, location) pairs with an unresolved overstock alert and no stock-out alert,
    less those whose plan was dismissed in the last `QUIET_DAYS` or whose accepted promotion
    has not ended."""
    unresolved = Alert.objects.for_merchant(merchant).exclude(state=Alert.State.RESOLVED)
    at_risk = set(unresolved.filter(kind=Alert.Kind.STOCK_OUT).values_list("sku_id", "location_id"))
    decided = PromotionPlan.objects.for_merchant(merchant)
    quiet = set(
        decided.filter(
            Q(status=PromotionPlan.Status.DISMISSED,
              decided_at__gte=timezone.now() - dt.timedelta(days=QUIET_DAYS))
            | Q(status=PromotionPlan.Status.ACCEPTED, end_date__gte=today)
        ).values_list("sku_id", "location_id")
    )  # fmt: skip
    return [
        key
        for key in unresolved.filter(kind=Alert.Kind.OVERSTOCK).values_list("sku_id", "location_id")
        if key not in at_risk and key not in quiet
    ]


@dataclass(frozen=True)
class Proposal:
    """The best plan found for one SKU at one location, and what it was worked out from."""

    plan: math_.Plan
    nothing: math_.Outcome  # what doing nothing gives by the target day
    effect: math_.Effect
    on_hand: float  # available now plus what arrives
    keep: float  # the stock the overstock limit allows


def _plan_row(
    merchant: Merchant,
    run: ForecastRun,
    key: tuple[int, int],
    today: dt.date,
    horizon: int,
    found: Proposal,
) -> PromotionPlan:
    plan, nothing, effect = found.plan, found.nothing, found.effect
    start = today + dt.timedelta(days=plan.start)
    low = high = None
    if effect.elasticity_sd > 0:  # a spread is known: the interval of the uplift counted on
        low, high = (
            to_decimal(min(bound, math_.MAX_UPLIFT), Decimal("0.001"))
            for bound in effect.interval_at(plan.depth)
        )
    return PromotionPlan(
        merchant=merchant,
        forecast_run=run,
        sku_id=key[0],
        location_id=key[1],
        start_date=start,
        end_date=start + dt.timedelta(days=plan.days - 1),
        target_date=today + dt.timedelta(days=horizon),
        discount_percent=to_decimal(plan.depth * 100, MONEY_PLACES),
        on_hand=to_decimal(found.on_hand, QUANTITY_PLACES),
        keep=to_decimal(found.keep, QUANTITY_PLACES),
        uplift=to_decimal(plan.uplift, Decimal("0.001")),
        uplift_low=low,
        uplift_high=high,
        elasticity=to_decimal(effect.elasticity, Decimal("0.001")),
        estimate_source=effect.source,
        evidence_days=effect.days,
        expected_units=to_decimal(plan.outcome.units, QUANTITY_PLACES),
        expected_revenue=to_decimal(plan.outcome.revenue, MONEY_PLACES),
        expected_margin=to_decimal(plan.outcome.margin, MONEY_PLACES),
        expected_stock_left=to_decimal(plan.outcome.stock_left, QUANTITY_PLACES),
        baseline_units=to_decimal(nothing.units, QUANTITY_PLACES),
        baseline_revenue=to_decimal(nothing.revenue, MONEY_PLACES),
        baseline_margin=to_decimal(nothing.margin, MONEY_PLACES),
        baseline_stock_left=to_decimal(nothing.stock_left, QUANTITY_PLACES),
        clears_excess=plan.clears,
    )


@transaction.atomic
def promotion_plans_propose(*, merchant: Merchant, run: ForecastRun) -> int:
    """A plan for each SKU and location of the run with an unresolved overstock alert and no
    stock-out alert. Earlier proposed plans are superseded; accepted and dismissed ones stay.
    A SKU whose plan was dismissed in the last `QUIET_DAYS`, or whose accepted promotion has
    not ended, gets none."""
    today = run.history_end or timezone.localdate()
    settings = planning_settings(merchant=merchant)
    overstocked = _overstocked(merchant, today)
    PromotionPlan.objects.for_merchant(merchant).filter(
        status=PromotionPlan.Status.PROPOSED
    ).update(status=PromotionPlan.Status.SUPERSEDED, updated_at=timezone.now())
    if not overstocked:
        return 0
    skus = {sku.pk: sku for sku in SKU.objects.for_merchant(merchant).filter(
        pk__in={sku for sku, _ in overstocked}
    )}  # fmt: skip
    effects = promotion_effects(merchant=merchant, skus=set(skus), today=today)
    stock, arriving = latest_stock(merchant), open_orders(merchant)
    items = primary_items(merchant)
    forecasts = {  # with the planners' overrides in force (`forecasting.overrides`)
        (stored.sku, stored.location): stored.quantiles
        for stored in forecasting_selectors.run_forecasts(merchant=merchant, run=run, sku_ids=skus)
    }
    first = today + dt.timedelta(days=1)
    created = []
    for key in overstocked:
        quantiles, sku = forecasts.get(key), skus.get(key[0])
        if quantiles is None or sku is None or not sku.unit_price:
            continue
        horizon = min(TARGET_DAYS, quantiles.shape[1])
        daily = quantiles[:, :horizon].mean(axis=0)  # the mean of the levels: about the mean
        cost = unit_cost(items.get(key[0]), Prices(sku.unit_price, sku.unit_cost))
        on_hand = stock.get(key, NO_STOCK).available + arriving.get(key, 0.0)
        keep = float(daily.mean()) * settings.overstock_days
        plan, nothing = math_.best_plan(
            daily, on_hand, float(sku.unit_price), float(cost or 0), effects[key[0]], keep,
            _blocked(merchant, sku, key[1], first, horizon),
        )  # fmt: skip
        if plan is not None:
            found = Proposal(plan, nothing, effects[key[0]], on_hand, keep)
            created.append(_plan_row(merchant, run, key, today, horizon, found))
    PromotionPlan.objects.bulk_create(created)
    return len(created)


@transaction.atomic
def promotion_plan_accept(*, merchant: Merchant, pk: int, actor: User | None) -> PromotionPlan:
    """Turn a proposed plan into a Promotion of its SKU at its location (the next forecast
    takes it as a known covariate). A plan that would now overlap another promotion is
    refused rather than doubled."""
    plan = (
        PromotionPlan.objects.for_merchant(merchant)
        .select_for_update()
        .select_related("sku")
        .get(pk=pk)
    )
    if plan.status != PromotionPlan.Status.PROPOSED:
        raise DomainError(
            gettext("This plan is %(state)s, not proposed.")
            % {"state": plan.get_status_display().lower()}
        )
    days = (plan.end_date - plan.start_date).days + 1
    if _blocked(merchant, plan.sku, plan.location_id, plan.start_date, days).any():
        raise DomainError(gettext("Another promotion now covers part of this window."))
    plan.promotion = Promotion.objects.create(
        merchant=merchant,
        code=f"PLAN-{plan.pk}",
        name=f"{plan.discount_percent.normalize()}% off {plan.sku.code}",
        sku=plan.sku,
        location_id=plan.location_id,
        start_date=plan.start_date,
        end_date=plan.end_date,
        discount_percent=plan.discount_percent,
        kind=Promotion.Kind.PRICE_DISCOUNT,
    )
    plan.status, plan.decided_by, plan.decided_at = (
        PromotionPlan.Status.ACCEPTED, actor, timezone.now(),
    )  # fmt: skip
    plan.save()
    return plan


@transaction.atomic
def promotion_plans_dismiss(*, merchant: Merchant, pks: list[int], actor: User | None) -> int:
    return (
        PromotionPlan.objects.for_merchant(merchant)
        .filter(pk__in=pks, status=PromotionPlan.Status.PROPOSED)
        .update(
            status=PromotionPlan.Status.DISMISSED,
            decided_by=actor,
            decided_at=timezone.now(),
            updated_at=timezone.now(),
        )
    )
