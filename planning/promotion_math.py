"""The arithmetic of promotion plans, apart from the database: how much a promotion lifts a
SKU's demand, and which window and discount clear an overstock at the best margin.

Uplift. Plans use the controlled estimate of `planning.promotion_uplift` (`evidence`,
`estimate`): each past promotion against a counterfactual fitted on the days around it with
weekday, trend and seasonal terms, pooled empirical-Bayes style, with an interval. The crude
before/after estimate stays here for comparison (bench/promotions): each promotion day of a SKU
at a location is set against that series' mean demand on the open, unpromoted, in-stock days
within `BASELINE_DAYS` either side; the SKU's uplift is the ratio of its promoted demand to that
baseline over all its promotion days, and its log-uplift is shrunk toward the category's (and
the category's toward the merchant's, and that toward a prior) with weight n / (n +
`SHRINK_DAYS`). Before/after is biased wherever demand around a promotion is not flat: a
promotion at a seasonal peak looks like a triumph, one in a trough like a failure.

Price response. A promotion at discount d lifting demand by U gives the constant-elasticity
response U = (1 - d) ** elasticity, so elasticity = log U / log(1 - d); it is pooled and bounded
to `ELASTICITY_BOUNDS`. The uplift at another depth is (1 - d') ** elasticity.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from planning.promotion_pooling import ELASTICITY_BOUNDS, PRIOR_ELASTICITY, estimate
from planning.promotion_uplift import Effect, Evidence, SeriesDays, evidence, evidence_by_sku

__all__ = [
    "Effect",
    "Evidence",
    "SeriesDays",
    "before_after_evidence",
    "best_plan",
    "estimate",
    "estimate_before_after",
    "evidence",
    "evidence_by_sku",
    "outcome",
    "plan_value",
]

BASELINE_DAYS = 28
SHRINK_DAYS = 14.0
DEPTHS = (0.1, 0.2, 0.3, 0.4, 0.5)
DURATIONS = (7, 14, 21, 28)
STARTS = (1, 8, 15, 22, 29)  # days after the last day of history
# Constant elasticity overstates the lift of deep discounts far from the depths seen: no plan
# counts on more than this multiple of normal demand.
MAX_UPLIFT = 4.0


def before_after_evidence(series: list[SeriesDays]) -> Evidence | None:
    """Before/after evidence over the promotion days of a SKU's series (for comparison)."""
    promoted_units = baseline_units = discount_sum = 0.0
    days = 0
    for one in series:
        plain = one.usable & ~one.promoted
        units = np.where(plain, one.units, 0.0)
        counts = plain.astype(float)
        width = 2 * BASELINE_DAYS + 1
        kernel = np.ones(width)
        sums = np.convolve(units, kernel, mode="same")
        totals = np.convolve(counts, kernel, mode="same")
        for day in np.flatnonzero(one.promoted & one.usable):
            if totals[day] < 7:  # too little unpromoted history around it
                continue
            promoted_units += one.units[day]
            baseline_units += sums[day] / totals[day]
            discount_sum += one.discount[day]
            days += 1
    if days == 0 or baseline_units <= 0:
        return None
    return Evidence(promoted_units, baseline_units, days, discount_sum / days)


def _elasticity(found: Evidence) -> float | None:
    if found.discount < 0.02:
        return None
    value = found.log_uplift / math.log(1 - found.discount)
    return float(np.clip(value, *ELASTICITY_BOUNDS))


def _pooled(items: list[Evidence]) -> Evidence | None:
    items = [item for item in items if item is not None]
    if not items:
        return None
    days = sum(item.days for item in items)
    return Evidence(
        sum(item.promoted_units for item in items),
        sum(item.baseline_units for item in items),
        days,
        sum(item.discount * item.days for item in items) / days,
    )


def _shrink(own: float | None, days: int, toward: float) -> float:
    if own is None:
        return toward
    weight = days / (days + SHRINK_DAYS)
    return weight * own + (1 - weight) * toward


