"""Fine-tuning a merchant's transformer on its own history, and the versions that result.

A training run starts from the merchant's active version (the shipped base model when there
is none), trains on the history before the last `EVALUATION_DAYS` days with a share of the
pretraining corpus replayed, then backtests on those held-out days. The new version becomes
active only if it forecasts them better than its parent AND its loss on a fixed sample of the
pretraining corpus has not grown by more than `FINE_TUNE_CORPUS_LOSS_BOUND` (it must not
forget what the base model knew); otherwise it is kept, marked rejected, with the reason.
Rolling back activates an earlier version in one step.
"""

from __future__ import annotations

import datetime as dt
import math
import time
import uuid

import numpy as np
import torch
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts import dispatch, runs
from accounts.errors import DomainError
from accounts.models import Merchant
from accounts.tenancy import tenant_context
from forecasting import history as history_reads
from forecasting import registry
from forecasting.baselines import seasonal_naive
from forecasting.metrics import score
from forecasting.models import ModelVersion, TrainingRun
from forecasting.neural import training
from forecasting.neural.inference import TransformerCandidate

EVALUATION_DAYS = 28
REPLAY_SHARE = 0.25
LEARNING_RATE = {"full": 1e-4, "lora": 1e-3}
WEEK = 7
MIN_DAYS = 2 * EVALUATION_DAYS


def training_run_create(
    *,
    merchant: Merchant,
    mode: str | None = None,
    steps: int | None = None,
    only_with_history: bool = False,
) -> TrainingRun | None:
    """Queue a fine-tune on the gpu queue (dispatched on commit). None when one is already
    queued or running for the merchant, or (``only_with_history``) it has too little data."""
    from forecasting.tasks import fine_tune_task
    from inventory.models import SalesDay

    mode = mode or settings.FINE_TUNE_MODE
    if mode not in LEARNING_RATE:
        raise DomainError(f"Unknown fine-tuning mode {mode!r}: use full or lora.")
    with transaction.atomic(), tenant_context(merchant):
        busy = TrainingRun.objects.for_merchant(merchant).filter(
            status__in=[TrainingRun.Status.QUEUED, TrainingRun.Status.RUNNING]
        )
        if busy.exists():
            return None
        if only_with_history:
            days = (
                SalesDay.objects.for_merchant(merchant).order_by().values("date").distinct().count()
            )
            if days < MIN_DAYS:
                return None
        run = TrainingRun.objects.create(
            merchant=merchant, mode=mode, steps=steps or settings.FINE_TUNE_STEPS
        )
        dispatch.send_on_commit(fine_tune_task, merchant_id=merchant.pk, run_id=run.pk)
    return run


def training_runs_stranded(*, queued_before: dt.datetime) -> list[tuple]:
    """The task of each training run queued before ``queued_before`` and still waiting: the
    broker was away or lost it (`accounts.dispatch`)."""
    from forecasting.tasks import fine_tune_task

    return dispatch.stranded(TrainingRun, fine_tune_task, "run_id", queued_before=queued_before)


def _with_lora(model: torch.nn.Module) -> torch.nn.Module:
    from peft import LoraConfig, get_peft_model

    config = LoraConfig(
        r=8,
        lora_alpha=16,
        lora_dropout=0.0,
        target_modules=["q", "k", "v", "o"],
        modules_to_save=["output_patch_embedding"],
    )
    return get_peft_model(model, config)


def holdout_scores(forecaster, values: np.ndarray, horizon: int = EVALUATION_DAYS) -> dict:
    """WQL and MASE of ``forecaster`` (panel, horizon, season) -> quantiles on the last
    ``horizon`` days, fitted on what came before."""
    history, actual = values[:, :-horizon], values[:, -horizon:]
    forecasts = forecaster(history, horizon, WEEK)
    result = score(list(history), list(actual), list(forecasts), WEEK)
    return {"WQL": round(result.wql, 5), "MASE": round(result.mase, 5)}


def _storable(scores: dict[str, float]) -> dict[str, float | None]:
    """Scores as JSON keeps them: an undefined one (MASE when every series repeats itself
    exactly week on week, so the seasonal scale is 0) is None, not NaN, which PostgreSQL's
    jsonb refuses."""
    return {name: value if math.isfinite(value) else None for name, value in scores.items()}


def evaluate(
    model: torch.nn.Module, values: np.ndarray, covariates, horizon: int = EVALUATION_DAYS
) -> dict[str, float]:
    """The transformer's hold-out scores."""
    return holdout_scores(TransformerCandidate(model, covariates), values, horizon)


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
    import copy

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


