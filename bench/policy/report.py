"""What the policy bench prints and writes from one replay: the policies side by side at the
default target and over every target, the calibration table, the inventory saved at equal
realised fill against both baselines, the frontier SVG and the ``--json`` figures."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import numpy as np

from bench.policy import baselines, sums
from bench.policy.frontier_svg import Curve, write_frontier
from planning.replays.frontier import at_fill, cut_of, fair_name

LEVELS_TO_TRACE = (0.60, 0.70, 0.75, 0.80, 0.85, 0.90, 0.95, 0.98, 0.99)
CALIBRATION_TARGETS = (0.80, 0.90, 0.95, 0.98)
CALIBRATION_TOLERANCE = 0.02  # realised fill within 2 points of the target
CLASS_SKUS = 30  # a demand class is judged on its own from this many SKUs
# the fair min/max's knob (safety factor of its reorder point), swept wide enough for its
# curve to span the fill rates the targets reach (from -1 up, it started above the 60 and 70%
# targets' fills on Online Retail and above 85% on the generated store), and in half steps
# throughout: its stock climbs ever faster towards full fill, so a straight line between whole
# steps reads it too high there (on Online Retail whole steps above 3 overstated our saving at
# 98% by 0.6-1.1 points)
MIN_MAX_SAFETY = (
    -3.0, -2.5, -2.0, -1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5,
    5.0, 5.5, 6.0,
)  # fmt: skip
TARGET = 0.95  # the default target service level of a merchant
# the targets whose saving against the fair min/max is split by ABC/XYZ service class
SPLIT_TARGETS = (TARGET, 0.98)
JUDGED_TARGET = 0.80  # the per-SKU policy's shortfalls are printed review by review here
# the targets whose inventory, ours and the fair min/max's at the same fill, is printed per seed
SEED_INVENTORY_TARGETS = (TARGET, 0.98, 0.99)
INVENTORY_CUT_TARGET = 0.20
# the frontier's legend: the replay's sources, and the baseline read at equal fill
SOURCE_NAMES = ("Shelfcast store-wide", "Shelfcast per-SKU", "seasonal-naive forecasts")
FAIR_MIN_MAX = "min/max done properly (L+R, z swept)"
ERP_MIN_MAX = "min/max (ERP, 1.5 x lead time)"
HEADER = (
    f"{'policy':<30}{'fill rate':>10}{'cycle SL':>10}{'stock-out d':>12}"
    f"{'avg inv £':>12}{'holding+lost £':>16}{'orders':>8}"
)


def by_class(outcome, classes: np.ndarray) -> dict[str, float]:
    return {
        str(name): float(outcome.served[classes == name].sum() / demanded)
        for name in sorted(set(classes))
        if (demanded := outcome.demanded[classes == name].sum()) > 0
    }


def judged_classes(classes: np.ndarray) -> list[str]:
    """The classes of at least `CLASS_SKUS` SKUs: each judged on its own."""
    return [name for name in sorted(set(classes)) if (classes == name).sum() >= CLASS_SKUS]


def fair_min_max(result) -> list:
    """(safety factor, outcome) of the fair min/max at each of `MIN_MAX_SAFETY`."""
    return [(safety, result.outcomes[fair_name(safety)]) for safety in MIN_MAX_SAFETY]


def line(name: str, outcome) -> str:
    return (
        f"{name:<30}{outcome.fill_rate:>10.3f}{outcome.cycle_service_level:>10.3f}"
        f"{outcome.stock_out_days:>12.1f}{outcome.average_inventory_value:>12,.0f}"
        f"{outcome.total_cost:>16,.0f}{outcome.orders:>8}"
    )


def curve(outcomes) -> list[tuple[float, float]]:
    """(realised fill, average inventory value) of each outcome: a policy's curve."""
    return [(outcome.fill_rate, outcome.average_inventory_value) for outcome in outcomes]


