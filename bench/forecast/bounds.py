"""What a point forecast can reach on a held-out window, for reading a MASE target: the
MASE of forecasting zero everywhere, and of the best of a few candidates' medians picked
for each series on the held-out periods themselves (which no forecast can know), each as a
ratio to the point seasonal naive's."""

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
    return {
        "zero everywhere": float(np.nanmean(ratios["zero"]) / reference),
        "best of zero, TSB, transformer per series, picked on the held-out periods": float(
            np.nanmean(best) / reference
        ),
    }
