"""Calibrating the orders on the units they left short: what each review's orders were
expected to leave short against what they did, learnt as the replay goes.

A fill rate counts units, so the correction counts units too. At each review the store-wide
allocation picks the orders whose expected units short (`planning.allocation.order_choices`)
fit the target; once an order's review period after its arrival has passed, the units it
did leave short are known: the period's demand, less what was left of the position when
the order arrived, less the order (the lost-sales reading of `planning.policy.uncovered`,
with what happened in place of the drawn sums). Their ratio over the store's passed orders,
shrunk towards 1 while they are few, scales the next review's expected shortfalls before
the allocation chooses. Being learnt at the orders the policy actually picked, it also
corrects what choosing itself adds: the allocation favours the series whose drawn tails
look cheapest, which are the ones whose tails are too thin as often as not. Learnt where the
target is set: one ratio for the store-wide policy (per demand class it would move stock
between classes that the allocation balances on purpose), one per demand class where every SKU
is held to the target itself (``groups``), each shrunk towards the ratio of all the classes
together while its own reviews are few (`CLASS_PRIOR_REVIEWS`). The ratio and the units left
short are the nightly plan's own (`planning.calibration`), each order counting once its own
period has passed, with one difference: here an order is judged on the lead time it took (the
plan, on the one it was planned on).

Where every SKU is held to the target itself, each also keeps a fill account
(`FillAccount`): the target holds for its fill over the run, not for each review, so a slow
series whose whole packs served several reviews better than asked may leave more short at its
next order.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from planning.calibration import (
    CLASS_PRIOR_REVIEWS,
    PRIOR_REVIEWS,
    shortfall_ratio,
    units_left_short,
)

ACCOUNT_REVIEWS = 8.0  # a fill account's balance stays within this many reviews' allowance
UNFINISHED = np.iinfo(np.int64).max  # the end of a period cut short by the replay's end


@dataclass
class Shortfalls:
    """The orders of one replayed policy, each with the units it was expected to leave
    short and, from the demand that followed, the units it did."""

    demand: np.ndarray  # (series, days of the replay)
    lead_days: np.ndarray  # (series, reviews): the lead time each review's order took
    review: int
    groups: np.ndarray | None = None  # (series,): a ratio per group; None: one for all
    prior: float = PRIOR_REVIEWS
    class_prior: float = CLASS_PRIOR_REVIEWS  # where there are groups: towards the pooled ratio
    orders: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = field(default_factory=list)
    given: list[float] = field(default_factory=list)  # per call of `scale`: its largest

    def scale(self, day: int) -> np.ndarray:
        """Per series, the scale on the expected shortfalls of ``day``'s orders: over the
        orders whose review period has passed by then, (units short + prior) / (units
        expected short + prior), the prior being ``prior`` reviews' worth of expected
        shortfall. Where there are groups, each group's ratio is shrunk instead towards that
        pooled ratio of all groups, by ``class_prior`` reviews' worth of its own expected
        shortfall: every group is held to the same target, and a small group's few reviews
        say less about its ratio than the store's do."""
        series = len(self.demand)
        groups = np.zeros(series, dtype=int) if self.groups is None else self.groups
        expected, actual = np.zeros(series), np.zeros(series)
        reviews = 0
        for ends, hoped, found in self.orders:
            passed = ends <= day
            expected += np.where(passed, hoped, 0.0)
            actual += np.where(passed, found, 0.0)
            reviews += int(passed.any())
        pooled = shortfall_ratio(expected.sum(), actual.sum(), reviews, self.prior)
        names = np.unique(groups)
        scale = np.full(series, pooled)
        for group in names if len(names) > 1 else ():
            rows = groups == group
            scale[rows] = shortfall_ratio(
                expected[rows].sum(), actual[rows].sum(), reviews, self.class_prior, pooled
            )
        self.given.append(float(scale.max()) if series else 1.0)
        return scale

    def judged(self) -> tuple[np.ndarray, np.ndarray]:
        """Per review (rows) and series (columns), the units its order was expected to leave
        short (unscaled) and the units it did, NaN where the order's period had not passed by
        the end of the replay (never learnt from)."""
        if not self.orders:
            empty = np.zeros((0, len(self.demand)))
            return empty, empty.copy()
        passed = np.array([ends != UNFINISHED for ends, _h, _f in self.orders])
        hoped = np.array([hoped for _e, hoped, _f in self.orders], dtype=float)
        found = np.array([found for _e, _h, found in self.orders], dtype=float)
        return np.where(passed, hoped, np.nan), np.where(passed, found, np.nan)

    def record(
        self, day: int, position: np.ndarray, quantity: np.ndarray, expected: np.ndarray
    ) -> None:
        """Keep ``day``'s orders: ``quantity`` ordered at ``position`` (per series), expected
        to leave ``expected`` units short (unscaled), and what they did leave short."""
        days = self.demand.shape[1]
        lead = self.lead_days[:, (day // self.review) % self.lead_days.shape[1]]
        actual = units_left_short(
            self.demand[:, day:],
            position=position,
            quantity=quantity,
            lead_days=lead,
            review_days=self.review,
        )
        # a period cut short by the end of the replay never counts as passed
        arrives = day + lead
        ends = np.where(arrives + self.review > days, UNFINISHED, arrives + self.review)
        self.orders.append((ends, np.asarray(expected, dtype=float), actual))


@dataclass
class FillAccount:
    """Per series held to the target by itself, the units short its earlier orders were
    allowed and not expected to use. Such a series orders whole packs and at least the MOQ,
    so one order often serves several review periods far better than the target asks, and a
    review that must order takes a whole pack even where a little short would do: judged
    review by review, a slow series overshoots its target. Each review allows 1 - target of
    the period's mean demand short; the account keeps what the chosen order was expected to
    leave short (scaled as the shortfalls learnt) against that, so a series that has run
    ahead of its target may leave that much more short at its next review and one behind it
    must leave less: its fill over the run, not each review's, is held to the target. The
    balance stays within ``reviews`` reviews' allowance either way."""

    target: float
    series: int
    reviews: float = ACCOUNT_REVIEWS
    balance: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.balance = np.zeros(self.series)

    def allowed(self, per_review: np.ndarray) -> np.ndarray:
        """Per series, the units today's order may be expected to leave short."""
        return np.maximum((1 - self.target) * per_review + self.balance, 0.0)

    def spend(self, per_review: np.ndarray, expected: np.ndarray) -> None:
        """Book today's orders, ``expected`` to leave that many units short."""
        allowance = (1 - self.target) * per_review
        bound = self.reviews * allowance
        self.balance = np.clip(self.balance + allowance - expected, -bound, bound)
