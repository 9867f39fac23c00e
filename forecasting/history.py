"""Reading a merchant's history for forecasting: every (SKU, location) series on one daily
calendar, with the covariates the transformer takes (price and promotions, known ahead).

Demand that was not observed is NaN, never zero: stock-out days (censored demand) and days
the shop was closed (nothing sold by anyone)."""

from __future__ import annotations

import datetime as dt
import warnings
from dataclasses import dataclass

import numpy as np
from django.db import connection
from django.db.models import Max, Min, Q

from accounts.models import Merchant
from forecasting.gaps import fill_forward
from forecasting.neural.inference import Covariates
from inventory.models import SKU, Promotion, SalesDay

WEEK = 7


@dataclass
class History:
    keys: list[tuple[int, int]]  # (sku_id, location_id) per row
    days: list[dt.date]
    values: np.ndarray  # (series, days) units, NaN = not observed
    prices: np.ndarray  # (series, days) average selling price, NaN = unknown
    promoted: np.ndarray  # (series, days) bool: sold on promotion

    @property
    def first_forecast_date(self) -> dt.date | None:
        return self.days[-1] + dt.timedelta(days=1) if self.days else None


def load_history(merchant: Merchant, *, sku_ids: list[int] | None = None) -> History:
    """Every series of the merchant as arrays (see `_series_rows` for how rows are read). With
    ``sku_ids``, only those SKUs' series (on the merchant's whole calendar)."""
    every = SalesDay.objects.for_merchant(merchant).filter(sku__active=True)
    sales = every if sku_ids is None else every.filter(sku_id__in=sku_ids)
    span = every.aggregate(first=Min("date"), last=Max("date"))
    if span["first"] is None:
        empty = np.zeros((0, 0))
        return History([], [], empty, empty, empty.astype(bool))
    first, last = span["first"], span["last"]
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    shape_days = len(days)
    series = _series_rows(merchant, sales, first, sku_ids)
    keys = [(sku, location) for sku, location, *_ in series]
    shape = (len(keys), shape_days)
    values, prices = np.zeros(shape), np.full(shape, np.nan)
    promoted, censored = np.zeros(shape, dtype=bool), np.zeros(shape, dtype=bool)
    sold_any = np.zeros(shape_days, dtype=bool)
    for row, (_sku, _location, offsets, units, stock_outs, price, promotion) in enumerate(series):
        columns = np.asarray(offsets, dtype=np.int64)
        amounts = np.asarray(units, dtype=float)
        values[row, columns] = amounts
        sold_any[columns[amounts > 0]] = True
        censored[row, columns] = np.asarray(stock_outs, dtype=bool)
        prices[row, columns] = np.asarray(price, dtype=float)
        promoted[row, columns] = np.asarray(promotion, dtype=bool)
    if sku_ids is not None:  # the shop was open on days anyone bought anything
        sold_any[:] = False
        for date in every.filter(units__gt=0).values_list("date", flat=True).distinct():
            sold_any[(date - first).days] = True
    values[:, ~sold_any] = np.nan
    values[censored] = np.nan
    return History(keys, days, values, prices, promoted)


def _series_rows(merchant: Merchant, sales, first: dt.date, sku_ids: list[int] | None) -> list:
    """One tuple per (SKU, location), sorted: (sku, location, day offsets, units, stock-out
    flags, prices, promotion flags). On PostgreSQL the database groups the rows per series
    (a few thousand rows cross the wire, not millions); elsewhere they stream through the ORM."""
    if connection.vendor == "postgresql":
        query = f"""
            SELECT s.sku_id, s.location_id,
                   string_agg((s.date - %s)::text, ',' ORDER BY s.date),
                   string_agg(s.units::float8::text, ',' ORDER BY s.date),
                   string_agg(CASE WHEN s.stock_out THEN '1' ELSE '0' END, '' ORDER BY s.date),
                   string_agg(coalesce(s.average_price::float8, 'NaN')::text, ','
                              ORDER BY s.date),
                   string_agg(CASE WHEN s.on_promotion THEN '1' ELSE '0' END, ''
                              ORDER BY s.date)
            FROM {SalesDay._meta.db_table} s JOIN {SKU._meta.db_table} k ON k.id = s.sku_id
            WHERE s.merchant_id = %s AND k.merchant_id = %s AND k.active
                  {"AND s.sku_id = ANY(%s)" if sku_ids is not None else ""}
            GROUP BY s.sku_id, s.location_id
            ORDER BY s.sku_id, s.location_id
        """  # noqa: S608 (table names from the models; every value is a parameter)
        parameters = [first, merchant.pk, merchant.pk]
        if sku_ids is not None:
            parameters.append(list(sku_ids))
        with connection.cursor() as cursor:
            cursor.execute(query, parameters)
            # numbers travel as one text per series and column, parsed in C by numpy
            return [
                (
                    sku,
                    location,
                    np.fromstring(offsets, dtype=np.int64, sep=","),
                    np.fromstring(units, sep=","),
                    np.frombuffer(stock_outs.encode(), dtype=np.uint8) == ord("1"),
                    np.fromstring(prices, sep=","),
                    np.frombuffer(promotions.encode(), dtype=np.uint8) == ord("1"),
                )
                for sku, location, offsets, units, stock_outs, prices, promotions in cursor
            ]
    grouped: dict[tuple[int, int], list[list]] = {}
    rows = sales.order_by("date").values_list(
        "sku_id", "location_id", "date", "units", "stock_out", "average_price", "on_promotion"
    )
    for sku, location, date, units, stock_out, price, promotion in rows.iterator(chunk_size=20_000):
        lists = grouped.setdefault((sku, location), [[], [], [], [], []])
        lists[0].append((date - first).days)
        lists[1].append(float(units))
        lists[2].append(stock_out)
        lists[3].append(None if price is None else float(price))
        lists[4].append(promotion)
    return [(*key, *lists) for key, lists in sorted(grouped.items())]


