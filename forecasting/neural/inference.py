"""The transformer as a forecasting candidate: panels (series, periods) in, quantiles out, in
the same shape as the baselines, with optional covariates per series.

Covariates are given over the whole calendar of the panel plus the horizon (known ones) or
over the panel only (past-only ones); a backtest that cuts the panel earlier gets them cut at
the same place, and a recorded price held at its origin value, so no future leaks into a
window.

How much of the network's correction a series keeps: the network adds a correction to its
anchor (`forecasting.neural.network`), and where the anchor already fits a series (a clean
trend, a step in level, a plain weekly pattern) that correction can only add noise. So every
forecast is first made once more from an origin one horizon earlier (at most a selection
window, `SELECTION_PERIODS`, and a third of the history), where the periods that followed are
known, and each series keeps the share of its
median's correction (`CORRECTION_SHARES`) that would have served it best there, by quantile
loss. One window of one series is a noisy judge, so each series' own losses are weighed
together with the whole panel's (`CORRECTION_PRIOR`). The whole quantile fan moves with its
median, so the network's spread is kept. Nothing after the origin is read.

The same check calibrates the fan: for each demand class (`forecasting.selection.
demand_classes`; a class of fewer than `MIN_GROUP_SERIES` series takes the whole panel's), the
levels of the checked quantile function that would have served each level best there
(`forecasting.levels.fit_levels`), so a class whose fan ran too high (parts going out of use)
or too narrow is read where its own recent past says (`CALIBRATED`); a series with little
history behind its check moves less (`check_weights`).

On days with something known ahead (a promotion or calendar event flagged, a price other than
the last one) the network's own response is what the check must not cut: the window behind
the origin rarely holds such a day to judge it on. There the network's fan is kept, scaled by
how much the check moved the series' ordinary days of the horizon.

No quantile the network gives exceeds `TAIL_CEILING` times the largest period of demand in the
series' context: on a series that sold a unit or two in a year its scaling can otherwise send
the upper levels to thousands of units."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np
import torch

from forecasting.gaps import window_rows
from forecasting.levels import fit_levels, read_at
from forecasting.neural.network import CONTEXT, Task, anchored, predict
from forecasting.quantiles import LEVELS, MEDIAN_INDEX
from forecasting.selection import MIN_GROUP_SERIES, SELECTION_PERIODS, demand_classes, window_loss

CORRECTION_SHARES = np.linspace(0.0, 1.0, 5)  # the shares of the correction a series may keep
CORRECTION_PRIOR = 1.0  # weight of the panel's losses beside a series' own, both scaled to 1
CALIBRATED = True  # each demand class's fan read at the levels its check favoured
KEPT_FORECASTS = 3  # whole-panel forecasts a candidate keeps for a repeated origin
# No quantile of the network's above this many times the largest period of demand in the
# context (at least one unit): on a series that sold a unit or two a year, the network's
# scaling can otherwise turn its upper levels into thousands of units, and an order would
# follow them.
TAIL_CEILING = 4.0


def check_periods(horizon: int, periods: int) -> int:
    """How many of the last periods of a history of ``periods`` the check of a forecast
    ``horizon`` ahead reads (its origin that many periods earlier): at most a selection
    window and a third of the history. A model that trained on them would judge itself
    there, so the served twin of a fine-tuned model never trains on them
    (`forecasting.fine_tuning.cross_fit`)."""
    return min(horizon, SELECTION_PERIODS, periods // 3)


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


def ceilings(tasks: list[Task]) -> np.ndarray:
    """(tasks, 1, 1): `TAIL_CEILING` times the largest demand in each task's context, at
    least one unit's worth."""
    largest = np.ones(len(tasks))
    for position, task in enumerate(tasks):
        observed = task.history[~np.isnan(task.history)]
        if observed.size:
            largest[position] = max(1.0, float(observed.max()))
    return (TAIL_CEILING * largest)[:, None, None]


def keep_share(quantiles: np.ndarray, anchors: np.ndarray, shares: np.ndarray) -> np.ndarray:
    """``quantiles`` with their median's correction to ``anchors`` cut to ``shares`` (one
    per series): the whole fan moves with the median, never below zero."""
    correction = quantiles[:, MEDIAN_INDEX] - np.nan_to_num(anchors)
    moved = quantiles - ((1.0 - shares)[:, None, None] * correction[:, None, :])
    return np.maximum(moved, 0.0)


def known_days(tasks: list[Task], horizon: int) -> np.ndarray:
    """(tasks, horizon): the days ahead with a promotion or event flagged, or a price other
    than the last one before the origin (rows in `forecasting.neural.anchor`'s places)."""
    days = np.zeros((len(tasks), horizon), dtype=bool)
    for position, task in enumerate(tasks):
        if task.known is None or len(task.known) == 0:
            continue
        at = len(task.history)
        ahead = task.known[:, at : at + horizon]
        flagged = (np.nan_to_num(ahead[1:]) != 0).any(axis=0)
        last = task.known[0, at - 1] if at > 0 else np.nan
        with np.errstate(invalid="ignore"):
            priced = np.isfinite(ahead[0]) & np.isfinite(last) & ~np.isclose(ahead[0], last)
        days[position, : ahead.shape[1]] = flagged | priced
    return days


