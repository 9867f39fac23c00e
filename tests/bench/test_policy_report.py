"""The policy bench's report (bench/policy/report.py): the calibration verdict (a target is met
only when the store's realised fill and that of every demand class large enough to judge lie
within the tolerance of it), the per-SKU policy as planned judged per ABC/XYZ service class,
the share of lost units lost on days beyond the history, and the headline figures of the
same forecasts replayed under other seeds' terms."""

import argparse
import contextlib
import dataclasses
import io
import json
import tempfile
from pathlib import Path
from unittest import mock

import numpy as np
from django.test import SimpleTestCase

from bench.policy import report
from planning.replays import replay, simulation


def outcome(served: list[float], demanded: list[float]) -> simulation.Outcome:
    served, demanded = np.array(served), np.array(demanded)
    return simulation.Outcome(
        fill_rate=float(served.sum() / demanded.sum()), cycle_service_level=1.0,
        stock_out_days=0.0, average_inventory_value=0.0, holding_cost=0.0,
        lost_sales_cost=0.0, orders=0, served=served, demanded=demanded,
    )  # fmt: skip


CLASSES = np.array(["lumpy", "lumpy", "erratic", "intermittent"], dtype=object)


class CalibrationVerdictTests(SimpleTestCase):
    def test_a_store_on_target_can_still_miss_in_a_class(self):
        # store-wide 0.90 exactly; lumpy 0.85 (5 points short), erratic 0.95 (5 over)
        missed = outcome([85, 85, 190, 0], [100, 100, 200, 0])
        store, per_class = report.calibration_misses(
            {0.9: missed}, CLASSES, judged=["erratic", "lumpy"]
        )
        self.assertEqual(store, [])
        self.assertEqual(per_class, ["erratic 90% -> 0.950", "lumpy 90% -> 0.850"])

    def test_within_the_tolerance_everywhere_is_met_and_small_classes_are_not_judged(self):
        # intermittent serves half, but it is not judged (too few SKUs)
        met = outcome([89, 90, 182, 5], [100, 100, 200, 10])
        store, per_class = report.calibration_misses(
            {0.9: met}, CLASSES, judged=["erratic", "lumpy"]
        )
        self.assertEqual((store, per_class), ([], []))
        store, per_class = report.calibration_misses(
            {0.9: met}, CLASSES, judged=["erratic", "intermittent", "lumpy"]
        )
        self.assertEqual(per_class, ["intermittent 90% -> 0.500"])

    def test_a_store_wide_miss_is_named_with_its_target(self):
        short = outcome([80, 80, 160, 0], [100, 100, 200, 0])
        store, _per_class = report.calibration_misses({0.9: short}, CLASSES, judged=[])
        self.assertEqual(store, ["90% -> 0.800"])


class LostBeyondHistoryTests(SimpleTestCase):
    def marked(self, served, demanded, lost_beyond, demanded_beyond=50.0):
        return dataclasses.replace(
            outcome(served, demanded), lost_beyond=lost_beyond, demanded_beyond=demanded_beyond
        )

    def test_the_share_of_lost_units_lost_beyond_the_history_per_target_and_safety(self):
        ours = [(0.9, self.marked([90, 90], [100, 100], 5.0)),
                (0.98, self.marked([99, 97], [100, 100], 3.0))]  # fmt: skip
        fair = [(2.0, self.marked([80, 80], [100, 100], 10.0))]
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            shares = report.lost_beyond_history(ours, fair)
        self.assertEqual(shares, [0.25, 0.75])  # 5 of 20 lost, 3 of 4
        text = printed.getvalue()
        self.assertIn("those days hold 25.0% of the demand", text)  # 50 of 200
        self.assertIn("shelfcast target 90%: fill 0.900, 20 units lost, 25.0% of them", text)
        self.assertIn("shelfcast target 98%: fill 0.980, 4 units lost, 75.0% of them", text)
        self.assertIn("min/max z = 2: fill 0.800, 40 units lost, 25.0% of them", text)

    def test_nothing_lost_or_nothing_counted_has_no_share(self):
        served_all = self.marked([100], [100], 0.0)
        self.assertIsNone(served_all.beyond_share)
        self.assertIsNone(outcome([90], [100]).beyond_share)  # days not marked
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            shares = report.lost_beyond_history([(0.9, outcome([90], [100]))], [])
        self.assertEqual((shares, printed.getvalue()), ([None], ""))


