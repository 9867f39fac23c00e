"""Forecasting a merchant: read every series' history in one query, choose and run a model
per series, write one compact row per series. Runs are claimed, so a repeated or retried
task writes one set of forecasts."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import numpy as np
from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone

from accounts import runs
from accounts.models import Merchant
from accounts.tenancy import tenant_context
from forecasting.backtest import forecast_chosen
from forecasting.baselines import BASELINES
from forecasting.models import ForecastRun, SeriesForecast
from inventory.models import SalesDay

WEEK = 7


def forecast_run_create(*, merchant: Merchant, horizon: int = 56) -> ForecastRun:
    """Queue a run; the task is dispatched when the transaction commits."""
    from forecasting.tasks import run_forecast_task

    with transaction.atomic(), tenant_context(merchant):
        run = ForecastRun.objects.create(merchant=merchant, horizon=horizon)
        transaction.on_commit(
            lambda: run_forecast_task.delay(merchant_id=merchant.pk, run_id=run.pk)
        )
    return run


def load_history(merchant: Merchant) -> tuple[list[tuple[int, int]], list[dt.date], np.ndarray]:
    """Every (SKU, location) series on one calendar: units per day; NaN on stock-out days
    (censored demand) and on days nothing at all was sold (the shop was closed). Streams the
    rows into one float array rather than holding them all."""
    sales = SalesDay.objects.for_merchant(merchant).filter(sku__active=True)
    span = sales.aggregate(first=Min("date"), last=Max("date"))
    if span["first"] is None:
        return [], [], np.zeros((0, 0))
    first, last = span["first"], span["last"]
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    keys = sorted(set(sales.values_list("sku_id", "location_id").distinct()))
    position = {key: i for i, key in enumerate(keys)}
    values = np.zeros((len(keys), len(days)))
    sold_any = np.zeros(len(days), dtype=bool)
    censored = np.zeros(values.shape, dtype=bool)
    rows = sales.values_list("sku_id", "location_id", "date", "units", "stock_out")
    for sku, location, date, units, stock_out in rows.iterator(chunk_size=20_000):
        row, column = position[(sku, location)], (date - first).days
        values[row, column] = float(units)
        sold_any[column] |= units > 0
        censored[row, column] = stock_out
    values[:, ~sold_any] = np.nan
    values[censored] = np.nan
    return keys, days, values


def closed_days_ahead(
    days: list[dt.date], values: np.ndarray, first_date: dt.date, horizon: int
) -> np.ndarray:
    """Which days of the horizon fall on a weekday the shop has been closed on for the last
    eight weeks (nothing sold by anyone): no demand is forecast for them."""
    if not days:
        return np.zeros(horizon, dtype=bool)
    closed = np.all(np.isnan(values), axis=0)[-8 * WEEK :]
    recent = days[-8 * WEEK :]
    closed_weekdays = {
        weekday
        for weekday in range(WEEK)
        if any(day.weekday() == weekday for day in recent)
        and all(shut for day, shut in zip(recent, closed, strict=True) if day.weekday() == weekday)
    }
    return np.array(
        [(first_date + dt.timedelta(days=i)).weekday() in closed_weekdays for i in range(horizon)]
    )


def forecast_run_execute(*, merchant: Merchant, run_id: int) -> ForecastRun | None:
    """Forecast every series of the merchant for the run; None if the run is not queued (it
    ran already, or another worker has it)."""
    run = runs.claim(ForecastRun, merchant=merchant, pk=run_id)
    if run is None:
        return None
    with transaction.atomic(), tenant_context(merchant):
        keys, days, values = load_history(merchant)
        first_date = days[-1] + dt.timedelta(days=1) if days else timezone.localdate()
        chosen, quantiles = forecast_chosen(values, run.horizon, WEEK, BASELINES)
        quantiles[:, :, closed_days_ahead(days, values, first_date, run.horizon)] = 0.0
        forecasts = [
            SeriesForecast(
                merchant=merchant,
                run=run,
                sku_id=sku,
                location_id=location,
                first_date=first_date,
                model=str(name),
                quantiles=SeriesForecast.pack(series_quantiles),
            )
            for (sku, location), name, series_quantiles in zip(keys, chosen, quantiles, strict=True)
        ]
        SeriesForecast.objects.bulk_create(forecasts, batch_size=2000)
        run.status = ForecastRun.Status.SUCCEEDED
        run.history_end = days[-1] if days else None
        run.series_count = len(forecasts)
        run.model_counts = dict(Counter(str(name) for name in chosen))
        run.finished_at = timezone.now()
        run.save()
    return run


def forecast_run_fail(*, merchant: Merchant, run_id: int, message: str) -> None:
    runs.fail(ForecastRun, merchant=merchant, pk=run_id, message=message)
