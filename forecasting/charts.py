"""The data behind a SKU's forecast charts, drawn in the browser by static/js/charts.js: the
recent daily history with its stock-out days, the forecast's median and 80% / 95% bands,
the promotions and calendar events over both, the median with the planners' overrides
beside the model's on the days they change, and the projected stock on hand with the orders
arriving (the open purchase orders, and the order the plan suggests where one is still to be
placed); and the forecast on the days of each event ahead (`event_forecasts`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from forecasting.projection import Projection, median_total, project_stock, stored_paths, totals
from forecasting.quantiles import MEDIAN_INDEX, level_index
from inventory import selectors as inventory_selectors

# The days of history drawn before the forecast.
HISTORY_DAYS = 84

BANDS = {"q025": 0.025, "q10": 0.1, "q90": 0.9, "q975": 0.975}


def _numbers(values) -> list[float | None]:
    return [None if not np.isfinite(v) else round(float(v), 2) for v in values]


def forecast_chart(
    *,
    history_days: list[dt.date],
    history: list[float],
    stock_out: list[bool],
    first_date: dt.date,
    quantiles: np.ndarray,
    promotions: list,
    projection: Projection | None = None,
    available: float | None = None,
    arrivals: list[tuple[int, float, str]] = (),
    suggested: tuple[int, float] | None = None,
    events: list = (),
    override: np.ndarray | None = None,
) -> dict:
    """One JSON-ready dict: day 0 is the first history day; the forecast starts at index
    ``len(history)``. ``arrivals`` are (day of the horizon, units, order number) of the open
    purchase orders, ``suggested`` (day of the horizon, units) the suggested order's; ``events``
    calendar events (anything with ``start_date``, ``end_date``, ``name``, ``code``);
    ``override`` the median with the overrides per day of the horizon (NaN on days no
    override changes), given as ``override`` beside the model's ``median``."""
    start = history_days[0] if history_days else first_date
    offset = len(history)
    horizon = quantiles.shape[1]
    end = first_date + dt.timedelta(days=horizon - 1)
    last = offset + horizon - 1
    data = {
        "start": start.isoformat(),
        "forecast_start": offset,
        "days": offset + horizon,
        "history": _numbers(history),
        "stock_out": [i for i, out in enumerate(stock_out) if out],
        "median": _numbers(quantiles[MEDIAN_INDEX]),
        **{name: _numbers(quantiles[level_index(level)]) for name, level in BANDS.items()},
        "promotions": [
            {**_span(promotion, start, last), "discount": float(promotion.discount_percent)}
            for promotion in promotions
            if promotion.end_date >= start and promotion.start_date <= end
        ],
        "events": [
            _span(event, start, last)
            for event in events
            if event.end_date >= start and event.start_date <= end
        ],
    }
    if override is not None:
        data["override"] = _numbers(override)
    if projection is not None:
        data["stock"] = _stock_data(projection, available, arrivals, offset, suggested)
    return data


def _span(item, start: dt.date, last: int) -> dict:
    """A promotion's or an event's days as the chart's indexes (day 0 is ``start``), clipped
    to the chart's ``last`` index, with its label."""
    return {
        "from": max((item.start_date - start).days, 0),
        "to": min((item.end_date - start).days, last),
        "label": item.name or item.code,
    }


def _stock_data(
    projection: Projection,
    available: float | None,
    arrivals: list[tuple[int, float, str]],
    offset: int,
    suggested: tuple[int, float] | None = None,
) -> dict:
    """The projected stock on hand and the orders arriving, the horizon's days counted from
    ``offset`` (the forecast's first index); the suggested order marked apart."""
    return {
        "available": round(float(available or 0), 2),
        "low": _numbers(projection.low),
        "median": _numbers(projection.median),
        "high": _numbers(projection.high),
        "stock_out_by": _numbers(projection.stock_out_by),
        "arrivals": [
            {"day": offset + day, "units": round(units, 2), "label": label}
            for day, units, label in arrivals
        ],
        "suggested": (
            {"day": offset + suggested[0], "units": round(suggested[1], 2)} if suggested else None
        ),
    }