class SavingByClassTests(SimpleTestCase):
    """The saving against the fair min/max split by class: each series of the min/max read
    at the store's fill between the two runs that bracket it, as its curve is read."""

    def held(self, served, demanded, inventory):
        return dataclasses.replace(
            outcome(served, demanded),
            inventory=np.array(inventory, dtype=float),
            average_inventory_value=float(sum(inventory)),
        )

    def test_each_class_against_the_min_max_read_at_the_stores_fill(self):
        classes = np.array(["AX", "AX", "CZ"], dtype=object)
        # the min/max at fill 0.90 and 0.98; ours serves 0.95 store-wide: 5/8 of the way
        fair = [
            (1.0, self.held([90, 90, 0], [100, 100, 0], [100.0, 100.0, 40.0])),
            (3.0, self.held([98, 98, 0], [100, 100, 0], [180.0, 180.0, 200.0])),
        ]
        ours = self.held([97, 93, 0], [100, 100, 0], [120.0, 60.0, 150.0])
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            rows = report.saving_by_class([(0.95, ours)], fair, classes)
        weight = 5 / 8
        ax = rows[0]["AX"]
        self.assertEqual(ax["skus"], 2)
        self.assertEqual(ax["inventory"], 180.0)
        self.assertAlmostEqual(ax["baseline_inventory_at_same_fill"], 200 + weight * 160)
        self.assertEqual((ax["realised"], ax["baseline_realised"]), (0.95, 0.95))
        cz = rows[0]["CZ"]
        self.assertAlmostEqual(cz["baseline_inventory_at_same_fill"], 40 + weight * 160)
        self.assertIsNone(cz["realised"])  # nothing demanded
        # the classes add up to the store's reading of the min/max's curve
        curve = report.curve(o for _z, o in fair)
        self.assertAlmostEqual(
            ax["baseline_inventory_at_same_fill"] + cz["baseline_inventory_at_same_fill"],
            report.at_fill(curve, 0.95),
        )
        text = printed.getvalue()
        self.assertIn("Where the saving at target 95% comes from (fill 0.950)", text)
        self.assertIn("AX           2         180         300            -120", text)

    def test_off_the_curve_or_off_the_printed_targets(self):
        classes = np.array(["AX"], dtype=object)
        fair = [(1.0, self.held([90], [100], [100.0])), (3.0, self.held([98], [100], [180.0]))]
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            rows = report.saving_by_class(
                [(0.99, self.held([99], [100], [50.0])), (0.9, self.held([94], [100], [50.0]))],
                fair,
                classes,
            )
        self.assertIsNone(rows[0])  # 0.99 lies beyond the min/max's runs
        self.assertAlmostEqual(rows[1]["AX"]["baseline_inventory_at_same_fill"], 140.0)
        self.assertEqual(printed.getvalue(), "")  # 90% is not one of the targets split


