"""Plain baselines every forecast is measured against (and that win where they forecast best):
seasonal naive, exponential smoothing with a seasonal profile, and TSB for intermittent demand.

Each works on a panel of histories of equal length, shape (series, periods), NaN where a
period was not observed (a stock-out day is censored demand, a closed day is no demand), and
returns quantiles of shape (series, len(LEVELS), horizon), never negative and non-decreasing
across levels. The work is vectorised across series: a nightly run is a handful of numpy
passes over the time axis, not a Python loop per SKU. `forecast_one` serves a single series.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from forecasting.quantiles import LEVELS, row_quantiles

_Z = np.array([NormalDist().inv_cdf(level) for level in LEVELS])
ALPHAS = np.array([0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.7])
INTERMITTENT_ADI = 1.32  # Syntetos-Boylan: average demand interval above this is intermittent
PROFILE_SEASONS = 8  # recent seasons a seasonal profile is read from
STEADY_PROFILE_SEASONS = 52  # … and at most this many where it has held (`seasonal_profiles`)

Batch = Callable[[np.ndarray, int, int], np.ndarray]


def _tidy(quantiles: np.ndarray) -> np.ndarray:
    quantiles = np.maximum(np.nan_to_num(quantiles, nan=0.0), 0.0)
    return np.maximum.accumulate(quantiles, axis=1)


def _first_observed_mean(values: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Per row, the mean of the first ``counts`` observed (non-NaN) values."""
    observed = ~np.isnan(values)
    rank = np.cumsum(observed, axis=1)
    take = observed & (rank <= counts[:, None])
    totals = np.where(take, values, 0.0).sum(axis=1)
    return totals / np.maximum(take.sum(axis=1), 1)


def seasonal_naive(panel: np.ndarray, horizon: int, season: int) -> np.ndarray:
    """Repeat the last season; spread from each history's seasonal differences, widening with
    the number of seasons ahead."""
    values = np.asarray(panel, dtype=float)
    series, length = values.shape
    period = season if length >= season else 1
    last = values[:, -period:].copy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # rows with nothing observed
        fill = np.nanmean(last, axis=1)
        seen = ~np.isnan(values)
        last_seen = length - 1 - np.argmax(seen[:, ::-1], axis=1)
        latest = np.where(seen.any(axis=1), values[np.arange(series), last_seen], 0.0)
        fill = np.where(np.isnan(fill), latest, fill)
        last = np.where(np.isnan(last), fill[:, None], last)
        differences = values[:, period:] - values[:, :-period]
        enough = np.sum(~np.isnan(differences), axis=1) >= 2
        offsets = row_quantiles(differences, LEVELS) if differences.size else None
    if offsets is None:
        offsets = np.zeros((series, len(LEVELS)))
    offsets = np.where(enough[:, None], np.nan_to_num(offsets), 0.0)
    steps = np.arange(horizon)
    point = last[:, steps % period]
    seasons_ahead = np.sqrt(np.ceil((steps + 1) / period))
    quantiles = point[:, None, :] + offsets[:, :, None] * seasons_ahead[None, None, :]
    quantiles[np.all(np.isnan(values), axis=1)] = 0.0
    return _tidy(quantiles)


