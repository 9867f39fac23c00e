"""The forecast engine, run by workers: read every series' history in one query, choose and
run a model per series (the transformer, a baseline or a combination, by the served choice
of `forecasting.selection`; the steps are `forecasting.night`'s), write one compact row per
series; and explain a stored forecast
with SHAP. Runs are claimed, so a repeated or retried task writes one set of forecasts, and a
run whose worker died is resumed by the redelivered task."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.errors import DomainError
from accounts.models import Merchant
from accounts.tenancy import tenant_context
from core import runs
from forecasting import chunks, explanations, job_texts, night, selection, services
from forecasting import history as history_reads
from forecasting.models import ForecastChunk, ForecastRun, SeriesForecast
from forecasting.projection import stored_paths
from forecasting.selection import TRANSFORMER


def too_many_series(limit: int) -> str:
    """What a run refused for the store's size stores (English words: `core.runs`)."""
    return runs.stored_message(
        job_texts.TOO_MANY_SERIES, limit=f"{limit:,}", days=settings.FORECAST_HISTORY_DAYS
    )


def forecast_run_execute(
    *, merchant: Merchant, run_id: int, claimant: str = "", chunked: bool = True
) -> ForecastRun | None:
    """Forecast every series of the merchant for the run; None if the run is not queued (it
    ran already, or another worker has it). The forecasts are written in one transaction, so
    a run that dies midway leaves nothing half-written and can simply run again. A store with
    more than `FORECAST_CHUNK_SKUS` active SKUs is split into chunks, each its own task
    (`forecasting.chunks`): the run is returned still running, and its last chunk ends it and
    queues what follows. ``chunked=False`` forecasts it in one piece here whatever its size
    (`manage.py forecast`, the benchmarks). A store with more than `FORECAST_MAX_SERIES`
    series is not forecast: the run fails at once, saying so."""
    run = runs.claim(ForecastRun, merchant=merchant, pk=run_id, claimant=claimant)
    if run is None:
        return None
    limit = settings.FORECAST_MAX_SERIES
    with transaction.atomic(), tenant_context(merchant):
        series = history_reads.series_count(merchant, at_most=limit + 1)
    if series > limit:
        services.forecast_run_fail(merchant=merchant, run_id=run.pk, message=too_many_series(limit))
        with tenant_context(merchant):
            return ForecastRun.objects.for_merchant(merchant).get(pk=run.pk)
    if chunked and settings.FORECAST_CHUNK_SKUS > 0:
        with transaction.atomic(), tenant_context(merchant):
            sku_ids = chunks.sku_order(merchant)
        if len(sku_ids) > settings.FORECAST_CHUNK_SKUS:
            chunks.fan_out(merchant=merchant, run=run, sku_ids=sku_ids)
            return run
    clock = night.Clock(lambda timings: runs.record(
        ForecastRun, merchant=merchant, pk=run.pk, timings=timings
    ))  # fmt: skip
    with transaction.atomic(), tenant_context(merchant):
        history = history_reads.load_history(merchant)
    clock.lap("read")
    forecast = night.forecast_history(merchant, run, history, clock)
    with transaction.atomic(), tenant_context(merchant):
        night.forecasts_write(merchant, run, forecast)
        clock.lap("write", record=False)
        night.run_succeed(
            merchant=merchant,
            run=run,
            history_end=history.days[-1] if history.days else None,
            series_count=len(forecast.rows),
            model_counts=forecast.model_counts,
            version=forecast.version,
            timings=clock.timings,
        )
    return run


@dataclass(frozen=True)
class _Explaining:
    """What explaining a run's forecasts needs, read once for many: the history as the run
    saw it (the store's, or the chunk's where the run was made in chunks), the run's
    candidates on it, and the days ahead the run forecast as closed."""

    history: history_reads.History
    candidates: dict
    closed: np.ndarray