def report(args, result, cover, *, label: str, series: int, coverage=None, reseeded=()) -> None:
    """Print every figure of the replay ``result`` (and days of cover's ``cover``, and the
    drawn sums' ``coverage`` of what came, `bench.policy.sums`), draw the frontier and, with
    ``--json``, write the per-target figures; with ``reseeded`` ((seed, replay) of the same
    forecasts under other drawn terms), the headline figures of each seed side by side."""
    from forecasting.paths import COMMON_SHARE
    from planning.replays import replay

    sources = ("shelfcast", replay.PER_SKU, "seasonal_naive")
    # beside the per-SKU policy, the same as the nightly plan runs it (when replayed)
    planned = tuple(
        name
        for name in (f"{replay.PER_SKU} {replay.AS_PLANNED}",)
        if result.name(name, TARGET) in result.outcomes
    )
    results = {
        (source, level): result.outcomes[result.name(source, level)]
        for source in sources + planned
        for level in LEVELS_TO_TRACE
    }
    fair = fair_min_max(result)
    tables(results, sources, result.outcomes["min_max"], fair, cover)
    calibration(results, result.classes, ("shelfcast", replay.PER_SKU, *planned))
    if planned:  # where a merchant sets a target per ABC/XYZ class, as the plan runs it
        print(
            "\nThe per-SKU policy as planned, per ABC/XYZ service class (where a merchant "
            "sets per-class targets and the plan learns its scale per class):"
        )
        calibration(results, result.service_classes, planned)
    judged = [
        judged_by_class(level, results[(replay.PER_SKU, level)], result.classes)
        for level in LEVELS_TO_TRACE
    ]
    ours = [(level, results[("shelfcast", level)]) for level in LEVELS_TO_TRACE]
    scales = learnt_scales(ours)
    rows = equal_fill(ours, results, fair, cover, result.classes)
    for row, classes_row in zip(rows, judged, strict=True):
        row["per_sku_judged_by_class"] = classes_row
    split = saving_by_class(ours, fair, result.service_classes)
    for row, classes_row in zip(rows, split, strict=True):
        row["by_service_class"] = classes_row
    shares = lost_beyond_history(ours, fair)
    for row, share in zip(rows, shares, strict=True):
        row["lost_beyond_history_share"] = None if share is None else round(share, 4)
    for row, level, scale in zip(rows, LEVELS_TO_TRACE, scales, strict=True):
        row.update(scale)
        for name in planned:  # the per-SKU policy's fill as the nightly plan runs it
            outcome = results[(name, level)]
            row["per_sku_as_planned_realised"] = round(outcome.fill_rate, 4)
            row["per_sku_as_planned_by_service_class"] = {
                key: round(value, 4)
                for key, value in by_class(outcome, result.service_classes).items()
            }
    curves = [
        Curve(name, curve(results[(source, level)] for level in LEVELS_TO_TRACE),
              [f"target {level:.0%}" for level in LEVELS_TO_TRACE])
        for source, name in zip(sources, SOURCE_NAMES, strict=True)
    ]  # fmt: skip
    min_max = result.outcomes["min_max"]
    svg = args.svg or Path(tempfile.gettempdir()) / f"shelfcast-policy-frontier-{args.world}.svg"
    write_frontier(
        svg,
        [
            *curves,
            Curve(FAIR_MIN_MAX, curve(o for _z, o in fair), [f"z = {z:g}" for z, _o in fair]),
            Curve(
                baselines.DAYS_OF_COVER,
                curve(o for _n, o in cover),
                [f"N = {n} days" for n, _o in cover],
            ),
        ],
        ours=curves[0].label,
        baseline=FAIR_MIN_MAX,
        references={ERP_MIN_MAX: (min_max.fill_rate, min_max.average_inventory_value)},
        title=f"Inventory against realised fill rate: {label}",
        subtitle=f"last {args.days} days replayed, {args.review}-day reviews, "
        f"{series} products; "
        + ("statistical forecasts only" if args.baselines_only else "transformer forecasts")
        + (", uncalibrated" if args.no_calibration else ", calibrated"),
    )
    print(f"frontier drawn to {svg}")
    if coverage is not None:
        sums.print_coverage(coverage, COMMON_SHARE)
    seeds = []
    if reseeded:
        seeds = [seed_figures(args.seed, result)]
        seeds += [seed_figures(seed, other) for seed, other in reseeded]
        print_seeds(seeds)
    if args.json is not None:
        write_json(args, rows, coverage, seeds)


