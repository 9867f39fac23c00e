"""Carrying known values over gaps: a covariate such as a price is only recorded on days
something sold, but the model needs it on every day."""

from __future__ import annotations

import numpy as np


def fill_forward(values: np.ndarray, fallback: np.ndarray | float | None = None) -> np.ndarray:
    """Per row (a 1-D array is one row), the last known value carried forward over NaN.
    Before a row's first known value: ``fallback`` for that row, or by default the first
    known value itself (1.0 for a row with none)."""
    rows = np.atleast_2d(np.asarray(values, dtype=float))
    known = ~np.isnan(rows)
    if fallback is None:
        first = np.take_along_axis(rows, np.argmax(known, axis=1)[:, None], axis=1)[:, 0]
        fallback = np.where(known.any(axis=1), first, 1.0)
    index = np.where(known, np.arange(rows.shape[1]), -1)
    np.maximum.accumulate(index, axis=1, out=index)
    filled = np.take_along_axis(rows, np.maximum(index, 0), axis=1)
    filled = np.where(index >= 0, filled, np.broadcast_to(fallback, rows.shape[:1])[:, None])
    return filled.reshape(np.shape(values))


def window_rows(
    rows: np.ndarray, *, start: int, cut: int, end: int, recorded: int | None = None
) -> np.ndarray:
    """Known covariate rows (k, periods), price first, for a window of periods [start, end)
    whose origin is ``cut``; past the rows' own end their last value carries on.

    A recorded price is the average price on days something sold, carried forward: where it
    changes after the origin it would tell the model on which days the product sold. So from
    the origin up to ``recorded`` (the periods whose price was recorded rather than planned;
    by default all the rows cover) the price is held at its value at the origin. Planned
    prices after ``recorded`` (a list price less a planned discount) stay as they are."""
    window = rows[:, start:end]
    pad = end - start - window.shape[1]
    if pad > 0:
        window = np.concatenate([window, np.repeat(window[:, -1:], pad, axis=1)], axis=1)
    recorded = rows.shape[1] if recorded is None else recorded
    origin = cut - start
    # padding past the rows' end repeats a recorded price, so it is held too
    held_until = (end if recorded >= rows.shape[1] else min(recorded, end)) - start
    if origin > 0 and held_until > origin:
        window = window.copy()
        window[0, origin:held_until] = window[0, origin - 1]
    return window
