"""Forecasting benchmark: accuracy on the two real data sets, the nightly run's speed, and
fine-tuning time, each printed beside its baseline in one run.

Accuracy (the `backtest` command's code path, last H periods held out):
- carparts (monthly, H=12, M=12), missing months as zeros, as the fev copy does; the
  transformer never trained on it (zero-shot), and is fine-tuned on its history as a
  merchant's would be;
- Online Retail (daily, H=28, M=7), products sold on at least 100 days; days the shop was
  closed are not demand. The base model's corpus held out the last 112 days of this set;
- the same shop's sparser products, sold on 30 to 99 days: nothing in the served choice was
  tuned on them, so they show how it holds on demand it was not shaped by.
One table per data set, as `manage.py backtest` prints it: every candidate alone (the point
seasonal naive, the baselines, AutoETS from statsforecast, the transformer zero-shot and
fine-tuned) and Shelfcast as deployed, MASE and WQL with their ratios to the point seasonal
naive (as the published Chronos-Bolt-base ratios on carparts, printed beside them, are).
Then the capability gates on the shipped weights, full against LoRA fine-tuning, and new
products alone, always with the demand of similar products (by name) as a covariate, and as
served (with it only where the store's check on its own products found that it helps).

Calendar (`calendar_comparison`; alone with --calendar-only, which needs no database): on
Online Retail, the error on event windows (`forecasting.panels.event_windows`: an event's
days and the three days either side) and on ordinary days, with and without the built-in
calendar (England's public holidays, Black Friday, Cyber Monday, Boxing Day) as the models'
known covariate, side by side. The last 28 days hold only Black Friday and Cyber Monday, so
the comparison is run at four origins, each holding out the 28 days up to: 13 May 2011
(Good Friday, Easter Monday, the royal wedding, May Day), 10 June (the spring bank holiday),
9 September (the summer bank holiday) and 9 December (Black Friday, Cyber Monday). The data's
only Christmas (December 2010) is its first month: never held out.

Speed (`bench/forecast/speed.py`): a fresh PostgreSQL database with one merchant of --skus
SKUs x 365 days of daily sales (loaded through the ingestion path), then one nightly forecast
run timed end to end (history read from the database, forecasts written back), AutoETS on the
same series, and fine-tuning a merchant of 1,000 SKUs x 365 days on this machine's CPU.

    .venv/bin/python bench/forecast/run.py [--skus 10000] [--skip-speed] [--skip-accuracy]
        [--skip-calendar] [--calendar-only]
"""

from __future__ import annotations

import argparse
import csv
import gzip
import math
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # statsforecast runs its own processes
ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared" / "data"
DATABASE = "shelfcast_bench_forecast"
# published zero-shot ratios to the point seasonal naive on carparts, and the targets
CHRONOS_BOLT_BASE = {"MASE": 0.712, "WQL": 0.622}
CARPARTS_TARGET = {"MASE": 0.65, "WQL": 0.55}
# Online Retail's calendar (a London shop), and the last held-out day of each origin
RETAIL_CALENDAR = "GB-ENG,festivals"
CALENDAR_ORIGINS = ["2011-05-13", "2011-06-10", "2011-09-09", "2011-12-09"]
sys.path.insert(0, str(ROOT))
from bench import database  # noqa: E402  (after the path that makes it importable)
from bench.forecast.bounds import later_selling_share, mase_bounds  # noqa: E402
from bench.forecast.speed import speed  # noqa: E402


def retail_panel(least: int = 100, most: float = math.inf):
    """Online Retail's products sold on at least ``least`` days (and fewer than ``most``) as
    a daily panel with their prices, and every product's name."""
    from forecasting.panels import load_long_csv

    retail = DATA / "online-retail-uci"
    with gzip.open(retail / "products.csv.gz", "rt") as products:
        rows = list(csv.DictReader(products))
    kept = {
        row["stock_code"]
        for row in rows
        if row["kind"] == "product" and least <= int(row["days_with_sales"]) < most
    }
    names = {row["stock_code"]: row["description"] for row in rows}
    with tempfile.TemporaryDirectory() as folder:
        subset = Path(folder) / "retail.csv"
        with (
            gzip.open(retail / "daily_sku_sales.csv.gz", "rt") as source,
            open(subset, "w") as out,
        ):
            out.write("series_id,date,units,price\n")
            for row in csv.DictReader(source):
                if row["stock_code"] in kept:
                    out.write(
                        f"{row['stock_code']},{row['date']},{row['units_sold']},"
                        f"{row['avg_unit_price_gbp']}\n"
                    )
        panel = load_long_csv(
            subset, freq="D", id_col="series_id", date_col="date", target_col="units"
        )
    return panel, names


