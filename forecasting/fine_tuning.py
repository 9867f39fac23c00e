"""Fine-tuning a merchant's transformer on its own history, and the versions that result.

Cross-fitted (`cross_fit`), so that no candidate is ever judged on days it was trained on:
1. the shipped base model is fine-tuned on the history before the selection windows (the
   last `SELECTION_WINDOWS` windows of up to 28 days: `forecasting.selection`) and before the
   check that the first window's forecast makes one horizon earlier (`forecasting.neural.
   inference`: a forecast's correction shares and level maps are fitted there, and a model
   that trained on those days would find itself good there), with a share of the pretraining
   corpus replayed: the *judged* twin;
2. the served choice (the per-class choice among the baselines and the transformer, each
   window judged by a choice made on the other windows) is scored with that twin and with
   the base model on the windows (`forecasting.judging`);
3. the version is accepted only if the served choice improves on the base model's by more
   than the improvement varies between windows, and its loss on a fixed sample of the
   pretraining corpus has not grown by more than `FINE_TUNE_CORPUS_LOSS_BOUND`;
4. an accepted version continues training on the whole history but the served forecast's
   own check window (the last one): the *served* twin.
Both twins are kept: at night the served one forecasts, and the judged one (which never saw
the windows the night judges on, as they come after its training days) stands for it in the
choice. Training always starts from the base model, since a previous version has seen the
windows. Rejected versions are kept with the reason; rolling back activates an earlier one.
"""

from __future__ import annotations

import copy
import functools
import math
import time
import uuid
from dataclasses import dataclass

import numpy as np
import torch
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from peft import LoraConfig, get_peft_model

from accounts.errors import DomainError
from accounts.models import Merchant
from accounts.tenancy import tenant_context
from core import runs
from forecasting import history as history_reads
from forecasting import job_texts, registry, selectors, services
from forecasting.judging import HonestScore, Judgement, judge, storable
from forecasting.models import ModelVersion, TrainingRun
from forecasting.neural import training
from forecasting.neural.inference import check_periods
from forecasting.neural.network import PATCH
from forecasting.selection import SELECTION_PERIODS, SELECTION_WINDOWS
from forecasting.services import MIN_DAYS

WEEK = 7
REPLAY_SHARE = 0.25
CONTINUE_SHARE = 0.2  # of a run's steps, those the served twin continues for
# per mode (services.FINE_TUNE_MODES). At 1e-3 the adapters learned upper quantiles that burst
# (a 90% interval 28 times as wide as the base model's on Online Retail, WQL 0.913 against 0.678)
LEARNING_RATE = {"full": 1e-4, "lora": 1e-4}


def _with_lora(model: torch.nn.Module) -> torch.nn.Module:
    config = LoraConfig(
        r=8,
        lora_alpha=16,
        lora_dropout=0.0,
        target_modules=["q", "k", "v", "o"],
        modules_to_save=["output_patch_embedding"],
    )
    return get_peft_model(model, config)


