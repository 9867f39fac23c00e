"""The quantile levels every forecast carries: wide enough for 95-99% service levels."""

import numpy as np

LEVELS = np.array(
    [0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.975, 0.99]
)


def level_index(level: float) -> int:
    """The row of a forecast's quantiles that holds ``level`` (one of `LEVELS`)."""
    return int(np.flatnonzero(np.isclose(LEVELS, level))[0])


MEDIAN_INDEX = level_index(0.5)
# The levels the WQL metric averages over (as in the Chronos / fev benchmarks).
WQL_LEVELS = np.round(np.arange(0.1, 1.0, 0.1), 1)


def row_quantiles(values: np.ndarray, levels: np.ndarray) -> np.ndarray:
    """Per row of ``values`` (NaN = no value), the quantiles at ``levels`` (one set for all
    rows, shape (k,), or one per row, shape (rows, k)) by linear interpolation, as
    ``np.quantile`` computes them; NaN for a row with no value. One sort of the whole matrix
    instead of a quantile call per row (numpy's nanquantile loops over rows in Python)."""
    ordered = np.sort(values, axis=1)  # NaN sorts last
    counts = np.sum(~np.isnan(ordered), axis=1)
    levels = np.asarray(levels, dtype=float)
    levels = np.broadcast_to(levels, (values.shape[0], levels.shape[-1]))
    position = levels * np.maximum(counts - 1, 0)[:, None]
    below = np.floor(position).astype(np.int64)
    above = np.minimum(below + 1, np.maximum(counts - 1, 0)[:, None])
    weight = position - below
    rows = np.arange(values.shape[0])[:, None]
    low, high = ordered[rows, below], ordered[rows, above]
    result = low + (high - low) * weight
    result[counts == 0] = np.nan
    return result
