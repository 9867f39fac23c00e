"""Reading a merchant's history for forecasting: every (SKU, location) series on one daily
calendar, with the covariates the transformer takes (price and promotions, known ahead).

Demand that was not observed is NaN, never zero: stock-out days (censored demand), days the
shop was closed (nothing sold by anyone) and days before a series' first sales row (it was
not on sale yet)."""

from __future__ import annotations

import datetime as dt
import warnings
from dataclasses import dataclass, fields

import numpy as np
from django.conf import settings
from django.db import connection
from django.db.models import Exists, Max, OuterRef, Q

from accounts.models import Merchant
from forecasting.gaps import fill_forward
from forecasting.neural.inference import Covariates
from forecasting.panels import event_value
from inventory.models import SKU, CalendarEvent, Location, Promotion, SalesDay

WEEK = 7
EPOCH = dt.date(2000, 1, 1)  # sales rows count their days from here


@dataclass
class History:
    keys: list[tuple[int, int]]  # (sku_id, location_id) per row
    days: list[dt.date]
    values: np.ndarray  # (series, days) units, NaN = not observed
    prices: np.ndarray  # (series, days) average selling price, NaN = unknown
    # (series, days) bool: the sales rows' own promotion flag, for planning's lift estimates;
    # forecasts take promotions from the promotion calendar (`covariates`)
    promoted: np.ndarray

    @property
    def first_forecast_date(self) -> dt.date | None:
        return self.days[-1] + dt.timedelta(days=1) if self.days else None


def history_start(merchant: Merchant) -> dt.date | None:
    """The first day forecasting reads: `FORECAST_HISTORY_DAYS` before the store's last day of
    sales (of its active SKUs), so a night's arrays are bounded by what a model can use,
    however far back a store's records go; None without sales."""
    every = SalesDay.objects.for_merchant(merchant)
    # the store's last day of sales is read off the (merchant, date) index; only where no
    # active SKU sold that day are the sales joined with the SKUs and scanned
    last = every.aggregate(last=Max("date"))["last"]
    if last is not None and not every.filter(date=last, sku__active=True).exists():
        last = every.filter(sku__active=True).aggregate(last=Max("date"))["last"]
    return None if last is None else last - dt.timedelta(days=settings.FORECAST_HISTORY_DAYS - 1)


def series_count(merchant: Merchant, *, at_most: int) -> int:
    """How many series a forecast of the merchant would read now (see `load_history`): its
    (SKU, location) pairs of active SKUs with a sales row since `history_start`, counted up
    to ``at_most`` (a store far past a limit is not counted to its end)."""
    since = history_start(merchant)
    if since is None:
        return 0
    skus = SKU.objects.for_merchant(merchant).filter(active=True)
    locations = list(Location.objects.for_merchant(merchant).values_list("pk", flat=True))
    if skus.count() * len(locations) <= at_most:
        # few enough pairs to look each up in the sales' (merchant, SKU, location, date)
        # index, instead of reading every sales row of the history for its distinct pairs
        found = 0
        for location in locations:
            sold = SalesDay.objects.for_merchant(merchant).filter(
                sku=OuterRef("pk"), location=location, date__gte=since
            )
            found += skus.filter(Exists(sold)).count()
        return min(found, at_most)
    pairs = (
        SalesDay.objects.for_merchant(merchant)
        .filter(sku__active=True, date__gte=since)
        .order_by()
        .values_list("sku_id", "location_id")
        .distinct()
    )
    return pairs[:at_most].count()


def store_calendar(merchant: Merchant, since: dt.date | None = None) -> dict[dt.date, bool]:
    """Every day of the store's sales record (of its active SKUs) from ``since`` (by default
    `history_start`), and whether it sold anything that day (a day nobody bought anything the
    shop was shut)."""
    since = since or history_start(merchant)
    every = SalesDay.objects.for_merchant(merchant).filter(sku__active=True, date__gte=since)
    most = every.order_by().values("date").annotate(most=Max("units")).values_list("date", "most")
    return {date: units > 0 for date, units in most}


