"""The transformer as a forecasting candidate: panels (series, periods) in, quantiles out, in
the same shape as the baselines, with optional covariates per series.

Covariates are given over the whole calendar of the panel plus the horizon (known ones) or
over the panel only (past-only ones); a backtest that cuts the panel earlier gets them cut at
the same place, and a recorded price held at its origin value, so no future leaks into a
window.

How much of the network's correction a series keeps: the network adds a correction to its
anchor (`forecasting.neural.network`), and where the anchor already fits a series (a clean
trend, a step in level, a plain weekly pattern) that correction can only add noise. So every
forecast is first made once more from an origin one horizon earlier (at most a third of the
history), where the periods that followed are known, and each series keeps the share of its
median's correction (`CORRECTION_SHARES`) that would have served it best there, by quantile
loss. One window of one series is a noisy judge, so each series' own losses are weighed
together with the whole panel's (`CORRECTION_PRIOR`). The whole quantile fan moves with its
median, so the network's spread is kept. Nothing after the origin is read."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch

from forecasting.gaps import window_rows
from forecasting.neural.network import CONTEXT, Task, predict
from forecasting.quantiles import LEVELS, MEDIAN_INDEX

CORRECTION_SHARES = np.linspace(0.0, 1.0, 5)  # the shares of the correction a series may keep
CORRECTION_PRIOR = 1.0  # weight of the panel's losses beside a series' own, both scaled to 1


@dataclass
class Covariates:
    """Per series row: known covariates (k, periods + horizon) and past-only ones
    (m, periods), on the panel's calendar."""

    known: dict[int, np.ndarray] = field(default_factory=dict)
    past: dict[int, np.ndarray] = field(default_factory=dict)
    # periods whose price was recorded from sales rather than planned (None: all the known
    # rows cover); a window cut inside them sees the price held at its origin (gaps.window_rows)
    recorded: int | None = None


def tasks_for(
    panel: np.ndarray,
    horizon: int,
    covariates: Covariates | None = None,
    rows=None,
    season: int = 7,
) -> list[Task]:
    """Tasks for the rows of ``panel`` (all by default), covariates cut to its length."""
    length = panel.shape[1]
    start = max(0, length - CONTEXT)
    rows = range(panel.shape[0]) if rows is None else rows
    tasks = []
    for row in rows:
        known = past = None
        if covariates is not None:
            if row in covariates.known:
                known = window_rows(
                    covariates.known[row],
                    start=start,
                    cut=length,
                    end=length + horizon,
                    recorded=covariates.recorded,
                )
            if row in covariates.past:
                past = covariates.past[row][:, start:length]
        tasks.append(Task(history=panel[row, start:], known=known, past=past, season=season))
    return tasks


def pinball_losses(actual: np.ndarray, quantiles: np.ndarray) -> np.ndarray:
    """Per series: the pinball loss summed over every level and observed period."""
    levels = np.asarray(LEVELS)[None, :, None]
    difference = actual[:, None, :] - quantiles
    loss = np.maximum(levels * difference, (levels - 1) * difference)
    return np.nansum(loss, axis=(1, 2))


def keep_share(quantiles: np.ndarray, anchors: np.ndarray, shares: np.ndarray) -> np.ndarray:
    """``quantiles`` with their median's correction to ``anchors`` cut to ``shares`` (one
    per series): the whole fan moves with the median, never below zero."""
    correction = quantiles[:, MEDIAN_INDEX] - np.nan_to_num(anchors)
    moved = quantiles - ((1.0 - shares)[:, None, None] * correction[:, None, :])
    return np.maximum(moved, 0.0)


def correction_shares(losses: np.ndarray) -> np.ndarray:
    """Per series, from its losses (series, shares) at each of `CORRECTION_SHARES`: the share
    that minimises its own losses and the panel's, each scaled to a largest of 1. A series
    with no loss at any share (nothing observed) follows the panel."""
    total = losses.sum(axis=0)
    panel = total / total.max() if total.max() > 0 else np.zeros_like(total)
    largest = losses.max(axis=1, keepdims=True)
    own = np.divide(losses, largest, out=np.zeros_like(losses), where=largest > 0)
    return CORRECTION_SHARES[np.argmin(own + CORRECTION_PRIOR * panel[None, :], axis=1)]


class TransformerCandidate:
    """A callable (panel, horizon, season, rows=None) -> quantiles for `forecasting.backtest`;
    the season is the anchor's (its seasonal profile; the network finds others in the
    context). ``panel`` is always the whole panel (so covariates keep their row numbers);
    ``rows`` narrows a call to some of its series."""

    takes_rows = True

    def __init__(
        self,
        model: torch.nn.Module,
        covariates: Covariates | None = None,
        batch_rows=128,
        *,
        checked: bool = True,
    ) -> None:
        self.model = model
        self.covariates = covariates
        self.batch_rows = batch_rows
        self.checked = checked  # False: every series keeps the network's whole correction

    def _forecast(self, panel, horizon, season, rows) -> tuple[np.ndarray, np.ndarray]:
        tasks = tasks_for(panel, horizon, self.covariates, rows, season)
        quantiles, anchors = predict(
            self.model, tasks, horizon, batch_rows=self.batch_rows, with_anchors=True
        )
        return quantiles.astype(float), anchors

    def shares(self, panel: np.ndarray, horizon: int, season: int, rows) -> np.ndarray:
        """Per row: the share of its correction that served it best one horizon earlier
        (the whole correction where the history is too short to look back)."""
        back = min(horizon, panel.shape[1] // 3)
        if not self.checked or back < 1:
            return np.ones(len(rows))
        quantiles, anchors = self._forecast(panel[:, :-back], back, season, rows)
        actual = panel[rows, -back:]
        losses = np.stack(
            [
                pinball_losses(actual, keep_share(quantiles, anchors, np.full(len(rows), share)))
                for share in CORRECTION_SHARES
            ],
            axis=1,
        )
        return correction_shares(losses)

    def __call__(self, panel: np.ndarray, horizon: int, season: int, rows=None) -> np.ndarray:
        if panel.shape[0] == 0:
            return np.zeros((0, len(LEVELS), horizon))
        rows = np.arange(panel.shape[0]) if rows is None else np.asarray(rows)
        quantiles, anchors = self._forecast(panel, horizon, season, rows)
        return keep_share(quantiles, anchors, self.shares(panel, horizon, season, rows))
