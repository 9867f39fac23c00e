"""The store-wide allocation: one fill-rate target met by the store as a whole at the least
stock value, each SKU at least at a floor. For each series, the units short a review period
at each candidate order (`short_curve`, `order_choices`, with packs, MOQs and lost sales);
then one shadow price of a unit short, found by bisection, picks every series' order at once
(`choose_orders`, `allocate`). The per-series maths is `planning.policy`'s."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from planning.policy import GRID, Demand, expected_short, whole_packs


@dataclass(frozen=True)
class ShortCurve:
    """One series' candidate order-up-to levels (ascending) and the expected units short per
    cycle at each, with what one unit of stock costs and the mean demand of one review."""

    levels: np.ndarray
    short: np.ndarray
    unit_cost: float
    per_review: float


def short_curve(
    demand: Demand, unit_cost: float, floor: float = 0.0, rounding: float = 0.0
) -> ShortCurve:
    """The candidates for `allocate`: every level from the one meeting the fill-rate
    ``floor`` upwards (a series never goes below its floor, whatever it costs). An order is
    rounded up to whole packs, so the position after ordering lies above the level asked for
    by ``rounding`` units on average (half a pack): the shortfall is judged there."""
    candidates = np.unique(np.quantile(demand.over_cycle, np.linspace(0, 1, GRID)))
    short = expected_short(demand, candidates + rounding)
    allowed = (1 - floor) * demand.per_review
    first = np.flatnonzero(short <= allowed + 1e-9)
    keep = slice(first[0] if len(first) else len(candidates) - 1, None)
    return ShortCurve(candidates[keep], short[keep], float(unit_cost), demand.per_review)


def feasible_quantities(wanted: np.ndarray, pack: np.ndarray, moq: np.ndarray) -> np.ndarray:
    """Per row (a series): nothing where nothing is wanted, else at least the MOQ in whole
    packs (`policy.whole_packs`, each row with its series' pack and MOQ)."""
    return whole_packs(wanted, np.asarray(pack)[:, None], np.asarray(moq)[:, None])


@dataclass(frozen=True)
class OrderChoices:
    """Per series (rows): the orders it can place today, ascending (nothing first, then whole
    packs of at least the MOQ), and the expected units short in the review period each
    protects (lost sales, `uncovered`)."""

    quantities: np.ndarray  # (series, choices)
    short: np.ndarray  # (series, choices)
    per_review: np.ndarray  # (series,) mean demand of one review period


def order_choices(
    over_lead: np.ndarray,
    over_cycle: np.ndarray,
    position: np.ndarray,
    pack: np.ndarray,
    moq: np.ndarray,
) -> OrderChoices:
    """`OrderChoices` for many series at once from their drawn sums (series, paths): the
    candidates are the paths' uncovered units rounded to what the supplier sells, so the
    pack and the MOQ are in the fill rate an order is judged by (a rounding up serves more,
    and the allocation knows it)."""
    series, count = over_cycle.shape
    review = np.maximum(over_cycle - over_lead, 0.0)
    gap = np.sort(review - np.maximum(position[:, None] - over_lead, 0.0), axis=1)
    wanted = np.concatenate([np.zeros((series, 1)), np.maximum(gap, 0.0)], axis=1)
    quantities = feasible_quantities(wanted, pack, moq)
    # E[(gap - q)+] per row from the sorted gaps and their tail sums: one search for all rows
    tail = np.concatenate([np.cumsum(gap[:, ::-1], axis=1)[:, ::-1], np.zeros((series, 1))], 1)
    lowest = float(gap.min()) if gap.size else 0.0
    span = float(gap.max() - lowest) + 1.0 if gap.size else 1.0
    offset = (np.arange(series) * span)[:, None]
    # below the row's smallest gap every gap is above it: half a unit under the lowest gap
    # stays clear of the row before (the span leaves a whole unit between rows)
    probe = np.clip(quantities, lowest - 0.5, gap[:, -1:]) + offset
    above = (
        np.searchsorted((gap + offset).ravel(), probe.ravel(), side="right").reshape(probe.shape)
        - np.arange(series)[:, None] * count
    )
    above = np.clip(above, 0, count)
    rows = np.arange(series)[:, None]
    short = np.maximum(tail[rows, above] - quantities * (count - above), 0.0) / max(count, 1)
    return OrderChoices(quantities, short, review.mean(axis=1))


def choose_orders(
    choices: OrderChoices,
    unit_cost: np.ndarray,
    target: float,
    *,
    store_wide: bool = True,
    floor: float = 0.0,
    allowed: np.ndarray | None = None,
) -> np.ndarray:
    """Today's order per series: with ``store_wide``, the orders that together serve
    ``target`` of the store's demand at the least stock value (`allocate`), no series below
    ``floor``; else the smallest order that holds each series to ``target`` itself, or
    leaves it at most ``allowed`` units short where that is given (per series)."""
    quantities, short = choices.quantities, choices.short
    rows = np.arange(len(quantities))
    if not store_wide:
        if allowed is None:
            allowed = (1 - target) * choices.per_review
        meets = short <= np.asarray(allowed, dtype=float)[:, None] + 1e-9
        first = np.where(meets.any(axis=1), meets.argmax(axis=1), quantities.shape[1] - 1)
        return quantities[rows, first]
    below_floor = short > ((1 - floor) * choices.per_review)[:, None] + 1e-9
    below_floor[:, -1] = False  # the largest order stays a choice even if it falls short
    penalised = np.where(below_floor, np.inf, short)
    allowed = (1 - target) * float(choices.per_review.sum())
    picks = _cheapest_within(quantities, penalised, unit_cost, allowed)
    return quantities[rows, picks]


def _at_shadow_price(choose, allowed: float):
    """What ``choose(price)`` picks (it returns picks and their total shortfall) at the
    lowest shadow price of a unit short, found by bisection, whose shortfall fits within
    ``allowed``; the picks at the highest price when even those fall short (the most that
    can be done)."""
    low, high = 1e-6, 1e9  # one short unit worth (almost) nothing .. everything
    picks, total = choose(high)
    if total > allowed:
        return picks
    for _ in range(60):
        middle = math.sqrt(low * high)
        _, total = choose(middle)
        if total > allowed:
            low = middle
        else:
            high = middle
        if high / low < 1.001:
            break
    return choose(high)[0]


def _cheapest_within(
    levels: np.ndarray, short: np.ndarray, unit_cost: np.ndarray, allowed: float
) -> np.ndarray:
    """Per row, the column minimising cost x level + price x short for the one shadow price
    of a unit short (bisection) at which the rows' shortfalls together fit ``allowed``."""
    costs = np.maximum(np.asarray(unit_cost, dtype=float), 1e-6)[:, None] * levels
    rows = np.arange(len(levels))

    def choose(price: float) -> tuple[np.ndarray, float]:
        with np.errstate(invalid="ignore"):
            best = np.argmin(costs + price * short, axis=1)
        return best, float(np.nan_to_num(short[rows, best], posinf=0.0).sum())

    return _at_shadow_price(choose, allowed)


def allocate(curves: list[ShortCurve], target: float) -> np.ndarray:
    """Order-up-to levels for many series so that together they serve ``target`` of their
    demand (units served / units demanded, as a fill rate is measured across a store) with
    the least stock value: each series takes the level minimising cost x level + price x
    units short, and one shadow price of a unit short, found by bisection, makes the total
    shortfall fit. A cheap, steady series is thus held to a higher fill rate than a dear,
    erratic one, whose safety stock buys little service per pound. Each series keeps the
    floor its curve was cut at."""
    if not curves:
        return np.zeros(0)
    allowed = (1 - target) * sum(curve.per_review for curve in curves)
    width = max(len(curve.levels) for curve in curves)

    def padded(values: np.ndarray) -> np.ndarray:  # a short curve repeats its last candidate
        return np.pad(values, (0, width - len(values)), mode="edge")

    levels = np.stack([padded(curve.levels) for curve in curves])
    short = np.stack([padded(curve.short) for curve in curves])
    costs = np.array([max(curve.unit_cost, 1e-6) for curve in curves])[:, None] * levels
    rows = np.arange(len(curves))

    def choose(price: float) -> tuple[np.ndarray, float]:
        best = np.argmin(costs + price * short, axis=1)
        return levels[rows, best], float(short[rows, best].sum())

    return _at_shadow_price(choose, allowed)
