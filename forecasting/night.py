"""A night's steps, shared by a whole store's run (`forecasting.engine`) and a large store's
chunks (`forecasting.chunks`): the candidates, the forecast of a history, the one writer of a
run's forecasts and of its success, and the tasks that follow a successful run."""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from dataclasses import dataclass

import numpy as np
from celery import current_app
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from accounts.models import Merchant
from accounts.tenancy import tenant_context
from core import dispatch
from forecasting import borrowing, registry, services
from forecasting import history as history_reads
from forecasting.baselines import BASELINES
from forecasting.models import ForecastRun, SeriesForecast
from forecasting.neural.inference import Covariates, TransformerCandidate
from forecasting.paths import shock_correlation
from forecasting.quantiles import MEDIAN_INDEX
from forecasting.selection import TRANSFORMER, forecast_scored

WEEK = 7

# What a failed forecast run, chunk or training run says (written by `forecasting.tasks` and
# `forecasting.chunks`): stored in English words, said again in the reader's language where
# it is read (`core.runs.progress`, the runs and models pages), which needs them in the
# catalogues.
RUN_STOPPED = gettext_noop("The run stopped on an unexpected error.")
CHUNK_STOPPED = gettext_noop("The chunk stopped on an unexpected error.")
RUN_ENDED = gettext_noop("The run had ended.")
# a run whose chunk failed names the chunk's reason: `chunks.chunk_fail`
CHUNK_FAILED = gettext_noop("A chunk failed: The chunk stopped on an unexpected error.")
TRAINING_STOPPED = gettext_noop("Training stopped on an unexpected error.")


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
        # asked of the judging model: a fine-tuned twin has not trained on the last weeks
        # (the check's latest window), the base model on none of the store's days
        def forecast(histories: np.ndarray, past: dict[int, np.ndarray]) -> np.ndarray:
            return TransformerCandidate(judged_model, Covariates(past=past))(
                histories, horizon, WEEK
            )

        borrowed, _verdict = borrowing.checked_similar_products(
            merchant, history.keys, history.values, forecast, horizon=horizon, season=WEEK
        )
        known.past.update(borrowed)
    serving = TransformerCandidate(served_model, known)
    # one model both serving and judging (the base model) is one candidate, so the forecasts
    # it made on the selection windows serve its check of the served forecast
    judging = serving if judged_model is served_model else TransformerCandidate(judged_model, known)
    served = {**BASELINES, TRANSFORMER: serving}
    judged = {**BASELINES, TRANSFORMER: judging}
    return Candidates(served, judged, version)


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
    rows: list[tuple]  # what `forecasts_write` writes
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
         float(common), _score(score), _score(naive), float(levels[MEDIAN_INDEX]),
         SeriesForecast.pack_recent(recent), SeriesForecast.pack_levels(levels))
        for (sku, location), name, series_quantiles, rho, common, score, naive, levels, recent
        in zip(
            history.keys, chosen, quantiles, correlation, result.common, result.score,
            result.naive_score, result.levels, history.values, strict=True,
        )
    ]  # fmt: skip
    counts = dict(Counter(str(name) for name in chosen))
    return Forecast(rows, first_date, counts, candidates.version)


def _score(value: float) -> float | None:
    return round(float(value), 4) if np.isfinite(value) else None


# what each row `forecast_history` makes holds, in order
ROW_FIELDS = (
    "sku_id", "location_id", "model", "quantiles", "path_correlation", "path_common_share",
    "backtest_wql", "naive_wql", "median_level", "recent_demand", "served_levels",
)  # fmt: skip


def _insert(merchant: Merchant, run: ForecastRun, first_date: dt.date, rows) -> None:
    """Insert forecasts, rows of (sku, location, model, packed quantiles, correlation,
    common share, backtest score, seasonal naive's score, the level served as the median,
    the packed recent demand, the packed levels every row was served at: `ROW_FIELDS`). On
    PostgreSQL one binary COPY (the packed arrays travel as raw bytes, not as escaped SQL
    text); elsewhere a bulk insert."""
    if connection.vendor != "postgresql":
        SeriesForecast.objects.bulk_create(
            [
                SeriesForecast(
                    merchant=merchant,
                    run=run,
                    first_date=first_date,
                    **dict(zip(ROW_FIELDS, row, strict=True)),
                )
                for row in rows
            ],
            batch_size=2000,
        )
        return
    columns = ["merchant_id", "run_id", *ROW_FIELDS[:2], "first_date", *ROW_FIELDS[2:]]
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
                 "float8", "float8", "float8", "bytea", "bytea"]
            )  # fmt: skip
            for row in rows:
                copy.write_row((merchant.pk, run.pk, row[0], row[1], first_date, *row[2:]))
        cursor.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM stage_forecasts")  # noqa: S608


def forecasts_write(
    merchant: Merchant, run: ForecastRun, forecast: Forecast, sku_ids: list[int] | None = None
) -> None:
    """Replace the run's forecasts (only those of ``sku_ids``: a chunk's) with ``forecast``'s,
    in the caller's transaction, so a retried run or chunk never leaves two sets."""
    stored = SeriesForecast.objects.for_merchant(merchant).filter(run_id=run.pk)
    if sku_ids is not None:
        stored = stored.filter(sku_id__in=sku_ids)
    stored.delete()
    _insert(merchant, run, forecast.first_date, forecast.rows)


def run_succeed(
    *,
    merchant: Merchant,
    run: ForecastRun,
    history_end: dt.date | None,
    series_count: int,
    model_counts: dict[str, int],
    version,
    timings: dict,
) -> None:
    """Mark the run succeeded with what it did, in the caller's transaction, and announce it
    when that commits."""
    run.status = ForecastRun.Status.SUCCEEDED
    run.history_end = history_end
    run.series_count = series_count
    run.model_counts = model_counts
    run.model_version = version
    run.timings = timings
    run.finished_at = timezone.now()
    run.save()
    services.forecast_run_finished_emit(merchant=merchant, run=run)


def follow_up(*, merchant_id: int, run_id: int, here: bool = False) -> list:
    """Queue the tasks that follow a successful run (settings.FORECAST_FOLLOW_UP_TASKS), or,
    with ``here``, run them in this process and return their results."""
    current_app.loader.import_default_modules()  # the named tasks' modules (autodiscovery)
    results = []
    for name in settings.FORECAST_FOLLOW_UP_TASKS:
        task = current_app.tasks[name]
        kwargs = {"merchant_id": merchant_id, "run_id": run_id}
        if here:
            results.append(task.apply(kwargs=kwargs).get())
        else:
            # No row waits for these to be sent again (the run has succeeded): with the broker
            # away they run here, in the worker that made the run.
            results.append(dispatch.send(task, run_here_if_unavailable=True, **kwargs))
    return results
