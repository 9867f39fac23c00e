"""The transformer as a forecasting candidate: panels (series, periods) in, quantiles out, in
the same shape as the baselines, with optional covariates per series.

Covariates are given over the whole calendar of the panel plus the horizon (known ones) or
over the panel only (past-only ones); a backtest that cuts the panel earlier gets them cut at
the same place, and a recorded price held at its origin value, so no future leaks into a
window."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch

from forecasting.gaps import window_rows
from forecasting.neural.network import CONTEXT, Task, predict
from forecasting.quantiles import LEVELS


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
    panel: np.ndarray, horizon: int, covariates: Covariates | None = None, rows=None
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
        tasks.append(Task(history=panel[row, start:], known=known, past=past))
    return tasks


class TransformerCandidate:
    """A callable (panel, horizon, season, rows=None) -> quantiles for `forecasting.backtest`;
    the season is the model's to find in the context. ``panel`` is always the whole panel (so
    covariates keep their row numbers); ``rows`` narrows a call to some of its series."""

    takes_rows = True

    def __init__(
        self, model: torch.nn.Module, covariates: Covariates | None = None, batch_rows=128
    ) -> None:
        self.model = model
        self.covariates = covariates
        self.batch_rows = batch_rows

    def __call__(self, panel: np.ndarray, horizon: int, season: int, rows=None) -> np.ndarray:
        if panel.shape[0] == 0:
            return np.zeros((0, len(LEVELS), horizon))
        tasks = tasks_for(panel, horizon, self.covariates, rows)
        return predict(self.model, tasks, horizon, batch_rows=self.batch_rows).astype(float)
