"""The transformer's anchor: a plain statistical forecast that the network corrects
(`forecasting.neural.network.AnchoredChronos2Model` adds its output to it).

A small model trained on a CPU learns a level and a spread long before it learns to find last
week's Tuesday in its context, to extrapolate a trend, or to read a promotion from another
row of its group. So the anchor does those plainly, each only as far as the series' own
history supports it, and the network learns what to add:
- exponential smoothing with a seasonal profile shrunk by its signal to noise
  (`forecasting.baselines.smoothing_fit`), the profile read from the recent seasons over their
  line (a trend's drift is not noise on each weekday), leaning on the longer past's profile
  as far as the recent one agrees with it within its noise (a weekly pattern that has held
  for a year is read from all its weeks, one that moved keeps its new shape); for
  intermittent demand, TSB's expected demand (probability times size, which decays while no
  demand comes, where a smoothed level would keep forecasting a part nobody buys any more)
  under the same profile;
- for other demand, a cycle longer than the season (a monthly wave in daily sales) where the
  deseasonalised history repeats clearly at one period, over at least three whole cycles;
- and a linear trend of the deseasonalised recent history, shrunk by its t-statistic (a
  trend no clearer than the noise counts for nothing) and dropped where one step in level
  explains the history better (a level that moved once will not go on moving), added for the
  periods ahead and for the lag of the smoothed level behind a trend;
- a multiplicative effect of each known flag (promotion; calendar events, days off and
  shopping festivals apart, as the event row's `DAY_OFF` and `SHOPPING_DAY` tell them): what
  the series sold on flagged days against the fit, shrunk by how few such days it has
  towards the effect the flag had on all the series anchored together (a product that never
  saw a Black Friday takes what it did to the others; the night anchors a store's series, or
  a chunk of them, together). The smoothing, profile and trend are fitted on the other days,
  which flagged days would otherwise lift. On daily data, the same for the day before and
  the day after a day off (`_beside`): a shop shut on a holiday sells its demand on the days
  around it, while the day after Black Friday is no catch-up day.

Per task: its one-step fit over the history (a known covariate row, where the model sees how
well the anchor did) and its forecast over the horizon (the target's own future input and the
skip connection). Known covariate rows keep their places: price, promotion, event.
"""

from __future__ import annotations

import warnings

import numpy as np

from forecasting.baselines import (
    INTERMITTENT_ADI,
    average_demand_interval,
    detrended,
    seasonal_profiles,
    smoothing_fit,
    tsb_fit,
)

PRICE_ROW, PROMOTION_ROW, EVENT_ROW = 0, 1, 2
# the event row's value on a day: a public holiday (a day a shop may shut), or another event
# (a shopping festival, a sale or a local event entered by hand: a day it sells on); 0 else
DAY_OFF, SHOPPING_DAY = 1.0, 0.5
TREND_PERIODS = 56  # at most this many recent periods (and at least four seasons) for the trend
CYCLE_MIN_CORRELATION = 0.5  # a longer cycle is used only where it repeats at least this clearly
CYCLE_MIN_REPEATS = 3  # … over at least this many whole cycles of the history
EFFECT_PRIOR_DAYS = 3.0  # an effect seen on this many days is trusted halfway