def tables(results, sources, min_max, fair, cover) -> None:
    """The policies at the default target, then every policy over its knob."""
    print(f"\nAt the default target service level {TARGET:.0%} (fill rate):")
    print(HEADER)
    print(line(f"shelfcast {TARGET:.0%}", results[("shelfcast", TARGET)]))
    print(line(f"shelfcast per-SKU {TARGET:.0%}", results[(sources[1], TARGET)]))
    print(line(f"seasonal-naive forecasts {TARGET:.0%}", results[("seasonal_naive", TARGET)]))
    print(line(ERP_MIN_MAX, min_max))
    print("\nTrade-off over service levels:")
    print(HEADER)
    for level in LEVELS_TO_TRACE:
        for source in sources:
            print(line(f"{source} {level:.0%}", results[(source, level)]))
    for safety, outcome in fair:
        print(line(f"min/max (L+R, z={safety:.2f})", outcome))
    for cover_days, outcome in cover:
        print(line(f"days of cover (N={cover_days})", outcome))


def calibration(results, classes: np.ndarray, sources: tuple[str, ...]) -> None:
    """The realised fill rate of each target, store-wide and per demand class, and whether
    every calibration target is met, for each of ``sources``."""
    names = sorted(set(classes))
    print(
        f"\nCalibration: realised fill rate per target (met when within "
        f"±{CALIBRATION_TOLERANCE * 100:.0f} points at every target "
        f"{', '.join(f'{t:.0%}' for t in CALIBRATION_TARGETS)}); classes: "
        + ", ".join(f"{name} {int((classes == name).sum())}" for name in names)
    )
    width = max(22, *(len(source) + 2 for source in sources))
    print(f"{'policy':<{width}}{'target':>8}{'realised':>10}" + "".join(f"{n:>14}" for n in names))
    judged = judged_classes(classes)
    verdicts = {}
    for source in sources:
        for level in LEVELS_TO_TRACE:
            outcome = results[(source, level)]
            classes_fill = by_class(outcome, classes)
            print(
                f"{source:<{width}}{level:>8.2f}{outcome.fill_rate:>10.3f}"
                + "".join(f"{classes_fill.get(name, float('nan')):>14.3f}" for name in names)
            )
        verdicts[source] = calibration_misses(
            {level: results[(source, level)] for level in CALIBRATION_TARGETS}, classes, judged
        )
    for source, (store, per_class) in verdicts.items():
        print(
            f"  {source}: store-wide "
            + ("met at every target" if not store else "NOT met: " + "; ".join(store))
            + f"; per class ({', '.join(judged)}: each of at least {CLASS_SKUS} SKUs) "
            + ("met at every target" if not per_class else "NOT met: " + "; ".join(per_class))
        )


def learnt_scales(ours) -> list[dict]:
    """Per (target, outcome) of the store-wide policy: the scale on its expected units short
    at the last review (``scale_last``) and at how many reviews it was held at its upper
    bound (``reviews_at_bound``, `planning.calibration.BOUNDS`: the plan corrects no
    further, and the settings page says so); printed, and None for an uncalibrated replay."""
    from planning.calibration import BOUNDS

    figures = []
    for _level, outcome in ours:
        given = outcome.scales
        figures.append(
            {"scale_last": None, "reviews_at_bound": None}
            if not given
            else {
                "scale_last": round(given[-1], 4),
                "reviews_at_bound": sum(value >= BOUNDS[1] for value in given),
            }
        )
    if any(row["scale_last"] is not None for row in figures):
        print(
            "\nThe store-wide policy's calibration: its scale on the expected units short "
            f"at the last review, and the reviews it was held at its bound of {BOUNDS[1]:g} "
            "(the most the plan corrects for):"
        )
        for (level, outcome), row in zip(ours, figures, strict=True):
            if row["scale_last"] is not None:
                print(
                    f"  target {level:.0%}: {row['scale_last']:.2f} at the last review; at the "
                    f"bound at {row['reviews_at_bound']} of {len(outcome.scales)} reviews"
                )
    return figures