def event_forecasts(
    *, events: list, first_date: dt.date, quantiles: np.ndarray, paths: np.ndarray
) -> list[dict]:
    """Per calendar event that falls in the horizon (in date order): its days there and the
    demand forecast over them (the median and 80% range of its total on the forecast's
    demand ``paths``, `totals`), beside the median of an ordinary day:
    the horizon's days outside every event, on the same weekdays as the event's days (a
    Saturday festival is not compared with Mondays). ``per_day`` and ``ordinary_day`` are
    None when nothing is forecast on those days (a shop closed on its holidays)."""
    horizon = quantiles.shape[1]
    dates = [first_date + dt.timedelta(days=step) for step in range(horizon)]
    inside = []
    for event in events:
        steps = [
            step for step, day in enumerate(dates) if event.start_date <= day <= event.end_date
        ]
        if steps:
            inside.append((event, steps))
    taken = {step for _event, steps in inside for step in steps}
    median = quantiles[MEDIAN_INDEX]
    found = []
    for event, steps in inside:
        total = totals(paths, steps)  # 10th, 50th and 90th percentile of the event's demand
        weekdays = {dates[step].weekday() for step in steps}
        ordinary = [
            step
            for step in range(horizon)
            if step not in taken and dates[step].weekday() in weekdays
        ]
        found.append(
            {
                "event": event,
                "first": dates[steps[0]],
                "last": dates[steps[-1]],
                "days": len(steps),
                "median": float(total[1]),
                "low": float(total[0]),
                "high": float(total[2]),
                "per_day": float(median[steps].mean()),
                "ordinary_day": float(median[ordinary].mean()) if ordinary else None,
            }
        )
    return found


def sku_forecast_chart(
    *, merchant, sku, forecast, stock_level, adjustments, suggested=None
) -> dict:
    """One location's forecast of ``sku`` for its page: the chart's data, and the sums,
    weeks, incoming orders and projected stock shown beside it. ``adjustments`` are the
    overrides in force (`selectors.overrides_in_force`); ``stock_level`` the latest stock
    at the location, or None; ``suggested`` the order the plan suggests there and that is
    still to be placed (``units``, ``expected``: `settings.SKU_SUGGESTED_ORDERS`), or None.
    The projection counts it, arriving on its expected day, beside the open purchase orders;
    the day stock likely runs out is also given without it (``stock_out_date_unordered``)."""
    quantiles = forecast.array()  # the model's, as stored
    first, horizon = forecast.first_date, quantiles.shape[1]
    # what planning acts on: the forecast with the overrides in force today
    adjusted, override = _with_overrides(adjustments, sku, forecast.location_id, first, quantiles)
    around = _surroundings(merchant, sku, forecast.location_id, first, horizon)
    arrivals, dated, undated = _arrivals(around.incoming, first, horizon)
    # one draw of demand paths serves the totals and the stock projection (and is the one the
    # SHAP explanation of the 28 days reads, `forecasting.explanations`): of the model's
    # forecast, and of the forecast with the overrides in force where one changes a day
    paths = stored_paths(forecast, quantiles)
    adjusted_paths = stored_paths(forecast, adjusted) if override is not None else paths
    available, unordered = _projected_stock(stock_level, adjusted_paths, arrivals)
    projection, suggested_day = unordered, None
    if suggested is not None and unordered is not None:
        day = max((suggested.expected - first).days, 0)
        if day < horizon:  # one due after the horizon changes nothing drawn
            suggested_day = (day, float(suggested.units))
            with_order = arrivals.copy()
            with_order[day] += float(suggested.units)
            _available, projection = _projected_stock(stock_level, adjusted_paths, with_order)
    stock_out_day = projection.first_stock_out() if projection is not None else None
    unordered_day = unordered.first_stock_out() if unordered is not None else None
    return {
        "forecast": forecast,
        "chart_id": f"forecast-data-{forecast.pk}",
        "horizon": horizon,
        "data": forecast_chart(
            history_days=around.history.days,
            history=around.history.units,
            stock_out=around.history.stock_out,
            first_date=first,
            quantiles=quantiles,
            promotions=around.promotions,
            projection=projection,
            available=available,
            arrivals=dated,
            suggested=suggested_day,
            events=around.events,
            override=override,
        ),
        "overridden": override is not None,
        "next_four_weeks_adjusted": median_total(adjusted_paths, 28),
        "next_week": median_total(paths, 7),
        "next_four_weeks": median_total(paths, 28),
        "weekly": _weekly(first, paths),
        "stock_out_days": sum(around.history.stock_out),
        "promotions": around.promotions,
        "events_ahead": event_forecasts(
            events=around.events, first_date=first, quantiles=quantiles, paths=paths
        ),
        "incoming": around.incoming,
        "undated": undated,
        "available": available,
        "projection": projection,
        "stock_out_date": (
            first + dt.timedelta(days=stock_out_day) if stock_out_day is not None else None
        ),
        "suggested": suggested,
        "suggested_in_projection": suggested_day is not None,
        "stock_out_date_unordered": (
            first + dt.timedelta(days=unordered_day) if unordered_day is not None else None
        ),
        "stock_out_probability": (
            float(projection.stock_out_by[-1]) if projection is not None else None
        ),
        "improvement": (
            1 - forecast.backtest_wql / forecast.naive_wql
            if forecast.backtest_wql is not None and forecast.naive_wql
            else None
        ),
    }