def detrended(values: np.ndarray) -> np.ndarray:
    """Each row over its least-squares line (observed periods only), times the row's mean: a
    trend's drift taken out, the scale kept. The slope is shrunk by max(0, 1 - 4 / t^2), so a
    slope no clearer than the noise takes nothing out; a row whose line does not stay above
    zero is returned as it is."""
    seen = ~np.isnan(values)
    t = np.broadcast_to(np.arange(values.shape[1], dtype=float), values.shape)
    with warnings.catch_warnings(), np.errstate(invalid="ignore", divide="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        t_mean = np.nanmean(np.where(seen, t, np.nan), axis=1, keepdims=True)
        y_mean = np.nanmean(values, axis=1, keepdims=True)
        dt = np.where(seen, t - t_mean, 0.0)
        slope = (dt * np.where(seen, values - y_mean, 0.0)).sum(axis=1, keepdims=True) / (
            dt**2
        ).sum(axis=1, keepdims=True)
        residual = np.where(seen, values - y_mean - slope * dt, 0.0)
        variance = (residual**2).sum(axis=1, keepdims=True) / np.maximum(
            seen.sum(axis=1, keepdims=True) - 2, 1
        )
        t_squared = slope**2 * (dt**2).sum(axis=1, keepdims=True) / variance
        shrink = np.clip(1 - 4 / t_squared, 0.0, 1.0)
        line = y_mean + np.nan_to_num(slope * shrink) * (t - t_mean)
        positive = np.all(line > 0, axis=1, keepdims=True)
        return np.where(positive, values / line * y_mean, values)


def _position_means(
    values: np.ndarray, season: int, seasons: int, detrend: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per row over its last ``seasons`` seasons (over their line with ``detrend``): the
    overall mean, the mean at each position in the season, and each position mean's sampling
    variance (series, season)."""
    length = values.shape[1]
    recent = values[:, -seasons * season :]
    if detrend:
        recent = detrended(recent)
    positions = (np.arange(recent.shape[1]) + length - recent.shape[1]) % season
    with warnings.catch_warnings():
        # A position never observed (closed every week) has no mean: it takes the overall one.
        warnings.simplefilter("ignore", RuntimeWarning)
        overall = np.nanmean(recent, axis=1)
        columns = [recent[:, positions == p] for p in range(season)]
        means = np.stack([np.nanmean(column, axis=1) for column in columns], 1)
        noise = np.stack(
            [
                np.nanvar(column, axis=1, ddof=1) / np.sum(~np.isnan(column), axis=1)
                for column in columns
            ],
            1,
        )
    return overall, means, noise


def _leaning_on_longer(
    values: np.ndarray,
    season: int,
    detrend: bool,
    overall: np.ndarray,
    means: np.ndarray,
    noise: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """The recent position means (and their sampling variances) moved towards those of the
    longer past (up to `STEADY_PROFILE_SEASONS`), each as a share of its overall mean, by as
    much as the noise of the recent ones would explain the gap between the two."""
    seasons = min(values.shape[1] // season, STEADY_PROFILE_SEASONS)
    long_overall, long_means, long_noise = _position_means(values, season, seasons, detrend)
    with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        recent = means / overall[:, None]
        longer = long_means / long_overall[:, None]
        recent_noise = noise / overall[:, None] ** 2
        longer_noise = long_noise / long_overall[:, None] ** 2
        # the recent seasons are part of the longer run, so where the pattern held the two
        # readings differ by the recent one's sampling variance less the longer one's
        expected = np.nanmean(recent_noise - longer_noise, axis=1)
        gap = np.nanmean((recent - longer) ** 2, axis=1)
        lean = np.clip(np.nan_to_num(np.maximum(expected, 0) / gap, nan=0.0, posinf=1.0), 0, 1)
    # a position never observed (closed every week) keeps its recent reading
    both = np.isfinite(recent) & np.isfinite(longer) & (long_overall > 0)[:, None]
    lean = np.where(both, lean[:, None], 0.0)
    leaning = (recent + lean * (longer - recent)) * overall[:, None]
    # the variance of (1 - w) r + w l where l's seasons include r's: cov(r, l) = var(l)
    variance = (1 - lean) ** 2 * recent_noise + lean * (2 - lean) * longer_noise
    return (
        np.where(both, leaning, means),
        np.where(both, variance * overall[:, None] ** 2, noise),
    )


def seasonal_profiles(
    values: np.ndarray, season: int, detrend: bool = False, steady: bool = False
) -> np.ndarray:
    """Multiplicative index per position in the season from the last `PROFILE_SEASONS`
    seasons, per row; ones where the history is too short or has no demand to tell. Each
    row's index is shrunk towards flat by how much of its spread the noise would make alone
    (the positions' means vary by their sampling error even with no pattern): an exact
    pattern is kept whole, a pattern no stronger than the noise is flattened. With
    ``detrend``, from the recent seasons over their straight line (`detrended`), so that a
    trend's drift does not count as noise. With ``steady``, a row with twice as many seasons
    behind it leans on the profile of its longer past (up to `STEADY_PROFILE_SEASONS`) as far
    as the recent profile differs from it by no more than the recent one's noise: a pattern
    that has held is read more precisely from more seasons, one that has moved keeps its
    recent shape."""
    series, length = values.shape
    profiles = np.ones((series, max(season, 1)))
    if season <= 1 or length < 3 * season:
        return profiles
    overall, means, noise = _position_means(values, season, PROFILE_SEASONS, detrend)
    if steady and length >= 2 * PROFILE_SEASONS * season:
        means, noise = _leaning_on_longer(values, season, detrend, overall, means, noise)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        between = np.nanvar(means, axis=1, ddof=1)
        within = np.nanmean(noise, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        weight = np.clip(1 - np.nan_to_num(within / between, nan=1.0, posinf=1.0), 0.0, 1.0)
    weight = np.where(np.nan_to_num(within) == 0, 1.0, weight)  # an exact pattern
    usable = np.isfinite(overall) & (overall > 0)
    means = np.where(np.isfinite(means), means, overall[:, None])
    with np.errstate(invalid="ignore", divide="ignore"):
        ratios = means / overall[:, None]
        ratios = ratios / ratios.mean(axis=1, keepdims=True)
        ratios = 1 + weight[:, None] * (ratios - 1)
    profiles[usable] = ratios[usable]
    return profiles


@dataclass(frozen=True)
class Smoothing:
    """Simple exponential smoothing of the deseasonalised series, fitted per row."""

    profiles: np.ndarray  # (series, period) multiplicative seasonal index
    alpha: np.ndarray  # (series,) the smoothing constant with the least one-step error
    level: np.ndarray  # (series,) the level after the last period
    sigma: np.ndarray  # (series,) the one-step error's standard deviation (deseasonalised)
    counts: np.ndarray  # (series,) periods observed
    fitted: np.ndarray | None  # (series, periods) one-step-ahead fit, when asked for


def smoothing_fit(
    values: np.ndarray,
    season: int,
    fitted: bool = False,
    detrend: bool = False,
    steady: bool = False,
) -> Smoothing:
    series, length = values.shape
    profiles = seasonal_profiles(values, season, detrend, steady)
    period = profiles.shape[1]
    divisor = profiles[:, np.arange(length) % period]
    # A position with no demand at all (a weekday the shop is closed) tells nothing about the
    # level: it is left out of the smoothing.
    adjusted = np.divide(values, divisor, out=np.full_like(values, np.nan), where=divisor > 0)
    start = _first_observed_mean(values, np.full(series, 7))
    levels = np.repeat(start[:, None], len(ALPHAS), 1)
    squared = np.zeros((series, len(ALPHAS)))
    counts = np.zeros(series)
    for column in adjusted.T:
        valid = ~np.isnan(column)
        error = np.where(valid[:, None], column[:, None] - levels, 0.0)
        squared += error**2
        counts += valid
        levels += ALPHAS * error
    best = np.argmin(squared, axis=1)
    rows = np.arange(series)
    alpha = ALPHAS[best]
    sigma = np.sqrt(squared[rows, best] / np.maximum(counts - 1, 1))
    fit = None
    if fitted:  # a second pass with each row's own constant, keeping the level before each step
        fit = np.zeros((series, length))
        level = start.copy()
        for position, column in enumerate(adjusted.T):
            fit[:, position] = level * divisor[:, position]
            valid = ~np.isnan(column)
            level = np.where(valid, level + alpha * (np.nan_to_num(column) - level), level)
    return Smoothing(profiles, alpha, levels[rows, best], sigma, counts, fit)


def exponential_smoothing(panel: np.ndarray, horizon: int, season: int) -> np.ndarray:
    """Simple exponential smoothing of each deseasonalised series, its smoothing constant
    chosen by one-step error, the seasonal profile put back; normal quantiles with the SES
    variance."""
    values = np.asarray(panel, dtype=float)
    length = values.shape[1]
    fit = smoothing_fit(values, season)
    period = fit.profiles.shape[1]
    steps = np.arange(horizon)
    spread = fit.sigma[:, None] * np.sqrt(1 + steps[None, :] * fit.alpha[:, None] ** 2)
    quantiles = fit.level[:, None, None] + _Z[None, :, None] * spread[:, None, :]
    quantiles = quantiles * fit.profiles[:, (length + steps) % period][:, None, :]
    quantiles[fit.counts == 0] = 0.0
    return _tidy(quantiles)


def tsb_fit(
    values: np.ndarray, alpha_p: float = 0.1, alpha_z: float = 0.1, fitted: bool = False
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Teunter-Syntetos-Babai's smoothed probability of demand and demand size per row, after
    the last period; with ``fitted``, also the one-step-ahead expected demand (probability x
    size before each period), (series, periods)."""
    observed = ~np.isnan(values)
    positive = observed & (values > 0)
    counts, demands = observed.sum(axis=1), positive.sum(axis=1)
    demand_flags = np.where(observed, (values > 0).astype(float), np.nan)
    probability = _first_observed_mean(demand_flags, np.maximum(counts // 4, 1))
    probability = np.where(probability > 0, probability, 0.05)
    sizes_only = np.where(positive, values, np.nan)
    size = _first_observed_mean(sizes_only, np.maximum(demands // 4, 1))
    fit = np.zeros(values.shape) if fitted else None
    for position, (column, seen, sold) in enumerate(
        zip(values.T, observed.T, positive.T, strict=True)
    ):
        if fit is not None:
            fit[:, position] = probability * size
        probability = np.where(seen, probability + alpha_p * (sold - probability), probability)
        size = np.where(sold, size + alpha_z * (np.nan_to_num(column) - size), size)
    return probability, size, fit


def tsb(
    panel: np.ndarray, horizon: int, season: int, alpha_p: float = 0.1, alpha_z: float = 0.1
) -> np.ndarray:
    """Teunter-Syntetos-Babai: the probability of demand and its size smoothed separately, so
    the forecast decays while no demand comes. Per-period quantiles from P(no demand) and the
    recent sizes."""
    values = np.asarray(panel, dtype=float)
    positive = ~np.isnan(values) & (values > 0)
    demands = positive.sum(axis=1)
    probability, size, _fit = tsb_fit(values, alpha_p, alpha_z)
    # Sizes: the last 100 demands of each series, scaled to the smoothed size; a level below
    # the chance of no demand is zero, the others are quantiles of the sizes.
    from_end = np.cumsum(positive[:, ::-1], axis=1)[:, ::-1]
    recent = np.where(positive & (from_end <= 100), values, np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # series that never sold
        scale = size / np.nanmean(recent, axis=1)
    chance = probability[:, None]
    above = (1 - chance < LEVELS[None, :]) & (demands[:, None] > 0)
    levels = np.clip((LEVELS[None, :] - (1 - chance)) / chance, 0.0, 1.0)
    sizes = row_quantiles(recent, levels) * scale[:, None]
    quantiles = np.where(above, sizes, 0.0)
    return _tidy(np.repeat(quantiles[:, :, None], horizon, axis=2))


def average_demand_interval(panel: np.ndarray) -> np.ndarray:
    """Per row: observed periods per period with demand (inf when there was none)."""
    values = np.asarray(panel, dtype=float)
    observed = (~np.isnan(values)).sum(axis=1)
    demands = np.nan_to_num(values > 0).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(demands > 0, observed / np.maximum(demands, 1), np.inf)


def suggested(panel: np.ndarray) -> np.ndarray:
    """The baseline each series' intermittency suggests: TSB or exponential smoothing."""
    return np.where(
        average_demand_interval(panel) > INTERMITTENT_ADI, "tsb", "exponential_smoothing"
    )


BASELINES: dict[str, Batch] = {
    "seasonal_naive": seasonal_naive,
    "exponential_smoothing": exponential_smoothing,
    "tsb": tsb,
}


def forecast_one(model: str, history: np.ndarray, horizon: int, season: int) -> np.ndarray:
    """One series' quantiles, shape (len(LEVELS), horizon)."""
    return BASELINES[model](np.asarray(history, dtype=float)[None, :], horizon, season)[0]