class JudgedShortfallsTests(SimpleTestCase):
    def test_found_over_expected_per_class_review_by_review_and_over_the_run(self):
        classes = np.array(["lumpy", "lumpy", "erratic"], dtype=object)
        nan = np.nan
        judged = dataclasses.replace(
            outcome([90, 90, 90], [100, 100, 100]),
            judged_expected=np.array([[2.0, 2.0, 5.0], [4.0, 0.0, 5.0], [nan, nan, nan]]),
            judged_found=np.array([[1.0, 1.0, 10.0], [6.0, 0.0, 0.0], [nan, nan, nan]]),
        )
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            row = report.judged_by_class(0.8, judged, classes)
        self.assertEqual(
            row["lumpy"], {"expected": 8.0, "found": 8.0, "ratio_by_review": [0.5, 1.5, None]}
        )
        self.assertEqual(
            row["erratic"], {"expected": 10.0, "found": 10.0, "ratio_by_review": [2.0, 0.0, None]}
        )
        text = printed.getvalue()
        self.assertIn("The per-SKU policy at 80%, per demand class", text)
        self.assertIn("  lumpy        0.50 1.50    -  | 8 / 8", text)
        self.assertIn("  erratic      2.00 0.00    -  | 10 / 10", text)

    def test_other_targets_print_nothing_and_an_uncalibrated_replay_has_none(self):
        classes = np.array(["lumpy"], dtype=object)
        judged = dataclasses.replace(
            outcome([90], [100]),
            judged_expected=np.array([[2.0]]),
            judged_found=np.array([[3.0]]),
        )
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            row = report.judged_by_class(0.9, judged, classes)
            plain = report.judged_by_class(0.8, outcome([90], [100]), classes)
        self.assertEqual(row["lumpy"]["ratio_by_review"], [1.5])
        self.assertIsNone(plain)
        self.assertEqual(printed.getvalue(), "")


class LearntScaleTests(SimpleTestCase):
    def test_the_last_scale_and_the_reviews_held_at_the_bound_per_target(self):
        ours = [
            (0.9, dataclasses.replace(outcome([90], [100]), scales=(1.0, 1.2, 1.5))),
            (0.99, dataclasses.replace(outcome([97], [100]), scales=(1.0, 3.1, 4.0, 4.0))),
            (0.95, outcome([95], [100])),  # uncalibrated: no scale
        ]
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            figures = report.learnt_scales(ours)
        self.assertEqual(
            figures,
            [
                {"scale_last": 1.5, "reviews_at_bound": 0},
                {"scale_last": 4.0, "reviews_at_bound": 2},
                {"scale_last": None, "reviews_at_bound": None},
            ],
        )
        text = printed.getvalue()
        self.assertIn("target 90%: 1.50 at the last review; at the bound at 0 of 3 reviews", text)
        self.assertIn("target 99%: 4.00 at the last review; at the bound at 2 of 4 reviews", text)
        self.assertNotIn("target 95%", text)

    def test_an_uncalibrated_replay_prints_no_scale(self):
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            figures = report.learnt_scales([(0.9, outcome([90], [100]))])
        self.assertEqual(
            (figures, printed.getvalue()), ([{"scale_last": None, "reviews_at_bound": None}], "")
        )


