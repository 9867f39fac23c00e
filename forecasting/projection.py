"""Stock on hand projected day by day from a forecast: demand paths drawn from the stored
quantiles are served from today's available stock plus what open purchase orders bring on
their expected days; what cannot be served is lost (an online shopper buys elsewhere)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from forecasting.paths import COMMON_SHARE, sample_paths

PATHS = 500
BAND = (0.1, 0.5, 0.9)  # the 80% range and the median the page shows, of stock and of totals


def forecast_paths(
    quantiles: np.ndarray, correlation: float, *, seed: int = 0, common: float | None = None
) -> np.ndarray:
    """The demand paths (PATHS, horizon) a stored forecast's page reads its stock projection
    and its totals from: drawn with the forecast's shock ``correlation`` and ``common`` share
    (`forecasting.paths.sample_paths`), seeded by the SKU so that every reading of one
    forecast draws the same paths."""
    common = COMMON_SHARE if common is None else common
    return sample_paths(quantiles, correlation, PATHS, seed, common)


def stored_paths(forecast, quantiles: np.ndarray | None = None) -> np.ndarray:
    """`forecast_paths` of a stored forecast, seeded by its SKU: of its own quantiles, or of
    ``quantiles`` in their place (the forecast with the overrides in force)."""
    return forecast_paths(
        forecast.array() if quantiles is None else quantiles,
        forecast.path_correlation,
        seed=forecast.sku_id,
        common=forecast.path_common_share,
    )


def median_total(paths: np.ndarray, days: int = 28) -> float:
    """The median of the paths' demand over their first ``days`` days (a stored forecast's
    28-day figure: ``median_total(stored_paths(forecast))``)."""
    return float(totals(paths, slice(0, days))[1])


def totals(paths: np.ndarray, days, weights: np.ndarray | None = None) -> np.ndarray:
    """The 10th, 50th and 90th percentile of the paths' demand summed over ``days`` (a slice
    or the days' indices), each day weighted by ``weights`` where given (0 for a closed day).
    A total's median is read from the paths' totals, not added up from the days' medians: a
    product that sells on one day in three has a daily median of nothing, and its four weeks
    do not."""
    chosen = paths[:, days]
    if weights is not None:
        chosen = chosen * np.asarray(weights, dtype=float)
    return np.quantile(chosen.sum(axis=1), BAND)


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
    low, median, high = np.quantile(levels, BAND, axis=0)
    return Projection(low, median, high, short_by, lost / max(count, 1))
