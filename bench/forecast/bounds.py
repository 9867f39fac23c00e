"""What a point forecast can reach on a held-out window, for reading a MASE target, each as
a ratio to the point seasonal naive's MASE: forecasting zero everywhere; each series' median
of its own last season; the best of a few candidates' medians picked for each series on the
held-out periods themselves, and each series' own median of the held-out periods as one
number for all of them (both of which no forecast can know). Beside them, what the history
itself says of where the last two lie (`later_selling_share`): of the series that sold in
at least half of one season's periods, the share of the next season's periods in which they
sold, read wholly inside the history. Below one half, the median of such a series' next
season is zero as often as not, and so is the forecast that serves MASE best."""

from __future__ import annotations

import numpy as np


def mase_bounds(panel, horizon: int, season: int) -> dict[str, float]:
    from forecasting import registry
    from forecasting.backtest import seasonal_naive_point
    from forecasting.baselines import tsb
    from forecasting.metrics import seasonal_scale
    from forecasting.neural.inference import Covariates, TransformerCandidate
    from forecasting.quantiles import MEDIAN_INDEX

    history, actual = panel.values[:, :-horizon], panel.values[:, -horizon:]
    scale = np.array([seasonal_scale(row, season) for row in history])
    usable = scale > 0

    def per_series(point: np.ndarray) -> np.ndarray:
        with np.errstate(invalid="ignore"):
            errors = np.nanmean(np.abs(actual - point), axis=1)
        return errors[usable] / scale[usable]

    transformer = TransformerCandidate(registry.base_model(), Covariates(known=panel.known))
    medians = {
        "zero": np.zeros_like(actual),
        "tsb": tsb(history, horizon, season)[:, MEDIAN_INDEX],
        "transformer": transformer(history, horizon, season)[:, MEDIAN_INDEX],
    }
    reference = np.nanmean(per_series(seasonal_naive_point(history, horizon, season)[:, 0]))
    ratios = {name: per_series(point) for name, point in medians.items()}
    best = np.nanmin(np.stack(list(ratios.values())), axis=0)
    # one number per series, set against each of its held-out periods
    own_last = np.nanmedian(history[:, -season:], axis=1)[:, None]
    held_out = np.nanmedian(actual, axis=1)[:, None]
    return {
        "zero everywhere": float(np.nanmean(ratios["zero"]) / reference),
        "each series' median of its last season": float(
            np.nanmean(per_series(own_last)) / reference
        ),
        "best of zero, TSB, transformer per series, picked on the held-out periods": float(
            np.nanmean(best) / reference
        ),
        "each series' own median of the held-out periods": float(
            np.nanmean(per_series(held_out)) / reference
        ),
    }


def later_selling_share(panel, season: int, least: float = 0.5) -> tuple[int, float]:
    """Over every pair of consecutive whole seasons inside the history (the last season
    before the held-out periods closing the last pair): how many series sold in at least
    ``least`` of the first season's periods, and the share of the next season's periods in
    which those series sold."""
    values = panel.values[:, :-season]
    counted, sold = 0, 0.0
    for end in range(values.shape[1], 2 * season - 1, -season):
        before, after = values[:, end - 2 * season : end - season], values[:, end - season : end]
        busy = (np.nan_to_num(before) > 0).mean(axis=1) >= least
        counted += int(busy.sum())
        sold += float((np.nan_to_num(after[busy]) > 0).sum()) / season
    return counted, (sold / counted if counted else float("nan"))
