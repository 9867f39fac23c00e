"""The pretraining corpus: synthetic demand from generators that cover what merchants' series
do, generic shapes composed from Gaussian-process kernels (KernelSynth-style: linear trends,
periodic patterns of any period, smooth wanderings, noise, added and multiplied), plus the
real daily series of the Online Retail data set alone and mixed (TSMixup-style), their last
weeks kept out, since they are the benchmark's test and selection windows. Carparts is never
used: it is kept for zero-shot tests.

Every draw is from a seeded numpy Generator, so a corpus (and the model trained on it) can be
rebuilt exactly.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
from collections import defaultdict
from pathlib import Path

import numpy as np

from forecasting.gaps import fill_forward, window_rows
from forecasting.neural.network import CONTEXT, Task

# The benchmark holds out the last 28 days, and the choice among candidates is made on the
# windows before them: keep four windows out.
RETAIL_HELD_OUT_DAYS = 112
# the corpus the shipped base model was trained on (its card's `--price-episodes`): what
# fine-tuning replays and the fixed corpus sample is drawn from
SHIPPED_PRICE_EPISODES = True
SEASON_OF = {"daily": 7, "monthly": 12, "weekly": 52}


def _seasonal_profile(rng: np.random.Generator, period: int, strength: float) -> np.ndarray:
    """A multiplicative profile over one period, mean 1."""
    if period == 7:
        profile = rng.gamma(4.0, 1.0, period)
        if rng.random() < 0.4:  # a weekday with almost nothing (the shop's quiet day)
            profile[rng.integers(period)] *= 0.05
    else:
        phase = np.arange(period) / period
        profile = np.ones(period)
        for harmonic in (1, 2, 3):
            profile += rng.normal(0, strength / harmonic) * np.sin(
                2 * np.pi * harmonic * phase + rng.uniform(0, 2 * np.pi)
            )
        if period >= 52 and rng.random() < 0.5:  # a holiday peak
            peak = rng.integers(period)
            width = max(2, period // 26)
            distance = np.minimum(
                np.abs(np.arange(period) - peak), period - np.abs(np.arange(period) - peak)
            )
            profile += rng.uniform(0.5, 3.0) * np.exp(-0.5 * (distance / width) ** 2)
    profile = np.clip(profile, 0.02, None)
    profile = 1 + strength * (profile / profile.mean() - 1)
    return np.clip(profile, 0.0, None)


def synthetic_task(
    rng: np.random.Generator, length: int, horizon: int, price_episodes: bool = False
) -> Task:
    """One synthetic series of ``length + horizon`` periods with its covariates; with
    ``price_episodes``, its prices and promotions from `_add_price_episodes`.

    The parts below draw from ``rng`` in a fixed order: keep it, or a seed no longer rebuilds
    the same corpus (and the same pretrained model)."""
    total = length + horizon
    t = np.arange(total)
    rate = _trend(rng, t, length)
    kind = _add_seasonality(rng, rate, t)
    if rng.random() < 0.15:  # a level shift (a new listing, a lost channel)
        rate[rng.integers(total // 4, total) :] *= np.exp(rng.normal(0, 0.7))
    if price_episodes:
        known = _add_price_episodes(rng, rate, length)
    else:
        known = _add_prices_and_promotions(rng, rate)
    if kind == "daily" and rng.random() < 0.3:
        _add_calendar_events(rng, rate, known)
    _add_launch_and_phase_out(rng, rate, t, length)
    observed = _censor(rng, _demand(rng, rate), t, kind)
    known_rows = np.stack(known) if known else None
    season = SEASON_OF.get(str(kind)) or int(rng.choice([7, 12]))
    return Task(
        history=observed[:length], known=known_rows, future=observed[length:], season=season
    )


def _trend(rng: np.random.Generator, t: np.ndarray, length: int) -> np.ndarray:
    """A level with a trend, and the odd change of direction."""
    total = len(t)
    level = np.exp(rng.uniform(np.log(0.05), np.log(300)))
    rate = np.full(total, level)
    slope = rng.normal(0, 1.5 / total) if rng.random() < 0.6 else 0.0
    rate *= np.exp(slope * (t - length))
    if rng.random() < 0.2:
        knee = rng.integers(total // 3, total)
        rate[knee:] *= np.exp(rng.normal(0, 2.0 / total) * (t[knee:] - knee))
    return rate


def _add_seasonality(rng: np.random.Generator, rate: np.ndarray, t: np.ndarray) -> str:
    """Scales ``rate`` in place by a seasonal profile: daily data (weekly, yearly), monthly
    (12), weekly data (52), or none; returns which kind was drawn."""
    kind = rng.choice(["daily", "monthly", "weekly", "none"], p=[0.55, 0.2, 0.1, 0.15])
    if kind == "daily":
        rate *= _seasonal_profile(rng, 7, rng.uniform(0.0, 1.0))[t % 7]
        if rng.random() < 0.5:
            rate *= _seasonal_profile(rng, 365, rng.uniform(0.1, 0.6))[t % 365]
    elif kind == "monthly":
        rate *= _seasonal_profile(rng, 12, rng.uniform(0.1, 0.8))[t % 12]
    elif kind == "weekly":
        rate *= _seasonal_profile(rng, 52, rng.uniform(0.1, 0.6))[t % 52]
    return kind


def _add_prices_and_promotions(rng: np.random.Generator, rate: np.ndarray) -> list[np.ndarray]:
    """Half the time, price changes with a price response and promotions with an uplift,
    applied to ``rate`` in place; returns the known rows (price seen, promotion) or none."""
    total = len(rate)
    if rng.random() >= 0.5:
        return []
    price = np.full(total, rng.uniform(1, 50))
    for _ in range(rng.integers(0, 4)):
        start = rng.integers(total)
        price[start:] *= rng.uniform(0.8, 1.2)
    promo = np.zeros(total)
    for _ in range(rng.integers(0, 6)):
        start, width = rng.integers(total), rng.integers(3, 15)
        promo[start : start + width] = 1
    price_seen = price * np.where(promo > 0, 1 - rng.uniform(0.1, 0.4), 1.0)
    _respond(rng, rate, price_seen / price, promo)
    return [price_seen, promo]


def _respond(
    rng: np.random.Generator, rate: np.ndarray, relative: np.ndarray, promo: np.ndarray
) -> None:
    """Scales ``rate`` in place by the response to the price paid against the regular one
    (``relative``, at a drawn elasticity) and, on promoted days, a display and mailing
    effect."""
    elasticity = rng.uniform(-3.0, -0.3)
    rate *= relative**elasticity
    rate *= np.where(promo > 0, rng.uniform(1.0, 2.0), 1.0)


def _add_price_episodes(
    rng: np.random.Generator, rate: np.ndarray, length: int
) -> list[np.ndarray]:
    """`_add_prices_and_promotions` for a corpus of price episodes (``Corpus``'s
    ``price_episodes``): half the time, a price with a price response and promotions with an
    uplift, applied to ``rate`` in place; returns the known rows (price seen, promotion) or
    none. Every episode of a lower price has its own depth (none to 60% off), so the depth
    has to be read from the price row, not copied from the last episode's lift; most carry
    the promotion flag (whose display effect comes on top), some are quiet markdowns, and a
    fifth of the flagged ones cut nothing. Half of the prices otherwise hold still, so a cut
    after months of one price is common, and now and then an episode starts within the
    horizon after the ``length``-period history, where the loss reads it."""
    total = len(rate)
    if rng.random() >= 0.5:
        return []
    price = np.full(total, rng.uniform(1, 50))
    if rng.random() < 0.5:
        for _ in range(rng.integers(1, 4)):
            start = rng.integers(total)
            price[start:] *= rng.uniform(0.8, 1.2)
    seen, promo = price.copy(), np.zeros(total)
    starts = [rng.integers(total) for _ in range(rng.integers(0, 6))]
    if length < total and rng.random() < 0.3:
        starts.append(rng.integers(length, total))
    for start in starts:
        width = rng.integers(3, 22)
        flagged = rng.random() < 0.7
        depth = 0.0 if flagged and rng.random() < 0.2 else rng.uniform(0.05, 0.6)
        seen[start : start + width] = price[start : start + width] * (1 - depth)
        if flagged:
            promo[start : start + width] = 1
    _respond(rng, rate, seen / price, promo)
    return [seen, promo]


def _add_calendar_events(
    rng: np.random.Generator, rate: np.ndarray, known: list[np.ndarray]
) -> None:
    """Calendar events (a known date with extra demand): scales ``rate`` and appends the
    event row to ``known`` in place."""
    total = len(rate)
    event = np.zeros(total)
    for _ in range(rng.integers(1, 5)):
        event[rng.integers(total)] = 1
    lead = np.convolve(event, np.array([1.0, 0.6, 0.3]), mode="full")[:total]
    rate *= 1 + rng.uniform(0.5, 3.0) * lead
    if not known:  # the rows keep their places: price, promotion, event
        known += [np.full(total, rng.uniform(1, 50)), np.zeros(total)]
    known.append(event)


def _add_launch_and_phase_out(
    rng: np.random.Generator, rate: np.ndarray, t: np.ndarray, length: int
) -> None:
    """Now and then a launch inside the history and a phase-out, applied to ``rate`` in place."""
    total = len(rate)
    if rng.random() < 0.15:
        launch = rng.integers(0, length)
        rate[:launch] = 0
        rate[launch:] *= 1 - np.exp(-(t[launch:] - launch) / rng.uniform(3, 60))
    if rng.random() < 0.08:
        end = rng.integers(length // 2, total)
        rate[end:] *= np.exp(-(t[end:] - end) / rng.uniform(5, 60))


def _demand(rng: np.random.Generator, rate: np.ndarray) -> np.ndarray:
    """Demand around ``rate``: negative binomial counts, or intermittent/lumpy sizes, with the
    odd large one-off order."""
    total = len(rate)
    if rng.random() < 0.35:
        occurs = rng.random(total) < rng.uniform(0.03, 0.6)
        sizes = rng.gamma(rng.uniform(0.5, 5.0), np.maximum(rate, 1e-3) * rng.uniform(1, 5))
        demand = np.where(occurs, np.ceil(sizes), 0.0)
    else:
        dispersion = rng.uniform(0.5, 50)
        demand = rng.poisson(rng.gamma(dispersion, np.maximum(rate, 1e-6) / dispersion))
    demand = demand.astype(float)
    if rng.random() < 0.2:  # large one-off orders
        spikes = rng.random(total) < 0.01
        demand[spikes] *= rng.uniform(3, 20)
    return demand


def _censor(rng: np.random.Generator, demand: np.ndarray, t: np.ndarray, kind: str) -> np.ndarray:
    """What was observed of ``demand``: stock-outs are censored (NaN), never zero demand;
    closed days are NaN too."""
    total = len(demand)
    observed = demand.copy()
    if rng.random() < 0.25:
        for _ in range(rng.integers(1, 4)):
            start, width = rng.integers(total), rng.integers(2, 30)
            observed[start : start + width] = np.nan
    if kind == "daily" and rng.random() < 0.3:
        observed[(t % 7) == rng.integers(7)] = np.nan
    return observed


def _periodic(rng: np.random.Generator, t: np.ndarray, period: float) -> np.ndarray:
    """A periodic function of ``period``: a few harmonics with decaying random amplitudes."""
    result = np.zeros(len(t))
    for harmonic in range(1, int(rng.integers(1, 5)) + 1):
        amplitude = rng.normal(0, 1.0 / harmonic)
        result += amplitude * np.sin(2 * np.pi * harmonic * t / period + rng.uniform(0, 2 * np.pi))
    return result


def _smooth(rng: np.random.Generator, t: np.ndarray, lengthscale: float) -> np.ndarray:
    """A draw of a smooth Gaussian process (squared-exponential kernel), by random Fourier
    features: cheap, and as smooth as ``lengthscale`` says."""
    features = 32
    frequencies = rng.normal(0, 1.0 / lengthscale, features)
    phases = rng.uniform(0, 2 * np.pi, features)
    return np.sqrt(2.0 / features) * np.cos(np.outer(t, frequencies) + phases).sum(axis=1)


def kernel_task(rng: np.random.Generator, length: int, horizon: int) -> Task:
    """A generic shape in the spirit of KernelSynth: one to four kernels' draws (linear trend,
    periodic of a calendar or a random period, smooth wandering, noise) joined by sums and
    products, then shifted to be non-negative and either kept continuous or drawn as counts.
    The season given is the period of a calendar component when there is one."""
    total = length + horizon
    t = np.arange(total, dtype=float)
    periods = [7, 7, 12, 30.4, 52, float(rng.uniform(3, 120))]
    season = None
    parts = []
    for _ in range(int(rng.integers(1, 5))):
        kind = rng.choice(["linear", "periodic", "smooth", "noise"], p=[0.25, 0.4, 0.25, 0.1])
        if kind == "linear":
            part = rng.normal(0, 1) * (t - length) / total + rng.normal(0, 0.3)
        elif kind == "periodic":
            period = periods[int(rng.integers(len(periods)))]
            if period in (7, 12, 52) and season is None:
                season = int(period)
            part = _periodic(rng, t, period)
        elif kind == "smooth":
            part = _smooth(rng, t, float(np.exp(rng.uniform(np.log(5), np.log(total)))))
        else:
            part = rng.normal(0, 1, total)
        parts.append(part)
    signal = parts[0]
    for part in parts[1:]:
        signal = signal + part if rng.random() < 0.6 else signal * part
    signal = (signal - signal[:length].mean()) / (signal[:length].std() + 1e-6)
    level = np.exp(rng.uniform(np.log(0.5), np.log(500)))
    spread = rng.uniform(0.05, 0.6)
    values = level * np.maximum(1 + spread * signal, 0.0)
    if rng.random() < 0.5:  # counts around the shape, or the shape with a little noise
        values = rng.poisson(values).astype(float)
    else:
        values = np.maximum(values + rng.normal(0, rng.uniform(0, 0.1) * level, total), 0.0)
    season = season or int(rng.choice([7, 12]))
    return Task(history=values[:length], future=values[length:], season=season)


def family_task(
    rng: np.random.Generator, length: int, horizon: int, price_episodes: bool = False
) -> Task:
    """A new product with a short history and the summed demand of similar products as a
    past-only covariate: the shape the model learns to borrow for new and sparse SKUs."""
    base = synthetic_task(rng, length, horizon, price_episodes)
    shape = np.concatenate([np.nan_to_num(base.history), np.nan_to_num(base.future)])
    launch = length - rng.integers(7, min(length, 120))
    scale = rng.uniform(0.05, 2.0)
    mean = np.clip(shape * scale, 0, None)
    target = rng.poisson(mean).astype(float)
    target[:launch] = np.nan
    siblings = rng.poisson(np.clip(shape, 0, None) * rng.uniform(2, 10)).astype(float)
    return Task(
        history=target[:length],
        past=siblings[None, :length],
        future=target[length:],
        season=base.season,
    )


class RetailSeries:
    """The Online Retail products' daily units (closed days NaN) and prices, its last
    `RETAIL_HELD_OUT_DAYS` days left out."""

    def __init__(self, directory: Path, min_days: int = 20) -> None:
        closed = set()
        with open(directory / "calendar.csv", encoding="utf-8") as handle:
            days = []
            for row in csv.DictReader(handle):
                days.append(row["date"])
                if row["is_trading_day"] != "1":
                    closed.add(row["date"])
        days = days[:-RETAIL_HELD_OUT_DAYS]
        index = {day: i for i, day in enumerate(days)}
        with gzip.open(directory / "products.csv.gz", "rt", encoding="utf-8") as handle:
            products = {
                row["stock_code"]
                for row in csv.DictReader(handle)
                if row["kind"] == "product" and int(row["days_with_sales"]) >= min_days
            }
        units: dict[str, np.ndarray] = defaultdict(lambda: np.zeros(len(days)))
        prices: dict[str, np.ndarray] = defaultdict(lambda: np.full(len(days), np.nan))
        with gzip.open(directory / "daily_sku_sales.csv.gz", "rt", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                position = index.get(row["date"])
                if position is None or row["stock_code"] not in products:
                    continue
                sold = float(row["units_sold"])
                units[row["stock_code"]][position] = sold
                if sold > 0 and row["avg_unit_price_gbp"]:
                    prices[row["stock_code"]][position] = float(row["avg_unit_price_gbp"])
        shut = np.array([day in closed for day in days])
        self.units, self.prices = [], []
        for code in sorted(units):
            values = units[code]
            values[shut] = np.nan
            first = np.argmax(np.nan_to_num(values) > 0)
            values[:first] = np.nan  # before its first sale the product was not on sale
            self.units.append(values)
            self.prices.append(fill_forward(prices[code]))
        self.first_day = dt.date.fromisoformat(days[0])

    def task(self, rng: np.random.Generator, length: int, horizon: int) -> Task | None:
        row = rng.integers(len(self.units))
        values = self.units[row]
        observed = np.flatnonzero(~np.isnan(values))
        if len(observed) < 30:
            return None
        cut = rng.integers(max(observed[0] + 14, 1), len(values) - 7)
        start = max(0, cut - length)
        price = window_rows(self.prices[row][None, :], start=start, cut=cut, end=cut + horizon)
        future = values[cut : cut + horizon]
        future = np.concatenate([future, np.full(horizon - len(future), np.nan)])
        return Task(history=values[start:cut], known=price, future=future, season=7)

    def mixed_task(self, rng: np.random.Generator, length: int, horizon: int) -> Task | None:
        """TSMixup: a convex mix of two or three products over the same days, each scaled to
        its own mean first, the mix scaled to a random level (closed days stay closed)."""
        count = int(rng.integers(2, 4))
        rows = rng.integers(len(self.units), size=count)
        days = len(self.units[0])
        cut = int(rng.integers(min(days - 7, 60), days - 7))
        start = max(0, cut - length)
        weights = rng.dirichlet(np.ones(count))
        mix = np.zeros(cut + horizon - start)
        for weight, row in zip(weights, rows, strict=True):
            part = self.units[row][start : cut + horizon]
            part = np.concatenate([part, np.full(cut + horizon - start - len(part), np.nan)])
            seen = part[: cut - start][~np.isnan(part[: cut - start])]
            if len(seen) < 14 or seen.sum() <= 0:  # not on sale yet, or nothing sold
                return None
            scale = seen.mean()
            mix += weight * np.nan_to_num(part) / scale
        shut = np.isnan(self.units[rows[0]][start : cut + horizon])
        shut = np.concatenate([shut, np.zeros(len(mix) - len(shut), dtype=bool)])
        mix = np.round(mix * np.exp(rng.uniform(np.log(0.5), np.log(50))))
        mix[shut] = np.nan
        history, future = mix[: cut - start], mix[cut - start :]
        return Task(history=history, future=future, season=7)


class Corpus:
    """Batches of tasks: synthetic demand, generic kernel shapes, family (new product with
    similar products), and real products alone or mixed. With ``price_episodes``, the
    synthetic prices come in episodes of their own depth (`_add_price_episodes`)."""

    def __init__(
        self,
        *,
        seed: int,
        retail: RetailSeries | None = None,
        real_share: float = 0.3,
        price_episodes: bool = False,
    ) -> None:
        self.rng = np.random.default_rng(seed)
        self.retail = retail
        self.real_share = real_share if retail is not None else 0.0
        self.price_episodes = price_episodes

    def batch(self, size: int) -> tuple[list[Task], int]:
        horizon = int(self.rng.choice([16, 32, 64], p=[0.3, 0.2, 0.5]))
        return self.batch_with_horizon(size, horizon)

    def batch_with_horizon(self, size: int, horizon: int) -> tuple[list[Task], int]:
        rng = self.rng
        length = int(rng.choice([32, 64, 128, 256, CONTEXT], p=[0.1, 0.15, 0.2, 0.25, 0.3]))
        tasks: list[Task] = []
        while len(tasks) < size:
            draw = rng.random()
            if draw < self.real_share:
                if rng.random() < 0.5:
                    task = self.retail.task(rng, length, horizon)
                else:
                    task = self.retail.mixed_task(rng, length, horizon)
                if task is None:
                    continue
            elif draw < self.real_share + 0.1:
                task = family_task(rng, length, horizon, self.price_episodes)
            elif draw < self.real_share + 0.3:
                task = kernel_task(rng, length, horizon)
            else:
                task = synthetic_task(rng, length, horizon, self.price_episodes)
            if np.all(np.isnan(task.future)) or np.all(np.isnan(task.history)):
                continue
            tasks.append(task)
        return tasks, horizon
