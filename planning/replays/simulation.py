"""Replaying history day by day under an ordering policy (the proof behind the reorder
suggestions, `bench/policy`).

Every policy sees the same demand, lead times, packs and MOQs. At each review day it is asked
for an order per series, given the stock position; orders arrive after the series' lead
time; each day's demand is served from stock on hand and what cannot be served is lost
(not back-ordered: an online shopper buys elsewhere). All series move together as numpy
arrays, one step per day.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, fields

import numpy as np

from planning.policy import whole_packs

# (day index, stock position per series) -> units wanted per series (before pack and MOQ)
Policy = Callable[[int, np.ndarray], np.ndarray]


@dataclass(frozen=True)
class Setup:
    # whole days from order to arrival: (series,), or (series, reviews) for a lead time
    # drawn anew for every order (the same draws for every policy replayed)
    lead_days: np.ndarray
    pack_size: np.ndarray  # (series,)
    moq: np.ndarray  # (series,)
    unit_cost: np.ndarray  # (series,)
    unit_price: np.ndarray  # (series,)
    review_days: int = 7
    holding_rate: float = 0.25  # of the unit cost per year


def rounded(wanted: np.ndarray, setup: Setup) -> np.ndarray:
    """Per series: nothing if nothing is wanted, else at least the MOQ in whole packs
    (`policy.whole_packs`)."""
    return whole_packs(wanted, setup.pack_size, setup.moq)


@dataclass(frozen=True)
class Outcome:
    fill_rate: float  # units served / units demanded
    cycle_service_level: float  # share of review cycles with no lost sale
    stock_out_days: float  # per series, days with a lost sale
    average_inventory_value: float  # at cost, all series, end of day
    holding_cost: float
    lost_sales_cost: float  # lost units x unit margin
    orders: int
    served: np.ndarray | None = None  # units served per series (for fill rates by class)
    demanded: np.ndarray | None = None  # units demanded per series
    inventory: np.ndarray | None = None  # average inventory value per series (at cost)
    # on the days `replay` was told are beyond what the history showed (a SKU selling more
    # than on any day before): units demanded and units lost there; None when none were told
    demanded_beyond: float | None = None
    lost_beyond: float | None = None
    # a calibrated policy's scale on its expected units short at each review, the largest of
    # its groups' (`planning.replays.shortfalls`); None for a policy that learns none
    scales: tuple[float, ...] | None = None
    # and per review (rows) and series, the units its orders were expected to leave short
    # (unscaled) and did, NaN where a period had not passed (`Shortfalls.judged`)
    judged_expected: np.ndarray | None = None
    judged_found: np.ndarray | None = None

    @property
    def total_cost(self) -> float:
        return self.holding_cost + self.lost_sales_cost

    @property
    def lost_units(self) -> float | None:
        """Units demanded and not served (None without the per-series arrays)."""
        if self.served is None or self.demanded is None:
            return None
        return float(self.demanded.sum() - self.served.sum())

    @property
    def beyond_share(self) -> float | None:
        """The share of the units lost that were lost on the days beyond the history; None
        where those days were not counted or nothing was lost."""
        lost = self.lost_units
        if self.lost_beyond is None or not lost:
            return None
        return self.lost_beyond / lost

    def figures(self) -> dict[str, float]:
        """The store-wide figures (not the per-series arrays), with the total cost, the units
        lost and the share of them lost beyond the history."""
        return {
            field.name: getattr(self, field.name)
            for field in fields(self)
            if field.name
            not in ("served", "demanded", "inventory", "judged_expected", "judged_found")
        } | {
            "total_cost": self.total_cost,
            "lost_units": self.lost_units,
            "beyond_share": self.beyond_share,
        }


def replay(
    demand: np.ndarray,
    *,
    setup: Setup,
    policy: Policy,
    on_hand: np.ndarray,
    measure_from: int = 0,
    beyond: np.ndarray | None = None,
) -> Outcome:
    """Run ``policy`` over ``demand`` (series, days), starting with ``on_hand`` and nothing
    on order. Figures count from day ``measure_from`` (after a warm-up). ``beyond`` (series,
    days; true on a day whose demand no history foretold, `replay.beyond_history`) also
    counts the units demanded and lost on those days."""
    series, days = demand.shape
    demand = np.nan_to_num(np.asarray(demand, dtype=float))
    stock = np.asarray(on_hand, dtype=float).copy()
    pipeline = np.zeros((series, days + int(setup.lead_days.max()) + 1))
    served_total = demanded_total = 0.0
    served_by_series, demanded_by_series = np.zeros(series), np.zeros(series)
    inventory_by_series = np.zeros(series)
    inventory_value = lost_value = 0.0
    stock_out_days = np.zeros(series)
    cycle_short = np.zeros(series, dtype=bool)
    cycles = cycles_ok = 0
    orders = 0
    demanded_beyond = lost_beyond = 0.0
    for day in range(days):
        stock += pipeline[:, day]
        if day % setup.review_days == 0:
            if day > measure_from:
                cycles += series
                cycles_ok += int((~cycle_short).sum())
            cycle_short[:] = False
            quantity = _place_orders(day, stock, pipeline, policy, setup)
            if day >= measure_from:
                orders += int((quantity > 0).sum())
        served = np.minimum(stock, demand[:, day])
        lost = demand[:, day] - served
        stock -= served
        if day >= measure_from:
            served_total += served.sum()
            demanded_total += demand[:, day].sum()
            served_by_series += served
            demanded_by_series += demand[:, day]
            inventory_value += float((stock * setup.unit_cost).sum())
            inventory_by_series += stock * setup.unit_cost
            lost_value += float((lost * np.maximum(setup.unit_price - setup.unit_cost, 0)).sum())
            stock_out_days += lost > 1e-9
            cycle_short |= lost > 1e-9
            if beyond is not None:
                demanded_beyond += float(demand[beyond[:, day], day].sum())
                lost_beyond += float(lost[beyond[:, day]].sum())
    measured = max(days - measure_from, 1)
    return Outcome(
        fill_rate=served_total / demanded_total if demanded_total else 1.0,
        cycle_service_level=cycles_ok / cycles if cycles else 1.0,
        stock_out_days=float(stock_out_days.mean()),
        average_inventory_value=inventory_value / measured,
        holding_cost=inventory_value * setup.holding_rate / 365,
        lost_sales_cost=lost_value,
        orders=orders,
        served=served_by_series,
        demanded=demanded_by_series,
        inventory=inventory_by_series / measured,
        demanded_beyond=None if beyond is None else demanded_beyond,
        lost_beyond=None if beyond is None else lost_beyond,
    )


def _place_orders(
    day: int, stock: np.ndarray, pipeline: np.ndarray, policy: Policy, setup: Setup
) -> np.ndarray:
    """A review day's orders: what ``policy`` wants for the stock position (on hand plus on
    order), in whole packs of at least the MOQ, added to ``pipeline`` (series, days) on the
    day each arrives. Returns the quantities ordered."""
    position = stock + pipeline[:, day + 1 :].sum(axis=1)
    quantity = rounded(np.maximum(policy(day, position), 0.0), setup)
    lead = setup.lead_days
    if lead.ndim == 2:  # a lead time drawn per order: this review's
        lead = lead[:, (day // setup.review_days) % lead.shape[1]]
    pipeline[np.arange(len(stock)), day + lead] += quantity
    return quantity


def min_max_policy(
    history: Callable[[int], np.ndarray], lead_time_mean: np.ndarray, window: int = 28
) -> Policy:
    """What ERPs offer: reorder point = average daily demand over the last ``window`` days x
    the supplier's lead time x 1.5; when the position falls below it, order up to twice the
    reorder point. ``history(day)`` gives the demand (series, days) known before that day."""

    def policy(day: int, position: np.ndarray) -> np.ndarray:
        recent = history(day)[:, -window:]
        average = np.nan_to_num(np.nanmean(recent, axis=1)) if recent.shape[1] else 0.0
        reorder_point = average * np.maximum(lead_time_mean, 1) * 1.5
        return np.where(position < reorder_point, 2 * reorder_point - position, 0.0)

    return policy


def _recent_demand(
    history: Callable[[int], np.ndarray], day: int, window: int
) -> tuple[np.ndarray, np.ndarray] | None:
    """Per series, the mean and standard deviation of daily demand over the last ``window``
    days known before ``day`` (0 where nothing was observed); None before any day is known."""
    recent = history(day)[:, -window:]
    if not recent.shape[1]:
        return None
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nan_to_num(np.nanmean(recent, axis=1)), np.nan_to_num(np.nanstd(recent, axis=1))


def fair_min_max_policy(
    history: Callable[[int], np.ndarray],
    lead_time_mean: np.ndarray,
    review_days: int,
    safety: float,
    window: int = 28,
) -> Policy:
    """Min/max done properly for a periodic review: the reorder point covers the lead time
    plus the review period (an order placed at this review is the last before the next one
    can arrive) at ``safety`` standard deviations of that span's demand (daily spread over
    the last ``window`` days, days taken as independent), and the order goes up to the
    reorder point plus one review period's mean demand."""

    def policy(day: int, position: np.ndarray) -> np.ndarray:
        recent = _recent_demand(history, day, window)
        if recent is None:
            return np.zeros_like(position)
        average, spread = recent
        span = np.maximum(lead_time_mean, 1) + review_days
        reorder_point = average * span + safety * spread * np.sqrt(span)
        top = reorder_point + average * review_days
        return np.where(position < reorder_point, top - position, 0.0)

    return policy


def days_of_cover_policy(
    history: Callable[[int], np.ndarray],
    lead_time_mean: np.ndarray,
    review_days: int,
    cover_days: float,
    window: int = 28,
) -> Policy:
    """The merchant's own rule, "keep N days of cover", as merchants run it: at a review,
    when the stock position (on hand plus on order) is below the average daily demand of the
    last ``window`` days x (lead time + review period), so that it would run out before an
    order placed at the next review could arrive, order up to that average x (lead time +
    ``cover_days``). No safety stock but the cover itself: ``cover_days`` is the knob. Packs
    and MOQs are the replay's rounding, as for every policy."""

    def policy(day: int, position: np.ndarray) -> np.ndarray:
        recent = _recent_demand(history, day, window)
        if recent is None:
            return np.zeros_like(position)
        average, _spread = recent
        lead = np.maximum(lead_time_mean, 1)
        reorder_point = average * (lead + review_days)
        top = average * (lead + cover_days)
        return np.where(position < reorder_point, np.maximum(top - position, 0.0), 0.0)

    return policy