def fine_tune(
    *,
    parent: torch.nn.Module,
    values: np.ndarray,
    covariates,
    mode: str,
    steps: int,
    batch_size: int,
    seed: int = 0,
    device: str = "auto",
    progress=None,
    horizons: tuple[int, ...] = (16, 32, 64),
) -> tuple[torch.nn.Module, training.TrainingLog]:
    """A copy of ``parent`` trained on ``values`` (its known covariates with it)."""
    model = copy.deepcopy(parent)
    torch.manual_seed(seed)
    if mode == "lora":
        model = _with_lora(model)
    batches = training.merchant_batches(
        values,
        seed=seed,
        size=batch_size,
        replay_share=REPLAY_SHARE,
        known=covariates.known,
        horizons=horizons,
    )
    log = training.train(
        model,
        batches,
        steps=steps,
        learning_rate=LEARNING_RATE[mode],
        device=training.pick_device(device),
        warmup=min(50, steps // 5 + 1),
        log_every=max(1, min(25, steps // 4)),
        progress=progress,
    )
    if mode == "lora":
        model = model.merge_and_unload()
    return model.to("cpu").eval(), log


@dataclass
class CrossFit:
    judged: torch.nn.Module  # trained on the days before the selection windows
    served: torch.nn.Module | None  # the judged twin continued (when accepted)
    judgement: Judgement
    corpus_loss_before: float
    corpus_loss_after: float
    accepted: bool
    reason: str
    device: str
    seconds: float
    # the judged twin continued, accepted or not (with ``continue_always``)
    continued: torch.nn.Module | None = None


def cross_fit(
    *,
    base: torch.nn.Module,
    values: np.ndarray,
    covariates,
    mode: str,
    steps: int,
    batch_size: int,
    horizon: int = SELECTION_PERIODS,
    season: int = WEEK,
    seed: int = 0,
    device: str = "auto",
    progress=None,
    continue_always: bool = False,
) -> CrossFit:
    """Fine-tune ``base`` on ``values`` (series, periods) as the module docstring says, in
    ``steps`` in all: the judged twin's, then (`CONTINUE_SHARE` of them) the served twin's,
    trained when the version is accepted, or always with ``continue_always`` (the backtest's
    row of the fine-tuned model alone). ``progress`` counts both stages' steps."""
    started = time.perf_counter()
    span = SELECTION_WINDOWS * min(horizon, SELECTION_PERIODS)
    extra = max(1, round(steps * CONTINUE_SHARE)) if steps > 1 else 0
    steps -= extra
    horizons = (-(-horizon // PATCH) * PATCH,)
    tune = functools.partial(  # what both twins' training shares
        fine_tune, covariates=covariates, mode=mode, batch_size=batch_size, device=device
    )
    # neither twin trains on the days that its forecasts' checks read (the one before the
    # first selection window, the one before the served forecast): a check judges there
    periods = values.shape[1]
    windows_start = periods - span
    judged, log = tune(
        parent=base,
        values=values[:, : windows_start - check_periods(horizon, windows_start)],
        steps=steps,
        seed=seed,
        progress=_staged(progress, 0, steps + extra),
        horizons=horizons,
    )
    judgement = judge(
        values=values,
        covariates=covariates,
        judged=judged,
        base=base,
        horizon=horizon,
        season=season,
    )
    before, after = training.corpus_loss(base), training.corpus_loss(judged)
    accepted, reason = verdict(judgement, before=before, after=after, span=span, season=season)
    continued = None
    if accepted or continue_always:
        continued, _log = tune(
            parent=judged,
            values=values[:, : periods - check_periods(horizon, periods)],
            steps=extra,
            seed=seed + 1,
            progress=_staged(progress, steps, steps + extra),
            horizons=horizons,
        )
    seconds = time.perf_counter() - started
    served = continued if accepted else None
    return CrossFit(
        judged, served, judgement, before, after, accepted, reason, log.device, seconds, continued
    )


def _staged(progress, done: int, total: int):
    """``progress(step, total, loss)`` for one stage of a run of ``total`` steps whose earlier
    stages took ``done``; None without ``progress``."""
    if progress is None:
        return None
    return lambda step, _total, loss: progress(done + step, total, loss)


def verdict(
    judgement: Judgement, *, before: float, after: float, span: int, season: int
) -> tuple[bool, str]:
    """Whether the judged twin is accepted (better than the base model by more than the gain
    varies between windows, and its pretraining-corpus loss grown by no more than
    `FINE_TUNE_CORPUS_LOSS_BOUND` from ``before`` to ``after``), and the reason in English
    words (`forecasting.job_texts`: said in the reader's language where they are read)."""
    bound = settings.FINE_TUNE_CORPUS_LOSS_BOUND
    kept = after <= before * (1 + bound)
    said = {"span": span, "unit": job_texts.DAYS if season == WEEK else job_texts.PERIODS}
    if not math.isfinite(judgement.improvement):
        return False, runs.stored_message(job_texts.TOO_LITTLE_TO_JUDGE, history=2 * season, **said)
    said |= {"gain": f"{judgement.improvement:+.1%}", "noise": f"{judgement.noise:.1%}"}
    if not judgement.better:
        return False, runs.stored_message(job_texts.NOT_BETTER, **said)
    if not kept:
        losses = {"after": f"{after:.4f}", "before": f"{before:.4f}", "bound": f"{bound:.0%}"}
        return False, runs.stored_message(job_texts.FORGOT_TOO_MUCH, **losses)
    return True, runs.stored_message(job_texts.ACCEPTED, **said)


def training_run_execute(
    *, merchant: Merchant, run_id: int, claimant: str = "", report=None
) -> TrainingRun | None:
    """Fine-tune the merchant's model for the run (see the module docstring); ``report(step,
    total, loss)`` hears of each logged step too (the `fine_tune` command prints them)."""
    run = runs.claim(TrainingRun, merchant=merchant, pk=run_id, claimant=claimant)
    if run is None:
        return None
    registry.configure_threads()
    with transaction.atomic(), tenant_context(merchant):
        history = history_reads.load_history(merchant)
        covariates = history_reads.covariates(merchant, history, 0)
        parent_version = selectors.active_version(merchant)
    if len(history.days) < MIN_DAYS:
        raise DomainError(runs.stored_message(job_texts.HISTORY_TOO_SHORT, count=MIN_DAYS))
    started = time.perf_counter()

    def progress(step: int, total: int, loss: float) -> None:
        run.losses.append(loss)
        runs.record(
            TrainingRun, merchant=merchant, pk=run.pk, steps_done=step, losses=list(run.losses)
        )
        if report is not None:
            report(step, total, loss)

    run.losses = []
    fit = cross_fit(
        base=registry.base_model(),
        values=history.values,
        covariates=covariates,
        mode=run.mode,
        steps=run.steps,
        batch_size=settings.FINE_TUNE_BATCH_SIZE,
        seed=run.pk,
        device=settings.FINE_TUNE_DEVICE,
        progress=progress,
    )
    return _training_run_finish(merchant, run, fit, history, parent_version, started)


def _training_run_finish(
    merchant: Merchant, run: TrainingRun, fit: CrossFit, history, parent_version, started: float
) -> TrainingRun:
    """Stores the version ``fit`` made (active when accepted, kept with its reason when not)
    and marks ``run`` succeeded; ``started`` is when training began (`time.perf_counter`)."""
    metrics = version_metrics(fit, series=len(history.keys))
    with transaction.atomic(), tenant_context(merchant):
        version = ModelVersion(
            merchant=merchant,
            parent=parent_version,
            status=ModelVersion.Status.REJECTED,
            mode=run.mode,
            metrics=metrics,
            reason=fit.reason,
            trained_through=history.days[-1],
        )
        name = f"{merchant.pk}/{uuid.uuid4().hex}"
        version.artifact.save(
            f"{name}.safetensors", registry.artifact(fit.served or fit.judged), save=False
        )
        version.held_out_artifact.save(
            f"{name}-held-out.safetensors", registry.artifact(fit.judged), save=False
        )
        version.save()
        if fit.accepted:
            services.model_version_make_active(merchant, version)
        run.status = TrainingRun.Status.SUCCEEDED
        run.version = version
        run.device = fit.device
        run.steps_done = run.steps_done or run.steps
        run.corpus_loss_before, run.corpus_loss_after = (
            fit.corpus_loss_before,
            fit.corpus_loss_after,
        )
        run.finished_at = timezone.now()
        seconds = round(time.perf_counter() - started)
        run.message = runs.stored_message(job_texts.TRAINED, reason=fit.reason, seconds=seconds)
        run.save()
    return run


def version_metrics(fit: CrossFit, *, series: int) -> dict:
    """What a version records of its judgement: the served choice's WQL and MASE on the
    selection windows with it and with the base model (means and per window), seasonal
    naive's on the last window, the gain and its noise, and the corpus losses."""

    def summary(result: HonestScore | None) -> dict:
        if result is None:
            return {"WQL": None, "MASE": None}
        return {
            "WQL": storable(float(np.nanmean(result.wql))),
            "MASE": storable(float(np.nanmean(result.mase))),
            "windows": {
                "WQL": [storable(v) for v in result.wql],
                "MASE": [storable(v) for v in result.mase],
            },
        }

    judgement = fit.judgement
    return {
        "selection_windows": SELECTION_WINDOWS,
        "window_days": SELECTION_PERIODS,
        "series": series,
        "version": summary(judgement.version),
        "parent": summary(judgement.base),  # the base model: every version starts from it
        "seasonal_naive": judgement.naive,
        "improvement": storable(judgement.improvement),
        "noise": storable(judgement.noise),
        "corpus_loss_before": round(fit.corpus_loss_before, 5),
        "corpus_loss_after": round(fit.corpus_loss_after, 5),
        "train_seconds": round(fit.seconds, 1),
    }
