"""Stock on hand projected day by day from a forecast: demand paths drawn from the stored
quantiles are served from today's available stock plus what open purchase orders bring on
their expected days; what cannot be served is lost (an online shopper buys elsewhere)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from forecasting.paths import COMMON_SHARE, sample_paths

PATHS = 500


@dataclass(frozen=True)
class Projection:
    """Per day of the horizon, after that day's demand: stock on hand at the 10th, 50th and
    90th percentile of the paths, and the probability that some demand went unserved that
    day or before."""

    low: np.ndarray
    median: np.ndarray
    high: np.ndarray
    stock_out_by: np.ndarray
    lost_units: float  # expected units short over the horizon

    def first_stock_out(self, probability: float = 0.5) -> int | None:
        """The first day (index) on which a stock-out has happened by then with at least
        ``probability``; None if never within the horizon."""
        days = np.flatnonzero(self.stock_out_by >= probability)
        return int(days[0]) if len(days) else None


def project_stock(
    paths: np.ndarray, available: float, arrivals: np.ndarray | None = None
) -> Projection:
    """Stock per path and day from demand ``paths`` (count, days), starting with
    ``available`` units; ``arrivals`` (days,) are units received at the start of each day."""
    count, days = paths.shape
    arrivals = np.zeros(days) if arrivals is None else np.asarray(arrivals, dtype=float)
    stock = np.full(count, max(float(available), 0.0))
    levels = np.empty((count, days))
    short_yet = np.zeros(count, dtype=bool)
    short_by = np.empty(days)
    lost = 0.0
    for day in range(days):
        stock += arrivals[day]
        served = np.minimum(stock, paths[:, day])
        short = paths[:, day] - served
        short_yet |= short > 1e-9
        lost += float(short.sum())
        stock -= served
        levels[:, day] = stock
        short_by[day] = short_yet.mean()
    low, median, high = np.quantile(levels, [0.1, 0.5, 0.9], axis=0)
    return Projection(low, median, high, short_by, lost / max(count, 1))


def project_forecast(
    quantiles: np.ndarray,
    correlation: float,
    available: float,
    arrivals: np.ndarray | None = None,
    *,
    days: int | None = None,
    seed: int = 0,
    common: float = COMMON_SHARE,
) -> Projection:
    """`project_stock` for a stored forecast (quantiles (levels, horizon), its paths drawn
    with its shock ``correlation`` and ``common`` share) over its first ``days`` days (all
    of them by default)."""
    days = quantiles.shape[1] if days is None else min(days, quantiles.shape[1])
    paths = sample_paths(quantiles[:, :days], correlation, PATHS, seed, common)
    if arrivals is not None:
        arrivals = np.asarray(arrivals, dtype=float)[:days]
    return project_stock(paths, available, arrivals)
