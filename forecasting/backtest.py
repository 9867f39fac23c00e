"""Backtests: hold out the last H periods of every series, forecast them from the rest, score.

Every candidate alone and each served system (`forecasting.selection`: a choice among the
candidates judged on windows before the held-out periods) are scored the same way, beside
the point seasonal naive that published figures are divided by.

When the data has calendar events (an ``event`` column, or a built-in calendar: `with_events`),
the held-out periods are also scored in two parts: event windows and ordinary days. An event
window is the event's own days with, on daily data, the `EVENT_WINDOW_BEFORE` days before its
first day (the run-up: orders placed ahead of a holiday or a sale) and the `EVENT_WINDOW_AFTER`
days after its last (the lull, or the catch-up after a closed day); on weekly and monthly data,
the periods that hold an event day. Every other held-out period is an ordinary day. Days the
shop was closed count in neither.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from forecasting.baselines import BASELINES
from forecasting.gaps import fill_forward
from forecasting.metrics import Scores, score
from forecasting.quantiles import LEVELS
from forecasting.selection import forecast_scored, run_candidate
from inventory.calendars import (
    FESTIVAL_SPANS,
    calendar_spans,
    countries,
    default_festivals,
    subdivisions,
)

Model = Callable[..., np.ndarray]
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
    forward over periods without a row; promo and event 0 there). A promotion or an event is
    read from every row that has one, whatever its units: a promoted day with no sale needs
    its row with an empty units cell, or the flag would only mark days that sold. With an
    ``event`` column the backtest also scores event windows apart (`event_windows`)."""
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
                events[row, index[key]] = float(value != 0)
        panel = with_events(panel, events)
    return panel


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


def calendar_flags(periods: list[str], freq: str, spec: str) -> np.ndarray:
    """1 on every period that holds a day of the calendar ``spec`` (`parse_calendar`): its
    public holidays and festivals, from `inventory.calendars`' dates (no database)."""
    country, region, festivals = parse_calendar(spec)
    years = range(int(periods[0][:4]), int(periods[-1][:4]) + 1)
    index = {key: i for i, key in enumerate(periods)}
    flags = np.zeros(len(periods))
    spans = calendar_spans(country=country, subdivision=region, festivals=festivals, years=years)
    for _source, span in spans:
        day = span.start
        while day <= span.end:
            position = index.get(_period_key(day.isoformat(), freq))
            if position is not None:
                flags[position] = 1.0
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


def seasonal_naive_point(panel: np.ndarray, horizon: int, season: int) -> np.ndarray:
    """The last season repeated, every quantile equal to it (missing periods as zero): the
    reference the Chronos and fev benchmarks divide each model's MASE and WQL by."""
    values = np.nan_to_num(np.asarray(panel, dtype=float))
    period = min(season, values.shape[1]) or 1
    point = values[:, -period:][:, np.arange(horizon) % period]
    return np.repeat(point[:, None, :], len(LEVELS), axis=1)


@dataclass
class BacktestResult:
    horizon: int
    season: int
    n_series: int
    models: dict[str, Scores] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    choices: dict[str, dict[str, int]] = field(default_factory=dict)
    notes: dict[str, object] = field(default_factory=dict)
    # per model, with events held out: its scores on event windows and on ordinary days
    split: dict[str, dict[str, Scores]] = field(default_factory=dict)

    def as_dict(self) -> dict:
        """Per model its MASE and WQL, and their ratios to the point seasonal naive's; with
        event windows held out, the same on those windows and on ordinary days."""
        reference = self.models.get(REFERENCE)

        def ratio(value: float, base: float | None) -> float | None:
            return round(value / base, 4) if base and np.isfinite(value) else None

        def figures(scores: Scores, base: Scores | None) -> dict:
            return {
                "MASE": round(scores.mase, 4),
                "WQL": round(scores.wql, 4),
                "MASE_ratio": ratio(scores.mase, base and base.mase),
                "WQL_ratio": ratio(scores.wql, base and base.wql),
            }

        models = {}
        for name, scores in self.models.items():
            models[name] = {
                **figures(scores, reference),
                "seconds": round(self.seconds[name], 2),
                "zero_scale_series": scores.zero_scale_series,
            }
            for part, parted in self.split.get(name, {}).items():
                models[name][part] = figures(parted, self.split.get(REFERENCE, {}).get(part))
        return {
            "n_series": self.n_series,
            "horizon": self.horizon,
            "season": self.season,
            "models": models,
            "choices": self.choices,
            **self.notes,
        }