def _projected_stock(
    stock_level, paths: np.ndarray, arrivals: np.ndarray
) -> tuple[float | None, Projection | None]:
    """The units available now (on hand less committed) and the stock projected from them
    over the horizon on the forecast's demand ``paths`` (`project_stock`); both None when
    the location has no stock level."""
    if stock_level is None:
        return None, None
    available = float(stock_level.on_hand - stock_level.committed)
    return available, project_stock(paths, available, arrivals)


def _with_overrides(
    adjustments, sku, location_id: int, first: dt.date, quantiles: np.ndarray
) -> tuple[np.ndarray, np.ndarray | None]:
    """The quantiles with the overrides in force, and their median on the days an override
    changes (NaN on the others), or None when no override changes any day."""
    adjusted = adjustments.apply(sku.pk, location_id, first, quantiles)
    overridden = [
        adjustments.on_day(sku.pk, location_id, first + dt.timedelta(days=step)) is not None
        for step in range(quantiles.shape[1])
    ]
    override = np.where(overridden, adjusted[MEDIAN_INDEX], np.nan) if any(overridden) else None
    return adjusted, override


@dataclass(frozen=True)
class _Surroundings:
    """What the page draws around a forecast: the SKU's recent daily history, the promotions
    and calendar events over that history and the horizon, and the orders coming in."""

    history: inventory_selectors.DailyHistory
    promotions: list
    events: list
    incoming: list


def _surroundings(merchant, sku, location_id: int, first: dt.date, horizon: int) -> _Surroundings:
    start = first - dt.timedelta(days=HISTORY_DAYS)
    history = inventory_selectors.sku_daily_history(
        merchant=merchant,
        sku=sku,
        location_id=location_id,
        start=start,
        end=first - dt.timedelta(days=1),
    )
    promotions = inventory_selectors.sku_promotions(
        merchant=merchant,
        sku=sku,
        location_id=location_id,
        start=start,
        end=first + dt.timedelta(days=horizon - 1),
    )
    events = inventory_selectors.location_calendar_events(
        merchant=merchant,
        location_id=location_id,
        start=start,
        end=first + dt.timedelta(days=horizon - 1),
    )
    incoming = inventory_selectors.sku_incoming(merchant=merchant, sku=sku, location_id=location_id)
    return _Surroundings(history=history, promotions=promotions, events=events, incoming=incoming)


def _arrivals(incoming, first: dt.date, horizon: int) -> tuple[np.ndarray, list, list]:
    """Units arriving per day of the horizon (an order due before it counts on its first
    day, one due after on its last), the dated orders as (day, units, number), and the
    orders with no expected date."""
    arrivals, dated, undated = np.zeros(horizon), [], []
    for order in incoming:
        if order.expected is None:
            undated.append(order)
            continue
        day = min(max((order.expected - first).days, 0), horizon - 1)
        arrivals[day] += order.units
        dated.append((day, order.units, order.number))
    return arrivals, dated, undated


def _weekly(first: dt.date, paths: np.ndarray) -> list[dict]:
    """The median and 80% range of each whole week's demand in the horizon (`totals`)."""
    weeks = []
    for week in range(0, paths.shape[1] - 6, 7):
        low, median, high = totals(paths, slice(week, week + 7))
        weeks.append(
            {
                "start": first + dt.timedelta(days=week),
                "median": float(median),
                "low": float(low),
                "high": float(high),
            }
        )
    return weeks
