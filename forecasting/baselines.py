"""Plain baselines every forecast is measured against (and that win where they forecast best):
seasonal naive, exponential smoothing with a seasonal profile, and TSB for intermittent demand.

Each takes one history (NaN = not observed: a stock-out day is censored demand, a closed day
is no demand) and returns quantiles of shape (len(LEVELS), horizon), never negative and
non-decreasing across levels.
"""

from __future__ import annotations

import warnings
from statistics import NormalDist

import numpy as np

from forecasting.quantiles import LEVELS

_Z = np.array([NormalDist().inv_cdf(level) for level in LEVELS])
ALPHAS = np.array([0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.7])
INTERMITTENT_ADI = 1.32  # Syntetos-Boylan: average demand interval above this is intermittent


def _tidy(quantiles: np.ndarray) -> np.ndarray:
    quantiles = np.maximum(np.nan_to_num(quantiles, nan=0.0), 0.0)
    return np.maximum.accumulate(quantiles, axis=0)


def _observed(history: np.ndarray) -> np.ndarray:
    values = np.asarray(history, dtype=float)
    return values[~np.isnan(values)]


def seasonal_naive(history: np.ndarray, horizon: int, season: int) -> np.ndarray:
    """Repeat the last season; spread from the history's seasonal differences, widening with
    the number of seasons ahead."""
    values = np.asarray(history, dtype=float)
    observed = _observed(values)
    if len(observed) == 0:
        return np.zeros((len(LEVELS), horizon))
    period = season if len(values) >= season else 1
    last = values[-period:].copy()
    fallback = float(np.nanmean(last)) if np.any(~np.isnan(last)) else float(observed[-1])
    last[np.isnan(last)] = fallback
    steps = np.arange(horizon)
    point = (
        last[(len(last) - period + steps) % period] if period > 1 else np.full(horizon, last[-1])
    )
    differences = values[period:] - values[:-period]
    differences = differences[~np.isnan(differences)]
    offsets = np.quantile(differences, LEVELS) if len(differences) >= 2 else np.zeros(len(LEVELS))
    seasons_ahead = np.ceil((steps + 1) / period)
    return _tidy(point[None, :] + offsets[:, None] * np.sqrt(seasons_ahead)[None, :])


def _seasonal_profile(values: np.ndarray, season: int) -> np.ndarray | None:
    """Multiplicative index per position in the season, from the last 8 seasons; None when
    the history is too short or too sparse to tell."""
    if season <= 1 or len(values) < 3 * season:
        return None
    recent = values[-8 * season :]
    offset = len(values) - len(recent)
    positions = (np.arange(len(recent)) + offset) % season
    overall = np.nanmean(recent)
    if not np.isfinite(overall) or overall <= 0:
        return None
    with warnings.catch_warnings():
        # A position never observed (closed every week) has no mean: it takes the overall one.
        warnings.simplefilter("ignore", RuntimeWarning)
        profile = np.array([np.nanmean(recent[positions == p]) for p in range(season)])
    profile = np.where(np.isfinite(profile), profile, overall) / overall
    return profile / profile.mean()


def exponential_smoothing(history: np.ndarray, horizon: int, season: int) -> np.ndarray:
    """Simple exponential smoothing of the deseasonalised series (smoothing constant chosen by
    one-step error), the seasonal profile put back; normal quantiles with the SES variance."""
    values = np.asarray(history, dtype=float)
    observed = _observed(values)
    if len(observed) == 0:
        return np.zeros((len(LEVELS), horizon))
    profile = _seasonal_profile(values, season)
    positions = np.arange(len(values)) % season if profile is not None else None
    if profile is not None:
        divisor = profile[positions]
        # A position with no demand at all (a weekday the shop is closed) tells nothing about
        # the level: it is left out of the smoothing.
        adjusted = np.divide(values, divisor, out=np.full_like(values, np.nan), where=divisor > 0)
    else:
        adjusted = values
    levels = np.full(len(ALPHAS), observed[:7].mean())
    squared = np.zeros(len(ALPHAS))
    count = 0
    for value in adjusted:
        if np.isnan(value):
            continue
        error = value - levels
        squared += error**2
        count += 1
        levels += ALPHAS * error
    best = int(np.argmin(squared))
    alpha, level = ALPHAS[best], levels[best]
    sigma = np.sqrt(squared[best] / max(count - 1, 1))
    steps = np.arange(horizon)
    spread = sigma * np.sqrt(1 + steps * alpha**2)
    quantiles = level + _Z[:, None] * spread[None, :]
    if profile is not None:
        future = (len(values) + steps) % season
        quantiles = quantiles * profile[future][None, :]
    return _tidy(quantiles)


def tsb(
    history: np.ndarray, horizon: int, season: int, alpha_p: float = 0.1, alpha_z: float = 0.1
) -> np.ndarray:
    """Teunter-Syntetos-Babai: the probability of demand and its size smoothed separately, so
    the forecast decays while no demand comes. Per-period quantiles from P(no demand) and the
    recent sizes."""
    values = _observed(history)
    if len(values) == 0 or not np.any(values > 0):
        return np.zeros((len(LEVELS), horizon))
    nonzero = values[values > 0]
    probability = float(np.mean(values[: max(len(values) // 4, 1)] > 0)) or 0.05
    size = float(nonzero[: max(len(nonzero) // 4, 1)].mean())
    for value in values:
        probability += alpha_p * ((value > 0) - probability)
        if value > 0:
            size += alpha_z * (value - size)
    sizes = nonzero[-100:] * (size / nonzero[-100:].mean())
    quantiles = np.zeros(len(LEVELS))
    for index, level in enumerate(LEVELS):
        if level > 1 - probability:
            quantiles[index] = np.quantile(sizes, (level - (1 - probability)) / probability)
    return _tidy(np.repeat(quantiles[:, None], horizon, axis=1))


def average_demand_interval(history: np.ndarray) -> float:
    values = _observed(history)
    demands = np.count_nonzero(values > 0)
    return len(values) / demands if demands else float("inf")


def baseline(history: np.ndarray, horizon: int, season: int) -> tuple[str, np.ndarray]:
    """The baseline suited to the series: TSB when demand is intermittent, else exponential
    smoothing."""
    if average_demand_interval(history) > INTERMITTENT_ADI:
        return "tsb", tsb(history, horizon, season)
    return "exponential_smoothing", exponential_smoothing(history, horizon, season)


BASELINES = {
    "seasonal_naive": seasonal_naive,
    "exponential_smoothing": exponential_smoothing,
    "tsb": tsb,
}
