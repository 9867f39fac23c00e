"""Panels: series on one regular grid, read from long-form CSV files, and the calendar events
whose windows the backtest (`forecasting.backtest`) scores apart.

An event window is the event's own days with, on daily data, the `EVENT_WINDOW_BEFORE` days
before its first day (the run-up: orders placed ahead of a holiday or a sale) and the
`EVENT_WINDOW_AFTER` days after its last (the lull, or the catch-up after a closed day); on
weekly and monthly data, the periods that hold an event day. Every other held-out period is an
ordinary day. Days the shop was closed count in neither.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from forecasting.gaps import fill_forward
from forecasting.neural.anchor import DAY_OFF, SHOPPING_DAY
from inventory.calendars import (
    FESTIVAL_SPANS,
    calendar_spans,
    countries,
    default_festivals,
    subdivisions,
)
from inventory.calendars import Source as CalendarSource

# daily data: days around an event scored with it (see the module's docstring)
EVENT_WINDOW_BEFORE = 3
EVENT_WINDOW_AFTER = 3
FESTIVAL_KEYS = [str(key) for key in FESTIVAL_SPANS]


class MissingColumns(ValueError):
    pass


@dataclass
class Panel:
    """Series on one regular grid; NaN where a period is not demand (the shop was closed)."""

    ids: list[str]
    periods: list[str]
    values: np.ndarray  # (series, periods)
    # per series row: known covariates (price, promotion and, with events, an event flag) over
    # the periods, when the file has them
    known: dict[int, np.ndarray] = field(default_factory=dict)
    freq: str = "D"
    # (series, periods) 1 on calendar event days, None without events: the event windows the
    # backtest scores apart (`event_windows`), whether or not the models see the flag
    events: np.ndarray | None = None


def _open_text(path: Path) -> io.TextIOBase:
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8", newline="")
    return open(path, encoding="utf-8", newline="")


def _period_key(raw: str, freq: str) -> str:
    raw = raw.strip()
    if freq == "M":
        return raw[:7]
    day = dt.date.fromisoformat(raw[:10])
    if freq == "W":
        return (day - dt.timedelta(days=day.weekday())).isoformat()
    return day.isoformat()


def _grid(first: str, last: str, freq: str) -> list[str]:
    if freq == "M":
        year, month = map(int, first.split("-"))
        end_year, end_month = map(int, last.split("-"))
        periods = []
        while (year, month) <= (end_year, end_month):
            periods.append(f"{year:04d}-{month:02d}")
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return periods
    step = dt.timedelta(days=7 if freq == "W" else 1)
    day, end, periods = dt.date.fromisoformat(first), dt.date.fromisoformat(last), []
    while day <= end:
        periods.append(day.isoformat())
        day += step
    return periods


def load_long_csv(path: Path, *, freq: str, id_col: str, date_col: str, target_col: str) -> Panel:
    """Long-form CSV (one row per series and period) to a panel. A period with no row is zero
    demand; an empty target is zero too (as the fev benchmark copies do). For daily data, a
    day on which no series has any row is a day the shop was closed: NaN, not demand.
    Optional columns ``price``, ``promo`` and ``event`` become known covariates (price carried
    forward over periods without a row; promo and event 0 there; an event is 1 on a day off,
    a public holiday, and 0.5 on a shopping festival's day, as the anchor reads them,
    `forecasting.neural.anchor.DAY_OFF` and `SHOPPING_DAY`). A promotion or an event is
    read from every row that has one, whatever its units: a promoted day with no sale needs
    its row with an empty units cell, or the flag would only mark days that sold. With an
    ``event`` column the backtest also scores event windows apart (`event_windows`)."""
    sums, extras, present = _read_long_rows(
        path, freq=freq, id_col=id_col, date_col=date_col, target_col=target_col
    )
    seen = {key for series in sums.values() for key in series}
    periods = _grid(min(seen), max(seen), freq)
    index = {key: i for i, key in enumerate(periods)}
    ids = sorted(sums)
    values = np.zeros((len(ids), len(periods)))
    for row, series_id in enumerate(ids):
        for key, value in sums[series_id].items():
            values[row, index[key]] = value
    if freq == "D":
        closed = np.array([key not in seen for key in periods])
        values[:, closed] = np.nan
    known: dict[int, np.ndarray] = {}
    events = np.zeros_like(values) if "event" in present else None
    if any(extras[name] for name in extras):
        for row, series_id in enumerate(ids):
            price = np.full(len(periods), np.nan)
            promo = np.zeros(len(periods))
            for key, value in extras["price"].get(series_id, {}).items():
                price[index[key]] = value
            for key, value in extras["promo"].get(series_id, {}).items():
                promo[index[key]] = value
            known[row] = np.stack([fill_forward(price), promo])
    panel = Panel(ids=ids, periods=periods, values=values, known=known, freq=freq)
    if events is not None:
        for row, series_id in enumerate(ids):
            for key, value in extras["event"].get(series_id, {}).items():
                events[row, index[key]] = min(abs(float(value)), 1.0)  # any non-zero is an event
        panel = with_events(panel, events)
    return panel


def _read_long_rows(
    path: Path, *, freq: str, id_col: str, date_col: str, target_col: str
) -> tuple[dict[str, dict[str, float]], dict[str, dict[str, dict[str, float]]], list[str]]:
    """The file's target summed per series and period, its optional columns' values per
    column, series and period, and which optional columns it has. Raises `MissingColumns`,
    and ValueError naming the row of a cell that is not a number."""
    sums: dict[str, dict[str, float]] = defaultdict(dict)
    extras: dict[str, dict[str, dict[str, float]]] = {
        "price": defaultdict(dict),
        "promo": defaultdict(dict),
        "event": defaultdict(dict),
    }
    with _open_text(path) as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in (id_col, date_col, target_col) if c not in (reader.fieldnames or [])]
        if missing:
            raise MissingColumns(f"The file has no column {', '.join(map(repr, missing))}")
        present = [name for name in extras if name in (reader.fieldnames or [])]
        for number, row in enumerate(reader, start=2):
            key = _period_key(row[date_col], freq)
            raw = (row.get(target_col) or "").strip()
            series = sums[row[id_col]]
            try:
                series[key] = series.get(key, 0.0) + (float(raw) if raw else 0.0)
                for name in present:
                    cell = (row.get(name) or "").strip()
                    if cell:
                        extras[name][row[id_col]][key] = float(cell)
            except ValueError as error:
                raise ValueError(f"row {number}: {error}") from error
    return sums, extras, present


def parse_calendar(spec: str) -> tuple[str, str, list[str]]:
    """``COUNTRY[-REGION][,festivals|,FESTIVAL...]`` to (country, region, festival keys):
    ``GB`` is the country's public holidays alone, ``GB-ENG`` England's (a region's own
    holidays, such as England's Easter Monday, are not the whole country's), ``GB,festivals``
    adds the festivals its stores usually see (`inventory.calendars.DEFAULT_FESTIVALS`),
    ``GB,black_friday`` names them one by one. Raises ValueError on an unknown country,
    region or festival."""
    place, *rest = [part.strip() for part in spec.split(",") if part.strip()] or [""]
    country, _, region = place.partition("-")
    country = country.upper()
    if country not in dict(countries()):
        raise ValueError(f"No public holidays are known for {country!r}.")
    if region:
        matches = [code for code, _name in subdivisions(country) if code.upper() == region.upper()]
        if not matches:
            raise ValueError(f"{country} has no region {region!r}.")
        region = matches[0]
    festivals: list[str] = []
    for part in rest:
        keys = default_festivals(country) if part.lower() == "festivals" else [part.lower()]
        unknown = [key for key in keys if key not in FESTIVAL_KEYS]
        if unknown:
            raise ValueError(f"Unknown festival {unknown[0]!r}; known: {', '.join(FESTIVAL_KEYS)}.")
        festivals += [key for key in keys if key not in festivals]
    return country, region, festivals


def event_value(source: str) -> float:
    """The event row's value on a day of a calendar event from ``source`` (a
    `CalendarEvent.Source`): `DAY_OFF` for a public holiday, `SHOPPING_DAY` for any other
    (a festival, or an event entered by hand: a sale, a payday, a local event)."""
    return DAY_OFF if source == CalendarSource.PUBLIC_HOLIDAYS else SHOPPING_DAY


def calendar_flags(periods: list[str], freq: str, spec: str) -> np.ndarray:
    """On every period that holds a day of the calendar ``spec`` (`parse_calendar`): `DAY_OFF`
    for its public holidays, `SHOPPING_DAY` for its festivals (a day off where both fall),
    from `inventory.calendars`' dates (no database); 0 elsewhere."""
    country, region, festivals = parse_calendar(spec)
    years = range(int(periods[0][:4]), int(periods[-1][:4]) + 1)
    index = {key: i for i, key in enumerate(periods)}
    flags = np.zeros(len(periods))
    spans = calendar_spans(country=country, subdivision=region, festivals=festivals, years=years)
    for source, span in spans:
        value = event_value(source)
        day = span.start
        while day <= span.end:
            position = index.get(_period_key(day.isoformat(), freq))
            if position is not None:
                flags[position] = max(flags[position], value)
            day += dt.timedelta(days=1)
    return flags