class ServiceClassReportTests(SimpleTestCase):
    """The whole report of one replay: the per-SKU policy as planned is also judged per
    ABC/XYZ service class (where a merchant sets per-class targets), printed and written."""

    def test_the_policy_as_planned_is_judged_and_written_per_service_class(self):
        # four SKUs: demand classes and service classes cut the store differently; as
        # planned, the two AX SKUs serve 70% at every target, the two CZ SKUs 100%
        demand_classes = np.array(["lumpy"] * 4, dtype=object)
        service = np.array(["AX", "CZ", "AX", "CZ"], dtype=object)
        stocked = {"average_inventory_value": 1000.0}
        planned = dataclasses.replace(outcome([70, 100, 70, 100], [100] * 4), **stocked)
        plain = dataclasses.replace(outcome([90, 90, 90, 90], [100] * 4), **stocked)
        outcomes = {"min_max": plain}
        for level in report.LEVELS_TO_TRACE:
            for source in ("shelfcast", replay.PER_SKU, "seasonal_naive"):
                outcomes[f"{source} {level:.2f}"] = plain
            outcomes[f"{replay.PER_SKU} {replay.AS_PLANNED} {level:.2f}"] = planned
        for safety in report.MIN_MAX_SAFETY:
            outcomes[f"fair_min_max {safety:.2f}"] = plain
        result = replay.Replay(outcomes, 4, 112, 16, 0.0, demand_classes, service)
        with tempfile.TemporaryDirectory() as folder:
            args = argparse.Namespace(
                svg=Path(folder) / "frontier.svg", json=Path(folder) / "figures.json",
                world="retail", days=112, review=7, baselines_only=True, no_calibration=False,
            )  # fmt: skip
            printed = io.StringIO()
            with (
                contextlib.redirect_stdout(printed),
                mock.patch.object(report, "CLASS_SKUS", 2),  # two SKUs judge a class here
            ):
                report.report(args, result, [(7, plain)], label="test", series=4)
            written = json.loads(args.json.read_text())
        text = printed.getvalue()
        self.assertIn("per ABC/XYZ service class", text)
        self.assertIn("AX 80% -> 0.700", text)
        self.assertIn("CZ 80% -> 1.000", text)
        for row in written["targets"]:
            self.assertEqual(row["per_sku_as_planned_by_service_class"], {"AX": 0.7, "CZ": 1.0})
            self.assertEqual(row["per_sku_as_planned_realised"], 0.85)


class AcrossSeedsTests(SimpleTestCase):
    """The headline figures of replays of the same forecasts under other drawn terms
    (`--seeds`): each seed's realised fill, misses and saving, printed and written."""

    def replayed(self, stock: float, planned_served: float) -> replay.Replay:
        # our store-wide policy holds ``stock`` at every target and serves 90%; the fair
        # min/max's curve runs from fill 0.8 at 1,000 to 1.0 at 3,000
        service = np.array(["AX", "AX", "CZ", "CZ"], dtype=object)
        ours = dataclasses.replace(
            outcome([90, 90, 90, 90], [100] * 4), average_inventory_value=stock
        )
        planned = outcome([planned_served, planned_served, 90, 90], [100] * 4)
        outcomes = {"min_max": ours}
        for level in report.LEVELS_TO_TRACE:
            outcomes[f"shelfcast {level:.2f}"] = ours
            outcomes[f"seasonal_naive {level:.2f}"] = ours
            outcomes[f"{replay.PER_SKU} {level:.2f}"] = outcome([level * 100] * 4, [100] * 4)
            outcomes[f"{replay.PER_SKU} {replay.AS_PLANNED} {level:.2f}"] = planned
        fills = np.linspace(0.8, 1.0, len(report.MIN_MAX_SAFETY))
        for safety, fill in zip(report.MIN_MAX_SAFETY, fills, strict=True):
            fair = outcome([fill * 100] * 4, [100] * 4)
            stocked = 1000.0 + (fill - 0.8) * 10_000.0
            outcomes[f"fair_min_max {safety:.2f}"] = dataclasses.replace(
                fair, average_inventory_value=stocked
            )
        return replay.Replay(outcomes, 4, 112, 16, 0.0, CLASSES, service)

    def test_each_seeds_misses_and_saving_at_equal_fill(self):
        with mock.patch.object(report, "CLASS_SKUS", 2):
            figures = report.seed_figures(8, self.replayed(1200.0, 50))
        self.assertEqual(figures["seed"], 8)
        self.assertEqual(figures["realised"], dict.fromkeys(report.CALIBRATION_TARGETS, 0.9))
        # serving 90% misses 80, 95 and 98% store-wide (and in lumpy, the one class judged);
        # the per-SKU policy serves each target exactly; as planned, AX serves 50% and the
        # store 70%: every target missed store-wide, in lumpy and erratic (too few: not
        # judged), and in AX (CZ serves 90%: it misses 80, 95 and 98%)
        self.assertEqual(
            figures["misses"],
            {"store-wide": 6, "per-SKU": 0, "as planned": 8, "as planned by service class": 11},
        )
        # at fill 0.9 the fair min/max holds 2,000: 1,200 is 40% less at every target
        for level in report.LEVELS_TO_TRACE:
            self.assertAlmostEqual(figures["saving"][level], 0.4)
            self.assertEqual(figures["inventory"][level], 1200.0)
            self.assertAlmostEqual(figures["baseline_inventory"][level], 2000.0)

    def test_the_seeds_side_by_side_and_in_the_json(self):
        result = self.replayed(1200.0, 90)
        reseeded = [(8, self.replayed(2100.0, 90))]  # more stock than the min/max at 0.9
        with tempfile.TemporaryDirectory() as folder:
            args = argparse.Namespace(
                svg=Path(folder) / "frontier.svg", json=Path(folder) / "figures.json",
                world="retail", days=112, review=7, baselines_only=True, no_calibration=False,
                seed=7,
            )  # fmt: skip
            printed = io.StringIO()
            with contextlib.redirect_stdout(printed):
                report.report(args, result, [], label="test", series=4, reseeded=reseeded)
            written = json.loads(args.json.read_text())
        text = printed.getvalue()
        self.assertIn("Across seeds", text)
        rows = [line.split() for line in text.splitlines() if line.startswith(("7 ", "8 "))]
        self.assertEqual([row[0] for row in rows], ["7", "8", "7", "8", "7", "8"])
        self.assertEqual(rows[0][1:5], ["0.900"] * 4)
        self.assertEqual(rows[2][-2:], ["40.0%", "met"])
        self.assertEqual(rows[3][-3:], ["-5.0%", "NOT", "met"])
        # each seed's inventory beside the min/max's at the same fill, at 95, 98 and 99%
        self.assertIn("Average inventory (GBP) at the top targets", text)
        self.assertEqual(rows[4][1:], ["1,200", "/", "2,000"] * 3)
        self.assertEqual(rows[5][1:], ["2,100", "/", "2,000"] * 3)
        self.assertEqual([row["seed"] for row in written["seeds"]], [7, 8])
        self.assertEqual(written["seeds"][1]["saving"]["0.9"], -0.05)
        self.assertEqual(written["seeds"][1]["inventory"]["0.98"], 2100.0)
        self.assertEqual(written["seeds"][1]["baseline_inventory"]["0.98"], 2000.0)


