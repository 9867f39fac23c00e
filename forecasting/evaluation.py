"""The public evaluation (the `backtest` command and bench/forecast): the baselines, AutoETS,
the base transformer alone (zero-shot), the transformer fine-tuned on the file's own history
as a merchant's would be, and Shelfcast as deployed (the per-series choice among the
baselines, the fine-tuned transformer and their ensemble)."""

from __future__ import annotations

import time

import torch
from django.conf import settings

from forecasting import fine_tuning, registry
from forecasting.backtest import TRANSFORMER, Panel, auto_ets, run_backtest
from forecasting.baselines import BASELINES
from forecasting.neural.inference import Covariates, TransformerCandidate
from forecasting.neural.network import MAX_HORIZON, PATCH


def evaluate(
    panel: Panel,
    *,
    horizon: int,
    season: int,
    fine_tune: bool = True,
    steps: int | None = None,
    mode: str | None = None,
    with_auto_ets: bool = True,
    base: torch.nn.Module | None = None,
) -> dict:
    if horizon > MAX_HORIZON:
        raise ValueError(f"The transformer forecasts at most {MAX_HORIZON} periods ahead.")
    registry.configure_threads()
    base = base if base is not None else registry.base_model()
    covariates = Covariates(known=panel.known)
    zero_shot = TransformerCandidate(base, covariates)
    extra = {"shelfcast_zero_shot": zero_shot}
    notes: dict = {}
    if with_auto_ets:
        extra["auto_ets"] = auto_ets
    served = zero_shot
    if fine_tune:
        history = panel.values[:, :-horizon]
        started = time.perf_counter()
        tuned, log = fine_tuning.fine_tune(
            parent=base,
            values=history,
            covariates=covariates,
            mode=mode or settings.FINE_TUNE_MODE,
            steps=steps or settings.FINE_TUNE_STEPS,
            batch_size=settings.FINE_TUNE_BATCH_SIZE,
            device=settings.FINE_TUNE_DEVICE,
            horizons=(-(-horizon // PATCH) * PATCH,),
        )
        notes["fine_tune"] = {
            "mode": mode or settings.FINE_TUNE_MODE,
            "steps": log.steps,
            "seconds": round(time.perf_counter() - started, 1),
            "device": log.device,
        }
        served = TransformerCandidate(tuned, covariates)
        extra["shelfcast_fine_tuned"] = served
    system = {
        "shelfcast": {**BASELINES, TRANSFORMER: served},
        "shelfcast_baselines_only": dict(BASELINES),
    }
    result = run_backtest(panel, horizon=horizon, season=season, extra=extra, system=system)
    result.notes.update(notes)
    return result.as_dict()