DEPLOYED = "shelfcast"
REFERENCE = "seasonal_naive_point"


def report_table(report: dict) -> str:
    """One table of a backtest report: every model alone and the deployed system, MASE and
    WQL and their ratios to the point seasonal naive (as published Chronos/fev figures are)."""
    lines = [
        f"{report['n_series']} series, horizon {report['horizon']}, season {report['season']}; "
        f"ratios to the point seasonal naive (the last season repeated, every quantile)",
        f"{'model':<30}{'MASE':>8}{'WQL':>8}{'MASE/SN':>9}{'WQL/SN':>8}{'seconds':>9}",
    ]
    for name, figures in report["models"].items():
        label = f"{name} (deployed)" if name == DEPLOYED else name
        mase, wql = (
            "—" if figures.get(key) is None else f"{figures[key]:.3f}"
            for key in ("MASE_ratio", "WQL_ratio")
        )
        lines.append(
            f"{label:<30}{figures['MASE']:>8.3f}{figures['WQL']:>8.3f}{mase:>9}{wql:>8}"
            f"{figures['seconds']:>9.1f}"
        )
    deployed = report["models"].get(DEPLOYED)
    if deployed is not None:
        singles = {
            name: figures
            for name, figures in report["models"].items()
            if name not in (DEPLOYED, REFERENCE, "shelfcast_baselines_only")
        }
        for measure in ("MASE", "WQL"):
            beaten = [n for n, f in singles.items() if deployed[measure] < f[measure]]
            missed = sorted(set(singles) - set(beaten))
            lines.append(
                f"deployed beats {len(beaten)} of {len(singles)} single models on {measure}"
                + (f"; not {', '.join(missed)}" if missed else "")
            )
    for name, choices in report["choices"].items():
        lines.append(f"{name} served: {choices}")
    for name, strategy in report.get("strategies", {}).items():
        lines.append(f"{name} by demand class: {strategy}")
    if "event_windows" in report:
        lines += ["", *event_window_table(report)]
    return "\n".join(lines)


def event_window_table(report: dict) -> list[str]:
    """The held-out periods in two parts, event windows and ordinary days: every model's MASE
    and WQL on each (`run_backtest`), and the held-out periods that fell in a window."""
    windows = report["event_windows"]
    periods = windows["periods"]
    shown = ", ".join(periods[:12])
    if len(periods) > 12:
        shown += f" and {len(periods) - 12} more"
    around = (
        f"{windows['before']} days before to {windows['after']} days after each event"
        if windows["before"] or windows["after"]
        else "the periods that hold an event"
    )
    lines = [
        f"event windows ({around}): {len(periods)} held-out periods ({shown or 'none'})",
        f"{'model':<30}{'MASE event':>12}{'WQL event':>11}{'MASE ordinary':>15}"
        f"{'WQL ordinary':>14}",
    ]
    for name, figures in report["models"].items():
        if "event_window" not in figures:
            continue
        label = f"{name} (deployed)" if name == DEPLOYED else name
        event, ordinary = figures["event_window"], figures["ordinary"]
        lines.append(
            f"{label:<30}{event['MASE']:>12.3f}{event['WQL']:>11.3f}{ordinary['MASE']:>15.3f}"
            f"{ordinary['WQL']:>14.3f}"
        )
    return lines


