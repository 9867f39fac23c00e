"""Choosing what each series is served: one of the candidates, or the average of two or three
of them, chosen for groups of similar series on rolling windows that no candidate was fitted
on, and read at the levels that those windows show it should be. The nightly run and the
`backtest` command both go through `forecast_scored`.

Why groups and not series: one or two windows of one short, noisy series are a poor judge
(per-series choice on carparts did worse than giving every series TSB), while a group of
like series (`demand_classes`: smooth, erratic, intermittent, lumpy, short) judged together on
the same windows is a steady one. A group too small to judge takes the choice made for all
series. Each strategy is scored by its weighted quantile loss (every level) and by the mean
scaled error of its median (MASE), each relative to the best strategy's, so the choice serves
both the stock decisions and the median a planner reads.

Why averages: quantile averages of different models are often better than either, and the
choice only takes one where it did better on the windows: there is no blanket preference.

Calibrated as served: a model's quantiles can be too wide, too narrow or shifted (demand for
a part going out of use falls below what its own past says; a model trained on other data
can be too sure). For each group and strategy the windows fit a level map: each served level
is read from the strategy's quantile function at the level that had the least loss at it on
the windows (the 0.5 served may be the strategy's 0.42), shrunk towards no change where few
periods were judged (`forecasting.levels`). Series whose history is counts (whole units) are served
whole-unit quantiles, since every quantile of a count is a whole number (a quantile of 0.4
units where demand is 0 or 1 loses at every level).

Cross-fitting: the candidates that judge (``judged``) may differ from those that serve
(``served``). A transformer fine-tuned on a merchant's history is judged by its twin trained
only on the days before the windows, and serves as the twin that continued on the rest
(`forecasting.fine_tuning`): nothing is scored on periods it was fitted on. The honest score
(`forecasting.judging.honest_score`) scores each window by a choice and level maps made on the
other windows.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from forecasting.baselines import INTERMITTENT_ADI, suggested
from forecasting.levels import MAP_PERIODS, fit_levels, served
from forecasting.metrics import seasonal_scale
from forecasting.paths import COMMON_SHARE, fit_common_share, shock_correlation
from forecasting.quantiles import LEVELS, MEDIAN_INDEX

Model = Callable[..., np.ndarray]
TRANSFORMER = "transformer"
SEASONAL_NAIVE = "seasonal_naive"
SELECTION_WINDOWS = 2  # rolling windows judged, most recent last
SELECTION_PERIODS = 28  # periods per window at most (a 56-day night is judged on 28-day windows)
MIN_GROUP_SERIES = 30  # a smaller group takes the choice made for all series
LUMPY_CV2 = 0.49  # Syntetos-Boylan: squared variation of demand sizes above this is lumpy
CLASSES = ("smooth", "erratic", "intermittent", "lumpy", "short")


def strategies(names: list[str]) -> list[str]:
    """Each candidate alone, every pair, and with a transformer the transformer with
    exponential smoothing and TSB: names joined by '+' in sorted order."""
    singles = list(names)
    pairs = ["+".join(sorted(pair)) for pair in itertools.combinations(names, 2)]
    triple = {TRANSFORMER, "exponential_smoothing", "tsb"}
    triples = ["+".join(sorted(triple))] if triple <= set(names) else []
    return singles + pairs + triples


def parts(strategy: str) -> list[str]:
    return strategy.split("+")


def whole_units(panel: np.ndarray) -> np.ndarray:
    """Per series: whether every observed value is a whole number (the series counts units)."""
    values = np.asarray(panel, dtype=float)
    observed = ~np.isnan(values)
    return ~(observed & (np.abs(values - np.round(values)) > 1e-9)).any(axis=1)


def combine(forecasts: dict[str, np.ndarray], strategy: str, rows=slice(None)) -> np.ndarray:
    """The strategy's quantiles: the mean of its parts' (ordered, since each part's are)."""
    members = parts(strategy)
    total = np.array(forecasts[members[0]][rows])
    for name in members[1:]:
        total += forecasts[name][rows]
    return total / np.asarray(len(members), dtype=total.dtype)


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
    difference = np.nan_to_num(actual)[:, None, :] - quantiles
    # t * d - min(d, 0) is the pinball loss at level t
    levels = LEVELS.astype(difference.dtype)[None, :, None]
    loss = levels * difference - np.minimum(difference, 0)
    return (loss * observed[:, None, :]).sum(axis=(1, 2), dtype=float)


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
class Windows:
    """Every candidate's forecasts of the selection windows, and what happened there."""

    strategies: list[str]
    window: int  # periods per window
    forecasts: list[dict[str, np.ndarray]]  # per window: candidate -> (series, levels, window)
    actual: np.ndarray  # (windows, series, window)
    volume: np.ndarray  # (windows, series): sum of |actual|
    scale: np.ndarray  # (windows, series): the MASE scale of the history before the window
    whole: np.ndarray  # (series,): counts, served in whole units

    @property
    def count(self) -> int:
        return len(self.forecasts)

    def quantiles(self, strategy: str, window: int, rows: np.ndarray) -> np.ndarray:
        return combine(self.forecasts[window], strategy, rows)

    def fit(self, strategy: str, rows: np.ndarray, windows: list[int]) -> np.ndarray:
        """The level map that ``windows`` favour for ``strategy`` on ``rows`` (an even sample
        of them where they hold more than MAP_PERIODS periods)."""
        most = -(-MAP_PERIODS // (self.window * len(windows)))
        if len(rows) > most:
            rows = rows[np.linspace(0, len(rows) - 1, most).astype(int)]
        return fit_levels(
            np.concatenate([self.quantiles(strategy, w, rows) for w in windows], axis=-1),
            np.concatenate([self.actual[w, rows] for w in windows], axis=-1),
        )

    def served_quantiles(
        self, strategy: str, levels: np.ndarray, rows: np.ndarray, window: int
    ) -> np.ndarray:
        """``strategy``'s forecast of ``window`` for ``rows``, served at ``levels``."""
        return served(self.quantiles(strategy, window, rows), self.whole[rows], levels)

    def losses(self, strategy: str, levels: np.ndarray, rows: np.ndarray, window: int):
        """(pinball loss, median's mean absolute error) per row on ``window``, served at
        ``levels``."""
        quantiles = self.served_quantiles(strategy, levels, rows, window)
        actual = self.actual[window, rows]
        return window_loss(actual, quantiles), _median_error(actual, quantiles)


def window_forecasts(
    panel: np.ndarray,
    horizon: int,
    season: int,
    candidates: dict[str, Model],
    windows: int = SELECTION_WINDOWS,
) -> Windows | None:
    """Every candidate's forecasts of up to ``windows`` rolling windows at the end of
    ``panel`` (fewer when the history is short; None when not even one fits)."""
    window = min(horizon, SELECTION_PERIODS)
    while windows > 0 and panel.shape[1] - windows * window < max(2 * season, 2):
        windows -= 1
    if windows == 0:
        return None
    forecasts, actual, volume, scale = [], [], [], []
    for back in range(windows, 0, -1):
        cut = panel.shape[1] - back * window
        train = panel[:, :cut]
        forecasts.append(
            {
                name: run_candidate(model, train, window, season).astype(np.float32)
                for name, model in candidates.items()
            }
        )
        actual.append(panel[:, cut : cut + window])
        volume.append(np.nansum(np.abs(actual[-1]), axis=1))
        scale.append([seasonal_scale(row, season) for row in train])
    return Windows(
        strategies(list(candidates)),
        window,
        forecasts,
        np.stack(actual).astype(np.float32),
        np.stack(volume),
        np.array(scale, dtype=float),
        whole_units(panel),
    )


def criterion(
    loss: np.ndarray, error: np.ndarray, volume: np.ndarray, scale: np.ndarray
) -> np.ndarray:
    """Per strategy: its weighted quantile loss relative to the best strategy's plus its MASE
    relative to the best's (2.0 for the best at both). ``loss`` and ``error`` are (windows,
    rows, strategies), ``volume`` and ``scale`` (windows, rows)."""
    total = volume.sum()
    wql = loss.sum(axis=(0, 1)) / total if total > 0 else loss.sum(axis=(0, 1))
    with np.errstate(divide="ignore", invalid="ignore"):
        ratios = np.where(scale[..., None] > 0, error / scale[..., None], np.nan)
    usable = ~np.isnan(ratios).all(axis=-1)
    mase = np.nanmean(ratios[usable], axis=0) if usable.any() else np.zeros(loss.shape[-1])
    result = np.zeros(loss.shape[-1])
    for measure in (wql, mase):
        best = np.min(measure)
        result += measure / best if best > 0 else (measure > 0).astype(float)
    return result


@dataclass(frozen=True)
class Judged:
    """One group's strategy, its level map and its loss per row and judged window."""

    strategy: str
    levels: np.ndarray
    loss: np.ndarray  # (windows judged, rows)


@dataclass(frozen=True)
class Choice:
    """The strategy and level map chosen for all series, and for each demand class big
    enough to judge."""

    overall: Judged
    by_class: dict[str, Judged]

    def of(self, klass: str) -> Judged:
        return self.by_class.get(klass, self.overall)

    def groups(self, classes: np.ndarray):
        """(class, what serves it, its rows) for each class among ``classes``."""
        for name in CLASSES:
            rows = np.flatnonzero(classes == name)
            if len(rows):
                yield name, self.of(name), rows

    def strategies(self) -> dict:
        """For a report: the strategy chosen for all series and for each class."""
        return {
            "overall": self.overall.strategy,
            "by_class": {name: judged.strategy for name, judged in self.by_class.items()},
        }


def _judge(windows: Windows, rows: np.ndarray, judged_on: list[int]) -> Judged:
    """The strategy with the best criterion on ``rows`` over ``judged_on``, each strategy
    served at the level map that those windows favour for it."""
    shape = (len(judged_on), len(rows), len(windows.strategies))
    loss, error = np.zeros(shape), np.zeros(shape)
    maps = []
    for column, strategy in enumerate(windows.strategies):
        maps.append(windows.fit(strategy, rows, judged_on))
        for position, window in enumerate(judged_on):
            loss[position, :, column], error[position, :, column] = windows.losses(
                strategy, maps[-1], rows, window
            )
    volume = windows.volume[judged_on][:, rows]
    scale = windows.scale[judged_on][:, rows]
    best = int(np.argmin(criterion(loss, error, volume, scale)))
    return Judged(windows.strategies[best], maps[best], loss[:, :, best])


def choose(windows: Windows, classes: np.ndarray, judged_on: list[int] | None = None) -> Choice:
    judged_on = list(range(windows.count)) if judged_on is None else judged_on
    overall = _judge(windows, np.arange(len(classes)), judged_on)
    by_class = {}
    for name in CLASSES:
        rows = np.flatnonzero(classes == name)
        if len(rows) >= MIN_GROUP_SERIES:
            by_class[name] = _judge(windows, rows, judged_on)
    return Choice(overall, by_class)


def default_strategy(panel: np.ndarray, names: list[str]) -> np.ndarray:
    """With no window to judge on: the transformer where there is one, else the baseline the
    series' intermittency suggests."""
    if TRANSFORMER in names:
        return np.full(panel.shape[0], TRANSFORMER, dtype=object)
    return suggested(panel).astype(object)


@dataclass(frozen=True)
class Chosen:
    """The served choice: per series the strategy, its quantiles (series, levels, horizon),
    and how it and seasonal naive scored on the selection windows (weighted quantile loss;
    NaN where the history was too short to judge, or sold nothing there), and the common
    share its demand paths are drawn with (`common_shares`)."""

    models: np.ndarray  # strategies
    quantiles: np.ndarray
    levels: np.ndarray  # (series, len(LEVELS)): the level map each series was served at
    score: np.ndarray
    naive_score: np.ndarray
    choice: Choice | None
    common: np.ndarray  # (series,): `forecasting.paths.sample_paths`'s common share


def forecast_scored(
    panel: np.ndarray,
    horizon: int,
    season: int,
    served_by: dict[str, Model],
    judged: dict[str, Model] | None = None,
) -> Chosen:
    """Judge the strategies with ``judged`` (``served_by`` by default) on the windows at the
    end of ``panel``, choose a strategy and level map per demand class, and forecast
    ``horizon`` periods with ``served_by``."""
    judged = served_by if judged is None else judged
    windows = window_forecasts(panel, horizon, season, judged)
    series = panel.shape[0]
    classes = demand_classes(panel, season, min(horizon, SELECTION_PERIODS))
    score = naive_score = np.full(series, np.nan)
    choice = None
    levels = np.tile(LEVELS, (series, 1))
    common = np.full(series, COMMON_SHARE)
    if windows is None:
        chosen = default_strategy(panel, list(served_by))
    else:
        choice = choose(windows, classes)
        chosen = np.array([choice.of(c).strategy for c in classes], dtype=object)
        loss = choice.overall.loss.sum(axis=0)  # judged on every row
        for name, serving, rows in choice.groups(classes):
            levels[rows] = serving.levels
            if name in choice.by_class:
                loss[rows] = serving.loss.sum(axis=0)
        weight = windows.volume.sum(axis=0) * len(LEVELS) / 2
        with np.errstate(divide="ignore", invalid="ignore"):
            score = np.where(weight > 0, loss / weight, np.nan)
        if SEASONAL_NAIVE in judged:
            naive = sum(
                windows.losses(SEASONAL_NAIVE, LEVELS, np.arange(series), w)[0]
                for w in range(windows.count)
            )
            with np.errstate(divide="ignore", invalid="ignore"):
                naive_score = np.where(weight > 0, naive / weight, np.nan)
        common = common_shares(panel, windows, choice, classes)
    quantiles = np.zeros((series, len(LEVELS), horizon))
    whole = whole_units(panel)
    for strategy in np.unique(chosen.astype(str)):
        picked = chosen == strategy
        for map_levels in np.unique(levels[picked], axis=0):
            rows = np.flatnonzero(picked & np.all(levels == map_levels, axis=1))
            forecasts = {
                name: run_candidate(served_by[name], panel, horizon, season, rows)
                for name in parts(strategy)
            }
            quantiles[rows] = served(combine(forecasts, strategy), whole[rows], map_levels)
    return Chosen(chosen.astype(str), quantiles, levels, score, naive_score, choice, common)


def common_shares(
    panel: np.ndarray, windows: Windows, choice: Choice, classes: np.ndarray
) -> np.ndarray:
    """Per series, the common share its demand paths are drawn with: fitted on the windows
    (`forecasting.paths.fit_common_share`), each series' window forecasts as they would have
    been served (its group's strategy and level map) and its shock correlation as the
    history before each window showed it; for every series together, and for each demand
    class big enough to judge on its own. Where nothing sold, or the store has too few
    series to judge (fewer than `MIN_GROUP_SERIES`: a share fitted on a handful of sums is
    mostly noise), `COMMON_SHARE`."""
    series = panel.shape[0]
    forecasts = np.zeros((windows.count, series, len(LEVELS), windows.window))
    correlation = np.zeros((windows.count, series))
    for window in range(windows.count):
        cut = panel.shape[1] - (windows.count - window) * windows.window
        correlation[window] = shock_correlation(panel[:, :cut])
        for _name, serving, rows in choice.groups(classes):
            forecasts[window, rows] = windows.served_quantiles(
                serving.strategy, serving.levels, rows, window
            )

    def fitted(rows: np.ndarray) -> float | None:
        return fit_common_share(
            forecasts[:, rows].reshape(-1, len(LEVELS), windows.window),
            windows.actual[:, rows].reshape(-1, windows.window),
            correlation[:, rows].reshape(-1),
        )

    overall = fitted(np.arange(series)) if series >= MIN_GROUP_SERIES else None
    common = np.full(series, COMMON_SHARE if overall is None else overall)
    for name in CLASSES:
        rows = np.flatnonzero(classes == name)
        if len(rows) >= MIN_GROUP_SERIES and (share := fitted(rows)) is not None:
            common[rows] = share
    return common


def forecast_chosen(
    panel: np.ndarray, horizon: int, season: int, candidates: dict[str, Model]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(the strategy chosen per series, its quantiles (series, levels, horizon), the common
    share its paths are drawn with)."""
    result = forecast_scored(panel, horizon, season, candidates)
    return result.models, result.quantiles, result.common
