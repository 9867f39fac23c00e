"""The plan: a reorder suggestion for every series of a finished forecast run below its
order-up-to level, from today's positions (`planning.positions`), the store's settings
(`planning.preferences`), the reorder maths (`planning.policy`) and the calibration learnt
from the store's past orders (`planning.calibration`), within the budgets."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal

import numpy as np
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts.errors import DomainError
from accounts.models import Merchant
from core import workflow_events
from forecasting import selectors as forecasting_selectors
from forecasting.models import ForecastRun
from inventory import services as inventory_services
from inventory.models import SupplierItem
from planning import allocation, calibration, policy
from planning.decimals import to_decimal
from planning.models import PlanningSettings, ReorderSuggestion, SkuClass
from planning.positions.selectors import (
    NO_CLASS,
    NO_PRICES,
    NO_STOCK,
    Prices,
    Stock,
    latest_stock,
    open_orders,
    primary_items,
    service_classes,
    sku_prices,
    unit_cost,
)
from planning.preferences.selectors import planning_settings


@dataclass(frozen=True)
class PlanResult:
    suggestions: int
    cut_by_budget: int
    spent: Decimal


@dataclass(frozen=True)
class Series:
    """One forecast series with what its order is planned from."""

    sku: int
    location: int
    item: SupplierItem | None
    service_class: str
    target: float  # the fill rate aimed at
    terms: policy.Terms
    demand: policy.Demand

    @property
    def key(self) -> tuple[int, int]:
        return (self.sku, self.location)

    @property
    def supplier_id(self) -> int | None:
        return self.item.supplier_id if self.item else None


@dataclass(frozen=True)
class Line:
    """A series that needs an order, with the suggestion for it."""

    series: Series
    suggestion: policy.Suggestion
    shortfall_scale: float = 1.0  # what its expected units short were multiplied by


@dataclass(frozen=True)
class Positions:
    """Today's stock and open orders per (SKU, location)."""

    stock: dict[tuple[int, int], Stock]
    on_order: dict[tuple[int, int], float]

    def of(self, key: tuple[int, int]) -> Stock:
        return self.stock.get(key, NO_STOCK)

    def ordered(self, key: tuple[int, int]) -> float:
        return self.on_order.get(key, 0.0)


def _keep_classes(merchant: Merchant, classes: dict[int, str]) -> None:
    """Store each SKU's class (SKUs without sales in the window are CZ) for the catalogue's
    class filter."""
    inventory_services.per_sku_rows_upsert(
        merchant=merchant,
        model=SkuClass,
        row=lambda sku: SkuClass(
            merchant=merchant, sku_id=sku, service_class=classes.get(sku, NO_CLASS)
        ),
        update_fields=["service_class", "updated_at"],
    )


def supplier_terms(
    merchant: Merchant,
    settings: PlanningSettings,
    item: SupplierItem | None,
    prices: Prices,
) -> policy.Terms:
    """The terms one SKU is ordered on: its supplier item's, else the store's default lead
    time, no MOQ and packs of one."""
    return policy.Terms(
        lead_time_mean=float(item.lead_time_mean_days if item else settings.default_lead_time_days),
        lead_time_std=float(
            item.lead_time_std_days if item else settings.default_lead_time_std_days
        ),
        review_days=merchant.review_period_days,
        moq=float(item.moq) if item else 0.0,
        pack_size=float(item.pack_size) if item else 1.0,
        unit_cost=float(unit_cost(item, prices) or 0),
        unit_price=float(prices.price or 0),
    )


def _series(
    merchant: Merchant,
    run: ForecastRun,
    settings: PlanningSettings,
    classes: dict[int, str],
    targets: calibration.Targets,
) -> list[Series]:
    """Every forecast of ``run``, with the planners' overrides in force
    (`forecasting.overrides`), with its terms, target and demand paths (a share of them the
    series' own recent sums, `policy.demand_from_paths`)."""
    items, prices = primary_items(merchant), sku_prices(merchant)
    found = []
    for stored in forecasting_selectors.run_forecasts(merchant=merchant, run=run, with_recent=True):
        sku = stored.sku
        item = items.get(sku)
        terms = supplier_terms(merchant, settings, item, prices.get(sku, NO_PRICES))
        service_class = classes.get(sku, NO_CLASS)
        target = targets.set_for(service_class)
        demand = policy.demand_from_stored(stored, terms, count=policy.PLAN_PATHS, seed=sku)
        found.append(Series(sku, stored.location, item, service_class, target, terms, demand))
    return found


@dataclass(frozen=True)
class Drawn:
    """Every series' drawn sums as rows (series, paths), with the position each is planned
    from (on hand, less committed, plus on order): stacked once for the store-wide choice
    and the shortfall record."""

    held: np.ndarray
    over_lead: np.ndarray
    over_cycle: np.ndarray

    @classmethod
    def of(cls, series: list[Series], positions: Positions) -> Drawn:
        return cls(
            held=np.array(
                [positions.of(one.key).available + positions.ordered(one.key) for one in series]
            ),
            over_lead=np.stack([one.demand.over_lead for one in series]),
            over_cycle=np.stack([one.demand.over_cycle for one in series]),
        )


