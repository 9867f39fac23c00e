"""Reading a forecast's quantiles as they are served: at a level map fitted on windows that
no candidate was fitted on (`fit_levels`), never negative, in whole units where the history
is counts (`served`). `forecasting.selection` fits a map per group of series and strategy;
the explanation of a stored forecast reads the model at the level its median was served at.
"""

from __future__ import annotations

import numpy as np

from forecasting.quantiles import LEVELS

GRID = np.union1d(np.linspace(0.01, 0.99, 99), LEVELS)  # levels a served one may be read at
MAP_PRIOR_PERIODS = 200  # a level map fitted on n judged periods moves n / (n + 200) of the way
MAP_PERIODS = 40_000  # at most this many judged periods (an even sample) fit a level map


def read_at(quantiles: np.ndarray, levels: np.ndarray) -> np.ndarray:
    """Quantiles (series, len(LEVELS)) or (series, len(LEVELS), periods) read at other
    ``levels`` (k,) in [0.01, 0.99], by linear interpolation between the neighbouring levels:
    (series, k) or (series, k, periods). One matrix product with the interpolation weights
    (two per row) instead of two gathers of the whole array."""
    position = np.interp(levels, LEVELS, np.arange(len(LEVELS), dtype=float))
    below = np.minimum(np.floor(position).astype(int), len(LEVELS) - 2)
    weight = position - below
    rows = np.arange(len(position))
    weights = np.zeros((len(position), len(LEVELS)), dtype=quantiles.dtype)
    weights[rows, below] = 1 - weight
    weights[rows, below + 1] = weight
    # the levels' axis last for the product, then back in its place (a no-op for 2 axes)
    return np.moveaxis(np.moveaxis(quantiles, 1, -1) @ weights.T, -1, 1)


def fit_levels(quantiles: np.ndarray, actual: np.ndarray) -> np.ndarray:
    """The level map that ``actual`` (series, periods; NaN not observed) favours for
    ``quantiles`` (series, len(LEVELS), periods): for each served level, the level of the
    quantile function (on `GRID`) with the least pinball loss at the served level, summed over
    the observed periods; shrunk towards each level itself by n / (n + MAP_PRIOR_PERIODS) for
    n periods, and non-decreasing. Where the quantile function is flat, ties keep the level."""
    observed = ~np.isnan(actual)
    count = int(observed.sum())
    if count == 0:
        return LEVELS.copy()
    cells = np.moveaxis(quantiles, 1, -1)[observed]  # (periods judged, levels)
    values = actual[observed]
    if count > MAP_PERIODS:
        taken = np.linspace(0, count - 1, MAP_PERIODS).astype(int)
        cells, values = cells[taken], values[taken]
    difference = values[:, None] - read_at(cells, GRID)  # (periods, grid)
    # the pinball loss at level t of a difference d is t * d - min(d, 0)
    over = difference.sum(axis=0, dtype=float)
    under = np.minimum(difference, 0).sum(axis=0, dtype=float)
    loss = LEVELS[:, None] * over[None, :] - under[None, :]
    tie = 1e-9 * (np.abs(loss).max() + 1.0) * np.abs(GRID[None, :] - LEVELS[:, None])
    best = GRID[np.argmin(loss + tie, axis=1)]
    weight = count / (count + MAP_PRIOR_PERIODS)
    return np.maximum.accumulate(LEVELS + weight * (best - LEVELS))


def served(quantiles: np.ndarray, whole: np.ndarray, levels: np.ndarray | None = None):
    """Quantiles (series, levels, horizon) as served: read at ``levels`` (a level map; the
    levels themselves by default), never negative, in whole units on the ``whole`` rows."""
    unchanged = levels is None or np.array_equal(levels, LEVELS)
    result = quantiles if unchanged else read_at(quantiles, levels)
    result = np.maximum(result, 0.0)
    result[whole] = np.round(result[whole])
    return result
