"""Reads of forecasts. Whoever reads a forecast to act on it (suggestions, alerts, the chart)
reads it here with the planners' overrides applied (`forecasting.overrides`): `run_forecasts`
and `forecasts_of_series` (each as a `StoredForecast`), `quantiles_on_day`, `overrides_in_force`.

It also names the forecast maths that other apps plan with, so that forecasting can move its
insides without breaking them; all pure numpy (no model, no torch), safe in a web process:
`sample_paths` (correlated demand paths from a quantile forecast), `expected_demand`,
`shock_correlation`, `level_index` (a quantile level's row), the replay's candidates
`BASELINES`, `seasonal_naive`, `TRANSFORMER` (the neural one's name), `demand_classes` and
`forecast_chosen` (each series' forecast from the candidate that served it best)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import NamedTuple
from zoneinfo import ZoneInfo

import numpy as np
from django.db.models import BinaryField, F, Func, Prefetch, Q, Value
from django.utils import timezone

from accounts.models import Merchant
from accounts.tenancy import tenant_context
from forecasting.baselines import BASELINES as BASELINES  # statistical candidates by name
from forecasting.baselines import seasonal_naive as seasonal_naive  # last season repeated
from forecasting.models import RECENT_DAYS as RECENT_DAYS  # days of demand a forecast keeps
from forecasting.models import (
    ForecastOverride,
    ForecastOverrideEvent,
    ForecastRun,
    ModelVersion,
    SeriesForecast,
)
from forecasting.overrides import Adjustment, Adjustments
from forecasting.paths import COMMON_SHARE as COMMON_SHARE  # paths' common share by default
from forecasting.paths import expected_demand as expected_demand  # mean daily demand
from forecasting.paths import sample_paths as sample_paths  # correlated demand paths
from forecasting.paths import shock_correlation as shock_correlation  # misses' correlation
from forecasting.quantiles import MEDIAN_INDEX
from forecasting.quantiles import level_index as level_index  # a quantile level's row
from forecasting.selection import TRANSFORMER as TRANSFORMER  # the neural candidate's name
from forecasting.selection import demand_classes as demand_classes  # smooth, intermittent..
from forecasting.selection import forecast_chosen as forecast_chosen  # best candidate's forecast


def active_version(merchant: Merchant) -> ModelVersion | None:
    """The merchant's active fine-tuned version; None when the shipped base model serves."""
    return (
        ModelVersion.objects.for_merchant(merchant)
        .filter(status=ModelVersion.Status.ACTIVE)
        .first()
    )


def forecast_explanation(*, merchant: Merchant, forecast_id: int) -> dict | None:
    """A stored forecast's SHAP explanation, None until a worker has computed it."""
    return (
        SeriesForecast.objects.for_merchant(merchant)
        .filter(pk=forecast_id)
        .values_list("explanation", flat=True)
        .first()
    )


def latest_accuracy(*, merchant: Merchant) -> tuple[dict, dt.datetime] | None:
    """The accuracy kept on the newest run that has one (`forecasting.accuracy` measures it),
    and when that run finished."""
    run = (
        ForecastRun.objects.for_merchant(merchant)
        .filter(accuracy__isnull=False)
        .order_by("-created_at", "-pk")
        .only("accuracy", "finished_at")
        .first()
    )
    return (run.accuracy, run.finished_at) if run is not None else None


def latest_run(*, merchant: Merchant) -> ForecastRun | None:
    return (
        ForecastRun.objects.for_merchant(merchant)
        .filter(status=ForecastRun.Status.SUCCEEDED)
        .order_by("-finished_at")
        .first()
    )


def latest_forecasts_for_sku(*, merchant: Merchant, sku_id: int) -> list[SeriesForecast]:
    run = latest_run(merchant=merchant)
    if run is None:
        return []
    return list(
        SeriesForecast.objects.for_merchant(merchant)
        .filter(run=run, sku_id=sku_id)
        .select_related("location")
    )


