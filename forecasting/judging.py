"""Judging a fine-tuned version (`forecasting.fine_tuning`, steps 2 and 3): the served choice
scored on the selection windows with the fine-tuned twin and with the base model, the gain
between them and how much it varies between windows."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from forecasting.baselines import BASELINES, seasonal_naive
from forecasting.metrics import score
from forecasting.neural.inference import TransformerCandidate
from forecasting.quantiles import LEVELS
from forecasting.selection import (
    SELECTION_PERIODS,
    TRANSFORMER,
    Windows,
    choose,
    demand_classes,
    window_forecasts,
)


def storable(value: float) -> float | None:
    """A score as JSON keeps it: an undefined one (MASE when every series repeats itself
    exactly week on week, so the seasonal scale is 0) is None, not NaN, which PostgreSQL's
    jsonb refuses."""
    return round(float(value), 5) if math.isfinite(value) else None


@dataclass(frozen=True)
class HonestScore:
    """The served choice scored on each window by a choice made on the other windows only:
    pooled weighted quantile loss (every level) and MASE per window."""

    wql: np.ndarray  # (windows,)
    mase: np.ndarray  # (windows,)


def honest_score(windows: Windows, classes: np.ndarray) -> HonestScore | None:
    """Each window scored by the strategies and level maps chosen on the other windows; None
    with fewer than two windows (nothing is left to choose on)."""
    count = windows.count
    if count < 2:
        return None
    wql, mase = np.zeros(count), np.zeros(count)
    series = len(classes)
    for held in range(count):
        choice = choose(windows, classes, [w for w in range(count) if w != held])
        loss, error = np.zeros(series), np.zeros(series)
        for _name, serving, rows in choice.groups(classes):
            loss[rows], error[rows] = windows.losses(serving.strategy, serving.levels, rows, held)
        volume = windows.volume[held].sum()
        wql[held] = 2 * loss.sum() / (len(LEVELS) * volume) if volume > 0 else np.nan
        scale = windows.scale[held]
        usable = (scale > 0) & ~np.isnan(error)
        mase[held] = np.mean(error[usable] / scale[usable]) if usable.any() else np.nan
    return HonestScore(wql, mase)


@dataclass
class Judgement:
    """The served choice's scores on the selection windows (each window judged by a choice
    made on the others) with the fine-tuned twin and with the base model, and the verdict."""

    version: HonestScore | None
    base: HonestScore | None
    naive: dict[str, float]
    improvement: float  # mean over windows of the relative gain (WQL and MASE alike)
    noise: float  # how much that gain varies between windows (standard deviation)

    @property
    def better(self) -> bool:
        return math.isfinite(self.improvement) and self.improvement > max(self.noise, 0.0)


def _gain(version: HonestScore | None, base: HonestScore | None) -> np.ndarray:
    """Per window: 1 - the mean of the version's WQL and MASE ratios to the base model's."""
    if version is None or base is None:
        return np.array([np.nan])
    with np.errstate(divide="ignore", invalid="ignore"):
        ratios = np.stack([version.wql / base.wql, version.mase / base.mase])
    return 1 - np.nanmean(np.where(np.isfinite(ratios), ratios, np.nan), axis=0)


def judge(
    *,
    values: np.ndarray,
    covariates,
    judged: torch.nn.Module,
    base: torch.nn.Module,
    horizon: int,
    season: int,
) -> Judgement:
    """Score the served choice on the windows at the end of ``values`` with ``judged`` (which
    must not have been trained on them) and with the base model."""
    scores = {}
    for name, model in (("version", judged), ("base", base)):
        candidates = {**BASELINES, TRANSFORMER: TransformerCandidate(model, covariates)}
        scores[name] = served_scores(values, horizon, season, candidates)
    window = min(horizon, SELECTION_PERIODS)
    naive = holdout_scores(seasonal_naive, values, window, season)
    gains = _gain(scores["version"], scores["base"])
    noise = float(np.std(gains, ddof=1)) if np.isfinite(gains).sum() > 1 else 0.0
    improvement = float(np.mean(gains)) if np.isfinite(gains).all() else float("nan")
    return Judgement(scores["version"], scores["base"], naive, improvement, noise)


def served_scores(values: np.ndarray, horizon: int, season: int, candidates) -> HonestScore | None:
    windows = window_forecasts(values, horizon, season, candidates)
    if windows is None:
        return None
    return honest_score(windows, demand_classes(values, season, windows.window))


def holdout_scores(forecaster, values: np.ndarray, horizon: int, season: int) -> dict:
    """WQL and MASE of ``forecaster`` (panel, horizon, season) -> quantiles on the last
    ``horizon`` periods, fitted on what came before."""
    history, actual = values[:, :-horizon], values[:, -horizon:]
    result = score(list(history), list(actual), list(forecaster(history, horizon, season)), season)
    return {"WQL": storable(result.wql), "MASE": storable(result.mase)}