def calibration_misses(
    outcomes: dict, classes: np.ndarray, judged: list[str]
) -> tuple[list[str], list[str]]:
    """The calibration targets missed by more than the tolerance, store-wide and by each
    class of ``judged``, from the outcomes at each target ({target: outcome})."""
    store, per_class = [], []
    for level, outcome in outcomes.items():
        if abs(outcome.fill_rate - level) > CALIBRATION_TOLERANCE + 1e-9:
            store.append(f"{level:.0%} -> {outcome.fill_rate:.3f}")
        fills = by_class(outcome, classes)
        for name in judged:
            if name in fills and abs(fills[name] - level) > CALIBRATION_TOLERANCE + 1e-9:
                per_class.append(f"{name} {level:.0%} -> {fills[name]:.3f}")
    return store, per_class


def equal_fill(ours, results, fair, cover, classes: np.ndarray) -> list[dict]:
    """Print the inventory saved at equal realised fill against both baselines (read off
    their curves); return the per-target rows of the JSON."""
    from planning.replays import replay

    print(
        f"\nInventory at equal realised fill against min/max done properly (reorder point for "
        f"lead time + review at z = {', '.join(f'{z:g}' for z in MIN_MAX_SAFETY)}):"
    )
    fair_at = baselines.at_equal_fill(
        ours, curve(o for _z, o in fair), name="min/max", least_cut=INVENTORY_CUT_TARGET
    )
    print(
        "\nInventory at equal realised fill against days of cover (reorder below the 28-day "
        "average x (lead time + review), up to the average x (lead time + N), N = "
        f"{', '.join(str(n) for n in baselines.COVER_DAYS)} days):"
    )
    cover_at = baselines.at_equal_fill(ours, curve(o for _n, o in cover), name="days of cover")
    return [
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


def judged_by_class(level: float, outcome, classes: np.ndarray) -> dict | None:
    """The calibrated per-SKU policy's orders at ``level``, per demand class: the units
    short they left in the periods judged against those they were expected to leave
    (unscaled), over the run and review by review (null where no order of the review had
    its period pass): what the scale learns from. Printed at `JUDGED_TARGET`; None for an
    uncalibrated replay."""
    if outcome.judged_expected is None or outcome.judged_found is None:
        return None
    row = {}
    for name in sorted(set(classes)):
        members = classes == name
        expected = outcome.judged_expected[:, members]
        found = outcome.judged_found[:, members]
        ratios = []
        for hoped, came in zip(expected, found, strict=True):
            passed = ~np.isnan(hoped)
            total = float(hoped[passed].sum())
            ratios.append(round(float(came[passed].sum()) / total, 4) if total > 0 else None)
        row[str(name)] = {
            "expected": round(float(np.nansum(expected)), 2),
            "found": round(float(np.nansum(found)), 2),
            "ratio_by_review": ratios,
        }
    if abs(level - JUDGED_TARGET) < 1e-9:
        print(
            f"\nThe per-SKU policy at {level:.0%}, per demand class: the units short its orders "
            "left in the periods judged over those they were expected to leave (unscaled; "
            "right: 1), review by review, then over the run (found / expected):"
        )
        for name, figures in row.items():
            print(
                f"  {name:<13}"
                + " ".join("   -" if r is None else f"{r:4.2f}" for r in figures["ratio_by_review"])
                + f"  | {figures['found']:,.0f} / {figures['expected']:,.0f}"
            )
    return row


def saving_by_class(ours, fair, classes: np.ndarray) -> list[dict | None]:
    """Per target, per class of ``classes``: the store-wide policy's inventory and fill
    against the fair min/max's at the store's equal realised fill (each series read off the
    min/max runs as the store's figure is, `baselines.series_at_fill`): where the saving
    comes from, and what each class is served for it. Printed at `SPLIT_TARGETS`; None
    where the fill is off the min/max's curve (or a replay kept no per-series figures)."""
    rows = []
    for level, outcome in ours:
        read = baselines.series_at_fill([o for _z, o in fair], outcome.fill_rate)
        if read is None or outcome.inventory is None:
            rows.append(None)
            continue
        stock, served = read
        row = {}
        for name in sorted(set(classes)):
            members = classes == name
            demanded = float(outcome.demanded[members].sum())
            row[str(name)] = {
                "skus": int(members.sum()),
                "inventory": round(float(outcome.inventory[members].sum()), 2),
                "baseline_inventory_at_same_fill": round(float(stock[members].sum()), 2),
                "realised": round(float(outcome.served[members].sum()) / demanded, 4)
                if demanded
                else None,
                "baseline_realised": round(float(served[members].sum()) / demanded, 4)
                if demanded
                else None,
            }
        rows.append(row)
        if any(abs(level - split) < 1e-9 for split in SPLIT_TARGETS):
            _print_split(level, outcome, row)
    return rows


def _print_split(level: float, outcome, row: dict) -> None:
    print(
        f"\nWhere the saving at target {level:.0%} comes from (fill {outcome.fill_rate:.3f}), "
        "per ABC/XYZ service class, against the fair min/max at the same store-wide fill:"
    )
    print(
        f"{'class':<8}{'SKUs':>6}{'ours £':>12}{'min/max £':>12}{'ours - min/max':>16}"
        f"{'fill ours':>11}{'min/max':>9}"
    )
    for name, figures in row.items():
        ours_fill, theirs = figures["realised"], figures["baseline_realised"]
        print(
            f"{name:<8}{figures['skus']:>6}{figures['inventory']:>12,.0f}"
            f"{figures['baseline_inventory_at_same_fill']:>12,.0f}"
            f"{figures['inventory'] - figures['baseline_inventory_at_same_fill']:>+16,.0f}"
            + (
                f"{ours_fill:>11.3f}{theirs:>9.3f}"
                if ours_fill is not None
                else f"{'-':>11}{'-':>9}"
            )
        )


def lost_beyond_history(ours, fair) -> list[float | None]:
    """Print, for the store-wide policy at each target and the fair min/max at each safety
    factor, the share of its lost units lost on days when a SKU sold more than on any day
    before the replay; return ours per target."""
    first = ours[0][1]
    if first.demanded_beyond is None:
        return [None] * len(ours)
    demanded = float(first.demanded.sum())
    print(
        "\nUnits lost on days beyond the history (a SKU selling more than on any day before "
        f"the replay; those days hold {first.demanded_beyond / demanded:.1%} of the demand):"
    )

    def said(outcome) -> str:
        share = outcome.beyond_share
        return f"fill {outcome.fill_rate:.3f}, {outcome.lost_units:,.0f} units lost" + (
            "" if share is None else f", {share:.1%} of them on those days"
        )

    for level, outcome in ours:
        print(f"  shelfcast target {level:.0%}: {said(outcome)}")
    for safety, outcome in fair:
        print(f"  min/max z = {safety:g}: {said(outcome)}")
    return [outcome.beyond_share for _level, outcome in ours]


def seed_figures(seed: int, result) -> dict:
    """The headline figures of one replay, for the table across seeds: the store-wide
    policy's realised fill at each calibration target; how many targets each policy misses
    by more than the tolerance, store-wide and per class (`calibration_misses`: per demand
    class, and for the per-SKU policy as planned also per ABC/XYZ service class); and the
    inventory the store-wide policy saves against the fair min/max at each target's realised
    fill (None where the min/max's curve does not reach it), with both inventories (the
    policy's ``inventory`` and the min/max's ``baseline_inventory`` at the same fill): a
    saving that moves from seed to seed may move with either side."""
    from planning.replays import replay

    def at(source: str, level: float):
        return result.outcomes[result.name(source, level)]

    def misses(source: str, classes: np.ndarray) -> int:
        outcomes = {level: at(source, level) for level in CALIBRATION_TARGETS}
        store, per_class = calibration_misses(outcomes, classes, judged_classes(classes))
        return len(store) + len(per_class)

    planned = f"{replay.PER_SKU} {replay.AS_PLANNED}"
    missed = {
        "store-wide": misses("shelfcast", result.classes),
        "per-SKU": misses(replay.PER_SKU, result.classes),
    }
    if result.name(planned, TARGET) in result.outcomes:
        missed["as planned"] = misses(planned, result.classes)
        missed["as planned by service class"] = misses(planned, result.service_classes)
    fair = curve(outcome for _safety, outcome in fair_min_max(result))
    saving, inventory, baseline_inventory = {}, {}, {}
    for level in LEVELS_TO_TRACE:
        outcome = at("shelfcast", level)
        baseline = at_fill(fair, outcome.fill_rate)
        saving[level] = cut_of(outcome.average_inventory_value, baseline) if baseline else None
        inventory[level] = outcome.average_inventory_value
        baseline_inventory[level] = baseline
    return {
        "seed": seed,
        "realised": {level: at("shelfcast", level).fill_rate for level in CALIBRATION_TARGETS},
        "misses": missed,
        "saving": saving,
        "inventory": inventory,
        "baseline_inventory": baseline_inventory,
    }


def print_seeds(seeds: list[dict]) -> None:
    """Each seed's `seed_figures` side by side."""
    targets = "/".join(f"{level * 100:.0f}" for level in CALIBRATION_TARGETS)
    print(
        "\nAcross seeds (the same forecasts; each series' mean lead time and each order's lead "
        "time drawn again): the store-wide policy's realised fill at "
        f"{targets}%, and the targets missed by more than {CALIBRATION_TOLERANCE * 100:.0f} "
        "points (store-wide and per class, counted over the four targets):"
    )
    kinds = list(seeds[0]["misses"])
    print(
        f"{'seed':<6}{'realised':>30}"
        + "".join(f"{kind:>{max(len(kind) + 2, 10)}}" for kind in kinds)
    )
    for row in seeds:
        fills = " ".join(f"{row['realised'][level]:.3f}" for level in CALIBRATION_TARGETS)
        print(
            f"{row['seed']:<6}{fills:>30}"
            + "".join(f"{row['misses'][kind]:>{max(len(kind) + 2, 10)}}" for kind in kinds)
        )
    print(
        "Inventory the store-wide policy saves against the fair min/max at equal realised "
        f"fill, per target (- where the min/max's curve does not reach the fill; target >= "
        f"{INVENTORY_CUT_TARGET:.0%} at every compared fill):"
    )
    print(f"{'seed':<6}" + "".join(f"{level:>8.0%}" for level in LEVELS_TO_TRACE) + f"{'least':>8}")
    for row in seeds:
        cuts = [row["saving"][level] for level in LEVELS_TO_TRACE]
        compared = [cut for cut in cuts if cut is not None]
        least = min(compared) if compared else None
        print(
            f"{row['seed']:<6}"
            + "".join(f"{'-' if cut is None else f'{cut:.1%}':>8}" for cut in cuts)
            + f"{'-' if least is None else f'{least:.1%}':>8}"
            + ("" if least is None else "  met" if least >= INVENTORY_CUT_TARGET else "  NOT met")
        )
    print(
        "Average inventory (GBP) at the top targets: the store-wide policy's / the fair "
        "min/max's at the same realised fill (- off its curve):"
    )
    print(f"{'seed':<6}" + "".join(f"{level:>24.0%}" for level in SEED_INVENTORY_TARGETS))
    for row in seeds:
        pairs = []
        for level in SEED_INVENTORY_TARGETS:
            baseline = row["baseline_inventory"][level]
            theirs = "-" if baseline is None else f"{baseline:,.0f}"
            pairs.append(f"{row['inventory'][level]:,.0f} / {theirs}")
        print(f"{row['seed']:<6}" + "".join(f"{pair:>24}" for pair in pairs))


def _rounded(figures: dict) -> dict:
    return {key: None if value is None else round(value, 4) for key, value in figures.items()}


def write_json(
    args, rows: list[dict], coverage: dict | None = None, seeds: list[dict] | None = None
) -> None:
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
                # how well the drawn lead-time sums covered what came (`bench.policy.sums`)
                "sum_coverage": coverage,
                # the headline figures under each seed's drawn terms (`--seeds`)
                "seeds": [
                    row
                    | {
                        "realised": _rounded(row["realised"]),
                        "saving": _rounded(row["saving"]),
                        "inventory": _rounded(row["inventory"]),
                        "baseline_inventory": _rounded(row["baseline_inventory"]),
                    }
                    for row in seeds or []
                ],
            },
            indent=2,
        )
    )
    print(f"figures written to {args.json}")
