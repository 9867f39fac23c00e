"""Forecasting benchmark: accuracy on the two real data sets, and the nightly run's speed.

Accuracy (the `backtest` command's code path, last H periods held out):
- carparts (monthly, H=12, M=12), missing months as zeros, as the fev copy does;
- Online Retail (daily, H=28, M=7), products sold on at least 100 days; days the shop was
  closed are not demand.
Each model's MASE and WQL side by side, with seasonal naive as the reference.

Speed: a fresh PostgreSQL database with one merchant of --skus SKUs x 365 days of daily sales
(loaded through the ingestion path), then one nightly forecast run timed end to end (history
read from the database, forecasts written back), and the worker's peak memory.

    .venv/bin/python bench/forecast/run.py [--skus 10000] [--skip-speed]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gzip
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared" / "data"
DATABASE = "shelfcast_bench_forecast"
sys.path.insert(0, str(ROOT))
from bench import database  # noqa: E402  (after the path that makes it importable)


def accuracy() -> None:
    from forecasting.backtest import load_long_csv, run_backtest

    retail = DATA / "online-retail-uci"
    with gzip.open(retail / "products.csv.gz", "rt") as products:
        frequent = {
            row["stock_code"]
            for row in csv.DictReader(products)
            if row["kind"] == "product" and int(row["days_with_sales"]) >= 100
        }
    subset = Path(tempfile.mkdtemp()) / "retail_frequent.csv"
    with gzip.open(retail / "daily_sku_sales.csv.gz", "rt") as source, open(subset, "w") as out:
        reader = csv.DictReader(source)
        out.write("series_id,date,units\n")
        for row in reader:
            if row["stock_code"] in frequent:
                out.write(f"{row['stock_code']},{row['date']},{row['units_sold']}\n")
    cases = [
        (
            "carparts",
            DATA / "carparts-expsmooth" / "carparts_monthly.csv.gz",
            {"freq": "M", "id_col": "part_id", "date_col": "month", "target_col": "units"},
            12,
            12,
        ),
        (
            "online retail",
            subset,
            {"freq": "D", "id_col": "series_id", "date_col": "date", "target_col": "units"},
            28,
            7,
        ),
    ]
    for title, path, columns, horizon, season in cases:
        panel = load_long_csv(path, **columns)
        result = run_backtest(panel, horizon=horizon, season=season).as_dict()
        reference = result["models"]["seasonal_naive"]
        print(f"\n{title}: {result['n_series']} series, H={horizon}, M={season}")
        print(f"{'model':<24}{'MASE':>8}{'WQL':>8}{'MASE/SN':>9}{'WQL/SN':>8}{'seconds':>9}")
        for name, figures in result["models"].items():
            print(
                f"{name:<24}{figures['MASE']:>8.3f}{figures['WQL']:>8.3f}"
                f"{figures['MASE'] / reference['MASE']:>9.3f}"
                f"{figures['WQL'] / reference['WQL']:>8.3f}{figures['seconds']:>9.1f}"
            )
        print(f"per-series choice: {result['shelfcast_choices']}")


def speed(skus: int) -> None:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "LOG_LEVEL": "WARNING",
        **database.urls(DATABASE),
    }
    database.create(DATABASE, environment)
    database.django_setup(environment)
    import numpy as np

    from accounts.models import User
    from accounts.services import merchant_create
    from accounts.tenancy import tenant_context
    from forecasting.models import ForecastRun
    from forecasting.services import forecast_run_execute
    from inventory.ingest.service import ingest

    owner = User.objects.create_user(email="bench@forecast.test", password=None)
    merchant = merchant_create(name="Bench", owner=owner, slug="bench")
    ingest(merchant=merchant, resource_name="locations", rows=[{"code": "WH", "name": "WH"}])
    for start in range(0, skus, 5000):
        ingest(
            merchant=merchant,
            resource_name="skus",
            rows=[
                {"code": f"S{i:05d}", "name": f"S{i}"}
                for i in range(start, min(start + 5000, skus))
            ],
        )
    rng = np.random.default_rng(1)
    first = dt.date(2023, 1, 1)
    weekly = np.array([1.0, 1.1, 1.0, 1.2, 1.4, 0.8, 0.5])
    print(f"\nLoading {skus:,} SKUs x 365 days …", flush=True)
    loaded = time.perf_counter()
    for start in range(0, skus, 100):
        rows = []
        for i in range(start, min(start + 100, skus)):
            rate = rng.gamma(0.6, 4.0)
            units = rng.poisson(rate * np.tile(weekly, 53)[:365])
            rows += [
                {
                    "sku": f"S{i:05d}",
                    "location": "WH",
                    "date": (first + dt.timedelta(days=d)).isoformat(),
                    "units": int(u),
                }
                for d, u in enumerate(units)
            ]
        ingest(merchant=merchant, resource_name="sales", rows=rows)
    print(f"loaded {skus * 365:,} daily rows in {time.perf_counter() - loaded:.0f} s")
    with tenant_context(merchant):
        run = ForecastRun.objects.create(merchant=merchant, horizon=56)
    started = time.perf_counter()
    run = forecast_run_execute(merchant=merchant, run_id=run.pk)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"\nnightly forecast, {run.series_count:,} series x 56 days, baselines with per-series "
        f"choice: {seconds:.1f} s ({run.series_count / seconds:,.0f} series/s); "
        f"process peak memory {peak:.0f} MB"
    )
    print(f"target: {skus:,} SKUs in under 60 s: {'met' if seconds < 60 else 'NOT met'}")
    database.drop(DATABASE)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--skus", type=int, default=10_000)
    parser.add_argument("--skip-speed", action="store_true")
    args = parser.parse_args()
    accuracy()
    if not args.skip_speed:
        speed(args.skus)


if __name__ == "__main__":
    main()