def _store_wide_levels(
    merchant: Merchant,
    settings: PlanningSettings,
    series: list[Series],
    drawn: Drawn | None,
    scale: calibration.Scale,
) -> list[float | None]:
    """With one store-wide fill rate: each series' order-up-to level from today's orders for
    the store's target (lost sales, packs and MOQs in the choices: `allocation.order_choices`),
    their expected units short scaled by what the store's past orders left short against what
    they expected (`planning.calibration`); else None for each (every series aims at its own
    class's target)."""
    if settings.service_policy != PlanningSettings.ServicePolicy.STORE or drawn is None:
        return [None] * len(series)
    choices = allocation.order_choices(
        drawn.over_lead,
        drawn.over_cycle,
        drawn.held,
        np.array([one.terms.pack_size for one in series]),
        np.array([one.terms.moq for one in series]),
    )
    quantities = allocation.choose_orders(
        replace(choices, short=choices.short * scale.overall),
        np.array([one.terms.unit_cost for one in series]),
        float(merchant.target_service_level),
        floor=float(settings.minimum_fill_rate),
    )
    return list(drawn.held + quantities)


def _lines(
    settings: PlanningSettings,
    series: list[Series],
    levels: list[float | None],
    positions: Positions,
    scale: calibration.Scale,
) -> list[Line]:
    """The series that need an order, each with its suggestion and the scale on its
    expected units short (`planning.calibration`): the store's where a store-wide level was
    set (the line is then said to aim at the fill rate that level gives), its class's where
    each class aims at its own target (the series is planned for the target the scale asks
    for, `calibration.calibrated_target`, and the line says the class's). The expected fill
    rate is read with the scale."""
    found = []
    for one, level in zip(series, levels, strict=True):
        here = positions.of(one.key)
        learnt = scale.overall if level is not None else scale.of_class(one.service_class)
        suggestion = policy.suggest(
            one.demand,
            one.terms,
            on_hand=here.on_hand,
            on_order=positions.ordered(one.key),
            committed=here.committed,
            target=calibration.calibrated_target(one.target, learnt),
            order_up_to=level,
            overstock_days=float(settings.overstock_days),
        )
        if suggestion.quantity <= 0:
            continue
        if level is not None:
            one = replace(one, target=calibration.calibrated_fill(suggestion.levels.target, learnt))
        fill = calibration.calibrated_fill(suggestion.expected_fill_rate, learnt)
        found.append(Line(one, replace(suggestion, expected_fill_rate=fill), learnt))
    return found


def _record(
    merchant: Merchant,
    run: ForecastRun,
    series: list[Series],
    drawn: Drawn,
    lines: list[Line],
    targets: calibration.Targets,
) -> None:
    """Keep today's orders beside the units each was expected to leave short, before
    calibration, and the fill rates they were planned for (`calibration.record_plan`, once
    per review period): a series without a line ordered nothing."""
    ordered = {line.series.key: line.suggestion.quantity for line in lines}
    quantity = np.array([ordered.get(one.key, 0.0) for one in series])
    today = (
        run.history_end + dt.timedelta(days=1)
        if run.history_end
        else inventory_services.merchant_today(merchant)
    )
    calibration.record_plan(
        merchant=merchant,
        made_on=today,
        review_days=merchant.review_period_days,
        planned=calibration.PlannedSeries(
            keys=[one.key for one in series],
            classes=[one.service_class for one in series],
            position=drawn.held,
            quantity=quantity,
            expected=policy.short_after(drawn.over_lead, drawn.over_cycle, drawn.held, quantity),
            lead_days=np.array([one.terms.lead_time_mean for one in series]),
            per_day=np.array([one.demand.per_day for one in series]),
        ),
        targets=targets,
    )


def _budget_fitted(settings: PlanningSettings, lines: list[Line]) -> policy.BudgetPlan:
    budget = float(settings.budget) if settings.budget is not None else None
    return policy.fit_budget(
        [line.suggestion for line in lines],
        budget,
        groups=[line.series.supplier_id for line in lines],
        group_budgets={
            int(supplier): float(amount) for supplier, amount in settings.supplier_budgets.items()
        },
    )


def _supersede(merchant: Merchant) -> dict[tuple[int, int], dt.date]:
    """Mark the proposed suggestions of earlier runs superseded; the deferral of each line
    the planner deferred, which stays on the plan that replaces it."""
    proposed = ReorderSuggestion.objects.for_merchant(merchant).filter(
        status=ReorderSuggestion.Status.PROPOSED
    )
    deferred = {
        (sku, location): until
        for sku, location, until in proposed.filter(
            deferred_until__gt=inventory_services.merchant_today(merchant)
        ).values_list("sku_id", "location_id", "deferred_until")
    }
    proposed.update(status=ReorderSuggestion.Status.SUPERSEDED, updated_at=timezone.now())
    return deferred