def _explaining(
    merchant: Merchant, run: ForecastRun, chunk: ForecastChunk | None = None
) -> _Explaining:
    """The context of a run's forecasts, or of one chunk's: the candidates are built on
    the same series as the night built them (the similar products, the check of borrowing
    and the fan's levels are the chunk's own)."""
    with transaction.atomic(), tenant_context(merchant):
        if chunk is None:
            history = history_reads.load_history(merchant)
        else:
            history = chunks.chunk_history(merchant, chunk)
        if run.history_end is not None:
            history = history_reads.through(history, run.history_end)
        candidates = night.candidates_for(merchant, history, run.horizon, run=run).served
    return _Explaining(history, candidates, history_reads.closed_days_ahead(history, run.horizon))


def _chunk_of(merchant: Merchant, forecast: SeriesForecast) -> ForecastChunk | None:
    with transaction.atomic(), tenant_context(merchant):
        return chunks.chunks_by_sku(merchant, forecast.run).get(forecast.sku_id)


def series_forecast_explain(
    *, merchant: Merchant, forecast: SeriesForecast, context: _Explaining | None = None
) -> dict:
    """The SHAP explanation of one stored forecast (computed once, then kept with it): of its
    run's model version, on the history the run saw, over the run's horizon, with the store's
    other products to borrow from, so that it explains the very number the page shows."""
    if forecast.explanation:
        return forecast.explanation
    context = context or _explaining(merchant, forecast.run, _chunk_of(merchant, forecast))
    key = (forecast.sku_id, forecast.location_id)
    if key not in context.history.keys:
        raise DomainError("This SKU has no sales history to explain a forecast with.")
    missing = [name for name in selection.parts(forecast.model) if name not in context.candidates]
    if missing:
        # made before the model was retired (an older release served other candidates)
        raise DomainError(
            f"This forecast was made by a model ({forecast.model}) that is no longer served; "
            "it cannot be explained. The next nightly forecast can."
        )
    row = context.history.keys.index(key)
    transformer = context.candidates[TRANSFORMER]
    share = levels = effects = None
    if TRANSFORMER in selection.parts(forecast.model):
        values, horizon = context.history.values, forecast.run.horizon
        share = float(transformer.shares(values, horizon, night.WEEK)[row])
        levels = transformer.levels(values, horizon, night.WEEK)[row]
        effects = transformer.effects(values, horizon, night.WEEK)
    explanation = explanations.explain(
        history=context.history.values[row],
        known=transformer.covariates.known.get(row),
        past=transformer.covariates.past.get(row),
        model_name=forecast.model,
        candidates=context.candidates,
        horizon=forecast.run.horizon,
        closed=context.closed,
        share=share,
        transformer_levels=levels,
        transformer_effects=effects,
        median_level=forecast.median_level,
        served_levels=forecast.levels(),
        paths_of=functools.partial(stored_paths, forecast),
    )
    with transaction.atomic(), tenant_context(merchant):
        SeriesForecast.objects.for_merchant(merchant).filter(pk=forecast.pk).update(
            explanation=explanation, updated_at=timezone.now()
        )
    forecast.explanation = explanation
    return explanation


def explain_forecasts(*, merchant: Merchant, run: ForecastRun, sku_ids: list[int]) -> int:
    """Explain a run's forecasts of these SKUs (planning asks for those in its alerts and
    suggestions during the nightly run); returns how many were explained."""
    with transaction.atomic(), tenant_context(merchant):
        forecasts = list(
            SeriesForecast.objects.for_merchant(merchant)
            .filter(run=run, sku_id__in=sku_ids, explanation__isnull=True)
            .select_related("run")
        )
    if not forecasts:
        return 0
    with transaction.atomic(), tenant_context(merchant):
        by_sku = chunks.chunks_by_sku(merchant, run)
    contexts: dict[int | None, _Explaining] = {}  # per chunk (None: a run made whole)
    for forecast in forecasts:
        chunk = by_sku.get(forecast.sku_id)
        key = None if chunk is None else chunk.pk
        if key not in contexts:
            contexts[key] = _explaining(merchant, run, chunk)
        series_forecast_explain(merchant=merchant, forecast=forecast, context=contexts[key])
    return len(forecasts)