def load_history(
    merchant: Merchant,
    *,
    sku_ids: list[int] | None = None,
    calendar: dict[dt.date, bool] | None = None,
) -> History:
    """Every series of the merchant as arrays (see `_sales_rows` for how rows are read). With
    ``sku_ids``, only those SKUs' series, on the store's whole calendar (`store_calendar`,
    read here unless given: a night in chunks reads it once for all its chunks). Only the
    last `FORECAST_HISTORY_DAYS` days are read (`history_start`)."""
    if calendar:
        since = min(calendar)
    else:
        since = history_start(merchant)
        if since is None:
            empty = np.zeros((0, 0))
            return History([], [], empty, empty, empty.astype(bool))
    every = SalesDay.objects.for_merchant(merchant).filter(sku__active=True, date__gte=since)
    sales = every if sku_ids is None else every.filter(sku_id__in=sku_ids)
    rows = _sales_rows(merchant, sales, sku_ids, since)
    if sku_ids is not None:
        calendar = store_calendar(merchant, since) if calendar is None else calendar
    first, last = _history_span(rows, None if sku_ids is None else calendar)
    if first is None:
        empty = np.zeros((0, 0))
        return History([], [], empty, empty, empty.astype(bool))
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    rows.offset -= (first - EPOCH).days
    # a calendar read earlier (a chunk's, kept with it) ends before sales that came since
    rows = rows.within(len(days))
    # one row per (SKU, location), in that order; every sales row lands in its cell at once
    pairs = (rows.sku.astype(np.int64) << 32) | rows.location.astype(np.int64)
    unique, series = np.unique(pairs, return_inverse=True)
    keys = [(int(pair >> 32), int(pair & 0xFFFFFFFF)) for pair in unique]
    shape = (len(keys), len(days))
    values, prices = np.zeros(shape), np.full(shape, np.nan)
    promoted, censored = np.zeros(shape, dtype=bool), np.zeros(shape, dtype=bool)
    values[series, rows.offset] = rows.units
    prices[series, rows.offset] = rows.price
    censored[series, rows.offset] = rows.stock_out
    promoted[series, rows.offset] = rows.promoted
    sold_any = np.zeros(len(days), dtype=bool)
    if sku_ids is None:
        sold_any[rows.offset[rows.units > 0]] = True
    else:
        for date, sold in calendar.items():
            sold_any[(date - first).days] = sold
    values[:, ~sold_any] = np.nan
    values[censored] = np.nan
    # before its first sales row a product was not on sale: not observed, rather than days of
    # zero demand (a product launched ten days ago is new, not slow)
    first = np.full(len(keys), len(days), dtype=np.int64)
    np.minimum.at(first, series, rows.offset)
    values[np.arange(len(days))[None, :] < first[:, None]] = np.nan
    return History(keys, days, values, prices, promoted)


def _history_span(
    rows: SalesRows, calendar: dict[dt.date, bool] | None
) -> tuple[dt.date | None, dt.date | None]:
    """The first and last day of the history: the store's ``calendar``'s when given (some SKUs
    only), else those of the rows read; None and None when there are none."""
    if calendar is not None:
        return min(calendar, default=None), max(calendar, default=None)
    if not len(rows.offset):
        return None, None
    first = EPOCH + dt.timedelta(days=int(rows.offset.min()))
    return first, EPOCH + dt.timedelta(days=int(rows.offset.max()))


@dataclass
class SalesRows:
    """The merchant's daily sales rows as columns, in no particular order."""

    sku: np.ndarray
    location: np.ndarray
    offset: np.ndarray  # days since EPOCH
    units: np.ndarray
    price: np.ndarray  # NaN where unknown
    stock_out: np.ndarray
    promoted: np.ndarray

    def within(self, days: int) -> SalesRows:
        """The rows whose offset lies in [0, ``days``)."""
        keep = (self.offset >= 0) & (self.offset < days)
        if keep.all():
            return self
        return SalesRows(*(getattr(self, column.name)[keep] for column in fields(self)))


# The database packs each sales row into fixed-size big-endian binary (units in thousandths and
# prices in ten-thousandths, exact for their decimal columns; -1 where the price is unknown)
# and concatenates them into one value per chunk of SKUs: numpy reads that in one step, with
# no sort, no text and no Python per row.
_PACKED = np.dtype(
    [
        ("sku", ">i4"),
        ("location", ">i4"),
        ("offset", ">i4"),
        ("units", ">i8"),
        ("price", ">i8"),
        ("flags", ">i2"),
    ]
)
_SKUS_PER_QUERY = 2000  # keeps each packed value far below PostgreSQL's 1 GB limit
# One sales row as fixed-size binary (`_PACKED`), all of a query's rows in one value.
_PACKED_ROWS = """SELECT string_agg(
                int4send(s.sku_id::int4) || int4send(s.location_id::int4)
                || int4send(s.date - %s::date) || int8send((s.units * 1000)::int8)
                || int8send(coalesce((s.average_price * 10000)::int8, -1))
                || int2send((s.stock_out::int + 2 * s.on_promotion::int)::int2),
                ''::bytea)"""


