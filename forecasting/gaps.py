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