def hold_known_days(original: np.ndarray, moved: np.ndarray, days: np.ndarray) -> np.ndarray:
    """``moved`` with the ``days`` (series, horizon) of each series given back the network's
    fan (``original``), scaled by the ratio of the moved median to the original over the
    series' other days (unscaled where it has none, or they sum to nothing)."""
    if not days.any():
        return moved
    ordinary = ~days
    before = (original[:, MEDIAN_INDEX] * ordinary).sum(axis=1)
    after = (moved[:, MEDIAN_INDEX] * ordinary).sum(axis=1)
    scale = np.divide(after, before, out=np.ones_like(before), where=before > 0)
    held = original * scale[:, None, None]
    return np.where(days[:, None, :], held, moved)


def class_levels(
    quantiles: np.ndarray, actual: np.ndarray, classes: np.ndarray, weight: np.ndarray
) -> np.ndarray:
    """Per series (series, len(LEVELS)): the level map (`forecasting.levels.fit_levels`) that
    the check's ``actual`` favours for the check's ``quantiles``, fitted per demand class
    (``classes``) on its series of full ``weight`` where the class has at least
    `MIN_GROUP_SERIES` of them, else on all such series of the panel; each series' map moved
    its ``weight`` (0 to 1) of the way from the levels themselves."""
    judged = weight >= 1.0
    result = np.tile(LEVELS, (len(actual), 1))
    if not judged.any():
        return result
    result[:] = fit_levels(quantiles[judged], actual[judged])
    for name in np.unique(classes):
        rows = np.flatnonzero(classes == name)
        fitted = rows[judged[rows]]
        if len(fitted) >= MIN_GROUP_SERIES:
            result[rows] = fit_levels(quantiles[fitted], actual[fitted])
    return LEVELS[None, :] + weight[:, None] * (result - LEVELS[None, :])


def check_weights(panel: np.ndarray, back: int) -> np.ndarray:
    """Per series, how far its check of the last ``back`` periods may move its level map (0 to
    1): as far as the periods observed before the check cover the check. A new product's
    first days tell more about its launch than about its fan."""
    before = (~np.isnan(panel[:, :-back])).sum(axis=1)
    return np.minimum(before / back, 1.0)