def _sales_rows(merchant: Merchant, sales, sku_ids: list[int] | None, since: dt.date) -> SalesRows:
    """The sales rows' columns (days counted from `EPOCH`): on PostgreSQL packed by the
    database (above), elsewhere streamed through the ORM."""
    if connection.vendor == "postgresql":
        return _packed_sales_rows(merchant, sku_ids, since)
    return _streamed_sales_rows(sales)


def _packed_sales_rows(merchant: Merchant, sku_ids: list[int] | None, since: dt.date) -> SalesRows:
    """The active SKUs' sales rows (``sku_ids``' only when given) from ``since``, packed by
    the database (`_PACKED_ROWS`) a chunk of SKUs per query."""
    query = f"""
        {_PACKED_ROWS}
        FROM {SalesDay._meta.db_table} s
        WHERE s.merchant_id = %s AND s.sku_id BETWEEN %s AND %s AND s.date >= %s
    """
    # Some SKUs only (a chunk of a night, one SKU's explanation): joined to their ids, so
    # the database looks each one up by its index instead of testing every row of a range
    # against a list.
    some = f"""
        {_PACKED_ROWS}
        FROM {SalesDay._meta.db_table} s JOIN unnest(%s::bigint[]) AS wanted(id)
          ON s.sku_id = wanted.id
        WHERE s.merchant_id = %s AND s.date >= %s
    """
    skus = SKU.objects.for_merchant(merchant).filter(active=True)
    if sku_ids is not None:
        skus = skus.filter(pk__in=sku_ids)
    active = list(skus.order_by("pk").values_list("pk", flat=True))
    parts = []
    with connection.cursor() as cursor:
        for start in range(0, len(active), _SKUS_PER_QUERY):
            chunk = active[start : start + _SKUS_PER_QUERY]
            if sku_ids is None:
                cursor.execute(query, [EPOCH, merchant.pk, chunk[0], chunk[-1], since])
            else:
                cursor.execute(some, [EPOCH, chunk, merchant.pk, since])
            packed = cursor.fetchone()[0]
            if packed:
                parts.append(np.frombuffer(packed, dtype=_PACKED))
    records = np.concatenate(parts) if parts else np.zeros(0, dtype=_PACKED)
    records = records[np.isin(records["sku"], active)]  # inactive SKUs inside a range
    price = records["price"].astype(float) / 10_000
    return SalesRows(
        sku=records["sku"].astype(np.int64),
        location=records["location"].astype(np.int64),
        offset=records["offset"].astype(np.int64),
        units=records["units"].astype(float) / 1000,
        price=np.where(records["price"] < 0, np.nan, price),
        stock_out=(records["flags"] & 1).astype(bool),
        promoted=(records["flags"] & 2).astype(bool),
    )


def _streamed_sales_rows(sales) -> SalesRows:
    """The rows of ``sales`` (a SalesDay queryset) streamed through the ORM."""
    columns = (
        list(
            zip(
                *sales.values_list(
                    "sku_id",
                    "location_id",
                    "date",
                    "units",
                    "average_price",
                    "stock_out",
                    "on_promotion",
                ).iterator(chunk_size=20_000),
                strict=True,
            )
        )
        or [()] * 7
    )
    sku, location, dates, units, price, stock_out, promoted = columns
    return SalesRows(
        sku=np.array(sku, dtype=np.int64),
        location=np.array(location, dtype=np.int64),
        offset=np.array([(date - EPOCH).days for date in dates], dtype=np.int64),
        units=np.array(units, dtype=float),
        price=np.array([np.nan if p is None else float(p) for p in price], dtype=float),
        stock_out=np.array(stock_out, dtype=bool),
        promoted=np.array(promoted, dtype=bool),
    )


