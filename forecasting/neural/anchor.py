"""The transformer's anchor: a plain statistical forecast that the network corrects
(`forecasting.neural.network.AnchoredChronos2Model` adds its output to it).

A small model trained on a CPU learns a level and a spread long before it learns to find last
week's Tuesday in its context, to extrapolate a trend, or to read a promotion from another
row of its group. So the anchor does those plainly, each only as far as the series' own
history supports it, and the network learns what to add:
- exponential smoothing with a seasonal profile shrunk by its signal to noise
  (`forecasting.baselines.smoothing_fit`); for intermittent demand, TSB's expected demand
  (probability times size, which decays while no demand comes, where a smoothed level would
  keep forecasting a part nobody buys any more) under the same profile;
- for other demand, a linear trend of the deseasonalised recent history, shrunk by its
  t-statistic (a trend no clearer than the noise counts for nothing), added for the periods
  ahead and for the lag of the smoothed level behind a trend;
- a multiplicative effect of each known flag (promotion, calendar event): what the series
  sold on flagged days against the fit, shrunk towards none by how few such days it has
  (the smoothing, profile and trend are fitted on the other days, which flagged days would
  otherwise lift).

Per task: its one-step fit over the history (a known covariate row, where the model sees how
well the anchor did) and its forecast over the horizon (the target's own future input and the
skip connection). Known covariate rows keep their places: price, promotion, event.
"""

from __future__ import annotations

import warnings

import numpy as np

from forecasting.baselines import INTERMITTENT_ADI, average_demand_interval, smoothing_fit, tsb_fit

PRICE_ROW, PROMOTION_ROW, EVENT_ROW = 0, 1, 2
TREND_PERIODS = 56  # at most this many recent periods (and at least four seasons) for the trend
EFFECT_PRIOR_DAYS = 3.0  # an effect seen on this many days is trusted halfway


def _slope(window: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row: the least-squares slope per period of ``window`` and its t-statistic (NaN
    where fewer than 8 periods were observed)."""
    t = np.arange(window.shape[1], dtype=float)[None, :]
    seen = ~np.isnan(window)
    count = seen.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        dt = np.where(seen, t - np.nanmean(np.where(seen, t, np.nan), axis=1, keepdims=True), 0)
        dy = np.where(seen, window - np.nanmean(window, axis=1, keepdims=True), 0.0)
        sxx = (dt**2).sum(axis=1)
        slope = (dt * dy).sum(axis=1) / sxx
        residual = np.where(seen, dy - slope[:, None] * dt, 0.0)
        variance = (residual**2).sum(axis=1) / np.maximum(count - 2, 1)
        t_statistic = np.where(variance > 0, slope / np.sqrt(variance / sxx), np.inf)
    enough = (count >= 8) & np.isfinite(slope)
    return np.where(enough, slope, np.nan), np.where(enough, t_statistic, np.nan)


def _trend(adjusted: np.ndarray, season: int) -> np.ndarray:
    """Per row: the trend per period of the recent deseasonalised history, only where both
    halves of it slope the same way (a level shift makes one steep slope over the whole, but
    little within either half), the shallower half's slope shrunk by max(0, 1 - 4 / t^2)."""
    window = adjusted[:, -max(TREND_PERIODS, 4 * season) :]
    half = window.shape[1] // 2
    slopes, shrinks = [], []
    for part in (window[:, :half], window[:, half:]):
        slope, t_statistic = _slope(part)
        with np.errstate(divide="ignore", invalid="ignore"):
            shrinks.append(np.clip(1 - 4 / t_statistic**2, 0.0, 1.0))
        slopes.append(slope)
    first, second = slopes
    agree = np.sign(first) == np.sign(second)
    shallow = np.where(np.abs(first) < np.abs(second), first, second)
    shrink = np.minimum(*shrinks)
    trend = np.where(agree, shallow * shrink, 0.0)
    return np.nan_to_num(trend)


def _effect(values: np.ndarray, fitted: np.ndarray, flags: np.ndarray) -> np.ndarray:
    """Per row: the multiplicative effect of its flags in history, shrunk towards 1."""
    on = (flags > 0) & ~np.isnan(values) & (fitted > 0)
    days = on.sum(axis=1)
    sold = np.where(on, values, 0.0).sum(axis=1)
    expected = np.where(on, fitted, 0.0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        raw = np.where(expected > 0, sold / expected, 1.0)
    weight = days / (days + EFFECT_PRIOR_DAYS)
    return np.clip(1 + weight * (raw - 1), 0.2, 10.0)


def anchor_panel(
    panel: np.ndarray, horizon: int, season: int, known: np.ndarray | None = None
) -> np.ndarray:
    """(series, periods + horizon): the anchor's one-step fit over ``panel`` and its forecast
    over the horizon, never negative; NaN for a row with nothing observed. ``known``:
    (series, rows, periods + horizon) covariate rows in their places (zeros where a series
    has none)."""
    values = np.asarray(panel, dtype=float)
    length = values.shape[1]
    flags = {
        row: known[:, row]
        for row in (PROMOTION_ROW, EVENT_ROW)
        if known is not None and known.shape[1] > row
    }
    # the level, profile and trend from ordinary days, which flagged days would lift, where at
    # least half the observed days (and two weeks) are ordinary
    ordinary = values.copy()
    for flagged in flags.values():
        on = flagged[:, :length] > 0
        left = (~np.isnan(ordinary) & ~on).sum(axis=1)
        enough = left >= np.maximum(14, (~np.isnan(ordinary)).sum(axis=1) / 2)
        ordinary[on & enough[:, None]] = np.nan
    fit = smoothing_fit(ordinary, season, fitted=True)
    period = fit.profiles.shape[1]
    positions = np.arange(length + horizon)
    profile = fit.profiles[:, positions % period]
    divisor = profile[:, :length]
    adjusted = np.divide(ordinary, divisor, out=np.full_like(values, np.nan), where=divisor > 0)
    intermittent = average_demand_interval(ordinary) > INTERMITTENT_ADI
    slope = np.where(intermittent, 0.0, _trend(adjusted, season))
    lag = np.minimum((1 - fit.alpha) / fit.alpha, TREND_PERIODS / 2)
    ahead = np.arange(1, horizon + 1)
    level = fit.level[:, None] + slope[:, None] * (lag[:, None] + ahead[None, :])
    fitted = fit.fitted + (slope * (lag + 1))[:, None] * divisor
    if intermittent.any():
        probability, size, expected = tsb_fit(adjusted[intermittent], fitted=True)
        level[intermittent] = (probability * size)[:, None]
        fitted[intermittent] = expected * divisor[intermittent]
    path = np.concatenate([fitted, level * profile[:, length:]], axis=1)
    path = np.maximum(path, 0.0)
    for flagged in flags.values():
        effect = _effect(values, path[:, :length], flagged[:, :length])
        path = np.where(flagged > 0, path * effect[:, None], path)
    path[fit.counts == 0] = np.nan
    return path
