"""The public evaluation (the `backtest` command and bench/forecast): the last H periods held
out; every candidate alone (the baselines, AutoETS, the base transformer zero-shot, the
transformer fine-tuned on the file's own history as a merchant's would be: the served twin,
continued up to the check before the held-out periods even where the verdict rejects it, so
that the row shows what fine-tuning makes of the whole history), and Shelfcast as
deployed, by the nightly run's own code: the choice among the baselines and the transformer
judged on windows before the held-out periods (`forecasting.selection`), with the fine-tuned
version cross-fitted and accepted or rejected as `forecasting.fine_tuning` does at night.
A panel with calendar events (`forecasting.panels.with_events`) gives the transformer its
event row as a known covariate, and every model's report its error on event windows and on
ordinary days apart."""

from __future__ import annotations

import torch
from django.conf import settings

from forecasting import fine_tuning, registry
from forecasting.backtest import System, auto_ets, run_backtest
from forecasting.baselines import BASELINES
from forecasting.neural.inference import Covariates, TransformerCandidate
from forecasting.neural.network import MAX_HORIZON
from forecasting.panels import Panel
from forecasting.selection import TRANSFORMER


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
    progress=None,
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
    deployed = System({**BASELINES, TRANSFORMER: zero_shot})
    if fine_tune:
        mode = mode or settings.FINE_TUNE_MODE
        fit = fine_tuning.cross_fit(
            base=base,
            values=panel.values[:, :-horizon],
            covariates=covariates,
            mode=mode,
            steps=steps or settings.FINE_TUNE_STEPS,
            batch_size=settings.FINE_TUNE_BATCH_SIZE,
            horizon=horizon,
            season=season,
            device=settings.FINE_TUNE_DEVICE,
            progress=progress,
            continue_always=True,
        )
        notes["fine_tune"] = {
            "mode": mode,
            "accepted": fit.accepted,
            "reason": fit.reason,
            "seconds": round(fit.seconds, 1),
            "device": fit.device,
            **fine_tuning.version_metrics(fit, series=panel.values.shape[0]),
        }
        tuned = TransformerCandidate(fit.continued or fit.judged, covariates)
        extra["shelfcast_fine_tuned"] = tuned
        if fit.accepted:
            judged = TransformerCandidate(fit.judged, covariates)
            deployed = System({**BASELINES, TRANSFORMER: tuned}, {**BASELINES, TRANSFORMER: judged})
    system = {"shelfcast": deployed, "shelfcast_baselines_only": System(dict(BASELINES))}
    result = run_backtest(panel, horizon=horizon, season=season, extra=extra, system=system)
    result.notes.update(notes)
    return result.as_dict()
