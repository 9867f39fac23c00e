"""Policy simulation: replay the last weeks of Online Retail day by day under three ordering
policies and print their service and inventory side by side, with our policy's trade-off
curve over service levels.

    .venv/bin/python bench/policy/run.py [--days 112] [--warm-up 28] [--review 7] [--seed 7]

Data: ../shared/data/online-retail-uci, the products with sales on at least 100 days, daily;
the two huge orders cancelled within minutes (README "Known quirks") are netted out. The last
``--days`` days are replayed; every review day (weekly) each policy orders from what it could
have known then; an order arrives after the series' lead time, drawn per order from the
supplier's mean and spread (the same draws for every policy); demand is served from stock and
the rest is lost. Figures count after a warm-up, and every policy starts with the same stock.

Policies, each with the same lead times, packs and MOQs:
- shelfcast: order-up-to levels for a fill-rate target met by the store as a whole at the
  least stock value (planning/policy.py `allocate`; no SKU below the minimum fill rate,
  ``--floor``, by default the store setting's default, 0.5), from the forecasts a nightly
  run would have made that day (the base transformer zero-shot, seasonal naive,
  exponential smoothing, TSB and their ensemble, chosen per series by backtest);
- shelfcast per-SKU: the same forecasts, every SKU held to the target itself;
- the store-wide policy with seasonal-naive forecasts;
- min/max as ERPs offer it: reorder at the 28-day average daily demand x lead time x 1.5,
  order up to twice that.

What the data does not say is set here and stated: lead times (mean 3-14 days, spread 20% of
the mean, seeded), pack sizes (1, 6 or 12 by the series' volume; the MOQ is one pack), unit
cost (60% of the median selling price), holding cost 25% of cost a year, and a lost sale
costs its margin.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import os
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared" / "data" / "online-retail-uci"
LEVELS_TO_TRACE = (0.60, 0.70, 0.75, 0.80, 0.85, 0.90, 0.95, 0.98, 0.99)
TARGET = 0.95  # the default target service level of a merchant
INVENTORY_CUT_TARGET = 0.20
# invoices 581483 / C581484 and 541431 / C541433: entered and cancelled within minutes
CANCELLED_ORDERS = {("23843", "2011-12-09"), ("23166", "2011-01-18")}

sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("LOG_LEVEL", "WARNING")


def load_panel():
    from forecasting.backtest import load_long_csv

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


def _less(value: float, reference: float) -> str:
    cut = 1 - value / reference
    return f"{abs(cut):.1%} {'less' if cut >= 0 else 'more'}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--days", type=int, default=112)
    parser.add_argument("--warm-up", type=int, default=28)
    parser.add_argument("--review", type=int, default=7)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--paths", type=int, default=500)
    parser.add_argument("--floor", type=float, default=None, help="minimum fill rate of a SKU")
    args = parser.parse_args()

    import django

    django.setup()
    from forecasting import registry
    from forecasting.baselines import BASELINES
    from forecasting.neural.inference import Covariates, TransformerCandidate
    from forecasting.selection import TRANSFORMER
    from planning import replay

    started = time.perf_counter()
    panel = load_panel()
    values = panel.values
    series, length = values.shape
    start = length - args.days
    rng = np.random.default_rng(args.seed)
    lead_mean = rng.integers(3, 15, series).astype(float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        daily = np.nan_to_num(np.nanmean(values[:, start - 28 : start], axis=1))
        price = np.array(
            [np.nanmedian(panel.known[row][0][:start]) if row in panel.known else np.nan
             for row in range(series)]
        )  # fmt: skip
    price = np.where(np.isfinite(price) & (price > 0), price, 1.0)
    pack = np.where(daily >= 12, 12.0, np.where(daily >= 3, 6.0, 1.0))
    terms = replay.Terms(
        lead_mean=lead_mean,
        lead_std=0.2 * lead_mean,
        pack=pack,
        moq=pack.copy(),
        unit_cost=0.6 * price,
        unit_price=price,
    )
    reviews = -(-args.days // args.review)
    print(
        f"Online Retail: {series} products, replaying the last {args.days} days "
        f"({reviews} reviews every {args.review} days, first {args.warm_up} days warm-up)",
        flush=True,
    )
    from planning.models import PlanningSettings

    floor = args.floor
    if floor is None:
        floor = float(PlanningSettings._meta.get_field("minimum_fill_rate").default)
    print(f"store-wide policy: no SKU below a fill rate of {floor:.2f}")
    base = registry.base_model()
    candidates = {
        **BASELINES,
        TRANSFORMER: TransformerCandidate(
            base, Covariates(known=panel.known, recorded=len(panel.periods))
        ),
    }
    result = replay.replay_policies(
        values,
        terms,
        candidates,
        days=args.days,
        warm_up=args.warm_up,
        review=args.review,
        levels=LEVELS_TO_TRACE,
        paths=args.paths,
        seed=args.seed,
        floor=floor,
        progress=lambda done, total: print(f"  review {done}/{total} planned", flush=True),
    )
    sources = ("shelfcast", replay.PER_SKU, "seasonal_naive")
    results = {
        (source, level): result.outcomes[result.name(source, level)]
        for source in sources
        for level in LEVELS_TO_TRACE
    }
    min_max = result.outcomes["min_max"]
    forecast_seconds = result.forecast_seconds

    header = (
        f"{'policy':<30}{'fill rate':>10}{'cycle SL':>10}{'stock-out d':>12}"
        f"{'avg inv £':>12}{'holding+lost £':>16}{'orders':>8}"
    )

    def line(name: str, outcome) -> str:
        return (
            f"{name:<30}{outcome.fill_rate:>10.3f}{outcome.cycle_service_level:>10.3f}"
            f"{outcome.stock_out_days:>12.1f}{outcome.average_inventory_value:>12,.0f}"
            f"{outcome.total_cost:>16,.0f}{outcome.orders:>8}"
        )

    print(f"\nAt the default target service level {TARGET:.0%} (fill rate):")
    print(header)
    print(line(f"shelfcast {TARGET:.0%}", results[("shelfcast", TARGET)]))
    print(line(f"shelfcast per-SKU {TARGET:.0%}", results[(replay.PER_SKU, TARGET)]))
    print(line(f"seasonal-naive forecasts {TARGET:.0%}", results[("seasonal_naive", TARGET)]))
    print(line("min/max (ERP)", min_max))
    print("\nTrade-off over service levels:")
    print(header)
    for level in LEVELS_TO_TRACE:
        for source in sources:
            print(line(f"{source} {level:.0%}", results[(source, level)]))
    # The target compares like with like: a traced target whose fill rate is at least the
    # target itself and at least what min/max served, with 20% less inventory than min/max.
    verdicts = []
    for level in LEVELS_TO_TRACE:
        ours = results[("shelfcast", level)]
        cut = 1 - ours.average_inventory_value / min_max.average_inventory_value
        if ours.fill_rate >= max(level, min_max.fill_rate):
            verdicts.append((level, ours, cut))
    print(
        f"\ntarget: a fill rate at least the target and at least min/max's "
        f"({min_max.fill_rate:.3f}), with >= {INVENTORY_CUT_TARGET:.0%} less average inventory "
        f"value than min/max (£{min_max.average_inventory_value:,.0f}):"
    )
    for level, ours, cut in verdicts:
        verdict = "met" if cut >= INVENTORY_CUT_TARGET else "not met"
        print(
            f"  target {level:.0%}: fill rate {ours.fill_rate:.3f}, inventory "
            f"£{ours.average_inventory_value:,.0f} "
            f"({_less(ours.average_inventory_value, min_max.average_inventory_value)}) -> {verdict}"
        )
    best = max(verdicts, key=lambda entry: entry[2], default=None)
    print("  -> " + ("met" if best is not None and best[2] >= INVENTORY_CUT_TARGET else "NOT met"))
    # the curves at min/max's own fill rate and inventory (linear between traced levels)
    for source in sources:
        fills = np.array([results[(source, level)].fill_rate for level in LEVELS_TO_TRACE])
        stock = np.array(
            [results[(source, level)].average_inventory_value for level in LEVELS_TO_TRACE]
        )
        order = np.argsort(fills)
        at_fill = (
            np.interp(min_max.fill_rate, fills[order], stock[order])
            if fills.min() <= min_max.fill_rate <= fills.max()
            else None
        )
        order = np.argsort(stock)
        at_stock = (
            np.interp(min_max.average_inventory_value, stock[order], fills[order])
            if stock.min() <= min_max.average_inventory_value <= stock.max()
            else None
        )
        print(
            f"{source}: at min/max's fill rate {min_max.fill_rate:.3f} the curve holds "
            + (
                f"£{at_fill:,.0f} ({_less(at_fill, min_max.average_inventory_value)})"
                if at_fill is not None
                else "(outside the traced levels)"
            )
            + f"; at min/max's inventory £{min_max.average_inventory_value:,.0f} it fills "
            + (f"{at_stock:.3f}" if at_stock is not None else "(outside the traced levels)")
        )
    print(
        f"forecasting {reviews} reviews took {forecast_seconds:.0f} s; whole run "
        f"{time.perf_counter() - started:.0f} s"
    )


if __name__ == "__main__":
    main()
