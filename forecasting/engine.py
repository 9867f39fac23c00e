"""The forecast engine, run by workers: read every series' history in one query, choose and
run a model per series (the transformer, a baseline or a combination, by the served choice
of `forecasting.selection`), write one compact row per series; and explain a stored forecast
with SHAP. Runs are claimed, so a repeated or retried task writes one set of forecasts, and a
run whose worker died is resumed by the redelivered task."""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from accounts import runs
from accounts.errors import DomainError
from accounts.models import Merchant
from accounts.tenancy import tenant_context
from forecasting import embeddings, explanations, registry, selection, services
from forecasting import history as history_reads
from forecasting.baselines import BASELINES
from forecasting.models import ForecastRun, SeriesForecast
from forecasting.neural.inference import TransformerCandidate
from forecasting.paths import shock_correlation
from forecasting.selection import TRANSFORMER, forecast_scored

WEEK = 7


@dataclass(frozen=True)
class Candidates:
    """The baselines and the merchant's transformer with its covariates: ``served`` forecast,
    ``judged`` stand for them on the selection windows (`forecasting.selection`)."""

    served: dict
    judged: dict
    version: object  # the ModelVersion serving, None for the shipped base model


def candidates_for(
    merchant: Merchant,
    history: history_reads.History,
    horizon: int,
    run: ForecastRun | None = None,
) -> Candidates:
    """With a ``run``, the transformer that run used (its version, or the base model);
    without, the one that serves the merchant now."""
    if run is None:
        served_model, judged_model, version = registry.serving_models(merchant)
    else:
        version = run.model_version
        served_model, judged_model = registry.models_of(version)
    known = history_reads.covariates(merchant, history, horizon)
    if settings.FORECAST_SIMILAR_PRODUCTS:
        known.past.update(embeddings.similar_products(merchant, history.keys, history.values))
    serving = TransformerCandidate(served_model, known)
    # one model both serving and judging (the base model) is one candidate, so the forecasts
    # it made on the selection windows serve its check of the served forecast
    judging = serving if judged_model is served_model else TransformerCandidate(judged_model, known)
    served = {**BASELINES, TRANSFORMER: serving}
    judged = {**BASELINES, TRANSFORMER: judging}
    return Candidates(served, judged, version)


