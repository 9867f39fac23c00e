"""The worlds the policy bench replays: Online Retail's frequent products with the terms its
data does not give (lead times, packs, MOQs and costs, set here and stated in
`bench/policy/run.py`), and a generated store of known demand classes."""

from __future__ import annotations

import csv
import gzip
import tempfile
import warnings
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared" / "data" / "online-retail-uci"
# invoices 581483 / C581484 and 541431 / C541433: entered and cancelled within minutes
CANCELLED_ORDERS = {("23843", "2011-12-09"), ("23166", "2011-01-18")}
LEAD_SPREAD = 0.2  # a lead time's standard deviation, as a share of its mean


def load_panel():
    from forecasting.panels import load_long_csv

    with gzip.open(DATA / "products.csv.gz", "rt") as products:
        frequent = {
            row["stock_code"]
            for row in csv.DictReader(products)
            if row["kind"] == "product" and int(row["days_with_sales"]) >= 100
        }
    subset = Path(tempfile.mkdtemp()) / "retail_policy.csv"
    with gzip.open(DATA / "daily_sku_sales.csv.gz", "rt") as source, open(subset, "w") as out:
        out.write("series_id,date,units,price\n")
        for row in csv.DictReader(source):
            if row["stock_code"] not in frequent:
                continue
            units = float(row["units_sold"])
            if (row["stock_code"], row["date"]) in CANCELLED_ORDERS:
                units = max(units - float(row["units_cancelled"]), 0.0)
            out.write(f"{row['stock_code']},{row['date']},{units},{row['avg_unit_price_gbp']}\n")
    return load_long_csv(subset, freq="D", id_col="series_id", date_col="date", target_col="units")


def synthetic_world(series: int = 300, days: int = 400, seed: int = 11):
    """A generated store, a third each smooth, intermittent and lumpy demand (Syntetos-Boylan),
    with weekly seasonality, a level that wanders (so forecasts are wrong as real ones are),
    lead times of 3-14 days and packs as for Online Retail: the same replay on demand whose
    classes are known by construction. Returns (values, price)."""
    rng = np.random.default_rng(seed)
    kind = np.arange(series) % 3  # 0 smooth, 1 intermittent, 2 lumpy
    level = np.where(kind == 0, rng.uniform(2, 30, series), rng.uniform(0.5, 3, series))
    walk = np.exp(np.cumsum(rng.normal(0, 0.02, (series, days)), axis=1))
    phase = rng.integers(0, 7, series)[:, None]
    weekly = 1 + 0.3 * np.sin(2 * np.pi * (np.arange(days) + phase) / 7)
    rate = level[:, None] * walk * weekly
    smooth = rng.negative_binomial(5, 5 / (5 + rate)).astype(float)
    # intermittent: a sale on about one day in three, of a few units
    occurs = rng.uniform(size=(series, days)) < np.clip(rate / 3, 0.05, 0.5)
    intermittent = occurs * (1 + rng.poisson(2, (series, days)))
    # lumpy: rarer, and the sizes vary widely (a few big orders)
    rare = rng.uniform(size=(series, days)) < np.clip(rate / 10, 0.02, 0.2)
    lumpy = rare * np.ceil(rng.lognormal(1.5, 1.0, (series, days)))
    values = np.select([kind[:, None] == 0, kind[:, None] == 1], [smooth, intermittent], lumpy)
    price = rng.uniform(1, 20, series)
    return values.astype(float), price


def retail_world(args):
    """Online Retail's frequent products with the terms the data does not give (module
    docstring): (values, terms, known covariates, recorded periods)."""
    from planning.replays import replay

    panel = load_panel()
    values = panel.values
    series, length = values.shape
    start = length - args.days
    lead_mean = lead_means(args.seed, series)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        price = np.array(
            [np.nanmedian(panel.known[row][0][:start]) if row in panel.known else np.nan
             for row in range(series)]
        )  # fmt: skip
    price = np.where(np.isfinite(price) & (price > 0), price, 1.0)
    return values, terms_for(values, lead_mean, price, start, replay), panel


def lead_means(seed: int, series: int) -> np.ndarray:
    """Each series' supplier's mean lead time, 3-14 days, drawn by ``seed``."""
    return np.random.default_rng(seed).integers(3, 15, series).astype(float)


def reseeded(terms, seed: int):
    """``terms`` with each series' mean lead time (and its spread) drawn by ``seed``
    instead: the same world, other suppliers."""
    lead_mean = lead_means(seed, len(terms.lead_mean))
    return replace(terms, lead_mean=lead_mean, lead_std=LEAD_SPREAD * lead_mean)


def terms_for(values, lead_mean, price, start, replay):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        daily = np.nan_to_num(np.nanmean(values[:, start - 28 : start], axis=1))
    pack = np.where(daily >= 12, 12.0, np.where(daily >= 3, 6.0, 1.0))
    return replay.Terms(
        lead_mean=lead_mean,
        lead_std=LEAD_SPREAD * lead_mean,
        pack=pack,
        moq=pack.copy(),
        unit_cost=0.6 * price,
        unit_price=price,
    )