class ReseededTermsTests(SimpleTestCase):
    def test_a_world_reseeded_has_the_lead_times_its_seed_draws(self):
        from bench.policy import run, worlds

        def world(seed: int) -> replay.Terms:
            args = argparse.Namespace(world="synthetic", seed=seed, days=112)
            _values, terms, *_rest = run.world(args)
            return terms

        seven, eight = world(7), world(8)
        again = worlds.reseeded(seven, 8)
        for field in dataclasses.fields(eight):
            np.testing.assert_array_equal(getattr(again, field.name), getattr(eight, field.name))
        self.assertFalse(np.array_equal(seven.lead_mean, eight.lead_mean))

    def test_the_seeds_are_read_as_whole_numbers_and_anything_else_is_named(self):
        from bench.policy import run

        self.assertEqual(run.seed_list("8, 9,"), [8, 9])
        with self.assertRaisesRegex(argparse.ArgumentTypeError, "'8,x': seeds are whole"):
            run.seed_list("8,x")

    def test_the_overstock_limit_is_days_of_cover_and_anything_else_is_named(self):
        from bench.policy import run

        self.assertEqual(run.days_of_cover("120"), 120.0)
        self.assertEqual(run.days_of_cover("0"), 0.0)  # no limit
        for text in ("-5", "nan", "x"):
            with (
                self.subTest(text),
                self.assertRaisesRegex(
                    argparse.ArgumentTypeError, f"'{text}': the overstock limit is days of cover"
                ),
            ):
                run.days_of_cover(text)
