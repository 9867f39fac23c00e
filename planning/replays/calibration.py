"""Calibrating the drawn demand sums on the store's own past forecasts.

A fill rate is only as good as the spread of demand over the lead time plus a review: too
narrow and high targets fall short, too wide and low ones overshoot. The spread the forecast
and the path model give (`forecasting.paths`) is checked here against what happened: for
each past forecast whose span (lead time + review) has passed, where the actual sum fell
among the drawn sums (its probability integral transform, PIT; randomised between the
ranks on ties, as a sum of intermittent demand is often zero). Were the drawn sums right,
the PITs would be uniform. Their empirical quantile function G⁻¹ is the correction: a drawn
sum at level u is replaced by the drawn sum at level G⁻¹(u) (the recalibration of Kuleshov
et al., 2018), so the corrected sums put the actual where it fell. It is learnt per demand
class where a class has enough PITs, else from the store as a whole, and shrunk towards no
correction while the PITs are few.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

GRID = np.linspace(0.0, 1.0, 41)  # the levels at which the correction is kept
MINIMUM = 50  # PITs a correction needs at all
PRIOR = 200  # PITs at which the correction counts as much as no correction


def pits(drawn: np.ndarray, actual: np.ndarray, seed: int = 0) -> np.ndarray:
    """Per row: where ``actual`` fell among the row's ``drawn`` sums (rows, paths), as a
    level in [0, 1]; uniform between the share below it and the share at or below it."""
    drawn = np.asarray(drawn, dtype=float)
    actual = np.asarray(actual, dtype=float)[:, None]
    below = (drawn < actual).mean(axis=1)
    at_or_below = (drawn <= actual).mean(axis=1)
    spread = np.random.default_rng(seed).uniform(size=len(below))
    return below + spread * (at_or_below - below)


@dataclass(frozen=True)
class Calibration:
    """G⁻¹ at `GRID`: the level of the drawn sums that stands in for each nominal level."""

    inverse: np.ndarray
    count: int  # the PITs it was learnt from

    @classmethod
    def identity(cls) -> Calibration:
        return cls(GRID.copy(), 0)

    @classmethod
    def fit(cls, values: np.ndarray, minimum: int = MINIMUM, prior: int = PRIOR) -> Calibration:
        """From PITs: their quantiles at `GRID`, weighted against no correction by
        count / (count + ``prior``); no correction below ``minimum`` PITs."""
        values = np.asarray(values, dtype=float)
        values = values[np.isfinite(values)]
        if len(values) < minimum:
            return cls.identity()
        learnt = np.quantile(values, GRID)
        learnt[0], learnt[-1] = 0.0, 1.0
        weight = len(values) / (len(values) + prior)
        return cls(np.maximum.accumulate(weight * learnt + (1 - weight) * GRID), len(values))

    def level(self, nominal: np.ndarray | float) -> np.ndarray:
        return np.interp(nominal, GRID, self.inverse)

    def apply(self, over_lead: np.ndarray, over_cycle: np.ndarray) -> tuple[np.ndarray, ...]:
        """Corrected sums (series, paths): each path's sum over lead time + review moves to
        the drawn sum at the corrected level of its rank, and its lead-time part moves in
        the same proportion (so a path keeps its shape and the review's part stays >= 0)."""
        over_cycle = np.asarray(over_cycle, dtype=float)
        count = over_cycle.shape[1]
        if self.count == 0 or count == 0:
            return over_lead, over_cycle
        order = np.argsort(over_cycle, axis=1, kind="stable")
        ordered = np.take_along_axis(over_cycle, order, axis=1)
        position = self.level((np.arange(count) + 0.5) / count) * count - 0.5
        position = np.clip(position, 0, count - 1)
        below = np.floor(position).astype(int)
        above = np.minimum(below + 1, count - 1)
        weight = position - below
        moved = ordered[:, below] * (1 - weight) + ordered[:, above] * weight
        corrected = np.empty_like(over_cycle)
        np.put_along_axis(corrected, order, moved, axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(over_cycle > 0, corrected / over_cycle, 0.0)
        return np.asarray(over_lead, dtype=float) * ratio, corrected


def fit_by_class(values: np.ndarray, classes: np.ndarray) -> dict[str, Calibration]:
    """One correction per demand class with enough PITs, and the store's as a whole under
    "" for the rest (`for_class`)."""
    values, classes = np.asarray(values, dtype=float), np.asarray(classes, dtype=object)
    fitted = {"": Calibration.fit(values)}
    for name in np.unique(classes):
        mine = values[classes == name]
        if len(mine) >= MINIMUM:
            fitted[str(name)] = Calibration.fit(mine)
    return fitted


def for_class(fitted: dict[str, Calibration], name: str) -> Calibration:
    return fitted.get(name) or fitted.get("") or Calibration.identity()
