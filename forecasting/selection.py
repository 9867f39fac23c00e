"""Choosing what each series is served: one of the candidates, or the average of two or three
of them, chosen for groups of similar series on rolling windows that no candidate was fitted
on. The nightly run and the `backtest` command both go through `forecast_scored`.

Why groups and not series: one or two windows of one short, noisy series are a poor judge
(per-series choice on carparts did worse than giving every series TSB), while a group of
like series (`demand_classes`: smooth, erratic, intermittent, lumpy, short) judged together on
the same windows is a steady one. A group too small to judge takes the choice made for all
series. Each strategy is scored by its weighted quantile loss (every level) and by the mean
scaled error of its median (MASE), each relative to the best strategy's, so the choice serves
both the stock decisions and the median a planner reads.

Why averages: quantile averages of different models are often better than either, and the
choice only takes one where it did better on the windows: there is no blanket preference.

Calibrated as served: each strategy is judged at a few spreads (its quantiles drawn in
towards its median, or out), and the class gets the spread its own windows favour; series
whose history is counts (whole units) are served whole-unit quantiles, since every quantile
of a count is a whole number (a quantile of 0.4 units where demand is 0 or 1 loses at every
level). The choice is among options "strategy@spread".

Cross-fitting: the candidates that judge (``judged``) may differ from those that serve
(``served``). A transformer fine-tuned on a merchant's history is judged by its twin trained
only on the days before the windows, and serves as the twin that continued on all of it
(`forecasting.fine_tuning`): nothing is scored on periods it was fitted on.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from forecasting.baselines import INTERMITTENT_ADI, suggested
from forecasting.metrics import seasonal_scale
from forecasting.quantiles import LEVELS, MEDIAN_INDEX

Model = Callable[..., np.ndarray]
TRANSFORMER = "transformer"
SEASONAL_NAIVE = "seasonal_naive"
SELECTION_WINDOWS = 2  # rolling windows judged, most recent last
SELECTION_PERIODS = 28  # periods per window at most (a 56-day night is judged on 28-day windows)
MIN_GROUP_SERIES = 30  # a smaller group takes the choice made for all series
LUMPY_CV2 = 0.49  # Syntetos-Boylan: squared variation of demand sizes above this is lumpy
CLASSES = ("smooth", "erratic", "intermittent", "lumpy", "short")
SPREADS = (0.7, 0.85, 1.0, 1.2)  # the spreads a strategy's quantiles are judged at


def strategies(names: list[str]) -> list[str]:
    """Each candidate alone, every pair, and with a transformer the transformer with
    exponential smoothing and TSB: names joined by '+' in sorted order."""
    singles = list(names)
    pairs = ["+".join(sorted(pair)) for pair in itertools.combinations(names, 2)]
    triple = {TRANSFORMER, "exponential_smoothing", "tsb"}
    triples = ["+".join(sorted(triple))] if triple <= set(names) else []
    return singles + pairs + triples


def option(strategy: str, spread: float = 1.0) -> str:
    return f"{strategy}@{spread:g}"


def strategy_of(key: str) -> str:
    """The strategy of an option ("transformer+tsb@0.85" -> "transformer+tsb")."""
    return key.split("@")[0]


def spread_of(key: str) -> float:
    return float(key.split("@")[1]) if "@" in key else 1.0


def parts(strategy: str) -> list[str]:
    return strategy_of(strategy).split("+")


def whole_units(panel: np.ndarray) -> np.ndarray:
    """Per series: whether every observed value is a whole number (the series counts units)."""
    values = np.asarray(panel, dtype=float)
    observed = ~np.isnan(values)
    return ~(observed & (np.abs(values - np.round(values)) > 1e-9)).any(axis=1)


def served(quantiles: np.ndarray, spread: float, whole: np.ndarray) -> np.ndarray:
    """Quantiles (series, levels, horizon) as served: drawn towards (spread < 1) or away from
    their median, never negative, in whole units on the ``whole`` rows."""
    median = quantiles[:, MEDIAN_INDEX : MEDIAN_INDEX + 1]
    result = np.maximum(median + spread * (quantiles - median), 0.0)
    result[whole] = np.round(result[whole])
    return result


def combine(forecasts: dict[str, np.ndarray], strategy: str, rows=slice(None)) -> np.ndarray:
    """The strategy's quantiles: the mean of its parts' (ordered, since each part's are)."""
    members = parts(strategy)
    total = forecasts[members[0]][rows].copy()
    for name in members[1:]:
        total += forecasts[name][rows]
    return total / len(members)


def demand_classes(panel: np.ndarray, season: int, window: int) -> np.ndarray:
    """Per series: 'short' (fewer observed periods than two windows and two seasons), else
    its Syntetos-Boylan class by average demand interval and the variation of demand sizes."""
    values = np.asarray(panel, dtype=float)
    observed = ~np.isnan(values)
    positive = observed & (values > 0)
    counts, demands = observed.sum(axis=1), positive.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        interval = np.where(demands > 0, counts / np.maximum(demands, 1), np.inf)
        sizes = np.where(positive, values, np.nan)
        mean = np.nanmean(np.where(demands[:, None] > 0, sizes, 0.0), axis=1)
        variance = np.nanvar(np.where(demands[:, None] > 0, sizes, 0.0), axis=1)
        cv2 = np.where(mean > 0, variance / np.maximum(mean, 1e-12) ** 2, 0.0)
    intermittent = interval > INTERMITTENT_ADI
    lumpy = cv2 > LUMPY_CV2
    classes = np.where(
        intermittent,
        np.where(lumpy, "lumpy", "intermittent"),
        np.where(lumpy, "erratic", "smooth"),
    )
    short = counts < max(2 * window, 2 * season)
    return np.where(short, "short", classes).astype(object)


def window_loss(actual: np.ndarray, quantiles: np.ndarray) -> np.ndarray:
    """Per series: the pinball loss summed over levels and observed periods.
    ``actual`` is (series, horizon), ``quantiles`` (series, levels, horizon)."""
    observed = ~np.isnan(actual)
    filled = np.nan_to_num(actual)[:, None, :]
    difference = filled - quantiles
    levels = LEVELS[None, :, None]
    loss = np.maximum(levels * difference, (levels - 1) * difference)
    return (loss * observed[:, None, :]).sum(axis=(1, 2))


def _median_error(actual: np.ndarray, quantiles: np.ndarray) -> np.ndarray:
    """Per series: the mean absolute error of the median over observed periods (NaN: none)."""
    observed = ~np.isnan(actual)
    errors = np.abs(np.nan_to_num(actual) - quantiles[:, MEDIAN_INDEX]) * observed
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(observed.any(axis=1), errors.sum(axis=1) / observed.sum(axis=1), np.nan)


def run_candidate(model: Model, panel: np.ndarray, horizon: int, season: int, rows=None):
    """A candidate's quantiles for ``rows`` of the panel (all by default)."""
    rows = np.arange(panel.shape[0]) if rows is None else rows
    if getattr(model, "takes_rows", False):
        return model(panel, horizon, season, rows=rows)
    return model(panel[rows], horizon, season)


@dataclass
class WindowScores:
    """How every strategy did on every selection window."""

    strategies: list[str]
    window: int  # periods per window
    loss: np.ndarray  # (windows, series, strategies): pinball loss, every level and period
    error: np.ndarray  # (windows, series, strategies): mean absolute error of the median
    volume: np.ndarray  # (windows, series): sum of |actual|
    scale: np.ndarray  # (windows, series): the MASE scale of the history before the window

    def criterion(self, rows: np.ndarray, windows: list[int]) -> np.ndarray:
        """Per strategy, over ``rows`` and ``windows``: its weighted quantile loss relative to
        the best strategy's plus its MASE relative to the best's (2.0 for the best at both)."""
        loss = self.loss[windows][:, rows].sum(axis=(0, 1))
        volume = self.volume[windows][:, rows].sum()
        wql = loss / volume if volume > 0 else loss
        scale = self.scale[windows][:, rows][..., None]
        with np.errstate(divide="ignore", invalid="ignore"):
            ratios = np.where(scale > 0, self.error[windows][:, rows] / scale, np.nan)
        usable = ~np.isnan(ratios).all(axis=-1)
        mase = (
            np.nanmean(ratios[usable], axis=0) if usable.any() else np.zeros(len(self.strategies))
        )
        criterion = np.zeros(len(self.strategies))
        for measure in (wql, mase):
            best = np.min(measure)
            criterion += measure / best if best > 0 else (measure > 0).astype(float)
        return criterion


def window_scores(
    panel: np.ndarray,
    horizon: int,
    season: int,
    candidates: dict[str, Model],
    windows: int = SELECTION_WINDOWS,
) -> WindowScores | None:
    """Every option's scores (each strategy at each spread) on up to ``windows`` rolling
    windows at the end of ``panel`` (fewer when the history is short; None when not even one
    fits)."""
    window = min(horizon, SELECTION_PERIODS)
    while windows > 0 and panel.shape[1] - windows * window < max(2 * season, 2):
        windows -= 1
    if windows == 0:
        return None
    names = strategies(list(candidates))
    keys = [option(name, spread) for name in names for spread in SPREADS]
    series = panel.shape[0]
    shape = (windows, series, len(keys))
    scores = WindowScores(
        keys,
        window,
        np.zeros(shape),
        np.zeros(shape),
        np.zeros((windows, series)),
        np.zeros((windows, series)),
    )
    whole = whole_units(panel)
    for position, back in enumerate(range(windows, 0, -1)):
        cut = panel.shape[1] - back * window
        train, actual = panel[:, :cut], panel[:, cut : cut + window]
        forecasts = {
            name: run_candidate(model, train, window, season) for name, model in candidates.items()
        }
        for name in names:
            combined = combine(forecasts, name)
            for spread in SPREADS:
                column = keys.index(option(name, spread))
                quantiles = served(combined, spread, whole)
                scores.loss[position, :, column] = window_loss(actual, quantiles)
                scores.error[position, :, column] = _median_error(actual, quantiles)
        scores.volume[position] = np.nansum(np.abs(actual), axis=1)
        scores.scale[position] = [seasonal_scale(row, season) for row in train]
    return scores


@dataclass(frozen=True)
class Choice:
    """The option ("strategy@spread") chosen for all series and for each demand class big
    enough to judge."""

    overall: str
    by_class: dict[str, str]

    def for_classes(self, classes: np.ndarray) -> np.ndarray:
        return np.array([self.by_class.get(c, self.overall) for c in classes], dtype=object)


def choose(scores: WindowScores, classes: np.ndarray, windows: list[int] | None = None) -> Choice:
    windows = list(range(scores.loss.shape[0])) if windows is None else windows
    everyone = np.arange(len(classes))
    overall = scores.strategies[int(np.argmin(scores.criterion(everyone, windows)))]
    by_class = {}
    for name in CLASSES:
        rows = np.flatnonzero(classes == name)
        if len(rows) >= MIN_GROUP_SERIES:
            by_class[name] = scores.strategies[int(np.argmin(scores.criterion(rows, windows)))]
    return Choice(overall, by_class)


def default_strategy(panel: np.ndarray, names: list[str]) -> np.ndarray:
    """With no window to judge on: the transformer where there is one, else the baseline the
    series' intermittency suggests."""
    if TRANSFORMER in names:
        return np.full(panel.shape[0], option(TRANSFORMER), dtype=object)
    return np.array([option(name) for name in suggested(panel)], dtype=object)


@dataclass(frozen=True)
class HonestScore:
    """The served choice scored on each window by a choice made on the other windows only:
    pooled weighted quantile loss (every level) and MASE per window."""

    wql: np.ndarray  # (windows,)
    mase: np.ndarray  # (windows,)


def honest_score(scores: WindowScores, classes: np.ndarray) -> HonestScore | None:
    """None with fewer than two windows (nothing is left to choose on)."""
    count = scores.loss.shape[0]
    if count < 2:
        return None
    wql, mase = np.zeros(count), np.zeros(count)
    for held in range(count):
        choice = choose(scores, classes, [w for w in range(count) if w != held])
        columns = [scores.strategies.index(s) for s in choice.for_classes(classes)]
        rows = np.arange(len(classes))
        loss = scores.loss[held, rows, columns].sum()
        volume = scores.volume[held].sum()
        wql[held] = 2 * loss / (len(LEVELS) * volume) if volume > 0 else np.nan
        scale = scores.scale[held]
        error = scores.error[held, rows, columns]
        usable = (scale > 0) & ~np.isnan(error)
        mase[held] = np.mean(error[usable] / scale[usable]) if usable.any() else np.nan
    return HonestScore(wql, mase)


@dataclass(frozen=True)
class Chosen:
    """The served choice: per series the strategy, its quantiles (series, levels, horizon),
    and how it and seasonal naive scored on the selection windows (weighted quantile loss;
    NaN where the history was too short to judge, or sold nothing there)."""

    models: np.ndarray  # strategies
    options: np.ndarray  # the strategies with their spreads
    quantiles: np.ndarray
    score: np.ndarray
    naive_score: np.ndarray
    choice: Choice | None
    honest: HonestScore | None


def forecast_scored(
    panel: np.ndarray,
    horizon: int,
    season: int,
    served_by: dict[str, Model],
    judged: dict[str, Model] | None = None,
) -> Chosen:
    """Judge the options with ``judged`` (``served_by`` by default) on the windows at the end
    of ``panel``, choose per demand class, and forecast ``horizon`` periods with
    ``served_by``."""
    judged = served_by if judged is None else judged
    scores = window_scores(panel, horizon, season, judged)
    series = panel.shape[0]
    classes = demand_classes(panel, season, min(horizon, SELECTION_PERIODS))
    score = naive_score = np.full(series, np.nan)
    choice = honest = None
    if scores is None:
        chosen = default_strategy(panel, list(served_by))
    else:
        choice = choose(scores, classes)
        chosen = choice.for_classes(classes)
        honest = honest_score(scores, classes)
        columns = [scores.strategies.index(key) for key in chosen]
        with np.errstate(divide="ignore", invalid="ignore"):
            weight = scores.volume.sum(axis=0)[:, None] * len(LEVELS) / 2
            scaled = scores.loss.sum(axis=0) / weight
        scaled = np.where(np.isfinite(scaled), scaled, np.nan)
        score = scaled[np.arange(series), columns]
        naive = option(SEASONAL_NAIVE)
        if naive in scores.strategies:
            naive_score = scaled[:, scores.strategies.index(naive)]
    quantiles = np.zeros((series, len(LEVELS), horizon))
    whole = whole_units(panel)
    for key in np.unique(chosen.astype(str)):
        rows = np.flatnonzero(chosen == key)
        forecasts = {
            name: run_candidate(served_by[name], panel, horizon, season, rows)
            for name in parts(key)
        }
        quantiles[rows] = served(combine(forecasts, key), spread_of(key), whole[rows])
    options = chosen.astype(str)
    models = np.array([strategy_of(key) for key in options])
    return Chosen(models, options, quantiles, score, naive_score, choice, honest)


def forecast_chosen(
    panel: np.ndarray, horizon: int, season: int, candidates: dict[str, Model]
) -> tuple[np.ndarray, np.ndarray]:
    """(the strategy chosen per series, its quantiles (series, levels, horizon))."""
    result = forecast_scored(panel, horizon, season, candidates)
    return result.models, result.quantiles
