"""Whether a store's new products should borrow from similar ones: asked of its own products.

A series with little history may take the summed demand of its most similar established
products by name as a past-only row (`forecasting.embeddings`). Whether that helps depends
on the store: where products named alike sell alike, the row carries a shape the few days of
a new product cannot; where they do not, it is noise the transformer reads as signal. The
check makes established products new again: at each of ``WINDOWS`` origins, one, two, ...
horizons before the end of the history, up to ``CHECK_SERIES`` of them (seeded) keep only
their last ``NEW_DAYS`` observed days, and the transformer forecasts the horizon after with
and without the row each would have borrowed then (from what the other established products
had sold by that day). The store borrows when the forecasts with the row scored better (WQL
over the window's checked products) than those without in every window: where borrowing
wins one window and loses the other, what it does is smaller than what the windows vary by,
and the new products go without. Where fewer than ``MIN_CHECKED`` products could be checked
(too few to say), the pretrained model's habit stands: they borrow.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from accounts.models import Merchant
from forecasting import embeddings
from forecasting.metrics import score

WINDOWS = 2
CHECK_SERIES = 100  # per window
NEW_DAYS = 28  # the days of its own a product made new keeps (sparse: under SPARSE_DAYS)
MIN_CHECKED = 20

logger = logging.getLogger(__name__)

# (histories (series, periods), past-only rows by series row) -> quantiles (series, levels, h)
Forecaster = Callable[[np.ndarray, dict[int, np.ndarray]], np.ndarray]


@dataclass(frozen=True)
class Verdict:
    borrow: bool
    checked: int  # established products made new that found similar products to borrow from
    alone: tuple[float, ...] = ()  # per window, their forecasts' WQL without the row
    borrowing: tuple[float, ...] = ()  # and with it (both empty: too few checked)


@dataclass(frozen=True)
class _Window:
    """Established products made new at one origin: their few days, the rows they would
    have borrowed, and what they then sold over the horizon."""

    made_new: np.ndarray  # (products, origin)
    past: dict[int, np.ndarray]  # by row of ``made_new``
    actual: np.ndarray  # (products, horizon)


def _window(
    keys: list[tuple[int, int]],
    values: np.ndarray,
    vectors: dict[int, np.ndarray],
    origin: int,
    horizon: int,
) -> _Window:
    before = values[:, :origin]
    established = embeddings.established_rows(before)
    observed = ~np.isnan(before)
    # products made new must have a horizon to be judged on and enough days of their own
    judged = [
        row
        for row in established
        if observed[row].sum() > NEW_DAYS and np.nansum(values[row, origin : origin + horizon]) > 0
    ]
    rng = np.random.default_rng(origin)
    chosen = sorted(rng.choice(judged, size=min(CHECK_SERIES, len(judged)), replace=False))
    borrowed = embeddings.borrowed_rows(keys, before, vectors, chosen, established)
    rows = [row for row in chosen if row in borrowed]
    made_new = before[rows].copy()
    for position, row in enumerate(rows):
        made_new[position, : np.flatnonzero(observed[row])[-NEW_DAYS]] = np.nan
    past = {position: borrowed[row] for position, row in enumerate(rows)}
    return _Window(made_new, past, values[rows, origin : origin + horizon])


def borrowing_verdict(
    keys: list[tuple[int, int]],
    values: np.ndarray,
    vectors: dict[int, np.ndarray],
    forecast: Forecaster,
    *,
    horizon: int,
    season: int,
) -> Verdict:
    """The check on the store's ``values`` (series, periods; NaN: closed or not yet sold)
    with its SKUs' text ``vectors``: ``forecast`` stands for the transformer as it serves."""
    length = values.shape[1]
    windows = [
        _window(keys, values, vectors, length - number * horizon, horizon)
        for number in range(1, WINDOWS + 1)
        if length - number * horizon > NEW_DAYS
    ]
    windows = [window for window in windows if len(window.made_new)]
    checked = sum(len(window.made_new) for window in windows)
    if checked < MIN_CHECKED:
        return Verdict(True, checked)

    def wql(window: _Window, borrowing: bool) -> float:
        forecasts = forecast(window.made_new, window.past if borrowing else {})
        return score(list(window.made_new), list(window.actual), list(forecasts), season).wql

    alone = tuple(wql(window, False) for window in windows)
    borrowing = tuple(wql(window, True) for window in windows)
    wins = all(borrowed < own for borrowed, own in zip(borrowing, alone, strict=True))
    return Verdict(wins, checked, alone, borrowing)


def checked_similar_products(
    merchant: Merchant,
    keys: list[tuple[int, int]],
    values: np.ndarray,
    forecast: Forecaster,
    *,
    horizon: int,
    season: int,
) -> tuple[dict[int, np.ndarray], Verdict | None]:
    """The rows the store's sparse series borrow (`embeddings.similar_products`), none where
    its own products say borrowing does not help them (`borrowing_verdict`), with the
    verdict (None: nothing to borrow, nothing checked)."""
    borrowed, vectors = embeddings.similar_products(merchant, keys, values)
    if not borrowed:
        return {}, None
    verdict = borrowing_verdict(keys, values, vectors, forecast, horizon=horizon, season=season)
    logger.info(
        "similar products for merchant %s: %s (%d products checked; WQL per window %s alone, "
        "%s borrowing)",
        merchant.pk, "borrowed" if verdict.borrow else "not borrowed", verdict.checked,
        verdict.alone, verdict.borrowing,
    )  # fmt: skip
    return (borrowed if verdict.borrow else {}), verdict