def closed_days_ahead(history: History, horizon: int) -> np.ndarray:
    """Which days of the horizon fall on a weekday the shop has been closed on for the last
    eight weeks (nothing sold by anyone): no demand is forecast for them."""
    if not history.days:
        return np.zeros(horizon, dtype=bool)
    closed = np.all(np.isnan(history.values), axis=0)[-8 * WEEK :]
    recent = history.days[-8 * WEEK :]
    closed_weekdays = {
        weekday
        for weekday in range(WEEK)
        if any(day.weekday() == weekday for day in recent)
        and all(shut for day, shut in zip(recent, closed, strict=True) if day.weekday() == weekday)
    }
    first = history.first_forecast_date
    return np.array(
        [(first + dt.timedelta(days=i)).weekday() in closed_weekdays for i in range(horizon)]
    )


def covariates(merchant: Merchant, history: History, horizon: int) -> Covariates:
    """Known covariates for the series whose price moved or that were or will be promoted:
    the selling price (future: the list price, less the discount of a planned promotion)
    and a promotion flag, over history and horizon. Others get none (they would only cost
    time)."""
    result = Covariates()
    if not history.keys:
        return result
    first, total = history.days[0], len(history.days) + horizon
    promo = np.zeros((len(history.keys), total))
    promo[:, : len(history.days)] = history.promoted
    discount = np.zeros((len(history.keys), total))
    rows_of_sku: dict[int, list[int]] = {}
    for i, (sku, _location) in enumerate(history.keys):
        rows_of_sku.setdefault(sku, []).append(i)
    last = history.days[-1] + dt.timedelta(days=horizon)
    skus = SKU.objects.for_merchant(merchant).filter(pk__in=rows_of_sku)
    list_price = {sku: float(price) for sku, price in skus.values_list("pk", "unit_price") if price}
    category = dict(skus.values_list("pk", "category"))
    promotions = Promotion.objects.for_merchant(merchant).filter(
        Q(sku__isnull=False) | ~Q(category=""),
        end_date__gte=history.days[-1] + dt.timedelta(days=1),
        start_date__lte=last,
    )
    for promotion in promotions.values(
        "sku_id", "category", "location_id", "start_date", "end_date", "discount_percent"
    ):
        if promotion["sku_id"] is not None:
            targets = rows_of_sku.get(promotion["sku_id"], [])
        else:
            targets = [
                row
                for sku, rows in rows_of_sku.items()
                if category.get(sku) == promotion["category"]
                for row in rows
            ]
        if promotion["location_id"] is not None:
            targets = [row for row in targets if history.keys[row][1] == promotion["location_id"]]
        start = max((promotion["start_date"] - first).days, len(history.days))
        stop = min((promotion["end_date"] - first).days + 1, total)
        for row in targets:
            promo[row, start:stop] = 1
            discount[row, start:stop] = float(promotion["discount_percent"]) / 100
    # before the first recorded price: the list price, else the series' mean price, else 1
    fallback = np.array([list_price.get(sku, np.nan) for sku, _ in history.keys], dtype=float)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        mean_price = np.nanmean(history.prices, axis=1)
    fallback = np.nan_to_num(np.where(np.isnan(fallback), mean_price, fallback), nan=1.0)
    past_price = fill_forward(history.prices, fallback)
    price = np.concatenate([past_price, np.repeat(past_price[:, -1:], horizon, axis=1)], axis=1)
    price[:, len(history.days) :] *= 1 - discount[:, len(history.days) :]
    for row in range(len(history.keys)):
        moved = np.nanmax(price[row]) > np.nanmin(price[row]) * 1.001
        if moved or promo[row].any():
            result.known[row] = np.stack([price[row], promo[row]])
    return result