def too_many_series(limit: int) -> str:
    return (
        f"This store has more than {limit:,} series (SKU and location pairs with sales in the "
        f"last {settings.FORECAST_HISTORY_DAYS} days), the most one forecast covers: "
        "nothing was forecast. Mark the SKUs no longer sold inactive, or have the limit "
        "(FORECAST_MAX_SERIES) raised."
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
        from forecasting import chunks

        with transaction.atomic(), tenant_context(merchant):
            sku_ids = chunks.sku_order(merchant)
        if len(sku_ids) > settings.FORECAST_CHUNK_SKUS:
            chunks.fan_out(merchant=merchant, run=run, sku_ids=sku_ids)
            return run
    clock = Clock(lambda timings: runs.record(
        ForecastRun, merchant=merchant, pk=run.pk, timings=timings
    ))  # fmt: skip
    with transaction.atomic(), tenant_context(merchant):
        history = history_reads.load_history(merchant)
    clock.lap("read")
    forecast = forecast_history(merchant, run, history, clock)
    with transaction.atomic(), tenant_context(merchant):
        SeriesForecast.objects.for_merchant(merchant).filter(run_id=run.pk).delete()
        _write_forecasts(merchant, run, forecast.first_date, forecast.rows)
        clock.lap("write", record=False)
        run.status = ForecastRun.Status.SUCCEEDED
        run.history_end = history.days[-1] if history.days else None
        run.series_count = len(forecast.rows)
        run.model_counts = forecast.model_counts
        run.model_version = forecast.version
        run.timings = clock.timings
        run.finished_at = timezone.now()
        run.save()
        services.forecast_run_finished_emit(merchant=merchant, run=run)
    return run


class Clock:
    """Seconds per phase of a run, each reported (``report(timings)``) as it ends, so the
    portal shows where a long run is."""

    def __init__(self, report=None):
        self.timings: dict[str, float] = {}
        self.report = report
        self.started = time.perf_counter()

    def lap(self, phase: str, *, record: bool = True) -> None:
        now = time.perf_counter()
        self.timings[phase] = round(now - self.started, 3)
        self.started = now
        if record and self.report is not None:
            self.report({**self.timings, "phase": phase})


@dataclass(frozen=True)
class Forecast:
    rows: list[tuple]  # what `_write_forecasts` takes
    first_date: dt.date
    model_counts: dict[str, int]
    version: object  # the ModelVersion serving, None for the shipped base model


def forecast_history(
    merchant: Merchant, run: ForecastRun, history: history_reads.History, clock: Clock
) -> Forecast:
    """The run's forecasts of ``history``'s series (all the store's, or one chunk's): the
    model chosen per series by backtest, its quantiles with closed days at zero, the shock
    correlation, and the scores."""
    first_date = history.first_forecast_date or timezone.localdate()
    with transaction.atomic(), tenant_context(merchant):
        candidates = candidates_for(merchant, history, run.horizon)
    clock.lap("covariates")
    result = forecast_scored(
        history.values, run.horizon, WEEK, candidates.served, candidates.judged
    )
    chosen, quantiles = result.models, result.quantiles
    quantiles[:, :, history_reads.closed_days_ahead(history, run.horizon)] = 0.0
    correlation = shock_correlation(history.values)
    clock.lap("forecast")
    rows = [
        (sku, location, str(name), SeriesForecast.pack(series_quantiles), float(rho),
         _score(score), _score(naive))
        for (sku, location), name, series_quantiles, rho, score, naive in zip(
            history.keys, chosen, quantiles, correlation, result.score, result.naive_score,
            strict=True,
        )
    ]  # fmt: skip
    counts = dict(Counter(str(name) for name in chosen))
    return Forecast(rows, first_date, counts, candidates.version)


def _score(value: float) -> float | None:
    return round(float(value), 4) if np.isfinite(value) else None


def _write_forecasts(merchant: Merchant, run: ForecastRun, first_date: dt.date, rows) -> None:
    """Insert the run's forecasts, rows of (sku, location, model, packed quantiles,
    correlation, backtest score, seasonal naive's score). On PostgreSQL one binary COPY (the
    packed arrays travel as raw bytes, not as escaped SQL text); elsewhere a bulk insert."""
    if connection.vendor != "postgresql":
        SeriesForecast.objects.bulk_create(
            [
                SeriesForecast(
                    merchant=merchant,
                    run=run,
                    sku_id=sku,
                    location_id=location,
                    first_date=first_date,
                    model=model,
                    quantiles=packed,
                    path_correlation=rho,
                    backtest_wql=score,
                    naive_wql=naive,
                )
                for sku, location, model, packed, rho, score, naive in rows
            ],
            batch_size=2000,
        )
        return
    columns = [
        "merchant_id", "run_id", "sku_id", "location_id", "first_date", "model", "quantiles",
        "path_correlation", "backtest_wql", "naive_wql",
    ]  # fmt: skip
    table, names = SeriesForecast._meta.db_table, ", ".join(columns)
    with connection.cursor() as cursor:
        # COPY cannot write to a table under row-level security: it fills a temporary table,
        # and one INSERT (checked by the policies) moves the rows.
        cursor.execute("DROP TABLE IF EXISTS stage_forecasts")
        cursor.execute(
            f"CREATE TEMP TABLE stage_forecasts ON COMMIT DROP AS "  # noqa: S608 (model names)
            f"SELECT {names} FROM {table} WITH NO DATA"
        )
        with cursor.cursor.copy(
            f"COPY stage_forecasts ({names}) FROM STDIN (FORMAT BINARY)"
        ) as copy:
            copy.set_types(
                ["int8", "int8", "int8", "int8", "date", "text", "bytea", "float8", "float8",
                 "float8"]
            )  # fmt: skip
            for row in rows:
                copy.write_row((merchant.pk, run.pk, row[0], row[1], first_date, *row[2:]))
        cursor.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM stage_forecasts")  # noqa: S608


@dataclass(frozen=True)
class _Explaining:
    """What explaining a run's forecasts needs, read once for many: the store's history as
    the run saw it, the run's candidates, and the days ahead the run forecast as closed."""

    history: history_reads.History
    candidates: dict
    closed: np.ndarray


def _explaining(merchant: Merchant, run: ForecastRun) -> _Explaining:
    with transaction.atomic(), tenant_context(merchant):
        history = history_reads.load_history(merchant)
        if run.history_end is not None:
            history = history_reads.through(history, run.history_end)
        candidates = candidates_for(merchant, history, run.horizon, run=run).served
    return _Explaining(history, candidates, history_reads.closed_days_ahead(history, run.horizon))


def series_forecast_explain(
    *, merchant: Merchant, forecast: SeriesForecast, context: _Explaining | None = None
) -> dict:
    """The SHAP explanation of one stored forecast (computed once, then kept with it): of its
    run's model version, on the history the run saw, over the run's horizon, with the store's
    other products to borrow from, so that it explains the very number the page shows."""
    if forecast.explanation:
        return forecast.explanation
    context = context or _explaining(merchant, forecast.run)
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
    share = None
    if TRANSFORMER in selection.parts(forecast.model):
        share = float(transformer.shares(context.history.values, forecast.run.horizon, WEEK)[row])
    explanation = explanations.explain(
        history=context.history.values[row],
        known=transformer.covariates.known.get(row),
        past=transformer.covariates.past.get(row),
        model_name=forecast.model,
        candidates=context.candidates,
        horizon=forecast.run.horizon,
        closed=context.closed,
        share=share,
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
    context = _explaining(merchant, run)
    for forecast in forecasts:
        series_forecast_explain(merchant=merchant, forecast=forecast, context=context)
    return len(forecasts)
