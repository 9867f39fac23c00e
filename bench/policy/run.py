"""Policy simulation: replay the last weeks of Online Retail day by day under our ordering
policy and its baselines and print their service and inventory side by side, with each
policy's trade-off curve over its knob.

    .venv/bin/python bench/policy/run.py [--days 112] [--warm-up 28] [--review 7] [--seed 7]
        [--world retail|synthetic] [--baselines-only] [--cache DIR] [--json PATH] [--svg PATH]

Data: ../shared/data/online-retail-uci, the products with sales on at least 100 days, daily;
the two huge orders cancelled within minutes (README "Known quirks") are netted out. The last
``--days`` days are replayed; every review day (weekly) each policy orders from what it could
have known then; an order arrives after the series' lead time, drawn per order from the
supplier's mean and spread (the same draws for every policy); demand is served from stock and
the rest is lost. Figures count after a warm-up, and every policy starts with the same stock.

Policies, each with the same lead times, packs and MOQs:
- shelfcast: order-up-to levels for a fill-rate target met by the store as a whole at the
  least stock value (planning/allocation.py `allocate`; no SKU below the minimum fill rate,
  ``--floor``, by default the store setting's default, 0.5), from the forecasts a nightly
  run would have made that day (the base transformer zero-shot, seasonal naive,
  exponential smoothing, TSB and their ensemble, chosen per series by backtest);
- shelfcast per-SKU: the same forecasts, every SKU held to the target itself;
- the store-wide policy with seasonal-naive forecasts;
- min/max as ERPs offer it: reorder at the 28-day average daily demand x lead time x 1.5,
  order up to twice that;
- min/max done properly, the baseline at equal fill: the reorder point covers lead time plus
  the review period at a safety factor (swept, `MIN_MAX_SAFETY`), order up to it plus one
  review's demand (`planning.replays.simulation.fair_min_max_policy`);
- days of cover, the merchant's own rule and the second baseline at equal fill: reorder when
  the position falls below the 28-day average daily demand x (lead time + review period),
  order up to that average x (lead time + N days), N swept (`baselines.COVER_DAYS`;
  `planning.replays.simulation.days_of_cover_policy`).

Orders are for a lost-sales world and corrected by what earlier reviews' forecasts missed
(`planning.replays.calibration`); the calibration table prints each target's realised fill rate,
store-wide and per demand class, and is "met" only when every one of 80, 90, 95 and 98% is
within 2 points.

The frontier is drawn as an SVG (`bench/policy/frontier_svg.py`): average inventory value against
realised fill rate for each policy over its knob (the store-wide and per-SKU policies and the
seasonal-naive forecasts over the targets, the fair min/max over its safety factor, days of
cover over N, the ERP's min/max as one point), with the inventory the store-wide policy saves
against the fair min/max at equal fill written at each target. The headline, printed for both
baselines and written by ``--json``, is that saving read off their curves at each target's
realised fill (`baselines.at_equal_fill`). The SVG goes to ``--svg PATH``, by default
``shelfcast-policy-frontier-<world>.svg`` in the system's temporary folder; the path is printed.

What the data does not say is set here and stated: lead times (mean 3-14 days, spread 20% of
the mean, seeded), pack sizes (1, 6 or 12 by the series' volume; the MOQ is one pack), unit
cost (60% of the median selling price), holding cost 25% of cost a year, and a lost sale
costs its margin.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
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
CALIBRATION_TARGETS = (0.80, 0.90, 0.95, 0.98)
CALIBRATION_TOLERANCE = 0.02  # realised fill within 2 points of the target
# the fair min/max's knob (safety factor of its reorder point), swept wide enough for its
# curve to span the fill rates the targets reach
MIN_MAX_SAFETY = (-1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 4.0)
TARGET = 0.95  # the default target service level of a merchant
INVENTORY_CUT_TARGET = 0.20
# the frontier's legend: the replay's sources, and the baseline read at equal fill
SOURCE_NAMES = ("Shelfcast store-wide", "Shelfcast per-SKU", "seasonal-naive forecasts")
FAIR_MIN_MAX = "min/max done properly (L+R, z swept)"
# invoices 581483 / C581484 and 541431 / C541433: entered and cancelled within minutes
CANCELLED_ORDERS = {("23843", "2011-12-09"), ("23166", "2011-01-18")}

sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("LOG_LEVEL", "WARNING")

from bench.policy.frontier_svg import Curve, write_frontier  # noqa: E402


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


def cached_forecaster(args, candidates):
    """Each review's chosen forecasts, read from ``args.cache`` when an earlier run kept them
    (keyed by the replayed days, the review period and the history's length), else made and
    kept there."""
    from forecasting.selection import forecast_chosen
    from planning.replays import replay

    args.cache.mkdir(parents=True, exist_ok=True)

    def forecast(number: int, history: np.ndarray) -> np.ndarray:
        kind = args.world + ("_baselines" if args.baselines_only else "")
        path = args.cache / f"{kind}_d{args.days}_r{args.review}_{history.shape[1]}.npy"
        if path.exists():
            return np.load(path)
        _chosen, quantiles = forecast_chosen(history, replay.HORIZON, replay.SEASON, candidates)
        np.save(path, quantiles)
        return quantiles

    return forecast


def retail_world(args):
    """Online Retail's frequent products with the terms the data does not give (module
    docstring): (values, terms, known covariates, recorded periods)."""
    from planning.replays import replay

    panel = load_panel()
    values = panel.values
    series, length = values.shape
    start = length - args.days
    rng = np.random.default_rng(args.seed)
    lead_mean = rng.integers(3, 15, series).astype(float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        price = np.array(
            [np.nanmedian(panel.known[row][0][:start]) if row in panel.known else np.nan
             for row in range(series)]
        )  # fmt: skip
    price = np.where(np.isfinite(price) & (price > 0), price, 1.0)
    return values, _terms(values, lead_mean, price, start, replay), panel


def _terms(values, lead_mean, price, start, replay):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        daily = np.nan_to_num(np.nanmean(values[:, start - 28 : start], axis=1))
    pack = np.where(daily >= 12, 12.0, np.where(daily >= 3, 6.0, 1.0))
    return replay.Terms(
        lead_mean=lead_mean,
        lead_std=0.2 * lead_mean,
        pack=pack,
        moq=pack.copy(),
        unit_cost=0.6 * price,
        unit_price=price,
    )


def by_class(outcome, classes: np.ndarray) -> dict[str, float]:
    return {
        str(name): float(outcome.served[classes == name].sum() / demanded)
        for name in sorted(set(classes))
        if (demanded := outcome.demanded[classes == name].sum()) > 0
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--days", type=int, default=112)
    parser.add_argument("--warm-up", type=int, default=28)
    parser.add_argument("--review", type=int, default=7)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--paths", type=int, default=500)
    parser.add_argument("--floor", type=float, default=None, help="minimum fill rate of a SKU")
    parser.add_argument(
        "--world",
        choices=("retail", "synthetic"),
        default="retail",
        help="Online Retail, or a generated store of smooth, intermittent and lumpy demand",
    )
    parser.add_argument(
        "--baselines-only",
        action="store_true",
        help="forecast with the statistical baselines only (no transformer): a quicker run",
    )
    parser.add_argument(
        "--no-calibration",
        action="store_true",
        help="plan from the drawn sums as they are, without the correction learnt from the "
        "earlier reviews' forecasts",
    )
    parser.add_argument(
        "--cache",
        type=Path,
        default=None,
        help="folder keeping each review's forecasts: a second run with the same data, days "
        "and review replays the policies without forecasting again",
    )
    parser.add_argument(
        "--json", type=Path, default=None, help="also write the per-target figures here"
    )
    parser.add_argument(
        "--svg",
        type=Path,
        default=None,
        help="write the frontier (inventory against realised fill per policy) here; by "
        "default shelfcast-policy-frontier-<world>.svg in the system's temporary folder",
    )
    args = parser.parse_args()

    import django

    django.setup()
    from bench.policy import baselines
    from forecasting import registry
    from forecasting.baselines import BASELINES
    from forecasting.neural.inference import Covariates, TransformerCandidate
    from forecasting.selection import TRANSFORMER
    from planning.models import PlanningSettings
    from planning.replays import replay

    started = time.perf_counter()
    if args.world == "retail":
        values, terms, panel = retail_world(args)
        known, recorded, label = panel.known, len(panel.periods), "Online Retail"
    else:
        values, price = synthetic_world()
        rng = np.random.default_rng(args.seed)
        lead_mean = rng.integers(3, 15, len(values)).astype(float)
        terms = _terms(values, lead_mean, price, values.shape[1] - args.days, replay)
        known, recorded, label = {}, values.shape[1], "synthetic store"
    series = len(values)
    reviews = -(-args.days // args.review)
    print(
        f"{label}: {series} products, replaying the last {args.days} days "
        f"({reviews} reviews every {args.review} days, first {args.warm_up} days warm-up)",
        flush=True,
    )
    floor = args.floor
    if floor is None:
        floor = float(PlanningSettings._meta.get_field("minimum_fill_rate").default)
    print(f"store-wide policy: no SKU below a fill rate of {floor:.2f}")
    candidates = dict(BASELINES)
    if not args.baselines_only:
        candidates[TRANSFORMER] = TransformerCandidate(
            registry.base_model(), Covariates(known=known, recorded=recorded)
        )
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
        forecaster=None if args.cache is None else cached_forecaster(args, candidates),
        calibrate=not args.no_calibration,
        min_max_safety=MIN_MAX_SAFETY,
    )
    sources = ("shelfcast", replay.PER_SKU, "seasonal_naive")
    results = {
        (source, level): result.outcomes[result.name(source, level)]
        for source in sources
        for level in LEVELS_TO_TRACE
    }
    min_max = result.outcomes["min_max"]
    fair = [(safety, result.outcomes[f"fair_min_max {safety:.2f}"]) for safety in MIN_MAX_SAFETY]
    fair_curve = [(o.fill_rate, o.average_inventory_value) for _safety, o in fair]
    cover = baselines.days_of_cover(
        values, terms, days=args.days, warm_up=args.warm_up, review=args.review, seed=args.seed
    )
    cover_curve = [(o.fill_rate, o.average_inventory_value) for _days, o in cover]
    # the same outcomes as the tables below, as the frontier's curves (one per source)
    curves = {
        source: Curve(
            name,
            [
                (
                    results[(source, level)].fill_rate,
                    results[(source, level)].average_inventory_value,
                )
                for level in LEVELS_TO_TRACE
            ],
            [f"target {level:.0%}" for level in LEVELS_TO_TRACE],
        )
        for source, name in zip(sources, SOURCE_NAMES, strict=True)
    }
    min_max_point = (min_max.fill_rate, min_max.average_inventory_value)

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
    print(line("min/max (ERP, 1.5 x lead time)", min_max))
    print("\nTrade-off over service levels:")
    print(header)
    for level in LEVELS_TO_TRACE:
        for source in sources:
            print(line(f"{source} {level:.0%}", results[(source, level)]))
    for safety, outcome in fair:
        print(line(f"min/max (L+R, z={safety:.2f})", outcome))
    for cover_days, outcome in cover:
        print(line(f"days of cover (N={cover_days})", outcome))

    # calibration: the realised fill rate of each target, store-wide and per demand class
    classes = result.classes
    names = sorted(set(classes))
    print(
        f"\nCalibration: realised fill rate per target (met when within "
        f"±{CALIBRATION_TOLERANCE * 100:.0f} points at every target "
        f"{', '.join(f'{t:.0%}' for t in CALIBRATION_TARGETS)}); classes: "
        + ", ".join(f"{name} {int((classes == name).sum())}" for name in names)
    )
    print(f"{'policy':<22}{'target':>8}{'realised':>10}" + "".join(f"{n:>14}" for n in names))
    verdicts = {}
    for source in ("shelfcast", replay.PER_SKU):
        misses = []
        for level in LEVELS_TO_TRACE:
            outcome = results[(source, level)]
            classes_fill = by_class(outcome, classes)
            print(
                f"{source:<22}{level:>8.2f}{outcome.fill_rate:>10.3f}"
                + "".join(f"{classes_fill.get(name, float('nan')):>14.3f}" for name in names)
            )
            if level in CALIBRATION_TARGETS and (
                abs(outcome.fill_rate - level) > CALIBRATION_TOLERANCE + 1e-9
            ):
                misses.append(f"{level:.0%} -> {outcome.fill_rate:.3f}")
        verdicts[source] = misses
    for source, misses in verdicts.items():
        print(
            f"  {source}: "
            + ("met at every target" if not misses else "NOT met: " + "; ".join(misses))
        )
    # inventory at equal fill, read off the curves
    ours = [(level, results[("shelfcast", level)]) for level in LEVELS_TO_TRACE]
    print(
        f"\nInventory at equal realised fill against min/max done properly (reorder point for "
        f"lead time + review at z = {', '.join(f'{z:g}' for z in MIN_MAX_SAFETY)}):"
    )
    fair_at = baselines.at_equal_fill(
        ours, fair_curve, name="min/max", least_cut=INVENTORY_CUT_TARGET
    )
    print(
        "\nInventory at equal realised fill against days of cover (reorder below the 28-day "
        "average x (lead time + review), up to the average x (lead time + N), N = "
        f"{', '.join(str(n) for n in baselines.COVER_DAYS)} days):"
    )
    cover_at = baselines.at_equal_fill(ours, cover_curve, name="days of cover")
    rows = [
        {
            "target": level,
            "realised": round(outcome.fill_rate, 4),
            "inventory": round(outcome.average_inventory_value, 2),
            "baseline_inventory_at_same_fill": None if at_fair is None else round(at_fair, 2),
            "cover_inventory_at_same_fill": None if at_cover is None else round(at_cover, 2),
            "realised_by_class": {k: round(v, 4) for k, v in by_class(outcome, classes).items()},
            "per_sku_realised": round(results[(replay.PER_SKU, level)].fill_rate, 4),
        }
        for (level, outcome), at_fair, at_cover in zip(ours, fair_at, cover_at, strict=True)
    ]
    svg = args.svg or Path(tempfile.gettempdir()) / f"shelfcast-policy-frontier-{args.world}.svg"
    write_frontier(
        svg,
        [
            *curves.values(),
            Curve(FAIR_MIN_MAX, fair_curve, [f"z = {z:g}" for z in MIN_MAX_SAFETY]),
            Curve(baselines.DAYS_OF_COVER, cover_curve, [f"N = {n} days" for n, _o in cover]),
        ],
        ours=curves["shelfcast"].label,
        baseline=FAIR_MIN_MAX,
        references={"min/max (ERP, 1.5 x lead time)": min_max_point},
        title=f"Inventory against realised fill rate: {label}",
        subtitle=f"last {args.days} days replayed, {args.review}-day reviews, "
        f"{series} products; "
        + ("statistical forecasts only" if args.baselines_only else "transformer forecasts")
        + (", uncalibrated" if args.no_calibration else ", calibrated"),
    )
    print(f"frontier drawn to {svg}")
    if args.json is not None:
        args.json.write_text(
            json.dumps(
                {
                    "world": args.world,
                    "days": args.days,
                    "baselines_only": args.baselines_only,
                    "calibrated": not args.no_calibration,
                    "baseline": "min/max, reorder point for lead time + review at a safety "
                    "factor, swept",
                    "cover_baseline": "days of cover, reorder below the 28-day average x (lead "
                    "time + review), order up to the average x (lead time + N days), N swept",
                    "targets": rows,
                },
                indent=2,
            )
        )
        print(f"figures written to {args.json}")
    print(
        f"forecasting {reviews} reviews took {result.forecast_seconds:.0f} s; whole run "
        f"{time.perf_counter() - started:.0f} s"
    )


if __name__ == "__main__":
    main()