def quantiles_on_day(
    *, merchant: Merchant, run: ForecastRun, day: dt.date, levels: list[int]
) -> dict[tuple[int, int], np.ndarray]:
    """Per series of ``run`` whose forecast covers ``day``: its quantiles at the level
    indexes ``levels`` on that day, with the overrides in force on that day applied. The
    database cuts the 4-byte values out of the packed arrays (levels x horizon, row by row),
    so checking yesterday's forecast against yesterday's sales does not move whole
    forecasts."""
    adjustments = overrides_in_force(merchant=merchant, on=day)
    # an override of a value scales by the median: cut it too when it is not asked for
    cut = list(levels) if MEDIAN_INDEX in levels else [*levels, MEDIAN_INDEX]
    median_at = cut.index(MEDIAN_INDEX)
    offset = {}
    for first_date in (
        SeriesForecast.objects.for_merchant(merchant)
        .filter(run=run)
        .values_list("first_date", flat=True)
        .distinct()
    ):
        step = (day - first_date).days
        if 0 <= step < run.horizon:
            offset[first_date] = step
    found: dict[tuple[int, int], np.ndarray] = {}
    for first_date, step in offset.items():
        cuts = {
            f"level_{level}": Func(
                F("quantiles"),
                Value((level * run.horizon + step) * 4 + 1),
                Value(4),
                function="substr",
                output_field=BinaryField(),
            )
            for level in cut
        }
        rows = (
            SeriesForecast.objects.for_merchant(merchant)
            .filter(run=run, first_date=first_date)
            .annotate(**cuts)
            .values_list("sku_id", "location_id", *cuts)
        )
        for sku, location, *values in rows:
            model = np.frombuffer(b"".join(map(bytes, values)), dtype="<f4")
            if adjustments:
                model = adjustments.apply_on_day(sku, location, day, model, model[median_at])
            found[(sku, location)] = model[: len(levels)]
    return found


def merchant_today(merchant: Merchant) -> dt.date:
    return timezone.localdate(timezone=ZoneInfo(merchant.timezone))


def adjustment_of(override: ForecastOverride, zone: ZoneInfo) -> Adjustment:
    return Adjustment(
        override_id=override.pk,
        sku_id=override.sku_id,
        location_id=override.location_id,
        start_date=override.start_date,
        end_date=override.end_date,
        kind=override.kind,
        amount=float(override.amount),
        set_on=timezone.localdate(override.created_at, timezone=zone),
        expires_on=override.expires_on,
        ended_on=(
            timezone.localdate(override.ended_at, timezone=zone) if override.ended_at else None
        ),
        planner_id=override.created_by_id,
    )


def overrides_in_force(
    *, merchant: Merchant, on: dt.date | None = None, sku_ids: Iterable[int] | None = None
) -> Adjustments:
    """The merchant's overrides in force on ``on`` (the store's today by default), of the SKUs
    ``sku_ids`` (all by default), ready to apply (`forecasting.overrides`). One query; the
    day bounds are widened by a day in the query and checked exactly in the store's zone."""
    on = on or merchant_today(merchant)
    margin = dt.datetime.combine(on + dt.timedelta(days=2), dt.time(), tzinfo=dt.UTC)
    found = ForecastOverride.objects.for_merchant(merchant).filter(
        Q(ended_at__isnull=True) | Q(ended_at__gte=margin - dt.timedelta(days=4)),
        expires_on__gte=on,
        created_at__lt=margin,
    )
    if sku_ids is not None:
        found = found.filter(sku_id__in=list(sku_ids))
    zone = ZoneInfo(merchant.timezone)
    adjustments = (adjustment_of(override, zone) for override in found)
    return Adjustments.of(adjustment for adjustment in adjustments if adjustment.in_force(on))


class StoredForecast(NamedTuple):
    """One series' stored forecast as the plan reads it, with the overrides in force
    applied: its daily quantiles (levels, horizon) and what `sample_paths` draws its paths
    with (the lag-1 correlation of its misses, the common share), with the daily demand it
    was made from where asked for and kept (`SeriesForecast.unpack_recent`)."""

    sku: int
    location: int
    quantiles: np.ndarray
    correlation: float
    common: float
    recent: np.ndarray | None = None


def run_forecasts(
    *,
    merchant: Merchant,
    run: ForecastRun,
    on: dt.date | None = None,
    sku_ids: Iterable[int] | None = None,
    with_recent: bool = False,
) -> Iterator[StoredForecast]:
    """Every forecast of ``run`` (of the SKUs ``sku_ids``, all by default) in SKU and
    location order, with the overrides in force on ``on`` (the store's today by default)
    applied: what suggestions, alerts and promotion plans plan from. ``with_recent`` also
    reads the daily demand each was made from (else ``recent`` is None)."""
    sku_ids = None if sku_ids is None else list(sku_ids)
    adjustments = overrides_in_force(merchant=merchant, on=on, sku_ids=sku_ids)
    rows = SeriesForecast.objects.for_merchant(merchant).filter(run=run)
    if sku_ids is not None:
        rows = rows.filter(sku_id__in=sku_ids)
    columns = [
        "sku_id", "location_id", "first_date", "quantiles", "path_correlation",
        "path_common_share",
    ]  # fmt: skip
    rows = rows.order_by("sku_id", "location_id").values_list(
        *columns, *(["recent_demand"] if with_recent else [])
    )
    for sku, location, first_date, packed, correlation, common, *recent in rows:
        quantiles = SeriesForecast.unpack(packed)
        if adjustments:
            quantiles = adjustments.apply(sku, location, first_date, quantiles)
        kept = SeriesForecast.unpack_recent(recent[0]) if with_recent else None
        yield StoredForecast(sku, location, quantiles, correlation, common, kept)


