"""Writes of planning: reorder suggestions from a forecast run, the merchant's decisions on
them (approve, edit, reject), each audited, and replays of the ordering policy on the store's
history."""

from __future__ import annotations

import datetime as dt
import warnings
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
from django.db import connection, transaction
from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext

from accounts import dispatch, runs, workflow_events
from accounts.errors import DomainError
from accounts.models import Merchant, User
from accounts.tenancy import tenant_context
from forecasting import selectors as forecasting_selectors
from forecasting.models import ForecastRun
from inventory import services as inventory_services
from inventory.models import (
    SKU,
    PurchaseOrder,
    PurchaseOrderLine,
    SalesDay,
    StockLevel,
    SupplierItem,
)
from planning import outcomes, policy
from planning.models import (
    Decision,
    PlanningSettings,
    PolicyReplay,
    ReorderSuggestion,
    SkuClass,
)

CLASS_DAYS = 91  # history that sets a SKU's ABC and XYZ class
PATHS = 500
QUANTITY_PLACES = Decimal("0.001")


def planning_settings(merchant: Merchant) -> PlanningSettings:
    settings, _created = PlanningSettings.objects.for_merchant(merchant).get_or_create(
        merchant=merchant
    )
    return settings


def service_classes(merchant: Merchant, today: dt.date) -> dict[int, str]:
    """Per SKU with sales in the last `CLASS_DAYS`: ABC by revenue (A: the SKUs making the
    first 80% of it, B the next 15%, C the rest) and XYZ by the coefficient of variation of
    weekly units (X below 0.5, Y below 1, Z above). SKUs without sales are CZ."""
    since = today - dt.timedelta(days=CLASS_DAYS)
    sales = SalesDay.objects.for_merchant(merchant).filter(date__gt=since, date__lte=today)
    revenue: dict[int, float] = defaultdict(float)
    weekly: dict[int, np.ndarray] = defaultdict(lambda: np.zeros(CLASS_DAYS // 7 + 1))
    for sku, date, units, amount in sales.values_list("sku_id", "date", "units", "revenue"):
        revenue[sku] += float(amount or 0)
        weekly[sku][(today - date).days // 7] += float(units)
    classes: dict[int, str] = {}
    total = sum(revenue.values())
    running = 0.0
    for sku in sorted(revenue, key=lambda k: (-revenue[k], k)):
        share = running / total if total > 0 else 1.0
        running += revenue[sku]
        abc = "A" if share < 0.8 else "B" if share < 0.95 else "C"
        weeks = weekly[sku][: CLASS_DAYS // 7]
        mean = weeks.mean()
        variation = weeks.std() / mean if mean > 0 else np.inf
        xyz = "X" if variation < 0.5 else "Y" if variation < 1.0 else "Z"
        classes[sku] = abc + xyz
    return classes


@dataclass(frozen=True)
class Stock:
    on_hand: float = 0.0
    committed: float = 0.0  # promised to open customer orders

    @property
    def available(self) -> float:
        return self.on_hand - self.committed


NO_STOCK = Stock()


def latest_stock(merchant: Merchant) -> dict[tuple[int, int], Stock]:
    """The latest stock snapshot per (SKU, location)."""
    levels = StockLevel.objects.for_merchant(merchant).order_by("sku_id", "location_id", "-as_of")
    if connection.vendor == "postgresql":
        levels = levels.distinct("sku_id", "location_id")
    latest: dict[tuple[int, int], Stock] = {}
    for sku, location, on_hand, committed in levels.values_list(
        "sku_id", "location_id", "on_hand", "committed"
    ):
        latest.setdefault((sku, location), Stock(float(on_hand), float(committed)))
    return latest


def open_orders(
    merchant: Merchant, arriving_by: dt.date | None = None
) -> dict[tuple[int, int], float]:
    """Units ordered and not yet received on open purchase orders, per (SKU, location); with
    ``arriving_by``, only orders expected by then (or with no expected date)."""
    lines = PurchaseOrderLine.objects.for_merchant(merchant).filter(
        purchase_order__status__in=PurchaseOrder.OPEN_STATUSES
    )
    if arriving_by is not None:
        lines = lines.filter(
            Q(purchase_order__expected_arrival__isnull=True)
            | Q(purchase_order__expected_arrival__lte=arriving_by)
        )
    lines = lines.values("sku_id", "purchase_order__location_id").annotate(
        open=Sum(F("quantity_ordered") - F("quantity_received"))
    )
    return {
        (line["sku_id"], line["purchase_order__location_id"]): max(float(line["open"]), 0.0)
        for line in lines
    }


def primary_items(merchant: Merchant) -> dict[int, SupplierItem]:
    """Each SKU's supplier item: the primary one, else the first."""
    items = SupplierItem.objects.for_merchant(merchant).order_by("sku_id", "-is_primary", "pk")
    chosen: dict[int, SupplierItem] = {}
    for item in items:
        chosen.setdefault(item.sku_id, item)
    return chosen


def to_decimal(value: float | None, places: Decimal = QUANTITY_PLACES) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(round(float(value), 6))).quantize(places)


@dataclass(frozen=True)
class PlanResult:
    suggestions: int
    cut_by_budget: int
    spent: Decimal


def _keep_classes(merchant: Merchant, classes: dict[int, str]) -> None:
    """Store each SKU's class (SKUs without sales in the window are CZ) for the catalogue's
    class filter."""
    rows = [
        SkuClass(merchant=merchant, sku_id=sku, service_class=classes.get(sku, "CZ"))
        for sku in SKU.objects.for_merchant(merchant).values_list("pk", flat=True)
    ]
    SkuClass.objects.bulk_create(
        rows,
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["sku"],
        update_fields=["service_class", "updated_at"],
    )


@transaction.atomic
def reorder_suggestions_plan(*, merchant: Merchant, run: ForecastRun) -> PlanResult:
    """Suggest an order for every series of ``run`` below its order-up-to level. The
    proposed suggestions of earlier runs are superseded; approved and rejected ones stay.
    With a budget, the orders worth most per currency unit are kept and the rest are marked
    as cut by the budget (still shown, quantity unchanged, for the merchant to see)."""
    if run.status != ForecastRun.Status.SUCCEEDED:
        raise DomainError(gettext("Only a finished forecast run can be planned from."))
    settings = planning_settings(merchant)
    today = run.history_end or timezone.localdate()
    classes = service_classes(merchant, today)
    _keep_classes(merchant, classes)
    stock, on_order = latest_stock(merchant), open_orders(merchant)
    items = primary_items(merchant)
    skus = {
        pk: (price, cost)
        for pk, price, cost in SKU.objects.for_merchant(merchant).values_list(
            "pk", "unit_price", "unit_cost"
        )
    }
    review = merchant.review_period_days
    store_wide = settings.service_policy == PlanningSettings.ServicePolicy.STORE
    series = []  # (sku, location, item, class, target, terms, demand) of every forecast
    # the run's forecasts with the planners' overrides in force (`forecasting.overrides`)
    for sku, location, quantiles, correlation in forecasting_selectors.run_forecasts(
        merchant=merchant, run=run
    ):
        item = items.get(sku)
        price, sku_cost = skus.get(sku, (None, None))
        cost = item.unit_cost if item and item.unit_cost is not None else sku_cost
        terms = policy.Terms(
            lead_time_mean=float(
                item.lead_time_mean_days if item else settings.default_lead_time_days
            ),
            lead_time_std=float(
                item.lead_time_std_days if item else settings.default_lead_time_std_days
            ),
            review_days=review,
            moq=float(item.moq) if item else 0.0,
            pack_size=float(item.pack_size) if item else 1.0,
            unit_cost=float(cost or 0),
            unit_price=float(price or 0),
        )
        service_class = classes.get(sku, "CZ")
        target = float(settings.service_levels.get(service_class, merchant.target_service_level))
        demand = policy.demand_from_forecast(quantiles, correlation, terms, count=PATHS, seed=sku)
        series.append((sku, location, item, service_class, target, terms, demand))
    levels = [None] * len(series)
    if store_wide and series:
        # today's orders for the store's target from today's positions (lost sales, packs
        # and MOQs in the choices: `policy.order_choices`)
        positions = np.array(
            [
                stock.get((sku, location), NO_STOCK).available + on_order.get((sku, location), 0.0)
                for sku, location, *_rest in series
            ]
        )
        choices = policy.order_choices(
            np.stack([demand.over_lead for *_rest, demand in series]),
            np.stack([demand.over_cycle for *_rest, demand in series]),
            positions,
            np.array([terms.pack_size for *_rest, terms, _demand in series]),
            np.array([terms.moq for *_rest, terms, _demand in series]),
        )
        quantities = policy.choose_orders(
            choices,
            np.array([terms.unit_cost for *_rest, terms, _demand in series]),
            float(merchant.target_service_level),
            floor=float(settings.minimum_fill_rate),
        )
        levels = list(positions + quantities)
    rows, suggestions, per_day = [], [], []
    for (sku, location, item, service_class, target, terms, demand), level in zip(
        series, levels, strict=True
    ):
        here = stock.get((sku, location), NO_STOCK)
        suggestion = policy.suggest(
            demand,
            terms,
            on_hand=here.on_hand,
            on_order=on_order.get((sku, location), 0.0),
            committed=here.committed,
            target=target,
            order_up_to=level,
            overstock_days=float(settings.overstock_days),
        )
        if suggestion.quantity <= 0:
            continue
        if level is not None:
            target = suggestion.levels.target
        rows.append((sku, location, item, service_class, target, terms))
        suggestions.append(suggestion)
        per_day.append(demand.per_day)
    budget = float(settings.budget) if settings.budget is not None else None
    plan = policy.fit_budget(
        suggestions,
        budget,
        groups=[item.supplier_id if item else None for _sku, _location, item, *_ in rows],
        group_budgets={
            int(supplier): float(amount) for supplier, amount in settings.supplier_budgets.items()
        },
    )
    cut = set(plan.cut)
    proposed = ReorderSuggestion.objects.for_merchant(merchant).filter(
        status=ReorderSuggestion.Status.PROPOSED
    )
    # a line the planner deferred stays deferred on the plan that replaces it
    deferred = {
        (sku, location): until
        for sku, location, until in proposed.filter(
            deferred_until__gt=inventory_services.merchant_today(merchant)
        ).values_list("sku_id", "location_id", "deferred_until")
    }
    proposed.update(status=ReorderSuggestion.Status.SUPERSEDED, updated_at=timezone.now())
    created = [
        ReorderSuggestion(
            merchant=merchant,
            forecast_run=run,
            sku_id=sku,
            location_id=location,
            supplier_id=item.supplier_id if item else None,
            service_class=service_class,
            target_fill_rate=to_decimal(target, Decimal("0.0001")),
            on_hand=to_decimal(stock.get((sku, location), NO_STOCK).on_hand),
            committed=to_decimal(stock.get((sku, location), NO_STOCK).committed),
            on_order=to_decimal(on_order.get((sku, location), 0.0)),
            lead_time_days=to_decimal(terms.lead_time_mean, Decimal("0.01")),
            lead_demand=to_decimal(suggestion.levels.lead_demand),
            cycle_demand=to_decimal(suggestion.levels.cycle_demand),
            safety_stock=to_decimal(suggestion.levels.safety_stock),
            reorder_point=to_decimal(suggestion.levels.reorder_point),
            order_up_to=to_decimal(suggestion.levels.order_up_to),
            needed=to_decimal(suggestion.needed),
            pack_size=to_decimal(terms.pack_size),
            moq=to_decimal(terms.moq),
            suggested_quantity=to_decimal(suggestion.quantity),
            quantity=to_decimal(suggestion.quantity),
            unit_cost=to_decimal(terms.unit_cost, Decimal("0.0001")),
            expected_fill_rate=to_decimal(suggestion.expected_fill_rate, Decimal("0.0001")),
            days_of_cover=to_decimal(suggestion.days_of_cover, Decimal("0.1")),
            value=to_decimal(suggestion.value, Decimal("0.0001")),
            cut_by_budget=index in cut,
            limit=suggestion.limit,
            deferred_until=deferred.get((sku, location)),
            review_days=terms.review_days,
            lead_time_std_days=to_decimal(terms.lead_time_std, Decimal("0.01")),
            daily_demand=to_decimal(per_day[index], Decimal("0.000001")),
        )
        for index, ((sku, location, item, service_class, target, terms), suggestion) in enumerate(
            zip(rows, suggestions, strict=True)
        )
    ]
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


def _decide(
    suggestion: ReorderSuggestion, *, actor: User | None, via: str, action: str, changes: dict
) -> None:
    Decision.objects.create(
        merchant_id=suggestion.merchant_id,
        suggestion=suggestion,
        action=action,
        actor=actor,
        changes={**changes, "via": via} if via else changes,
    )


def _open_suggestion(merchant: Merchant, pk: int) -> ReorderSuggestion:
    suggestion = (
        ReorderSuggestion.objects.for_merchant(merchant).select_for_update().filter(pk=pk).first()
    )
    if suggestion is None:
        raise ReorderSuggestion.DoesNotExist
    if suggestion.status != ReorderSuggestion.Status.PROPOSED:
        raise DomainError(
            gettext("This suggestion is already %(state)s.")
            % {"state": suggestion.get_status_display().lower()}
        )
    return suggestion


@transaction.atomic
def suggestion_quantity_set(
    *, merchant: Merchant, pk: int, quantity: Decimal, actor: User | None, via: str = ""
) -> ReorderSuggestion:
    """Change what will be ordered; rounded up to whole packs and at least the MOQ (zero is
    refused: reject the suggestion instead)."""
    suggestion = _open_suggestion(merchant, pk)
    if quantity <= 0:
        raise DomainError(
            gettext("The quantity must be above zero; reject the suggestion instead.")
        )
    terms = policy.Terms(0, moq=float(suggestion.moq), pack_size=float(suggestion.pack_size))
    rounded = to_decimal(policy.round_quantity(float(quantity), terms))
    before = suggestion.quantity
    suggestion.quantity = rounded
    # what the new quantity gives, shown beside it (`planning.outcomes`)
    result = outcomes.outcome(suggestion, rounded, paths=PATHS)
    suggestion.days_of_cover = result.days_of_cover
    if result.expected_fill_rate is not None:
        suggestion.expected_fill_rate = result.expected_fill_rate
    suggestion.save(update_fields=["quantity", "days_of_cover", "expected_fill_rate", "updated_at"])
    _decide(
        suggestion,
        actor=actor,
        via=via,
        action=Decision.Action.EDITED,
        changes={"quantity": [str(before), str(rounded)], "asked": str(quantity)},
    )
    return suggestion


@dataclass(frozen=True)
class Approval:
    approved: int
    purchase_orders: list[PurchaseOrder]  # the drafts the approved lines went on
    without_supplier: int  # approved lines of SKUs without a supplier: on no order


@transaction.atomic
def suggestions_order(
    *, merchant: Merchant, pks: list[int], actor: User | None, via: str = ""
) -> Approval:
    """Approve proposed suggestions (those already decided are left as they are) and put
    them on draft purchase orders, one per supplier and location (added to the draft of an
    earlier approval while it is still a draft), on the supplier's terms
    (`inventory.services.purchase_order_draft_add`). Each suggestion keeps its order."""
    suggestions = list(
        ReorderSuggestion.objects.for_merchant(merchant)
        .select_for_update()
        .filter(pk__in=pks, status=ReorderSuggestion.Status.PROPOSED)
        .order_by("supplier_id", "location_id", "pk")
    )
    now = timezone.now()
    groups: dict[tuple[int, int], list[ReorderSuggestion]] = defaultdict(list)
    for suggestion in suggestions:
        suggestion.status = ReorderSuggestion.Status.APPROVED
        suggestion.decided_by, suggestion.decided_at = actor, now
        if suggestion.supplier_id is not None:
            groups[(suggestion.supplier_id, suggestion.location_id)].append(suggestion)
    orders = []
    for (supplier_id, location_id), members in groups.items():
        order = inventory_services.purchase_order_draft_add(
            merchant=merchant,
            supplier_id=supplier_id,
            location_id=location_id,
            lines=[
                inventory_services.DraftLine(
                    sku_id=suggestion.sku_id,
                    quantity=suggestion.quantity,
                    unit_cost=suggestion.unit_cost,
                    lead_time_days=suggestion.lead_time_days,
                )
                for suggestion in members
            ],
            actor=actor,
            via=via,
        )
        orders.append(order)
        for suggestion in members:
            suggestion.purchase_order = order
    for suggestion in suggestions:
        suggestion.save(
            update_fields=["status", "decided_by", "decided_at", "purchase_order", "updated_at"]
        )
        changes = {"quantity": str(suggestion.quantity)}
        if suggestion.purchase_order is not None:
            changes["purchase_order"] = suggestion.purchase_order.number
        _decide(suggestion, actor=actor, via=via, action=Decision.Action.APPROVED, changes=changes)
    return Approval(
        approved=len(suggestions),
        purchase_orders=orders,
        without_supplier=sum(1 for s in suggestions if s.supplier_id is None),
    )


def suggestions_approve(
    *, merchant: Merchant, pks: list[int], actor: User | None, via: str = ""
) -> int:
    """Approve proposed suggestions onto draft purchase orders (`suggestions_order`); how
    many were approved."""
    return suggestions_order(merchant=merchant, pks=pks, actor=actor, via=via).approved


@transaction.atomic
def suggestions_reject(
    *, merchant: Merchant, pks: list[int], reason: str, actor: User | None, via: str = ""
) -> int:
    """Reject proposed suggestions with a reason (required: it is what the team learns
    from)."""
    reason = reason.strip()
    if not reason:
        raise DomainError(gettext("Say why the suggestion is rejected."))
    rejected = 0
    suggestions = (
        ReorderSuggestion.objects.for_merchant(merchant)
        .select_for_update()
        .filter(pk__in=pks, status=ReorderSuggestion.Status.PROPOSED)
    )
    now = timezone.now()
    for suggestion in suggestions:
        suggestion.status = ReorderSuggestion.Status.REJECTED
        suggestion.reason = reason
        suggestion.decided_by, suggestion.decided_at = actor, now
        suggestion.save(
            update_fields=["status", "reason", "decided_by", "decided_at", "updated_at"]
        )
        _decide(
            suggestion,
            actor=actor,
            via=via,
            action=Decision.Action.REJECTED,
            changes={"reason": reason},
        )
        rejected += 1
    return rejected


# -- the policy replay -------------------------------------------------------------------------
REPLAY_LEVELS = (0.90, 0.95, 0.98)
REPLAY_MAX_SERIES = 2000  # the series with the most units sold, so a replay stays minutes long


@transaction.atomic
def policy_replay_create(*, merchant: Merchant, actor: User | None) -> PolicyReplay:
    """Queue a replay of the store's last weeks (one at a time: a queued or running one is
    returned instead of a second)."""

    pending = (
        PolicyReplay.objects.for_merchant(merchant)
        .filter(status__in=[PolicyReplay.Status.QUEUED, PolicyReplay.Status.RUNNING])
        .first()
    )
    if pending is not None:
        return pending
    job = PolicyReplay.objects.create(merchant=merchant, requested_by=actor)
    dispatch.send_on_commit(
        "planning.policy_replay_task", merchant_id=merchant.pk, replay_id=job.pk
    )
    return job


def policy_replays_stranded(*, queued_before: dt.datetime) -> list[tuple]:
    """The task of each replay queued before ``queued_before`` and still waiting: the broker
    was away or lost it (`accounts.dispatch`)."""

    return dispatch.stranded(
        PolicyReplay, "planning.policy_replay_task", "replay_id", queued_before=queued_before
    )


def policy_replay_execute(
    *, merchant: Merchant, replay_id: int, claimant: str = ""
) -> PolicyReplay | None:
    """Run a queued replay (`planning.replay`) with the shipped base model, not the store's
    fine-tuned one: that one has learned from the very weeks being replayed."""
    from forecasting import history as history_reads
    from forecasting import registry
    from forecasting.baselines import BASELINES
    from forecasting.neural.inference import TransformerCandidate
    from forecasting.selection import TRANSFORMER
    from planning import replay

    job = runs.claim(PolicyReplay, merchant=merchant, pk=replay_id, claimant=claimant)
    if job is None:
        return None
    registry.configure_threads()
    with transaction.atomic(), tenant_context(merchant):
        history = history_reads.load_history(merchant)
        needed = job.days + 56
        if len(history.days) < needed:
            raise DomainError(
                gettext(
                    "A replay needs at least %(needed)s days of sales history (%(count)s so far)."
                )
                % {"needed": needed, "count": len(history.days)}
            )
        sold = np.nansum(history.values, axis=1)
        rows = np.sort(np.argsort(-sold, kind="stable")[:REPLAY_MAX_SERIES])
        keys = [history.keys[row] for row in rows]
        history = history_reads.History(
            keys, history.days, history.values[rows], history.prices[rows], history.promoted[rows]
        )
        known = history_reads.covariates(merchant, history, 0)
        settings = planning_settings(merchant)
        floor = float(settings.minimum_fill_rate)
        items = primary_items(merchant)
        skus = {
            pk: (price, cost)
            for pk, price, cost in SKU.objects.for_merchant(merchant)
            .filter(pk__in={sku for sku, _ in keys})
            .values_list("pk", "unit_price", "unit_cost")
        }
    terms = _replay_terms(keys, items, skus, history, settings)
    candidates = {
        **BASELINES,
        TRANSFORMER: TransformerCandidate(registry.base_model(), known),
    }

    def progress(done: int, total: int) -> None:
        runs.record(
            PolicyReplay, merchant=merchant, pk=job.pk, reviews_done=done, reviews_total=total
        )

    result = replay.replay_policies(
        history.values,
        terms,
        candidates,
        days=job.days,
        warm_up=job.warm_up_days,
        review=job.review_days,
        levels=REPLAY_LEVELS,
        floor=floor,
        progress=progress,
    )
    figures = {name: outcome.figures() for name, outcome in result.outcomes.items()}
    with transaction.atomic(), tenant_context(merchant):
        PolicyReplay.objects.for_merchant(merchant).filter(pk=job.pk).update(
            status=PolicyReplay.Status.SUCCEEDED,
            figures=figures,
            series_count=result.series,
            finished_at=timezone.now(),
        )
        return PolicyReplay.objects.for_merchant(merchant).get(pk=job.pk)


def _replay_terms(keys, items, skus, history, settings: PlanningSettings):
    """The supplier terms of each replayed series (the store's default lead time and packs of
    1 where none are set); its cost, else 60% of its price; its price, else its median
    selling price."""
    from planning import replay

    count = len(keys)
    lead_mean = np.full(count, float(settings.default_lead_time_days))
    lead_std = np.full(count, float(settings.default_lead_time_std_days))
    pack, moq, cost, price = np.ones(count), np.zeros(count), np.zeros(count), np.ones(count)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        median_price = np.nanmedian(history.prices, axis=1) if count else np.zeros(0)
    for row, (sku, _location) in enumerate(keys):
        item = items.get(sku)
        list_price, sku_cost = skus.get(sku, (None, None))
        price[row] = float(list_price or 0) or float(np.nan_to_num(median_price[row])) or 1.0
        if item is not None:
            lead_mean[row] = float(item.lead_time_mean_days)
            lead_std[row] = float(item.lead_time_std_days)
            pack[row] = float(item.pack_size) or 1.0
            moq[row] = float(item.moq)
        unit_cost = item.unit_cost if item is not None and item.unit_cost is not None else sku_cost
        cost[row] = float(unit_cost) if unit_cost is not None else 0.6 * price[row]
    return replay.Terms(lead_mean, lead_std, pack, moq, cost, price)


# -- settings ----------------------------------------------------------------------------------
@transaction.atomic
def planning_settings_update(
    *,
    merchant: Merchant,
    actor: User | None,
    service_levels: dict | None = None,
    budget: Decimal | None = None,
    supplier_budgets: dict | None = None,
    overstock_days: int | None = None,
    stale_days: int | None = None,
    digest_enabled: bool | None = None,
    clear_budget: bool = False,
    service_policy: str | None = None,
    minimum_fill_rate: Decimal | float | None = None,
    default_lead_time_days: Decimal | float | None = None,
    default_lead_time_std_days: Decimal | float | None = None,
    alert_minimum_value: Decimal | float | None = None,
) -> PlanningSettings:
    """Change the store's planning settings (only what is given; ``clear_budget`` removes the
    total budget). Service levels are fill rates between 0.5 and 0.999 for the classes AX to
    CZ; supplier budgets name the store's own suppliers; the minimum fill rate (with one
    store-wide fill rate) lies between 0 and 0.99 and below the store's target."""
    from inventory.models import Supplier
    from planning.models import DEFAULT_SERVICE_LEVELS

    settings = planning_settings(merchant)
    settings = (
        PlanningSettings.objects.for_merchant(merchant).select_for_update().get(pk=settings.pk)
    )
    if service_levels is not None:
        if not isinstance(service_levels, dict):
            raise DomainError(gettext("service_levels: an object of class to fill rate."))
        unknown = sorted(set(service_levels) - set(DEFAULT_SERVICE_LEVELS))
        if unknown:
            raise DomainError(
                gettext("service_levels: unknown class %(values)s (AX to CZ).")
                % {"values": ", ".join(unknown)}
            )
        levels = {**settings.service_levels}
        for code, value in service_levels.items():
            try:
                level = float(value)
            except (TypeError, ValueError) as error:
                raise DomainError(
                    gettext("service_levels.%(code)s: not a number.") % {"code": code}
                ) from error
            if not 0.5 <= level <= 0.999:
                raise DomainError(
                    gettext("service_levels.%(code)s: must be between 0.5 and 0.999.")
                    % {"code": code}
                )
            levels[code] = level
        settings.service_levels = levels
    if budget is not None or clear_budget:
        if budget is not None and Decimal(budget) < 0:
            raise DomainError(gettext("budget: must not be negative."))
        settings.budget = None if clear_budget else Decimal(budget)
    if supplier_budgets is not None:
        if not isinstance(supplier_budgets, dict):
            raise DomainError(gettext("supplier_budgets: an object of supplier id to amount."))
        cleaned = {}
        try:
            for supplier, amount in supplier_budgets.items():
                if amount is None or amount == "":
                    continue
                if Decimal(str(amount)) < 0:
                    raise DomainError(
                        gettext("supplier_budgets.%(supplier)s: must not be negative.")
                        % {"supplier": supplier}
                    )
                cleaned[str(int(supplier))] = str(Decimal(str(amount)))
        except (TypeError, ValueError, ArithmeticError) as error:
            raise DomainError(
                gettext("supplier_budgets: supplier ids and amounts are numbers.")
            ) from error
        own = Supplier.objects.for_merchant(merchant).filter(pk__in=[int(k) for k in cleaned])
        if own.count() != len(cleaned):
            raise DomainError(gettext("supplier_budgets: no such supplier."))
        settings.supplier_budgets = cleaned
    if service_policy is not None:
        if service_policy not in PlanningSettings.ServicePolicy.values:
            raise DomainError(
                gettext("service_policy: one of %(values)s.")
                % {"values": ", ".join(PlanningSettings.ServicePolicy.values)}
            )
        settings.service_policy = service_policy
    if minimum_fill_rate is not None:
        try:
            minimum = Decimal(str(minimum_fill_rate))
        except ArithmeticError as error:
            raise DomainError(gettext("minimum_fill_rate: not a number.")) from error
        if not Decimal("0") <= minimum <= Decimal("0.99"):
            raise DomainError(gettext("minimum_fill_rate: must be between 0 and 0.99."))
        if minimum > merchant.target_service_level:
            raise DomainError(
                gettext(
                    "minimum_fill_rate: must not exceed the store's target service level "
                    "(%(target_service_level)s)."
                )
                % {"target_service_level": format(merchant.target_service_level, ".3f")}
            )
        settings.minimum_fill_rate = minimum
    for name, value in (
        ("default_lead_time_days", default_lead_time_days),
        ("default_lead_time_std_days", default_lead_time_std_days),
        ("alert_minimum_value", alert_minimum_value),
    ):
        if value is not None:
            try:
                setattr(settings, name, Decimal(str(value)))
            except ArithmeticError as error:
                raise DomainError(gettext("%(name)s: not a number.") % {"name": name}) from error
    for name, value in (
        ("overstock_days", overstock_days),
        ("stale_days", stale_days),
        ("digest_enabled", digest_enabled),
    ):
        if value is not None:
            setattr(settings, name, value)
    settings.full_clean()
    settings.save()
    return settings