def auto_ets(panel: np.ndarray, horizon: int, season: int) -> np.ndarray:
    """statsforecast's AutoETS (a development dependency) as a comparison, with its
    prediction intervals turned into our quantile levels. It takes no gaps: days that were
    not observed are filled with zeros for it."""
    import pandas as pd
    from statsforecast import StatsForecast
    from statsforecast.models import AutoETS

    series, length = panel.shape
    frame = pd.DataFrame(
        {
            "unique_id": np.repeat(np.arange(series), length),
            "ds": np.tile(np.arange(length), series),
            "y": np.nan_to_num(panel, nan=0.0).reshape(-1),
        }
    )
    widths = sorted({round(abs(1 - 2 * level) * 100, 1) for level in LEVELS if level != 0.5})
    forecaster = StatsForecast(models=[AutoETS(season_length=season)], freq=1, n_jobs=2)
    result = forecaster.forecast(df=frame, h=horizon, level=widths).sort_values(["unique_id", "ds"])
    quantiles = np.zeros((series, len(LEVELS), horizon))
    for column, level in enumerate(LEVELS):
        if level == 0.5:
            name = "AutoETS"
        else:
            width = round(abs(1 - 2 * level) * 100, 1)
            name = f"AutoETS-{'lo' if level < 0.5 else 'hi'}-{width}"
        quantiles[:, column, :] = result[name].to_numpy().reshape(series, horizon)
    quantiles = np.maximum(np.nan_to_num(quantiles), 0.0)
    return np.maximum.accumulate(quantiles, axis=1)


@dataclass(frozen=True)
class System:
    """A served system: the candidates that forecast, and those that judge them on the
    selection windows (the same ones unless a candidate was cross-fitted)."""

    served: dict[str, Model]
    judged: dict[str, Model] | None = None


def run_backtest(
    panel: Panel,
    *,
    horizon: int,
    season: int,
    extra: dict[str, Model] | None = None,
    system: dict[str, System] | None = None,
) -> BacktestResult:
    """Score the point seasonal naive, every baseline, any ``extra`` models, and each served
    system (by default "shelfcast" over the baselines) on the last ``horizon`` periods, each
    seeing only what came before; with calendar events, on event windows and ordinary days
    apart too (`event_windows`)."""
    history, actual = panel.values[:, :-horizon], panel.values[:, -horizon:]
    histories, actuals = list(history), list(actual)
    result = BacktestResult(horizon=horizon, season=season, n_series=len(histories))
    windows = event_windows(panel)
    held = None if windows is None else windows[:, -horizon:]
    if held is not None:
        result.notes["event_windows"] = {
            "before": EVENT_WINDOW_BEFORE if panel.freq == "D" else 0,
            "after": EVENT_WINDOW_AFTER if panel.freq == "D" else 0,
            "periods": [
                period
                for period, inside in zip(panel.periods[-horizon:], held.any(axis=0), strict=True)
                if inside
            ],
        }
    if held is not None and not held.any():
        held = None

    def scored(name: str, forecasts: np.ndarray) -> None:
        result.models[name] = score(histories, actuals, list(forecasts), season)
        if held is not None:
            result.split[name] = {
                part: score(
                    histories, list(np.where(mask, actual, np.nan)), list(forecasts), season
                )
                for part, mask in (("event_window", held), ("ordinary", ~held))
            }

    singles = {"seasonal_naive_point": seasonal_naive_point, **BASELINES, **(extra or {})}
    for name, model in singles.items():
        started = time.perf_counter()
        forecasts = run_candidate(model, history, horizon, season)
        result.seconds[name] = time.perf_counter() - started
        scored(name, forecasts)
    for name, served in (system or {"shelfcast": System(dict(BASELINES))}).items():
        started = time.perf_counter()
        chosen = forecast_scored(history, horizon, season, served.served, served.judged)
        result.seconds[name] = time.perf_counter() - started
        scored(name, chosen.quantiles)
        names, counts = np.unique(chosen.models, return_counts=True)
        result.choices[name] = {
            str(model): int(count) for model, count in zip(names, counts, strict=True)
        }
        if chosen.choice is not None:
            result.notes.setdefault("strategies", {})[name] = {
                "overall": chosen.choice.overall,
                "by_class": chosen.choice.by_class,
            }
    return result