def forecasts_of_series(
    *, merchant: Merchant, keys: Iterable[tuple[int, int, int]], on: dt.date | None = None
) -> dict[tuple[int, int, int], StoredForecast]:
    """The stored forecasts of the (run id, SKU id, location id) ``keys``, with the
    overrides in force on ``on`` (the store's today by default) applied, as `run_forecasts`
    with ``with_recent`` gives them: for what is worked out again from a planned line's
    forecast (its fill rate at another quantity). One query per thousand keys; a key whose
    forecast is gone is left out."""
    keys = list(dict.fromkeys(keys))
    adjustments = overrides_in_force(merchant=merchant, on=on, sku_ids={k[1] for k in keys})
    found: dict[tuple[int, int, int], StoredForecast] = {}
    for start in range(0, len(keys), 1000):
        wanted = Q()
        for run, sku, location in keys[start : start + 1000]:
            wanted |= Q(run_id=run, sku_id=sku, location_id=location)
        rows = (
            SeriesForecast.objects.for_merchant(merchant)
            .filter(wanted)
            .values_list(
                "run_id", "sku_id", "location_id", "first_date", "quantiles",
                "path_correlation", "path_common_share", "recent_demand",
            )
        )  # fmt: skip
        for run, sku, location, first_date, packed, correlation, common, recent in rows:
            quantiles = SeriesForecast.unpack(packed)
            if adjustments:
                quantiles = adjustments.apply(sku, location, first_date, quantiles)
            found[(run, sku, location)] = StoredForecast(
                sku, location, quantiles, correlation, common, SeriesForecast.unpack_recent(recent)
            )
    return found


def forecast_overrides(*, merchant: Merchant, with_events: bool = False):
    """The merchant's overrides, newest first, with what a list shows joined (and each one's
    audit events, newest first, with ``with_events``)."""
    found = (
        ForecastOverride.objects.for_merchant(merchant)
        .select_related("sku", "location", "created_by", "ended_by")
        .order_by("-created_at", "-pk")
    )
    if with_events:
        events = ForecastOverrideEvent.objects.for_merchant(merchant).select_related("actor")
        found = found.prefetch_related(Prefetch("events", queryset=events))
    return found


def sku_forecast_overrides(*, merchant: Merchant, sku_id: int, limit: int = 50):
    """A SKU's overrides, newest first, each with its audit events."""
    return list(
        forecast_overrides(merchant=merchant, with_events=True).filter(sku_id=sku_id)[:limit]
    )


def published_runs(*, merchant: Merchant):
    """The merchant's forecast runs whose forecasts are all written (succeeded): a run still
    running, or one that failed half way, holds only some series."""
    return (
        ForecastRun.objects.for_merchant(merchant)
        .filter(status=ForecastRun.Status.SUCCEEDED)
        .select_related("model_version")
    )


def published_forecasts(*, merchant: Merchant):
    """The forecasts of `published_runs`, with what a reader shows beside the quantiles (the
    SKU, the location, the run's model version) joined in one query."""
    return (
        SeriesForecast.objects.for_merchant(merchant)
        .filter(run__status=ForecastRun.Status.SUCCEEDED)
        .select_related("sku", "location", "run__model_version")
    )


def run_forecast_batches(
    *, merchant: Merchant, run_id: int, batch_size: int = 500, location_code: str | None = None
):
    """A published run's forecasts in id order, ``batch_size`` at a time, each batch read in
    its own tenant transaction: an export streams a whole run without holding it in memory,
    and its rows are read after the request's own transaction has ended. Yields lists of
    (sku code, location code, first date, model, quantiles (levels, days))."""
    after = 0
    while True:
        with tenant_context(merchant):
            rows = published_forecasts(merchant=merchant).filter(run_id=run_id, pk__gt=after)
            if location_code is not None:
                rows = rows.filter(location__code=location_code)
            batch = list(
                rows.order_by("pk").values_list(
                    "pk", "sku__code", "location__code", "first_date", "model", "quantiles"
                )[:batch_size]
            )
        if not batch:
            return
        after = batch[-1][0]
        yield [
            (sku, location, first_date, model, SeriesForecast.unpack(packed))
            for _, sku, location, first_date, model, packed in batch
        ]