def read_rows_at(quantiles: np.ndarray, levels: np.ndarray) -> np.ndarray:
    """Each row of ``quantiles`` (series, len(LEVELS), horizon) read at its own level map
    (series, len(LEVELS)); rows whose map is the levels themselves are left as they are."""
    result = np.array(quantiles)
    maps, which = np.unique(levels, axis=0, return_inverse=True)
    for number, level_map in enumerate(maps):
        rows = np.flatnonzero(which.ravel() == number)
        if not np.allclose(level_map, LEVELS):
            result[rows] = read_at(quantiles[rows], level_map)
    return result


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
    ``rows`` narrows a call to some of its series. A panel is read, never changed: one
    called for again (the same array, or the same view of it) is answered from the forecast
    kept for it."""

    takes_rows = True

    def __init__(
        self,
        model: torch.nn.Module,
        covariates: Covariates | None = None,
        batch_rows=128,
        *,
        checked: bool = True,
        share: float | None = None,
        levels: np.ndarray | None = None,
        effects: dict[int, dict[str, float]] | None = None,
    ) -> None:
        self.model = model
        self.covariates = covariates
        self.batch_rows = batch_rows
        self.checked = checked  # False: every series keeps the network's whole correction
        self.share = share  # one share for every series, instead of each one's own
        self.fixed_levels = levels  # one level map for every series, instead of its class's
        # the flags' pooled effects to anchor with (`forecasting.neural.network.anchored`),
        # instead of those of the panel called with: an explanation's variants of one series
        # are anchored with what its store's series showed, as the night anchored it
        self.fixed_effects = effects
        # (panel, horizon, season, shares, level maps) of the last panel checked
        self._checked_panel: tuple | None = None
        # the last whole-panel forecasts by origin: a selection window's origin is the check's
        # origin of the window after it, and the last window's is the served forecast's check
        self._kept: OrderedDict = OrderedDict()
        # (root, origin, tasks, anchor paths, pooled effects) of a panel
        self._anchored: tuple | None = None

    def _forecast(self, panel, horizon, season, rows):
        whole = len(rows) == panel.shape[0] and np.array_equal(rows, np.arange(panel.shape[0]))
        key = (*_origin(panel), horizon, season) if whole else None
        if key is not None and key in self._kept:
            self._kept.move_to_end(key)
            return self._kept[key][1:]
        tasks, paths, _effects = self._tasks(panel, horizon, season)
        tasks = [tasks[row] for row in rows]
        quantiles, anchors = predict(
            self.model,
            tasks,
            horizon,
            batch_rows=self.batch_rows,
            with_anchors=True,
            paths=[paths[row] for row in rows],
        )
        result = (np.minimum(quantiles.astype(float), ceilings(tasks)), anchors, tasks)
        if key is not None:
            # the root array is held with its forecast, so its address is not reused meanwhile
            self._kept[key] = (_root(panel), *result)
            while len(self._kept) > KEPT_FORECASTS:
                self._kept.popitem(last=False)
        return result

    def _tasks(self, panel, horizon, season) -> tuple[list, list[np.ndarray], dict]:
        """Every row's task and anchor path, the rows anchored together (`anchor_panel` pools
        a flag's effect over them, or takes the candidate's fixed ones), so that a series'
        forecast does not depend on which rows a call asks for, and the pooled effects; the
        last panel's are kept for its next call."""
        key = (*_origin(panel), horizon, season)
        kept = self._anchored
        if kept is not None and kept[0] is _root(panel) and kept[1] == key:
            return kept[2], kept[3], kept[4]
        tasks = tasks_for(panel, horizon, self.covariates, None, season)
        paths, effects = anchored(tasks, horizon, self.fixed_effects)
        self._anchored = (_root(panel), key, tasks, paths, effects)
        return tasks, paths, effects

    def effects(self, panel: np.ndarray, horizon: int, season: int) -> dict:
        """Per season, the effect of each flag on the panel's series together that each
        series' own effect was shrunk towards in its anchor (`forecasting.neural.network.
        anchored`): what a series anchored apart from the panel needs to be anchored as it
        was."""
        return self._tasks(panel, horizon, season)[2]

    def shares(self, panel: np.ndarray, horizon: int, season: int) -> np.ndarray:
        """Per row of the panel: the share of its correction that served it best one
        horizon earlier (the whole correction where the history is too short to look back).
        Every row of the panel is judged, so a series' share does not depend on which rows a
        call asks for; the last panel's shares are kept for its next call."""
        if self.share is not None:
            return np.full(panel.shape[0], float(self.share))
        back = check_periods(horizon, panel.shape[1])
        if not self.checked or back < 1:
            return np.ones(panel.shape[0])
        kept = self._checked_panel
        if kept is not None and kept[0] is panel and kept[1:3] == (horizon, season):
            return kept[3]
        quantiles, anchors, tasks = self._forecast(
            panel[:, :-back], back, season, np.arange(panel.shape[0])
        )
        actual = panel[:, -back:]
        every = np.ones(len(panel))
        losses = np.stack(
            [
                window_loss(actual, keep_share(quantiles, anchors, share * every))
                for share in CORRECTION_SHARES
            ],
            axis=1,
        )
        result = correction_shares(losses)
        levels = np.tile(LEVELS, (panel.shape[0], 1))
        if CALIBRATED:
            moved = hold_known_days(
                quantiles, keep_share(quantiles, anchors, result), known_days(tasks, back)
            )
            levels = class_levels(
                moved,
                actual,
                demand_classes(panel[:, :-back], season, back),
                check_weights(panel, back),
            )
        self._checked_panel = (panel, horizon, season, result, levels)
        return result

    def __call__(self, panel: np.ndarray, horizon: int, season: int, rows=None) -> np.ndarray:
        if panel.shape[0] == 0:
            return np.zeros((0, len(LEVELS), horizon))
        rows = np.arange(panel.shape[0]) if rows is None else np.asarray(rows)
        quantiles, anchors, tasks = self._forecast(panel, horizon, season, rows)
        shares = self.shares(panel, horizon, season)[rows]
        moved = keep_share(quantiles, anchors, shares)
        held = hold_known_days(quantiles, moved, known_days(tasks, horizon))
        levels = self.levels(panel, horizon, season)[rows]
        return read_rows_at(held, levels)

    def levels(self, panel: np.ndarray, horizon: int, season: int) -> np.ndarray:
        """Per row of the panel (series, len(LEVELS)): the levels its fan is read at, fitted
        for its demand class on the check one horizon earlier (`class_levels`); the levels
        themselves where nothing was checked."""
        if self.fixed_levels is not None:
            return np.tile(self.fixed_levels, (panel.shape[0], 1))
        self.shares(panel, horizon, season)
        kept = self._checked_panel
        if kept is None or kept[0] is not panel or kept[1:3] != (horizon, season):
            return np.tile(LEVELS, (panel.shape[0], 1))
        return kept[4]


def _root(array: np.ndarray) -> np.ndarray:
    while isinstance(array.base, np.ndarray):
        array = array.base
    return array


def _origin(panel: np.ndarray) -> tuple:
    """What identifies a panel's values while its root array lives: the root, where the view
    starts in it, its shape and its steps (a backtest's cut panels are views of one panel)."""
    return (
        id(_root(panel)),
        panel.__array_interface__["data"][0],
        panel.shape,
        panel.strides,
    )