def _slope(window: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per row: the least-squares slope per period of ``window`` and its t-statistic (NaN
    where fewer than 8 periods were observed), and the line's sum of squared residuals."""
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
        squares = (residual**2).sum(axis=1)
        variance = squares / np.maximum(count - 2, 1)
        t_statistic = np.where(variance > 0, slope / np.sqrt(variance / sxx), np.inf)
    enough = (count >= 8) & np.isfinite(slope)
    return np.where(enough, slope, np.nan), np.where(enough, t_statistic, np.nan), squares


def _step_beats_line(window: np.ndarray, residual_line: np.ndarray) -> np.ndarray:
    """Per row: whether one step in level (anywhere leaving a season on each side) explains
    ``window`` better than a straight line, whose squared residuals are ``residual_line``: a
    level that moved once is not a trend to carry on."""
    seen = ~np.isnan(window)
    x = np.where(seen, window, 0.0)
    pad = ((0, 0), (1, 0))
    n, s1, s2 = (np.cumsum(np.pad(a, pad), axis=1) for a in (seen.astype(float), x, x**2))
    total_n, total_1, total_2 = n[:, -1:], s1[:, -1:], s2[:, -1:]
    with np.errstate(invalid="ignore", divide="ignore"):
        left = s2 - s1**2 / n
        right = (total_2 - s2) - (total_1 - s1) ** 2 / (total_n - n)
        sse = left + right
    edge = 7
    inner = sse[:, edge : window.shape[1] - edge + 1]
    valid = (n[:, edge : window.shape[1] - edge + 1] >= 4) & (
        (total_n - n)[:, edge : window.shape[1] - edge + 1] >= 4
    )
    best = np.where(valid, inner, np.inf).min(axis=1, initial=np.inf)  # none: too short
    return best < residual_line


def _trend(adjusted: np.ndarray, season: int) -> np.ndarray:
    """Per row: the trend per period of the recent deseasonalised history (at most
    `TREND_PERIODS`, at least four seasons), shrunk by max(0, 1 - 4 / t^2) so that a trend no
    clearer than the noise counts for nothing, and none where one step in level fits better
    than the line (a level shift makes a steep slope over the window, but it will not go on)."""
    window = adjusted[:, -max(TREND_PERIODS, 4 * season) :]
    slope, t_statistic, residual_line = _slope(window)
    with np.errstate(divide="ignore", invalid="ignore"):
        shrink = np.clip(1 - 4 / t_statistic**2, 0.0, 1.0)
    half = window.shape[1] // 2
    first = _slope(window[:, :half])[0]
    second = _slope(window[:, half:])[0]
    agree = (np.sign(first) == np.sign(slope)) & (np.sign(second) == np.sign(slope))
    keep = agree & ~_step_beats_line(window, residual_line)
    return np.nan_to_num(np.where(keep, slope * shrink, 0.0))


def _cycle(adjusted: np.ndarray, season: int, total: int) -> np.ndarray:
    """(series, total): a multiplicative cycle longer than the season, where a row's
    deseasonalised history repeats clearly at one period (its autocorrelation there at least
    `CYCLE_MIN_CORRELATION`, over at least `CYCLE_MIN_REPEATS` whole cycles; multiples of the
    season are the season's own business); ones elsewhere. Its index is the mean ratio to the
    row's level per position in the cycle, shrunk by signal to noise like the season's."""
    series, length = adjusted.shape
    factor = np.ones((series, total))
    longest = length // CYCLE_MIN_REPEATS
    if longest <= season + 1 or series == 0:
        return factor
    seen = ~np.isnan(adjusted)
    t = np.arange(length, dtype=float)[None, :]
    with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        slope = _slope(adjusted)[0]
        t_mean = np.nanmean(np.where(seen, t, np.nan), axis=1, keepdims=True)
        mean = np.nanmean(adjusted, axis=1, keepdims=True)
        centred = np.where(seen, adjusted - mean - np.nan_to_num(slope)[:, None] * (t - t_mean), 0)
        # autocorrelation at every lag at once, each lag over the pairs observed at both ends
        size = 2 * length
        spectrum = np.fft.rfft(centred, n=size, axis=1)
        products = np.fft.irfft(spectrum * np.conj(spectrum), n=size, axis=1)[:, :length]
        mask = np.fft.rfft(seen.astype(float), n=size, axis=1)
        pairs = np.rint(np.fft.irfft(mask * np.conj(mask), n=size, axis=1)[:, :length])
        variance = (centred**2).sum(axis=1, keepdims=True) / seen.sum(axis=1, keepdims=True)
        correlation = products / np.maximum(pairs, 1) / variance
    lags = np.arange(length)
    allowed = (lags > season) & (lags <= longest) & ((lags % max(season, 1) != 0) | (season <= 1))
    correlation = np.where(allowed[None, :] & (pairs >= 2 * lags[None, :]), correlation, -np.inf)
    correlation = np.nan_to_num(correlation, nan=-np.inf)
    best = correlation.argmax(axis=1)
    clear = (correlation[np.arange(series), best] >= CYCLE_MIN_CORRELATION) & (mean[:, 0] > 0)
    for row in np.flatnonzero(clear):
        period = int(best[row])
        factor[row] = _seasonal_index(adjusted[row], period)[np.arange(total) % period]
    return factor


def _seasonal_index(values: np.ndarray, period: int) -> np.ndarray:
    """One row's multiplicative index over ``period`` (mean 1, positions counted from the
    row's first period), from its detrended values, shrunk by signal to noise."""
    ratios = detrended(values[None, :])[0]
    positions = np.arange(len(values)) % period
    columns = [ratios[positions == p] for p in range(period)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a position seen once has no variance
        means = np.array([np.nanmean(c) for c in columns])
        if not np.all(np.isfinite(means)) or means.mean() <= 0:
            return np.ones(period)
        noise = np.nanmean([np.nanvar(c, ddof=1) / np.sum(~np.isnan(c)) for c in columns])
    between = np.var(means, ddof=1)
    if noise == 0:
        weight = 1.0
    elif not between > 0:  # every position alike: nothing to tell from the noise
        weight = 0.0
    else:
        weight = float(np.clip(1 - noise / between, 0.0, 1.0))
    index = means / means.mean()
    return np.maximum(1 + weight * (index - 1), 0.0)


def _beside(events: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The days just before and just after an event (not events themselves), as flags."""
    on = events > 0
    before = np.zeros_like(on)
    after = np.zeros_like(on)
    before[:, :-1] = on[:, 1:] & ~on[:, :-1]
    after[:, 1:] = on[:, :-1] & ~on[:, 1:]
    return before.astype(float), after.astype(float)


def _effect(
    values: np.ndarray, fitted: np.ndarray, flags: np.ndarray, pooled: float | None = None
) -> tuple[np.ndarray, float]:
    """Per row: the multiplicative effect of its flags in history, shrunk towards the effect
    they had on the panel's series together (units sold on flagged days over the fit there,
    summed over every row), or towards ``pooled`` where given; and the effect shrunk towards."""
    on = (flags > 0) & ~np.isnan(values) & (fitted > 0)
    days = on.sum(axis=1)
    sold = np.where(on, values, 0.0).sum(axis=1)
    expected = np.where(on, fitted, 0.0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        raw = np.where(expected > 0, sold / expected, 1.0)
    # what the flag did to the panel's series together: a series that saw it on few days
    # (or none: a new product's first Black Friday) takes mostly that
    if pooled is None:
        total = expected.sum()
        pooled = float(np.clip(sold.sum() / total, 0.2, 10.0)) if total > 0 else 1.0
    weight = days / (days + EFFECT_PRIOR_DAYS)
    return np.clip(pooled + weight * (raw - pooled), 0.2, 10.0), pooled


def anchor_panel(
    panel: np.ndarray, horizon: int, season: int, known: np.ndarray | None = None
) -> np.ndarray:
    """(series, periods + horizon): the anchor's one-step fit over ``panel`` and its forecast
    over the horizon, never negative; NaN for a row with nothing observed. ``known``:
    (series, rows, periods + horizon) covariate rows in their places (zeros where a series
    has none)."""
    return anchor_with_effects(panel, horizon, season, known)[0]


def anchor_with_effects(
    panel: np.ndarray,
    horizon: int,
    season: int,
    known: np.ndarray | None = None,
    pooled: dict[str, float] | None = None,
) -> tuple[np.ndarray, dict[str, float]]:
    """`anchor_panel`'s anchor, and the effect of each flag on the panel's series together
    that a series' own effect was shrunk towards (by the flag's name: "promotion", "days
    off", "festivals", "before a day off", "after a day off"). ``pooled``: those effects
    to shrink towards instead of the panel's own, for a flag they name: a series anchored
    apart from its store (an explanation's variants of it) is anchored as it was with the
    store's series."""
    values = np.asarray(panel, dtype=float)
    length = values.shape[1]
    flags = {}
    if known is not None and known.shape[1] > PROMOTION_ROW:
        flags["promotion"] = known[:, PROMOTION_ROW]
    days_off = None
    if known is not None and known.shape[1] > EVENT_ROW:
        # days off and festival days, each kind with its own effect
        events = known[:, EVENT_ROW]
        days_off = (events >= DAY_OFF).astype(float)
        flags["days off"] = days_off
        flags["festivals"] = ((events > 0) & (events < DAY_OFF)).astype(float)
    # the level, profile and trend from ordinary days, which flagged days would lift, where at
    # least half the observed days (and two weeks) are ordinary
    ordinary = values.copy()
    for flagged in flags.values():
        on = flagged[:, :length] > 0
        left = (~np.isnan(ordinary) & ~on).sum(axis=1)
        enough = left >= np.maximum(14, (~np.isnan(ordinary)).sum(axis=1) / 2)
        ordinary[on & enough[:, None]] = np.nan
    total = length + horizon
    intermittent = average_demand_interval(ordinary) > INTERMITTENT_ADI
    cycle = np.ones((values.shape[0], total))
    if (~intermittent).any():
        weekly = seasonal_profiles(ordinary[~intermittent], season, detrend=True, steady=True)
        divisor = weekly[:, np.arange(length) % weekly.shape[1]]
        deseasonalised = np.divide(
            ordinary[~intermittent], divisor, out=np.full_like(divisor, np.nan), where=divisor > 0
        )
        cycle[~intermittent] = _cycle(deseasonalised, season, total)
    fit = smoothing_fit(
        ordinary / cycle[:, :length], season, fitted=True, detrend=True, steady=True
    )
    period = fit.profiles.shape[1]
    positions = np.arange(total)
    profile = fit.profiles[:, positions % period]
    divisor = profile[:, :length]
    adjusted = np.divide(
        ordinary / cycle[:, :length], divisor, out=np.full_like(values, np.nan), where=divisor > 0
    )
    slope = np.where(intermittent, 0.0, _trend(adjusted, season))
    lag = np.minimum((1 - fit.alpha) / fit.alpha, TREND_PERIODS / 2)
    ahead = np.arange(1, horizon + 1)
    level = fit.level[:, None] + slope[:, None] * (lag[:, None] + ahead[None, :])
    fitted = fit.fitted + (slope * (lag + 1))[:, None] * divisor
    if intermittent.any():
        probability, size, expected = tsb_fit(adjusted[intermittent], fitted=True)
        level[intermittent] = (probability * size)[:, None]
        fitted[intermittent] = expected * divisor[intermittent]
    path = np.concatenate([fitted, level * profile[:, length:]], axis=1) * cycle
    path = np.maximum(path, 0.0)
    if days_off is not None and season == 7:
        before, after = _beside(days_off)
        flags["before a day off"], flags["after a day off"] = before, after
    pooled = pooled or {}
    effects = {}
    for name, flagged in flags.items():
        effect, effects[name] = _effect(
            values, path[:, :length], flagged[:, :length], pooled.get(name)
        )
        path = np.where(flagged > 0, path * effect[:, None], path)
    path[fit.counts == 0] = np.nan
    return path, effects