def with_events(panel: Panel, flags: np.ndarray, *, covariate: bool = True) -> Panel:
    """``panel`` with calendar events (``flags``: per period, or per series and period) whose
    windows the backtest scores apart; with ``covariate`` the models also see them, as a third
    known row after price and promotion (as a merchant's forecast takes its calendar events;
    a series without those rows gets a constant price and no promotion)."""
    flags = np.broadcast_to(np.asarray(flags, dtype=float), panel.values.shape)
    events = flags.copy() if panel.events is None else np.maximum(panel.events, flags)
    known = dict(panel.known)
    if covariate:
        length = len(panel.periods)
        for row in range(len(panel.ids)):
            rows = known.get(row)
            if rows is None:
                rows = np.stack([np.ones(length), np.zeros(length)])
            if len(rows) > 2:
                known[row] = np.vstack([rows[:2], np.maximum(rows[2], flags[row])[None, :]])
            else:
                known[row] = np.vstack([rows, flags[row][None, :]])
    return Panel(
        ids=panel.ids,
        periods=panel.periods,
        values=panel.values,
        known=known,
        freq=panel.freq,
        events=events,
    )


def event_windows(panel: Panel) -> np.ndarray | None:
    """(series, periods) True on the periods of an event window (the module's docstring);
    None without events."""
    if panel.events is None:
        return None
    flagged = panel.events > 0
    before, after = (EVENT_WINDOW_BEFORE, EVENT_WINDOW_AFTER) if panel.freq == "D" else (0, 0)
    windows = flagged.copy()
    for shift in range(1, before + 1):  # an event ``shift`` periods later
        windows[:, :-shift] |= flagged[:, shift:]
    for shift in range(1, after + 1):  # an event ``shift`` periods earlier
        windows[:, shift:] |= flagged[:, :-shift]
    return windows