def training_run_execute(
    *, merchant: Merchant, run_id: int, claimant: str = ""
) -> TrainingRun | None:
    run = runs.claim(TrainingRun, merchant=merchant, pk=run_id, claimant=claimant)
    if run is None:
        return None
    registry.configure_threads()
    with transaction.atomic(), tenant_context(merchant):
        history = history_reads.load_history(merchant)
        covariates = history_reads.covariates(merchant, history, 0)
        parent_version = registry.active_version(merchant)
    if len(history.days) < MIN_DAYS:
        raise DomainError(f"Fine-tuning needs at least {MIN_DAYS} days of sales history.")
    parent = (
        registry.version_model(parent_version)
        if parent_version is not None
        else registry.base_model()
    )
    started = time.perf_counter()
    before = training.corpus_loss(parent)
    train_values = history.values[:, :-EVALUATION_DAYS]

    def progress(step: int, total: int, loss: float) -> None:
        runs.record(
            TrainingRun, merchant=merchant, pk=run.pk, steps_done=step, losses=[*run.losses, loss]
        )
        run.losses.append(loss)

    run.losses = []
    model, log = fine_tune(
        parent=parent,
        values=train_values,
        covariates=covariates,
        mode=run.mode,
        steps=run.steps,
        batch_size=settings.FINE_TUNE_BATCH_SIZE,
        seed=run.pk,
        device=settings.FINE_TUNE_DEVICE,
        progress=progress,
    )
    after = training.corpus_loss(model)
    candidate = evaluate(model, history.values, covariates)
    reference = evaluate(parent, history.values, covariates)
    naive = holdout_scores(seasonal_naive, history.values)
    bound = settings.FINE_TUNE_CORPUS_LOSS_BOUND
    better = candidate["WQL"] < reference["WQL"]
    kept = after <= before * (1 + bound)
    if better and kept:
        status, reason = (
            ModelVersion.Status.ACTIVE,
            (f"Backtest WQL {candidate['WQL']:.4f} against {reference['WQL']:.4f} for its parent."),
        )
    elif not better:
        status, reason = (
            ModelVersion.Status.REJECTED,
            (
                f"Not better on the last {EVALUATION_DAYS} days: WQL {candidate['WQL']:.4f} "
                f"against {reference['WQL']:.4f} for its parent."
            ),
        )
    else:
        status, reason = (
            ModelVersion.Status.REJECTED,
            (
                f"It forgot too much: pretraining-corpus loss {after:.4f} against {before:.4f} "
                f"(bound {bound:.0%})."
            ),
        )
    metrics = {
        "evaluation_days": EVALUATION_DAYS,
        "series": len(history.keys),
        "version": _storable(candidate),
        "parent": _storable(reference),
        "seasonal_naive": _storable(naive),
        "corpus_loss_before": round(before, 5),
        "corpus_loss_after": round(after, 5),
        "train_seconds": round(log.seconds, 1),
    }
    with transaction.atomic(), tenant_context(merchant):
        version = ModelVersion(
            merchant=merchant,
            parent=parent_version,
            status=ModelVersion.Status.REJECTED,
            mode=run.mode,
            metrics=metrics,
            reason=reason,
        )
        version.artifact.save(
            f"{merchant.pk}/{uuid.uuid4().hex}.safetensors", registry.artifact(model), save=False
        )
        version.save()
        if status == ModelVersion.Status.ACTIVE:
            _activate(merchant, version)
        run.status = TrainingRun.Status.SUCCEEDED
        run.version = version
        run.device = log.device
        run.steps_done = run.steps
        run.corpus_loss_before, run.corpus_loss_after = before, after
        run.finished_at = timezone.now()
        run.message = f"{reason} ({time.perf_counter() - started:.0f} s)"
        run.save()
    return run


def _activate(merchant: Merchant, version: ModelVersion) -> None:
    ModelVersion.objects.for_merchant(merchant).filter(status=ModelVersion.Status.ACTIVE).exclude(
        pk=version.pk
    ).update(status=ModelVersion.Status.RETIRED)
    version.status = ModelVersion.Status.ACTIVE
    version.activated_at = timezone.now()
    version.save(update_fields=["status", "activated_at"])


def model_version_activate(*, merchant: Merchant, version_id: int) -> ModelVersion:
    """Make a version (an earlier one: a rollback) the merchant's active model."""
    with transaction.atomic(), tenant_context(merchant):
        version = ModelVersion.objects.for_merchant(merchant).filter(pk=version_id).first()
        if version is None:
            raise ModelVersion.DoesNotExist("No such model version.")
        _activate(merchant, version)
    return version


def model_version_rollback(*, merchant: Merchant) -> ModelVersion | None:
    """Back to the version the active one was trained from (None: back to the base model)."""
    with transaction.atomic(), tenant_context(merchant):
        active = registry.active_version(merchant)
        if active is None:
            raise DomainError("The base model is in use already; there is nothing to roll back.")
        if active.parent_id is None:
            active.status = ModelVersion.Status.RETIRED
            active.save(update_fields=["status"])
            return None
        return model_version_activate(merchant=merchant, version_id=active.parent_id)


def training_run_fail(*, merchant: Merchant, run_id: int, message: str) -> None:
    runs.fail(TrainingRun, merchant=merchant, pk=run_id, message=message)