def estimate_before_after(
    per_sku: dict[int, Evidence | None], category: dict[int, str]
) -> dict[int, Effect]:
    """The crude estimate (for comparison): each SKU's own before/after evidence shrunk toward
    its category's by n / (n + `SHRINK_DAYS`), the category's toward the whole store's, and
    the store's toward the prior elasticity."""
    store = _pooled(list(per_sku.values()))
    store_elasticity = _shrink(
        _elasticity(store) if store else None, store.days if store else 0, PRIOR_ELASTICITY
    )
    groups: dict[str, list[Evidence]] = {}
    for sku, found in per_sku.items():
        if found is not None:
            groups.setdefault(category.get(sku, ""), []).append(found)
    pooled = {name: _pooled(items) for name, items in groups.items()}
    effects = {}
    for sku, found in per_sku.items():
        group = pooled.get(category.get(sku, ""))
        group_elasticity = _shrink(
            _elasticity(group) if group else None, group.days if group else 0, store_elasticity
        )
        if found is not None and found.discount >= 0.02:
            elasticity = _shrink(_elasticity(found), found.days, group_elasticity)
            # the SKU's own uplift at its own depth, shrunk toward what its category's
            # response predicts at that depth
            predicted = elasticity * math.log(1 - found.discount)
            log_uplift = _shrink(found.log_uplift, found.days, predicted)
            effects[sku] = Effect(
                math.exp(log_uplift), found.discount, elasticity, found.days, "sku"
            )
        else:
            source = "category" if group else ("store" if store else "prior")
            effects[sku] = Effect(
                1.0, 0.0, float(np.clip(group_elasticity, *ELASTICITY_BOUNDS)), 0, source
            )
    return effects


@dataclass(frozen=True)
class Outcome:
    """The expected result of a plan (or of doing nothing) up to the target day."""

    units: float
    revenue: float
    margin: float
    stock_left: float


@dataclass(frozen=True)
class Plan:
    start: int  # days after the last day of history (1 = tomorrow)
    days: int
    depth: float
    uplift: float
    outcome: Outcome
    clears: bool


def outcome(
    daily: np.ndarray, stock: float, price: float, cost: float, window=None, depth=0.0, uplift=1.0
) -> Outcome:
    """Selling ``daily`` expected demand (one value per day up to the target) from
    ``stock``; inside ``window`` (start, end) at ``price`` less ``depth``, demand lifted by
    ``uplift``. What is not in stock is not sold."""
    demand = np.asarray(daily, dtype=float).copy()
    prices = np.full(len(demand), float(price))
    if window is not None:
        demand[window[0] : window[1]] *= uplift
        prices[window[0] : window[1]] *= 1 - depth
    cumulative = np.minimum(np.cumsum(demand), stock)
    sold = np.diff(np.concatenate([[0.0], cumulative]))
    revenue = float((sold * prices).sum())
    units = float(sold.sum())
    return Outcome(units, revenue, revenue - units * cost, stock - units)


def plan_value(result: Outcome, keep: float, price: float, cost: float) -> float:
    """What a plan is worth: its margin up to the target day, plus the full-price margin the
    stock left will still earn, for as much of it as the SKU needs (``keep``). Stock beyond
    that is excess and earns nothing; stock sold off below ``keep`` would have sold later at
    full price, so clearing more than the excess is no gain."""
    return result.margin + min(max(result.stock_left, 0.0), keep) * (price - cost)


def best_plan(
    daily: np.ndarray,
    stock: float,
    price: float,
    cost: float,
    effect: Effect,
    keep: float,
    blocked: np.ndarray,
) -> tuple[Plan | None, Outcome]:
    """The window and discount that bring the stock left at the target day down to ``keep``
    (the most the SKU should hold) for the most value (`plan_value`); when none gets there,
    the one that gets closest. Never below cost, never on ``blocked`` days (other
    promotions). Returns the plan (None when no promotion helps, or when doing nothing
    already leaves no more than ``keep``: there is no excess to clear, and a discount would
    sell at less what the SKU still needs) and doing nothing's outcome."""
    nothing = outcome(daily, stock, price, cost)
    if nothing.stock_left <= keep + 1e-9:
        return None, nothing
    horizon = len(daily)
    candidates: list[Plan] = []
    for start in STARTS:
        for days in DURATIONS:
            begin, end = start - 1, start - 1 + days
            if end > horizon or blocked[begin:end].any():
                continue
            for depth in DEPTHS:
                if price * (1 - depth) < cost:
                    continue
                uplift = min(effect.uplift_at(depth), MAX_UPLIFT)
                result = outcome(daily, stock, price, cost, (begin, end), depth, uplift)
                if result.units <= nothing.units + 1e-9:
                    continue
                candidates.append(
                    Plan(start, days, depth, uplift, result, result.stock_left <= keep + 1e-9)
                )
    if not candidates:
        return None, nothing
    clearing = [plan for plan in candidates if plan.clears]
    if clearing:
        # the most value; among equals the shallower, shorter, sooner one
        chosen = max(
            clearing,
            key=lambda p: (
                round(plan_value(p.outcome, keep, price, cost), 2),
                -p.depth,
                -p.days,
                -p.start,
            ),
        )
    else:
        chosen = min(candidates, key=lambda p: (round(p.outcome.stock_left, 2), -p.outcome.margin))
    return chosen, nothing