def through(history: History, last_day: dt.date) -> History:
    """``history`` as it was up to ``last_day`` (a run's last day, to explain its forecasts)."""
    keep = sum(1 for day in history.days if day <= last_day)
    return History(
        history.keys,
        history.days[:keep],
        history.values[:, :keep],
        history.prices[:, :keep],
        history.promoted[:, :keep],
    )


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
    """Known covariates for the series whose price moved, that were or will be promoted, or
    whose location has calendar events: the selling price (recorded in history; ahead, the
    list price less the discount of a planned promotion), a promotion flag and, with events,
    an event flag, over history and horizon. Others get none (they would only cost time).

    Promotions come from the promotion calendar, in history as ahead: never from the sales
    rows' own flag, which exists only on days something sold and so would tell the model
    which days did."""
    result = Covariates(recorded=len(history.days))
    if not history.keys:
        return result
    promo, discount = _promotions(merchant, history, horizon)
    skus = SKU.objects.for_merchant(merchant).filter(pk__in={sku for sku, _ in history.keys})
    list_price = {sku: float(price) for sku, price in skus.values_list("pk", "unit_price") if price}
    # before the first recorded price: the list price, else the series' mean price, else 1
    fallback = np.array([list_price.get(sku, np.nan) for sku, _ in history.keys], dtype=float)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        mean_price = np.nanmean(history.prices, axis=1)
    fallback = np.nan_to_num(np.where(np.isnan(fallback), mean_price, fallback), nan=1.0)
    past_price = fill_forward(history.prices, fallback)
    price = np.concatenate([past_price, np.repeat(past_price[:, -1:], horizon, axis=1)], axis=1)
    price[:, len(history.days) :] *= 1 - discount[:, len(history.days) :]
    events = _calendar_events(merchant, history, horizon)
    for row in range(len(history.keys)):
        moved = np.nanmax(price[row]) > np.nanmin(price[row]) * 1.001
        if events is not None and events[row].any():
            result.known[row] = np.stack([price[row], promo[row], events[row]])
        elif moved or promo[row].any():
            result.known[row] = np.stack([price[row], promo[row]])
    return result


def _promotions(merchant: Merchant, history: History, horizon: int):
    """(flags, discount fractions), each (series, days + horizon): the promotion calendar's
    SKU and category promotions at each series' location (or everywhere) over history and
    horizon."""
    first, total = history.days[0], len(history.days) + horizon
    promo, discount = np.zeros((2, len(history.keys), total))
    rows_of_sku: dict[int, list[int]] = {}
    for i, (sku, _location) in enumerate(history.keys):
        rows_of_sku.setdefault(sku, []).append(i)
    skus = SKU.objects.for_merchant(merchant).filter(pk__in=rows_of_sku)
    category = dict(skus.values_list("pk", "category"))
    promotions = Promotion.objects.for_merchant(merchant).filter(
        Q(sku__isnull=False) | ~Q(category=""),
        end_date__gte=first,
        start_date__lte=first + dt.timedelta(days=total - 1),
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
        start = max((promotion["start_date"] - first).days, 0)
        stop = min((promotion["end_date"] - first).days + 1, total)
        for row in targets:
            promo[row, start:stop] = 1
            discount[row, start:stop] = float(promotion["discount_percent"]) / 100
    return promo, discount


def _calendar_events(merchant: Merchant, history: History, horizon: int) -> np.ndarray | None:
    """Per series, on the days of the merchant's calendar events at its location (or
    everywhere) over history and horizon, each event's `forecasting.panels.event_value` (the
    larger where they meet), 0 elsewhere; None when there are none in that span."""
    first, total = history.days[0], len(history.days) + horizon
    events = CalendarEvent.objects.for_merchant(merchant).filter(
        end_date__gte=first, start_date__lte=first + dt.timedelta(days=total - 1)
    )
    spans = list(events.values_list("location_id", "start_date", "end_date", "source"))
    if not spans:
        return None
    flags = np.zeros((len(history.keys), total))
    locations = np.array([location for _sku, location in history.keys])
    for location, start_date, end_date, source in spans:
        start = max((start_date - first).days, 0)
        stop = min((end_date - first).days + 1, total)
        rows = slice(None) if location is None else locations == location
        flags[rows, start:stop] = np.maximum(flags[rows, start:stop], event_value(source))
    return flags