def _suggestion_row(
    merchant: Merchant, run: ForecastRun, line: Line, positions: Positions, *, cut: bool
) -> ReorderSuggestion:
    one, suggestion, terms = line.series, line.suggestion, line.series.terms
    levels, here = suggestion.levels, positions.of(one.key)
    return ReorderSuggestion(
        merchant=merchant,
        forecast_run=run,
        sku_id=one.sku,
        location_id=one.location,
        supplier_id=one.supplier_id,
        service_class=one.service_class,
        target_fill_rate=to_decimal(one.target, Decimal("0.0001")),
        on_hand=to_decimal(here.on_hand),
        committed=to_decimal(here.committed),
        on_order=to_decimal(positions.ordered(one.key)),
        lead_time_days=to_decimal(terms.lead_time_mean, Decimal("0.01")),
        lead_demand=to_decimal(levels.lead_demand),
        cycle_demand=to_decimal(levels.cycle_demand),
        safety_stock=to_decimal(levels.safety_stock),
        reorder_point=to_decimal(levels.reorder_point),
        order_up_to=to_decimal(levels.order_up_to),
        needed=to_decimal(suggestion.needed),
        pack_size=to_decimal(terms.pack_size),
        moq=to_decimal(terms.moq),
        suggested_quantity=to_decimal(suggestion.quantity),
        quantity=to_decimal(suggestion.quantity),
        unit_cost=to_decimal(terms.unit_cost, Decimal("0.0001")),
        expected_fill_rate=to_decimal(suggestion.expected_fill_rate, Decimal("0.0001")),
        days_of_cover=to_decimal(suggestion.days_of_cover, Decimal("0.1")),
        value=to_decimal(suggestion.value, Decimal("0.0001")),
        cut_by_budget=cut,
        limit=suggestion.limit,
        review_days=terms.review_days,
        lead_time_std_days=to_decimal(terms.lead_time_std, Decimal("0.01")),
        shortfall_scale=to_decimal(line.shortfall_scale, Decimal("0.0001")),
        daily_demand=to_decimal(one.demand.per_day, Decimal("0.000001")),
    )


@transaction.atomic
def reorder_suggestions_plan(*, merchant: Merchant, run: ForecastRun) -> PlanResult:
    """Suggest an order for every series of ``run`` below its order-up-to level, the
    expected units short scaled by what the store's past orders left short against what they
    expected (`planning.calibration`: settled first, today's orders kept once per review
    period). The proposed suggestions of earlier runs are superseded; approved and rejected
    ones stay.
    With a budget, the orders worth most per currency unit are kept and the rest are marked
    as cut by the budget (still shown, quantity unchanged, for the merchant to see)."""
    if run.status != ForecastRun.Status.SUCCEEDED:
        raise DomainError(gettext("Only a finished forecast run can be planned from."))
    settings = planning_settings(merchant=merchant)
    classes = service_classes(merchant, run.history_end or timezone.localdate())
    _keep_classes(merchant, classes)
    positions = Positions(latest_stock(merchant), open_orders(merchant))
    targets = calibration.Targets.of(merchant, settings)
    series = _series(merchant, run, settings, classes, targets)
    calibration.settle(merchant=merchant, through=run.history_end or timezone.localdate())
    scale = calibration.learnt_scale(merchant, targets)
    drawn = Drawn.of(series, positions) if series else None
    levels = _store_wide_levels(merchant, settings, series, drawn, scale)
    lines = _lines(settings, series, levels, positions, scale)
    if drawn is not None:
        _record(merchant, run, series, drawn, lines, targets)
    plan = _budget_fitted(settings, lines)
    cut = set(plan.cut)
    deferred = _supersede(merchant)
    created = []
    for index, line in enumerate(lines):
        row = _suggestion_row(merchant, run, line, positions, cut=index in cut)
        row.deferred_until = deferred.get(line.series.key)
        created.append(row)
    ReorderSuggestion.objects.bulk_create(created, batch_size=2000)
    result = PlanResult(
        suggestions=len(created),
        cut_by_budget=len(cut),
        spent=to_decimal(plan.spent, Decimal("0.01")),
    )
    if created:
        _suggestions_created_emit(merchant, run, created, result)
    return result


def _suggestions_created_emit(
    merchant: Merchant, run: ForecastRun, created: list[ReorderSuggestion], result: PlanResult
) -> None:
    """One ``suggestion.created`` for the whole plan, once it commits: how many lines, what
    they cost, for how many suppliers. The lines themselves are read from GET
    /api/v1/reorder-suggestions/?status=proposed, however many there are."""
    workflow_events.emit(
        merchant_id=merchant.pk,
        event_type="suggestion.created",
        data={
            "forecast_run": run.pk,
            "count": result.suggestions,
            "cut_by_budget": result.cut_by_budget,
            "cost": sum((line.cost for line in created), Decimal("0")).quantize(Decimal("0.01")),
            "spent": result.spent,
            "currency": merchant.currency,
            "suppliers": len({line.supplier_id for line in created if line.supplier_id}),
            "without_supplier": sum(1 for line in created if line.supplier_id is None),
        },
    )