def carparts_panel():
    """carparts, monthly, one series per part (the fev copy: missing months are zeros)."""
    from forecasting.panels import load_long_csv

    return load_long_csv(
        DATA / "carparts-expsmooth" / "carparts_monthly.csv.gz",
        freq="M",
        id_col="part_id",
        date_col="month",
        target_col="units",
    )


def print_table(title: str, result: dict) -> None:
    from forecasting.backtest import report_table

    print(f"\n{title}")
    print(report_table(result))
    if "fine_tune" in result:
        tuned = result["fine_tune"]
        print(
            f"fine-tuning ({tuned['mode']}, {tuned['seconds']:.0f} s on {tuned['device']}, "
            f"{'accepted' if tuned['accepted'] else 'rejected'}): {tuned['reason']}"
        )


def gates() -> None:
    from forecasting import capabilities, registry

    results = capabilities.gates(capabilities.transformer_forecaster(registry.base_model()))
    passed = sum(gate.passed for gate in results)
    print(f"\ncapability gates on the shipped weights: {passed} of {len(results)} passed")
    print(capabilities.table(results))


def accuracy(modes: bool = True, calendar: bool = True) -> None:
    from forecasting.evaluation import evaluate

    carparts = carparts_panel()
    result = evaluate(carparts, horizon=12, season=12)
    print_table("carparts (monthly; the base model never trained on it)", result)
    deployed = result["models"]["shelfcast"]
    print(
        f"published Chronos-Bolt-base zero-shot ratios: MASE {CHRONOS_BOLT_BASE['MASE']:.3f}, "
        f"WQL {CHRONOS_BOLT_BASE['WQL']:.3f}; Shelfcast deployed: MASE "
        f"{deployed['MASE_ratio']:.3f}, WQL {deployed['WQL_ratio']:.3f} (target "
        f"{CARPARTS_TARGET['MASE']} / {CARPARTS_TARGET['WQL']}: "
        + ", ".join(
            f"{measure} {'met' if deployed[f'{measure}_ratio'] <= target else 'NOT met'}"
            for measure, target in CARPARTS_TARGET.items()
        )
        + ")"
    )
    for name, ratio in mase_bounds(carparts, horizon=12, season=12).items():
        print(f"MASE ratio of {name}: {ratio:.3f}")
    busy, later = later_selling_share(carparts, season=12)
    print(
        f"inside the history, series that sold in at least half of a year's months ({busy:,} "
        f"series-years) sold in {later:.1%} of the next year's months"
    )
    retail, names = retail_panel()
    started = time.perf_counter()
    result = evaluate(retail, horizon=28, season=7)
    seconds = time.perf_counter() - started
    print_table("Online Retail (daily, products sold on at least 100 days)", result)
    per_thousand = seconds / len(retail.ids) * 1000
    print(
        f"backtest of {len(retail.ids):,} daily series with fine-tuning and AutoETS: "
        f"{seconds:.0f} s ({per_thousand:.0f} s per 1,000 series; target 1,000 series under "
        f"900 s: {'met' if per_thousand < 900 else 'NOT met'})"
    )
    sparse, _names = retail_panel(least=30, most=100)
    result = evaluate(sparse, horizon=28, season=7)
    print_table("Online Retail, products sold on 30-99 days (sparser; not tuned on)", result)
    if calendar:
        calendar_comparison(retail)
    if modes:
        fine_tune_modes(retail)
    cold_start(retail, names)


