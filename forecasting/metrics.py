"""Forecast accuracy, defined as in the Chronos / fev benchmarks.

- MASE: mean over series of the mean absolute error of the median forecast, divided by the
  mean absolute seasonal difference (period m) of the series' history. Series whose scale is
  zero are left out and counted.
- WQL: 2 x the sum over series, steps and the quantile levels 0.1 … 0.9 of the pinball loss,
  divided by (9 x the sum of |actual|).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from forecasting.quantiles import MEDIAN_INDEX, WQL_LEVELS, level_index


@dataclass(frozen=True)
class Scores:
    mase: float
    wql: float
    series: int
    zero_scale_series: int


def seasonal_scale(history: np.ndarray, season: int) -> float:
    """Mean absolute seasonal difference of a history (NaNs ignored); 0 when undefined."""
    values = np.asarray(history, dtype=float)
    lag = season if len(values) > season else 1
    if len(values) <= lag:
        return 0.0
    differences = np.abs(values[lag:] - values[:-lag])
    differences = differences[~np.isnan(differences)]
    return float(differences.mean()) if len(differences) else 0.0


def pinball(actual: np.ndarray, forecast: np.ndarray, level: float) -> np.ndarray:
    difference = actual - forecast
    return np.maximum(level * difference, (level - 1) * difference)


def score(
    histories: list[np.ndarray],
    actuals: list[np.ndarray],
    quantiles: list[np.ndarray],
    season: int,
) -> Scores:
    """``quantiles[i]`` has shape (len(LEVELS), horizon) for series i."""
    wql_rows = [level_index(level) for level in WQL_LEVELS]
    ratios, skipped = [], 0
    loss_total, actual_total = 0.0, 0.0
    for history, actual, forecast in zip(histories, actuals, quantiles, strict=True):
        actual = np.asarray(actual, dtype=float)
        observed = ~np.isnan(actual)
        scale = seasonal_scale(history, season)
        if scale > 0:
            errors = np.abs(actual[observed] - forecast[MEDIAN_INDEX][observed])
            ratios.append(errors.mean() / scale if len(errors) else np.nan)
        else:
            skipped += 1
        for row, level in zip(wql_rows, WQL_LEVELS, strict=True):
            loss_total += pinball(actual[observed], forecast[row][observed], level).sum()
        actual_total += np.abs(actual[observed]).sum()
    mase = float(np.nanmean(ratios)) if ratios else float("nan")
    wql = 2 * loss_total / (len(WQL_LEVELS) * actual_total) if actual_total else float("nan")
    return Scores(mase=mase, wql=float(wql), series=len(actuals), zero_scale_series=skipped)
