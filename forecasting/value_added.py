"""Forecast value added: did the planners' overrides make the forecast better? On every
SKU-day an override set (`forecasting.overrides`) and whose sales are in, the median of three
forecasts is held against what sold:

- the model: the forecast of the latest run made before the day (history up to the day
  before, as the nightly run has it), as stored;
- the override: that forecast with the override of the day applied, by the same rule every
  reader gets (a percent scales the median, a value is the median);
- seasonal naive: what sold on the same weekday a week before.

Each is scored by its mean absolute error (MAE, units per SKU-day) and its weighted absolute
percentage error (WAPE: the absolute errors summed over the units sold), overall and per
planner who set the overrides. Value added is the model's WAPE less the override's (in
points of WAPE; above 0 the overrides helped). A day the SKU was out of stock is left out:
its sales say nothing of demand. A day with no sales row counts as nothing sold.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import numpy as np
from django.db import transaction
from django.db.models import Max

from accounts.models import Merchant, User
from accounts.tenancy import tenant_context
from forecasting.models import ForecastOverride, ForecastRun, SeriesForecast
from forecasting.overrides import Adjustments, adjust_values
from forecasting.quantiles import MEDIAN_INDEX
from forecasting.selectors import adjustment_of
from inventory.models import SalesDay

WINDOW_DAYS = 91
SEASON_DAYS = 7
SOURCES = ("model", "override", "seasonal_naive")


@dataclass
class Tally:
    """Absolute errors of each source summed over SKU-days, with the units sold."""

    sku_days: int = 0
    actual_units: float = 0.0
    model: float = 0.0
    override: float = 0.0
    seasonal_naive: float = 0.0

    def add(self, actual: float, model: float, override: float, naive: float) -> None:
        self.sku_days += 1
        self.actual_units += actual
        self.model += abs(model - actual)
        self.override += abs(override - actual)
        self.seasonal_naive += abs(naive - actual)

    def report(self) -> dict:
        def rounded(value: float | None) -> float | None:
            return None if value is None else round(value, 4)

        scores = {}
        for source in SOURCES:
            error = getattr(self, source)
            scores[source] = {
                "mae": rounded(error / self.sku_days) if self.sku_days else None,
                "wape": rounded(error / self.actual_units) if self.actual_units > 0 else None,
            }

        def added(than: str) -> float | None:
            base, mine = scores[than]["wape"], scores["override"]["wape"]
            return None if base is None or mine is None else round(base - mine, 4)

        return {
            "sku_days": self.sku_days,
            "actual_units": round(self.actual_units, 3),
            **scores,
            "value_added": added("model"),
            "value_added_over_naive": added("seasonal_naive"),
        }


def forecast_value_added(
    *, merchant: Merchant, start: dt.date | None = None, end: dt.date | None = None
) -> dict:
    """The report over ``start`` to ``end`` (both included; by default the `WINDOW_DAYS` up to
    the last day with sales): ``overall`` and ``planners`` (one entry per planner who set
    overrides scored in the window, most SKU-days first), each with ``sku_days``,
    ``actual_units``, ``model`` / ``override`` / ``seasonal_naive`` (``mae``, ``wape``),
    ``value_added`` and ``value_added_over_naive``."""
    with transaction.atomic(), tenant_context(merchant):
        last = SalesDay.objects.for_merchant(merchant).aggregate(last=Max("date"))["last"]
        end = min(end, last) if end and last else (end or last)
        if end is None:
            return _report(start, end, Tally(), {}, {})
        start = start or end - dt.timedelta(days=WINDOW_DAYS - 1)
        zone = ZoneInfo(merchant.timezone)
        overrides = [
            adjustment_of(override, zone)
            for override in ForecastOverride.objects.for_merchant(merchant).filter(
                start_date__lte=end, end_date__gte=start, expires_on__gte=start
            )
        ]
        days = {}  # the overrides that set each day of the window
        for step in range((end - start).days + 1):
            day = start + dt.timedelta(days=step)
            here = [a for a in overrides if a.covers(day) and a.in_force(day)]
            if here:
                days[day] = Adjustments.of(here)
        if not days:
            return _report(start, end, Tally(), {}, {})
        skus = {adjustment.sku_id for adjustment in overrides}
        run_of_day = _runs_before(merchant, min(days), max(days))
        medians = _model_medians(merchant, set(run_of_day.values()), skus)
        sold, out = _sales(merchant, skus, min(days) - dt.timedelta(days=SEASON_DAYS), max(days))
        planners = {
            user.pk: user.get_full_name()
            for user in User.objects.filter(
                pk__in={a.planner_id for a in overrides if a.planner_id}
            )
        }
    overall, per_planner = Tally(), defaultdict(Tally)
    for day, adjustments in sorted(days.items()):
        run = run_of_day.get(day)
        if run is None:
            continue
        for (sku, location), (first_date, median) in medians.get(run, {}).items():
            adjustment = adjustments.on_day(sku, location, day)
            step = (day - first_date).days
            if adjustment is None or not 0 <= step < len(median) or (sku, location, day) in out:
                continue
            model = float(median[step])
            override = float(adjust_values(model, model, adjustment.kind, adjustment.amount))
            actual = sold.get((sku, location, day), 0.0)
            naive = sold.get((sku, location, day - dt.timedelta(days=SEASON_DAYS)), 0.0)
            overall.add(actual, model, override, naive)
            per_planner[adjustment.planner_id].add(actual, model, override, naive)
    return _report(start, end, overall, per_planner, planners)


def _report(start, end, overall: Tally, per_planner: dict, names: dict) -> dict:
    return {
        "from": start,
        "to": end,
        "overall": overall.report(),
        "planners": [
            {"planner": planner, "name": names.get(planner, ""), **tally.report()}
            for planner, tally in sorted(per_planner.items(), key=lambda kv: -kv[1].sku_days)
        ],
    }


def _runs_before(merchant: Merchant, first: dt.date, last: dt.date) -> dict[dt.date, int]:
    """Per day from ``first`` to ``last``: the latest succeeded run whose history ends before
    it (the last of the night when a night has several)."""
    runs = list(
        ForecastRun.objects.for_merchant(merchant)
        .filter(status=ForecastRun.Status.SUCCEEDED, history_end__lt=last)
        .order_by("history_end", "finished_at", "pk")
        .values_list("pk", "history_end")
    )
    found, index, latest = {}, 0, None
    for step in range((last - first).days + 1):
        day = first + dt.timedelta(days=step)
        while index < len(runs) and runs[index][1] < day:
            latest = runs[index][0]
            index += 1
        if latest is not None:
            found[day] = latest
    return found


def _model_medians(
    merchant: Merchant, runs: set[int], skus: set[int]
) -> dict[int, dict[tuple[int, int], tuple[dt.date, np.ndarray]]]:
    """The stored median per day of the runs' forecasts of ``skus``, as the model made them."""
    found: dict[int, dict] = defaultdict(dict)
    rows = (
        SeriesForecast.objects.for_merchant(merchant)
        .filter(run_id__in=runs, sku_id__in=skus)
        .values_list("run_id", "sku_id", "location_id", "first_date", "quantiles")
    )
    for run, sku, location, first_date, packed in rows.iterator(chunk_size=500):
        found[run][(sku, location)] = (first_date, SeriesForecast.unpack(packed)[MEDIAN_INDEX])
    return found


def _sales(merchant: Merchant, skus: set[int], first: dt.date, last: dt.date):
    """Units sold per (SKU, location, day) and the stock-out days, of ``skus``."""
    sold, out = {}, set()
    for sku, location, day, units, stock_out in (
        SalesDay.objects.for_merchant(merchant)
        .filter(sku_id__in=skus, date__gte=first, date__lte=last)
        .values_list("sku_id", "location_id", "date", "units", "stock_out")
    ):
        sold[(sku, location, day)] = float(units)
        if stock_out:
            out.add((sku, location, day))
    return sold, out