def calendar_comparison(panel, origins: list[str] = CALENDAR_ORIGINS) -> None:
    """At each origin, the transformer zero-shot and Shelfcast as deployed (the choice among
    the baselines and the transformer, `evaluate` without fine-tuning or AutoETS) scored on
    the held-out event windows and ordinary days, with and without the calendar as a known
    covariate; the windows are the calendar's in both runs."""
    from forecasting import registry
    from forecasting.evaluation import evaluate
    from forecasting.panels import Panel, calendar_flags, with_events

    flags = calendar_flags(panel.periods, "D", RETAIL_CALENDAR)
    base = registry.base_model()
    shown = {"shelfcast_zero_shot": "zero-shot", "shelfcast": "deployed"}
    print(
        f"\ncalendar ({RETAIL_CALENDAR}: {int((flags > 0).sum())} event days) on Online Retail, "
        f"{len(panel.ids)} products, 28 days held out at each origin; WQL (MASE) on event "
        f"windows and on ordinary days, without -> with the calendar"
    )
    print(f"{'held out to':<13}{'model':<11}{'event windows':>32}{'ordinary days':>32}")
    means: dict[tuple[str, str, str], list[float]] = {}
    for origin in origins:
        end = panel.periods.index(origin) + 1
        cut = Panel(
            ids=panel.ids,
            periods=panel.periods[:end],
            values=panel.values[:, :end],
            known={row: rows[:, :end] for row, rows in panel.known.items()},
            freq=panel.freq,
        )
        started = time.perf_counter()
        reports = {
            used: evaluate(
                with_events(cut, flags[:end], covariate=used),
                horizon=28,
                season=7,
                fine_tune=False,
                with_auto_ets=False,
                base=base,
            )
            for used in (False, True)
        }
        seconds = time.perf_counter() - started
        days = len(reports[True]["event_windows"]["periods"])
        for name, label in shown.items():
            cells = []
            for part in ("event_window", "ordinary"):
                pair = [reports[used]["models"][name][part] for used in (False, True)]
                for measure in ("WQL", "MASE"):
                    means.setdefault((name, part, measure), []).append(
                        pair[1][measure] - pair[0][measure]
                    )
                cells.append(
                    f"{pair[0]['WQL']:.3f} ({pair[0]['MASE']:.3f}) -> "
                    f"{pair[1]['WQL']:.3f} ({pair[1]['MASE']:.3f})"
                )
            print(f"{origin:<13}{label:<11}{cells[0]:>32}{cells[1]:>32}")
        print(f"{'':<13}({days} of the 28 held-out days in a window; {seconds:.0f} s)")
    for name, label in shown.items():
        change = {key: sum(values) / len(values) for key, values in means.items() if key[0] == name}
        print(
            f"{label}: mean change with the calendar over {len(origins)} origins: event windows "
            f"WQL {change[(name, 'event_window', 'WQL')]:+.3f}, MASE "
            f"{change[(name, 'event_window', 'MASE')]:+.3f}; ordinary days WQL "
            f"{change[(name, 'ordinary', 'WQL')]:+.3f}, MASE "
            f"{change[(name, 'ordinary', 'MASE')]:+.3f} (negative: the calendar helps)"
        )


def fine_tune_modes(panel) -> None:
    """Full fine-tuning against LoRA on the same history, scored on the held-out 28 days."""
    from django.conf import settings

    from forecasting import fine_tuning, registry
    from forecasting.metrics import score
    from forecasting.neural.inference import Covariates, TransformerCandidate

    history, actual = panel.values[:, :-28], panel.values[:, -28:]
    covariates = Covariates(known=panel.known)
    base = registry.base_model()
    print("\nfine-tuning mode (Online Retail, transformer alone, held-out 28 days)")
    zero = TransformerCandidate(base, covariates)(history, 28, 7)
    scores = score(list(history), list(actual), list(zero), 7)
    print(f"{'base (zero-shot)':<18}WQL {scores.wql:.4f}  MASE {scores.mase:.4f}")
    for mode in ("full", "lora"):
        started = time.perf_counter()
        model, log = fine_tuning.fine_tune(
            parent=base,
            values=history,
            covariates=covariates,
            mode=mode,
            steps=settings.FINE_TUNE_STEPS,
            batch_size=settings.FINE_TUNE_BATCH_SIZE,
            horizons=(32,),
        )
        seconds = time.perf_counter() - started
        forecasts = TransformerCandidate(model, covariates)(history, 28, 7)
        scores = score(list(history), list(actual), list(forecasts), 7)
        print(
            f"{mode:<18}WQL {scores.wql:.4f}  MASE {scores.mase:.4f}  "
            f"({log.steps} steps, {seconds:.0f} s)"
        )


