"""How a planner's forecast override changes a forecast: the one rule every reader of a
forecast gets it through (`forecasting.selectors`), so suggestions, alerts, the chart and
accuracy all see the same adjusted quantiles.

The rule, per day the override covers:

- a percent change ``p`` scales every quantile by ``1 + p / 100`` (-100% forecasts nothing);
- a value ``v`` (units per day) sets the median to ``v`` and scales the other quantiles by the
  same factor ``v / median``, so the forecast keeps its shape (its spread relative to its
  level). Where the model's median is 0 (intermittent demand, no factor to take), every
  quantile is raised by ``v`` instead: the median becomes ``v`` and the spread is kept.

Where several overrides cover the same day of the same series, one applies: one for the
series' own location before one for every location, and of those the newest. An override
is in force on a day from the day it was set (in the store's time zone) to its expiry, that
day included, unless it was ended on or before that day; a forecast read today gets the
overrides in force today.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from forecasting.quantiles import MEDIAN_INDEX

VALUE = "value"
PERCENT = "percent"


@dataclass(frozen=True)
class Adjustment:
    """One override as the rule needs it (`ForecastOverride` without the database)."""

    override_id: int
    sku_id: int
    location_id: int | None  # None: every location
    start_date: dt.date
    end_date: dt.date
    kind: str
    amount: float
    set_on: dt.date  # the day it was set, in the store's time zone
    expires_on: dt.date
    ended_on: dt.date | None = None
    planner_id: int | None = None

    def in_force(self, on: dt.date) -> bool:
        return self.set_on <= on <= self.expires_on and (
            self.ended_on is None or on < self.ended_on
        )

    def covers(self, day: dt.date) -> bool:
        return self.start_date <= day <= self.end_date

    def precedence(self) -> tuple:
        # the location's own before every location's, then the newest
        return (self.location_id is not None, self.set_on, self.override_id)


def adjust_values(values: np.ndarray, median: float | np.ndarray, kind: str, amount: float):
    """``values`` (quantiles of one day, or of several days as columns) under an override,
    given the model's median of the same day(s)."""
    values = np.asarray(values, dtype=float)
    if kind == PERCENT:
        return values * max(1.0 + amount / 100.0, 0.0)
    median = np.asarray(median, dtype=float)
    positive = median > 0
    factor = np.where(positive, amount / np.where(positive, median, 1.0), 1.0)
    shift = np.where(positive, 0.0, amount)
    return values * factor + shift


@dataclass
class Adjustments:
    """The overrides in force for a set of series, ready to apply: `apply` to a whole
    forecast (levels, horizon), `apply_on_day` to some levels of one day."""

    by_sku: dict[int, list[Adjustment]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def of(cls, adjustments: Iterable[Adjustment]) -> Adjustments:
        found = cls()
        for adjustment in sorted(adjustments, key=Adjustment.precedence):
            found.by_sku[adjustment.sku_id].append(adjustment)
        return found

    def __bool__(self) -> bool:
        return any(self.by_sku.values())

    def for_series(self, sku_id: int, location_id: int) -> list[Adjustment]:
        """Those that reach the series, the one that wins last (`Adjustment.precedence`)."""
        return [
            adjustment
            for adjustment in self.by_sku.get(sku_id, ())
            if adjustment.location_id in (None, location_id)
        ]

    def on_day(self, sku_id: int, location_id: int, day: dt.date) -> Adjustment | None:
        """The override that sets the series' forecast of ``day``, if any."""
        found = None
        for adjustment in self.for_series(sku_id, location_id):
            if adjustment.covers(day):
                found = adjustment
        return found

    def apply(
        self, sku_id: int, location_id: int, first_date: dt.date, quantiles: np.ndarray
    ) -> np.ndarray:
        """The forecast (levels, horizon) from ``first_date`` with the overrides that reach
        it; the stored array itself when none does (it is never written to)."""
        reaching = self.for_series(sku_id, location_id)
        if not reaching:
            return quantiles
        horizon = quantiles.shape[1]
        last = first_date + dt.timedelta(days=horizon - 1)
        adjusted = None
        for adjustment in reaching:  # later ones win the days they share
            if adjustment.end_date < first_date or adjustment.start_date > last:
                continue
            start = max((adjustment.start_date - first_date).days, 0)
            stop = min((adjustment.end_date - first_date).days, horizon - 1) + 1
            if adjusted is None:
                adjusted = np.array(quantiles, dtype=np.float32)
            model = quantiles[:, start:stop]
            adjusted[:, start:stop] = adjust_values(
                model, model[MEDIAN_INDEX], adjustment.kind, adjustment.amount
            )
        return quantiles if adjusted is None else adjusted

    def apply_on_day(
        self, sku_id: int, location_id: int, day: dt.date, values: np.ndarray, median: float
    ) -> np.ndarray:
        """``values`` (some levels of the series' forecast of ``day``) with the override of
        that day, given the model's median of it."""
        adjustment = self.on_day(sku_id, location_id, day)
        if adjustment is None:
            return values
        adjusted = adjust_values(values, median, adjustment.kind, adjustment.amount)
        return np.asarray(adjusted, dtype=np.float32)
