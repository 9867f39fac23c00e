"""The quantile levels every forecast carries: wide enough for 95-99% service levels."""

import numpy as np

LEVELS = np.array(
    [0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.975, 0.99]
)
MEDIAN_INDEX = int(np.flatnonzero(LEVELS == 0.5)[0])
# The levels the WQL metric averages over (as in the Chronos / fev benchmarks).
WQL_LEVELS = np.round(np.arange(0.1, 1.0, 0.1), 1)
