"""Policy simulation: replay the last weeks of Online Retail day by day under our ordering
policy and its baselines and print their service and inventory side by side, with each
policy's trade-off curve over its knob.

    .venv/bin/python bench/policy/run.py [--days 112] [--warm-up 28] [--review 7] [--seed 7]
        [--world retail|synthetic] [--baselines-only] [--cache DIR] [--json PATH] [--svg PATH]
        [--seeds 8,9]

Data: ../shared/data/online-retail-uci, the products with sales on at least 100 days, daily;
the two huge orders cancelled within minutes (README "Known quirks") are netted out. The last
``--days`` days are replayed; every review day (weekly) each policy orders from what it could
have known then; an order arrives after the series' lead time, drawn per order from the
supplier's mean and spread (the same draws for every policy); demand is served from stock and
the rest is lost. Figures count after a warm-up, and every policy starts with the same stock.
The shipped base model's corpus leaves out Online Retail's last 112 days
(`forecasting.neural.corpus.RETAIL_HELD_OUT_DAYS`), the days replayed by default: no forecast
it serves here covers a day it trained on, but what judges it reaches back into such days
early on: the selection windows (the 56 days before a review) in the first eight reviews, and
the check behind the earlier window (the 28 days before it, which sets the model's correction
and levels there) in the first twelve; there the choice may favour it more than held-out days
would. Figures count from review 4 (day 28) on.

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

The policies that order from forecasts (ours and seasonal naive's) draw their lead-time sums
as the plan does: a quarter of them are the series' own sums over the same spans in its last
half year (`planning.policy.HISTORY_SHARE`), moved to the level the forecast expects over them
(`planning.policy.LEVEL_BOUNDS`), the rest from the forecast's quantiles; our
forecasts' paths with the common share fitted with them on the selection windows, as the
night fits it (`forecasting.paths.fit_common_share`), seasonal naive's with the default
(`forecasting.paths.COMMON_SHARE`). The cache keeps each review's share with its forecasts.
How well the drawn sums covered the demand that came is printed with both shares side by
side (`bench/policy/sums.py`) and written by ``--json``.

The policies that order from forecasts hold every order within the store's overstock limit
as the plan holds its lines (``--overstock-days``, by default the store setting's default,
120 days of projected cover after arrival; cut back to whole packs within it unless the MOQ
or a single pack forces more: `planning.policy.limited_quantities`); the baselines order as
their rules say.

Orders are for a lost-sales world, their expected units short scaled by what the policy's
earlier orders left short against what they expected, one scale for the store
(`planning.replays.shortfalls`), one per demand class for the per-SKU policy (each shrunk
towards the classes' ratio together while its own reviews are few), whose every SKU also keeps
a fill account (a SKU that whole packs held ahead of its target may leave more short at its
next order). The nightly plan learns the same scale (`planning.calibration`) but
keeps no fill accounts and learns the per-SKU policy's scale per ABC/XYZ service class: the
per-SKU policy is also replayed as it runs it, from the same forecasts ("as planned", in the
calibration table and the JSON, and judged again per ABC/XYZ service class, where a
merchant sets per-class targets), and ``--no-calibration``
replays every policy without calibration; the calibration table prints each target's
realised fill rate, store-wide and per demand class, with a verdict for the store and for
each class of at least 30 SKUs: "met" only when every one of 80, 90, 95 and 98% is within 2
points.

Where the shortfall comes from: each policy counts the units it lost on days when a SKU sold
more than on any day before the replay (`replay.beyond_history`), which no forecast or spread
read from that history covers but by luck; the share is printed per target and per min/max
safety factor, and written by ``--json``.

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
costs its margin. Which series wait longest for their supplier moves the figures: with
``--seeds 8,9`` the same forecasts are replayed again under each seed's lead times, and each
seed's realised fill, calibration misses and saving against the fair min/max are printed side
by side, with both inventories at the top targets (ours, and the min/max's at the same fill),
and written by ``--json``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("LOG_LEVEL", "WARNING")
from bench.policy import worlds  # noqa: E402  (after the path that makes it importable)


def seed_list(text: str) -> list[int]:
    """``--seeds``: whole numbers separated by commas."""
    try:
        return [int(seed) for seed in text.split(",") if seed.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r}: seeds are whole numbers separated by commas, as 8,9"
        ) from None


def days_of_cover(text: str) -> float:
    """``--overstock-days``: days of cover, 0 for no limit."""
    try:
        days = float(text)
    except ValueError:
        days = -1.0
    if not days >= 0:
        raise argparse.ArgumentTypeError(
            f"{text!r}: the overstock limit is days of cover, 0 or more (0: no limit)"
        )
    return days


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--days", type=int, default=112)
    parser.add_argument("--warm-up", type=int, default=28)
    parser.add_argument("--review", type=int, default=7)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--paths", type=int, default=500)
    parser.add_argument("--floor", type=float, default=None, help="minimum fill rate of a SKU")
    parser.add_argument(
        "--overstock-days",
        type=days_of_cover,
        default=None,
        help="the overstock limit our orders keep within, in days of projected cover after "
        "arrival (default: the store setting's default; 0: none)",
    )
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
        help="plan from the drawn sums as they are, without the scale on expected units "
        "short learnt from the earlier orders' shortfalls",
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
        "--seeds",
        type=seed_list,
        default=[],
        help="also replay the same forecasts with each of these seeds (comma-separated), "
        "each series' lead times drawn again, and print each seed's headline figures side "
        "by side",
    )
    parser.add_argument(
        "--svg",
        type=Path,
        default=None,
        help="write the frontier (inventory against realised fill per policy) here; by "
        "default shelfcast-policy-frontier-<world>.svg in the system's temporary folder",
    )
    return parser.parse_args()


def fresh_forecaster(candidates):
    """Each review's chosen forecasts and their common share, made afresh."""
    from forecasting.selection import forecast_chosen
    from planning.replays import replay

    def forecast(_number: int, history: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        _chosen, quantiles, common = forecast_chosen(
            history, replay.HORIZON, replay.SEASON, candidates
        )
        return quantiles, common

    return forecast


def cached_forecaster(args, candidates):
    """Each review's chosen forecasts and the common share their paths are drawn with, read
    from ``args.cache`` when an earlier run kept them (keyed by the replayed days, the review
    period and the history's length), else made and kept there."""
    args.cache.mkdir(parents=True, exist_ok=True)
    made = fresh_forecaster(candidates)

    def forecast(number: int, history: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        kind = args.world + ("_baselines" if args.baselines_only else "")
        path = args.cache / f"{kind}_d{args.days}_r{args.review}_{history.shape[1]}.npz"
        if path.exists():
            kept = np.load(path)
            return kept["quantiles"], kept["common"]
        quantiles, common = made(number, history)
        np.savez(path, quantiles=quantiles, common=common)
        return quantiles, common

    return forecast


def recording(forecaster, kept: list):
    """``forecaster``, keeping each review's (quantiles, common share) in ``kept`` for the
    table of how well the drawn sums covered what came (`bench.policy.sums`)."""

    def forecast(number: int, history: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        quantiles, common = forecaster(number, history)
        kept.append((np.asarray(quantiles, dtype=np.float32), np.asarray(common)))
        return quantiles, common

    return forecast


def kept(forecasts: list):
    """A forecaster serving each review's forecasts as `recording` kept them."""

    def forecast(number: int, _history: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        quantiles, common = forecasts[number]
        return quantiles, common

    return forecast


def world(args):
    """(values, terms, known covariates, recorded periods, label) of the replayed world."""
    from planning.replays import replay

    if args.world == "retail":
        values, terms, panel = worlds.retail_world(args)
        return values, terms, panel.known, len(panel.periods), "Online Retail"
    values, price = worlds.synthetic_world()
    lead_mean = worlds.lead_means(args.seed, len(values))
    terms = worlds.terms_for(values, lead_mean, price, values.shape[1] - args.days, replay)
    return values, terms, {}, values.shape[1], "synthetic store"


def main() -> None:
    args = parse_args()

    import django

    django.setup()
    from bench.policy import baselines, report, sums
    from bench.policy.report import LEVELS_TO_TRACE, MIN_MAX_SAFETY
    from forecasting import registry
    from forecasting.baselines import BASELINES
    from forecasting.neural.inference import Covariates, TransformerCandidate
    from forecasting.selection import TRANSFORMER
    from planning.models import PlanningSettings
    from planning.replays import replay

    started = time.perf_counter()
    values, terms, known, recorded, label = world(args)
    reviews = -(-args.days // args.review)
    print(
        f"{label}: {len(values)} products, replaying the last {args.days} days "
        f"({reviews} reviews every {args.review} days, first {args.warm_up} days warm-up)",
        flush=True,
    )
    floor = args.floor
    if floor is None:
        floor = float(PlanningSettings._meta.get_field("minimum_fill_rate").default)
    overstock_days = args.overstock_days
    if overstock_days is None:
        overstock_days = float(PlanningSettings._meta.get_field("overstock_days").default)
    print(
        f"store-wide policy: no SKU below a fill rate of {floor:.2f}; "
        + (
            f"every order within {overstock_days:g} days of cover unless the MOQ or a pack "
            "forces more"
            if overstock_days
            else "no overstock limit"
        )
    )
    candidates = dict(BASELINES)
    if not args.baselines_only:
        candidates[TRANSFORMER] = TransformerCandidate(
            registry.base_model(), Covariates(known=known, recorded=recorded)
        )
    forecasts: list = []  # each review's, for the drawn sums' coverage and other seeds

    def replayed(terms, seed: int, forecaster, progress=None):
        return replay.replay_policies(
            values,
            terms,
            candidates,
            days=args.days,
            warm_up=args.warm_up,
            review=args.review,
            levels=LEVELS_TO_TRACE,
            paths=args.paths,
            seed=seed,
            floor=floor,
            overstock_days=overstock_days or None,
            progress=progress,
            forecaster=forecaster,
            calibrate=not args.no_calibration,
            as_planned=True,
            min_max_safety=MIN_MAX_SAFETY,
        )

    result = replayed(
        terms,
        args.seed,
        recording(
            fresh_forecaster(candidates)
            if args.cache is None
            else cached_forecaster(args, candidates),
            forecasts,
        ),
        progress=lambda done, total: print(f"  review {done}/{total} planned", flush=True),
    )
    cover = baselines.days_of_cover(
        values, terms, days=args.days, warm_up=args.warm_up, review=args.review, seed=args.seed
    )
    coverage = sums.sum_coverage(
        values,
        terms,
        forecasts,
        start=values.shape[1] - args.days,
        review=args.review,
        seed=args.seed,
        classes=result.classes,
        judged=report.judged_classes(result.classes),
    )
    reseeded = []
    for seed in args.seeds:  # the same forecasts, other suppliers' lead times
        print(f"replaying again with seed {seed}", flush=True)
        reseeded.append((seed, replayed(worlds.reseeded(terms, seed), seed, kept(forecasts))))
    report.report(
        args,
        result,
        cover,
        label=label,
        series=len(values),
        coverage=coverage,
        reseeded=reseeded,
    )
    print(
        f"forecasting {reviews} reviews took {result.forecast_seconds:.0f} s; whole run "
        f"{time.perf_counter() - started:.0f} s"
    )


if __name__ == "__main__":
    main()