def cold_start(panel, names: dict[str, str], count: int = 300, days: int = 14) -> None:
    """New products: only their last ``days`` days of history before the held-out window,
    forecast alone, always borrowing the summed demand of their most similar products (by
    name, among the other established ones, `embeddings.borrowed_rows`) as a past-only
    covariate, and as served: borrowing only where the store's own products, made new one
    horizon earlier, were forecast better with it (`borrowing.borrowing_verdict`, on the
    history before the held-out window)."""
    import numpy as np

    from forecasting import borrowing, embeddings, registry
    from forecasting.metrics import score
    from forecasting.neural.inference import Covariates, TransformerCandidate

    rng = np.random.default_rng(0)
    history, actual = panel.values[:, :-28], panel.values[:, -28:]
    rows = rng.choice(len(panel.ids), size=min(count, len(panel.ids)), replace=False)
    vectors = dict(enumerate(embeddings.embed([names.get(code, code) for code in panel.ids])))
    keys = [(row, 0) for row in range(len(panel.ids))]  # one location
    short = history[rows].copy()
    observed = np.flatnonzero(~np.isnan(history[0]))  # open days are the same for all
    short[:, : observed[-days]] = np.nan
    lent = embeddings.borrowed_rows(
        keys, history, vectors, list(rows), embeddings.established_rows(history)
    )
    with_similar = Covariates(
        past={position: lent[row] for position, row in enumerate(rows) if row in lent}
    )
    model = registry.base_model()

    def forecast(histories, past) -> np.ndarray:
        return TransformerCandidate(model, Covariates(past=past))(histories, 28, 7)

    verdict = borrowing.borrowing_verdict(keys, history, vectors, forecast, horizon=28, season=7)
    print(
        f"\nnew products ({len(rows)} Online Retail products, only {days} days of history; "
        f"{len(with_similar.past)} find similar products)"
    )
    windows = ", ".join(
        f"{alone:.4f} alone / {borrowed:.4f} borrowing"
        for alone, borrowed in zip(verdict.alone, verdict.borrowing, strict=True)
    )
    print(
        f"the store's check ({verdict.checked} established products made new, 28 and 56 days "
        f"before the held-out window; WQL {windows or 'too few to check'}) -> "
        f"{'borrow' if verdict.borrow else 'do not borrow'}"
    )
    scored = {}
    for label, covariates in (("alone", None), ("always borrowing", with_similar)):
        forecasts = TransformerCandidate(model, covariates)(short, 28, 7)
        scored[label] = score(list(history[rows]), list(actual[rows]), list(forecasts), 7)
    scored["as served"] = scored["always borrowing" if verdict.borrow else "alone"]
    for label, scores in scored.items():
        print(f"{label:<24}WQL {scores.wql:.4f}  MASE {scores.mase:.4f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--skus", type=int, default=10_000)
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--skip-accuracy", action="store_true")
    parser.add_argument("--skip-modes", action="store_true", help="Skip full against LoRA.")
    parser.add_argument(
        "--skip-calendar", action="store_true", help="Skip the calendar's comparison."
    )
    parser.add_argument(
        "--calendar-only",
        action="store_true",
        help="Only the calendar's comparison on Online Retail (no database needed).",
    )
    parser.add_argument(
        "--skip-auto-ets", action="store_true", help="Skip AutoETS in the speed part (13 min)."
    )
    args = parser.parse_args()
    if args.calendar_only:
        # nothing is read from or written to a database: the default settings' SQLite will do
        database.django_setup(
            {"DJANGO_SETTINGS_MODULE": "config.settings.local", "LOG_LEVEL": "WARNING"}
        )
        calendar_comparison(retail_panel()[0])
        return
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "LOG_LEVEL": "WARNING",
        "CELERY_BROKER_URL": "",
        **database.urls(DATABASE),
    }
    database.create(DATABASE, environment)
    database.django_setup(environment)
    try:
        if not args.skip_accuracy:
            gates()
            accuracy(modes=not args.skip_modes, calendar=not args.skip_calendar)
        if not args.skip_speed:
            speed(args.skus, with_auto_ets=not args.skip_auto_ets)
    finally:
        from django.db import connections

        connections.close_all()
        database.drop(DATABASE)


if __name__ == "__main__":
    main()
