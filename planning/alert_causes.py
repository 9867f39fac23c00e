"""What an alert is raised for, and what it puts at risk: the causes found in a forecast
run's series (projected stock-out, overstock, demand anomaly, forecast bias) and in the
merchant as a whole (stale data, a failed job), each valued (`planning.alerts` says how).
`planning.alerts` opens, updates and closes the alerts from them."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
from django.db.models import Max
from scipy.stats import binom

from accounts.models import Merchant
from forecasting import selectors as forecasting_selectors
from forecasting.models import ForecastRun, TrainingRun
from inventory.models import ImportJob, SalesDay, StockLevel
from planning import alert_basis, policy
from planning.models import Alert
from planning.positions.selectors import (
    NO_STOCK,
    latest_stock,
    open_orders,
    primary_items,
    sku_prices,
    unit_cost,
)
from planning.preferences.selectors import planning_settings

STOCK_OUT_DAYS = 14  # how far ahead a projected stock-out is looked for
STOCK_OUT_PROBABILITY = 0.2  # the chance of running out above which an alert opens
# A day's demand outside the 98% interval its forecast gave the night before is an anomaly.
LOW, Q10, MEDIAN, Q90, HIGH = (
    forecasting_selectors.level_index(q) for q in (0.01, 0.1, 0.5, 0.9, 0.99)
)
# Bias: over the next-day forecasts of the last BIAS_RUNS nights, demand above the forecast's
# 90th percentile (or below its 10th) on far more than a tenth of the days. A calibrated
# forecast does that on at most 10% of days, so the count is tested against Binomial(n, 0.1):
# it holds for intermittent series too, where medians tie with zero demand.
BIAS_RUNS = 28
BIAS_MIN_DAYS = 14
BIAS_P_VALUE = 0.001
FAILED_JOB_DAYS = 7  # a failed job older than this no longer alerts

CENT = Decimal("0.01")

Key = tuple[int | None, int | None, str]  # (SKU, location, kind); merchant-wide: no SKU
# Per day, per (SKU, location): a forecast's quantiles at LOW, Q10, MEDIAN, Q90, HIGH.
DayForecasts = dict[dt.date, dict[tuple[int, int], np.ndarray]]


@dataclass(frozen=True)
class Cause:
    """What was found for one key, and what it puts at risk."""

    details: dict
    money_at_risk: Decimal = Decimal("0")
    money_basis: str = ""
    valued: bool = False  # False: no money figure could be worked out; never held back
    supplier_id: int | None = None
    # The basis's figures, put into words in the reader's language (`planning.alert_basis`)
    money_basis_parameters: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Economics:
    """Per SKU: its price, its unit cost where known (the primary supplier item's, else the
    SKU's own) and its supplier; and the store's currency for the basis text."""

    prices: dict[int, float]
    costs: dict[int, float]
    suppliers: dict[int, int]
    currency: str


def economics(merchant: Merchant) -> Economics:
    items = primary_items(merchant)
    prices, costs = {}, {}
    for sku, listed in sku_prices(merchant).items():
        prices[sku] = float(listed.price or 0)
        known = unit_cost(items.get(sku), listed)
        if known is not None:
            costs[sku] = float(known)
    suppliers = {sku: item.supplier_id for sku, item in items.items()}
    return Economics(prices, costs, suppliers, merchant.currency)


# -- the causes --------------------------------------------------------------------------------
def _stock_out(paths: np.ndarray, available: float, first: dt.date) -> dict | None:
    """The projected stock-out within `STOCK_OUT_DAYS`, from demand paths (count, days)."""
    cumulative = np.cumsum(paths[:, :STOCK_OUT_DAYS], axis=1)
    short_by_day = (cumulative > available + 1e-9).mean(axis=0)
    probability = float(short_by_day[-1])
    if probability < STOCK_OUT_PROBABILITY:
        return None
    day = int(np.argmax(short_by_day >= min(0.5, probability)))
    lost = float(np.maximum(cumulative[:, -1] - available, 0).mean())
    return {"date": (first + dt.timedelta(days=day)).isoformat(), "probability": probability,
            "lost_units": lost}  # fmt: skip


def stock_causes(
    merchant: Merchant, run: ForecastRun, today: dt.date, economics: Economics
) -> dict[Key, dict]:
    """Projected stock-outs and overstock, from the run's demand paths and the stock on hand
    (plus what arrives within the stock-out window)."""
    settings = planning_settings(merchant=merchant)
    first = today + dt.timedelta(days=1)
    stock = latest_stock(merchant)
    arriving = open_orders(merchant, arriving_by=today + dt.timedelta(days=STOCK_OUT_DAYS))
    prices, costs = economics.prices, economics.costs
    found: dict[Key, dict] = {}
    # the run's forecasts with the planners' overrides in force (`forecasting.overrides`)
    for stored in forecasting_selectors.run_forecasts(merchant=merchant, run=run):
        sku, location, quantiles = stored.sku, stored.location, stored.quantiles
        on_hand = stock.get((sku, location), NO_STOCK).available  # less what is promised
        price = prices.get(sku, 0.0)
        # only the stock-out window needs drawn paths; the daily mean comes from the quantiles
        paths = forecasting_selectors.sample_paths(
            quantiles[:, :STOCK_OUT_DAYS], stored.correlation, policy.PLAN_PATHS, sku, stored.common
        )
        projected = _stock_out(paths, on_hand + arriving.get((sku, location), 0.0), first)
        if projected is not None:
            projected["lost_revenue"] = round(projected["lost_units"] * price, 2)
            projected["lost_units"] = round(projected["lost_units"], 2)
            projected["probability"] = round(projected["probability"], 3)
            found[(sku, location, Alert.Kind.STOCK_OUT)] = projected
        daily = float(forecasting_selectors.expected_demand(quantiles).mean())
        cover = on_hand / daily if daily > 0 else (np.inf if on_hand > 0 else 0.0)
        if cover > settings.overstock_days:
            excess = on_hand - daily * settings.overstock_days
            found[(sku, location, Alert.Kind.OVERSTOCK)] = {
                "days_of_cover": None if np.isinf(cover) else round(cover, 1),
                "excess_units": round(excess, 2),
                "capital": round(excess * costs.get(sku, 0.0), 2),
            }
    return found


def _actuals(merchant: Merchant, days: list[dt.date]):
    """Units sold per (SKU, location, day), the stock-out (censored) ones, and which of the
    days have data at all (a day nobody sold anything was closed or is not synced yet)."""
    units: dict[tuple[int, int, dt.date], float] = {}
    censored: set[tuple[int, int, dt.date]] = set()
    for sku, location, day, sold, stock_out in (
        SalesDay.objects.for_merchant(merchant)
        .filter(date__in=days)
        .values_list("sku_id", "location_id", "date", "units", "stock_out")
    ):
        units[(sku, location, day)] = float(sold)
        if stock_out:
            censored.add((sku, location, day))
    with_data = {day for (_sku, _location, day), sold in units.items() if sold > 0}
    return units, censored, with_data


def forecast_causes(merchant: Merchant, run: ForecastRun) -> dict[Key, dict]:
    """Demand anomalies on the run's last day of history, against the forecast the night
    before; and forecast bias over the next-day forecasts of the last `BIAS_RUNS` runs."""
    if run.history_end is None:
        return {}
    forecast = _next_day_forecasts(merchant, run)
    if not forecast:
        return {}
    units, censored, with_data = _actuals(merchant, list(forecast))
    found: dict[Key, dict] = {}
    yesterday = run.history_end
    if yesterday in forecast and yesterday in with_data:
        found.update(_anomalies(forecast[yesterday], yesterday, units, censored))
    found.update(_biases(forecast, units, censored, with_data))
    return found


def _next_day_forecasts(merchant: Merchant, run: ForecastRun) -> DayForecasts:
    """The next-day forecasts of the last `BIAS_RUNS` nights before ``run`` (the last run of
    each night), for the days up to the run's last day of history."""
    earlier = (
        ForecastRun.objects.for_merchant(merchant)
        .filter(status=ForecastRun.Status.SUCCEEDED, history_end__lt=run.history_end)
        .exclude(pk=run.pk)
        .order_by("-history_end", "-finished_at", "-pk")
    )
    nights: dict[dt.date, ForecastRun] = {}  # the last run per night
    for night in earlier[: BIAS_RUNS * 2]:
        nights.setdefault(night.history_end, night)
        if len(nights) == BIAS_RUNS:
            break
    levels = [LOW, Q10, MEDIAN, Q90, HIGH]
    forecast: DayForecasts = {}
    for history_end, night in nights.items():
        day = history_end + dt.timedelta(days=1)
        if day <= run.history_end:
            forecast[day] = forecasting_selectors.quantiles_on_day(
                merchant=merchant, run=night, day=day, levels=levels
            )
    return forecast


def _anomalies(
    series: dict[tuple[int, int], np.ndarray], day: dt.date, units: dict, censored: set
) -> dict[Key, dict]:
    """The series whose units sold on ``day`` fell outside the forecast's interval (LOW to
    HIGH); a stock-out day says nothing about demand and is skipped."""
    found: dict[Key, dict] = {}
    for (sku, location), values in series.items():
        if (sku, location, day) in censored:
            continue
        actual = units.get((sku, location, day), 0.0)
        low, median, high = values[0], values[2], values[4]
        if actual < low - 1e-6 or actual > high + 1e-6:
            found[(sku, location, Alert.Kind.ANOMALY)] = {
                "date": day.isoformat(),
                "actual_units": round(actual, 2),
                "expected_units": round(float(median), 2),
                "interval": [round(float(low), 2), round(float(high), 2)],
                "direction": "above" if actual > high else "below",
            }
    return found


def _biases(forecast: DayForecasts, units: dict, censored: set, with_data: set) -> dict[Key, dict]:
    """The series whose actuals fell on one side of the 80% interval (Q10 to Q90) on more of
    at least `BIAS_MIN_DAYS` days than chance allows (binomial, `BIAS_P_VALUE`)."""
    tally: dict[tuple[int, int], list[float]] = defaultdict(lambda: [0, 0, 0, 0.0, 0.0])
    for day, series in forecast.items():
        if day not in with_data:
            continue
        for (sku, location), values in series.items():
            if (sku, location, day) in censored:
                continue
            actual = units.get((sku, location, day), 0.0)
            counts = tally[(sku, location)]
            counts[0] += 1
            counts[1] += actual > values[3] + 1e-6
            counts[2] += actual < values[1] - 1e-6
            counts[3] += actual
            counts[4] += float(values[2])
    found: dict[Key, dict] = {}
    for (sku, location), (days, above, below, actual, median) in tally.items():
        if days < BIAS_MIN_DAYS:
            continue
        outside, direction = (above, "under") if above >= below else (below, "over")
        if binom.sf(outside - 1, days, 0.1) < BIAS_P_VALUE:
            found[(sku, location, Alert.Kind.BIAS)] = {
                "direction": direction,  # under: demand was higher than forecast
                "days": int(days),
                "days_outside": int(outside),
                "actual_units": round(actual, 2),
                "forecast_median_units": round(median, 2),
            }
    return found


def merchant_causes(merchant: Merchant, now: dt.datetime) -> dict[Key, dict]:
    """Stale data (no new sales or stock data for the merchant's `stale_days`) and failed
    jobs (the latest run of a kind failed within `FAILED_JOB_DAYS`)."""
    settings = planning_settings(merchant=merchant)
    found: dict[Key, dict] = {}
    last = [
        model.objects.for_merchant(merchant).aggregate(last=Max("updated_at"))["last"]
        for model in (SalesDay, StockLevel)
    ]
    last_data = max((moment for moment in last if moment is not None), default=None)
    if last_data is not None and now - last_data > dt.timedelta(days=settings.stale_days):
        found[(None, None, Alert.Kind.STALE_DATA)] = {
            "last_data_at": last_data.isoformat(timespec="minutes"),
            "days": (now - last_data).days,
        }
    failed = []
    since = now - dt.timedelta(days=FAILED_JOB_DAYS)
    for label, model in (
        ("import", ImportJob),
        ("forecast run", ForecastRun),
        ("training run", TrainingRun),
    ):
        latest = (
            model.objects.for_merchant(merchant)
            .filter(created_at__gte=since)
            .exclude(status__in=["queued", "running", "mapping"])
            .order_by("-created_at", "-pk")
            .first()
        )
        if latest is not None and latest.status == "failed":
            moment = latest.finished_at or latest.created_at
            failed.append(
                {
                    "job": label,
                    "id": latest.pk,
                    "failed_at": moment.isoformat(timespec="minutes"),
                    # whole, to be said again in the reader's language (`core.runs`)
                    "message": (latest.message or "")[:400],
                }
            )
    if failed:
        found[(None, None, Alert.Kind.FAILED_JOB)] = {"jobs": failed}
    return found


# -- money at risk -----------------------------------------------------------------------------
def valued(key: Key, details: dict, economics: Economics, first: dt.date) -> Cause:
    """The cause with its money at risk and basis (the rules are in the module's docstring)."""
    sku, _location, kind = key
    if sku is None:
        return Cause(details)
    supplier = economics.suppliers.get(sku)
    price, cost = economics.prices.get(sku, 0.0), economics.costs.get(sku)
    # Without a cost, a unit is valued at its price (an upper bound), and the basis says so.
    if cost is not None:
        margin, margin_basis, unit, unit_basis = (
            max(price - cost, 0.0),
            alert_basis.MARGIN,
            cost,
            alert_basis.COST,
        )
    else:
        margin, margin_basis = price, alert_basis.PRICE
        unit, unit_basis = price, margin_basis
    if kind == Alert.Kind.STOCK_OUT and price > 0:
        short = float(details["lost_units"])
        days = STOCK_OUT_DAYS - (dt.date.fromisoformat(details["date"]) - first).days
        amount = short * margin
        parameters = {"units": short, "days": days, "each": margin, "each_basis": margin_basis}
    elif kind == Alert.Kind.OVERSTOCK and unit > 0:
        excess = float(details["excess_units"])
        amount = excess * unit
        parameters = {"units": excess, "each": unit, "each_basis": unit_basis}
    elif kind == Alert.Kind.BIAS and price > 0:  # the average daily miss, over the window
        daily = abs(details["actual_units"] - details["forecast_median_units"]) / details["days"]
        low = details["direction"] == "under"
        each, each_basis = (margin, margin_basis) if low else (unit, unit_basis)
        amount = daily * STOCK_OUT_DAYS * each
        parameters = {
            "units": daily, "days": STOCK_OUT_DAYS, "each": each, "each_basis": each_basis,
            "direction": "low" if low else "high",
        }  # fmt: skip
    else:  # an anomaly, or no price to value it at
        return Cause(details, supplier_id=supplier)
    money = Decimal(str(round(amount, 2))).quantize(CENT)
    parameters.update(
        kind=str(kind),
        units=round(parameters["units"], 1),
        each=str(Decimal(str(round(parameters["each"], 2))).quantize(CENT)),
        currency=economics.currency,
    )
    basis = alert_basis.stored_money_basis(parameters)[:200]
    return Cause(
        details, money, basis, valued=True, supplier_id=supplier,
        money_basis_parameters=parameters,
    )  # fmt: skip


# -- reconciling -------------------------------------------------------------------------------
