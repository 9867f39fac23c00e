"""The plan's calibration on units short (`planning.calibration`): the plan keeps its orders
once per review period, settles them against the sales that came, and orders more (or less)
once its orders have left more (or less) short than they expected; bounded in what it keeps."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
from django.test import SimpleTestCase, TestCase

from accounts.tenancy import tenant_context
from forecasting.quantiles import LEVELS
from planning import calibration, outcomes, policy, selectors, services
from planning.calibration import calibrated_target
from planning.models import ReorderSuggestion, ShortfallRecord
from tests import factories

END = dt.date(2024, 6, 30)


class RatioTests(SimpleTestCase):
    def test_the_prior_shrinks_a_few_reviews_towards_one_and_bounds_hold(self):
        # 10 expected, 30 short over one review: the prior adds two reviews' worth (20) to both
        self.assertAlmostEqual(calibration.shortfall_ratio(10.0, 30.0, 1), 50 / 30)
        # the same over ten reviews: the prior is 2, the data speaks louder
        self.assertAlmostEqual(calibration.shortfall_ratio(10.0, 30.0, 10), 32 / 12)
        self.assertEqual(calibration.shortfall_ratio(10.0, 1000.0, 1), calibration.BOUNDS[1])
        self.assertEqual(calibration.shortfall_ratio(10.0, 0.0, 50), calibration.BOUNDS[0])
        self.assertEqual(calibration.shortfall_ratio(0.0, 5.0, 3), 1.0)
        self.assertEqual(calibration.shortfall_ratio(4.0, 5.0, 0), 1.0)

    def test_the_prior_can_shrink_towards_what_other_reviews_learnt(self):
        # the same review shrunk towards 2 instead of 1: (30 + 20 x 2) / (10 + 20)
        self.assertAlmostEqual(calibration.shortfall_ratio(10.0, 30.0, 1, toward=2.0), 70 / 30)
        self.assertEqual(calibration.shortfall_ratio(0.0, 0.0, 0, toward=1.7), 1.7)
        self.assertEqual(calibration.shortfall_ratio(0.0, 0.0, 0, toward=9.0), 4.0)

    def test_the_demand_of_the_lead_time_and_of_the_period_after_arrival(self):
        demand = np.array([[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], [1.0] * 6])
        during, after = calibration.period_demand(demand, lead_days=np.array([2, 5]), review_days=3)
        np.testing.assert_allclose(during, [3.0, 5.0])
        np.testing.assert_allclose(after, [12.0, 1.0])  # days 3-5; one day left after day 5

    def test_units_left_short_after_the_order_arrives(self):
        demand = np.array([[3.0] * 10, [1.0] * 10])  # 3 a day, 1 a day; reviews of 3 days
        cases = [
            # 6 sold in the lead time leaves nothing of 5; the next 3 days ask 9, the order of
            # 10 covers them. 2 sold leaves 3, which covers the next 3 days
            ((5.0, 5.0), (10.0, 0.0), (2, 2), (0.0, 0.0)),
            # 3 sold leaves 2; the next 3 days ask 9: 9 - 2 - 4 = 3 short. Nothing held; days
            # 4-6 ask 3, the order covers 1: 2 short
            ((5.0, 0.0), (4.0, 1.0), (1, 4), (3.0, 2.0)),
        ]
        for position, quantity, lead, short in cases:
            with self.subTest(position=position, quantity=quantity, lead=lead):
                found = calibration.units_left_short(
                    demand,
                    position=np.array(position),
                    quantity=np.array(quantity),
                    lead_days=np.array(lead),
                    review_days=3,
                )
                np.testing.assert_allclose(found, short)

    def test_the_calibrated_target_shrinks_the_allowance_by_the_scale(self):
        self.assertAlmostEqual(calibrated_target(0.9, 2.0), 0.95)
        self.assertAlmostEqual(calibrated_target(0.9, 0.5), 0.8)
        self.assertAlmostEqual(calibrated_target(0.95, 1.0), 0.95)


class PlanCalibrationTests(TestCase):
    """Two SKUs with the same uncertain demand (median 10 a day), a certain 7-day lead time,
    weekly reviews, nothing in stock."""

    @classmethod
    def setUpTestData(cls):
        cls.merchant = factories.MerchantFactory(
            review_period_days=7, target_service_level=Decimal("0.9")
        )
        cls.location = factories.LocationFactory(merchant=cls.merchant)
        cls.skus = []
        for code in ("ONE", "TWO"):
            sku = factories.SKUFactory(merchant=cls.merchant, code=code, unit_price=Decimal("5"))
            factories.SupplierItemFactory(
                merchant=cls.merchant, sku=sku, unit_cost=Decimal("2"),
                lead_time_mean_days=Decimal("7"), lead_time_std_days=Decimal("0"),
                moq=Decimal("1"), pack_size=Decimal("1"),
            )  # fmt: skip
            cls.skus.append(sku)
        cls.first = cls.forecast_run(END)

    @classmethod
    def forecast_run(cls, history_end: dt.date):
        spread = np.interp(LEVELS, [0.0, 0.5, 1.0], [0.0, 10.0, 30.0])[:, None]
        run = factories.succeeded_run(cls.merchant, history_end=history_end)
        for sku in cls.skus:
            factories.series_forecast(
                cls.merchant, run, sku, cls.location, np.repeat(spread, 56, axis=1),
                first_date=history_end + dt.timedelta(days=1), model="transformer+tsb@0.85",
            )  # fmt: skip
        return run

    def plan(self, run) -> dict[str, ReorderSuggestion]:
        with tenant_context(self.merchant):
            services.reorder_suggestions_plan(merchant=self.merchant, run=run)
            rows = ReorderSuggestion.objects.for_merchant(self.merchant).filter(
                status=ReorderSuggestion.Status.PROPOSED, forecast_run=run
            )
            return {row.sku.code: row for row in rows.select_related("sku")}

    def targets(self) -> calibration.Targets:
        settings = selectors.planning_settings(merchant=self.merchant)
        return calibration.Targets.of(self.merchant, settings)

    def records(self):
        with tenant_context(self.merchant):
            return list(ShortfallRecord.objects.for_merchant(self.merchant).order_by("made_on"))

    def sell(self, first: dt.date, days: int, units: int, stock_out: bool = False) -> None:
        for day in range(days):
            for sku in self.skus:
                factories.SalesDayFactory(
                    merchant=self.merchant, sku=sku, location=self.location,
                    date=first + dt.timedelta(days=day), units=units, stock_out=stock_out,
                )  # fmt: skip

    def kept(self, made_on: dt.date, skus, **columns) -> ShortfallRecord:
        """A review's record kept by hand on ``made_on`` (review of 7 days) for ``skus`` at
        the location, with the other series ``columns``."""
        settles_on = made_on + dt.timedelta(days=max(columns["lead_days"]) + 7)
        series = {"sku": [sku.pk for sku in skus], "location": [self.location.pk] * len(skus)}
        with tenant_context(self.merchant):
            return ShortfallRecord.objects.create(
                merchant=self.merchant, made_on=made_on, settles_on=settles_on, review_days=7,
                series=series | columns,
            )  # fmt: skip

    def test_a_plan_is_kept_once_per_review_with_what_its_orders_expect(self):
        lines = self.plan(self.first)
        self.plan(self.forecast_run(END))  # the same day again: nothing more kept
        (record,) = self.records()
        self.assertEqual(record.made_on, END + dt.timedelta(days=1))
        self.assertEqual(record.settles_on, END + dt.timedelta(days=15))  # lead 7 + review 7
        self.assertIsNone(record.settled_at)
        series = record.series
        self.assertEqual(sorted(series["sku"]), sorted(sku.pk for sku in self.skus))
        by_sku = dict(zip(series["sku"], series["quantity"], strict=True))
        for sku in self.skus:  # the orders kept are the lines suggested
            self.assertAlmostEqual(by_sku[sku.pk], float(lines[sku.code].quantity), places=3)
        # store-wide 90%: the orders were chosen to leave about a tenth of a review short
        per_review = np.array(series["per_day"]) * 7
        self.assertAlmostEqual(sum(series["expected"]) / per_review.sum(), 0.1, delta=0.02)
        self.assertEqual(series["lead_days"], [7, 7])

    def test_orders_that_left_more_short_than_expected_make_the_next_plan_order_more(self):
        self.plan(self.first)
        # demand came in at three times the forecast's median: 30 a day for two weeks
        self.sell(END + dt.timedelta(days=1), 14, 30)
        second = self.forecast_run(END + dt.timedelta(days=14))
        calibrated = self.plan(second)
        settled, kept = self.records()
        self.assertIsNotNone(settled.settled_at)
        self.assertEqual(settled.series, {})
        # nothing on hand, 70 ordered per SKU at most for the 7 days after arrival that asked
        # 210: each order left well over 100 short, against about 7 expected
        (service_class,) = settled.actual
        self.assertGreater(settled.actual[service_class], 200)
        self.assertGreater(settled.actual[service_class], 10 * settled.expected[service_class])
        # the week after arrival asked 7 x 30 of each SKU
        self.assertEqual(settled.demanded, {service_class: 420.0})
        with tenant_context(self.merchant):
            scale = calibration.learnt_scale(self.merchant, self.targets())
        self.assertEqual(scale.reviews, 1)
        # what those orders served of it, store-wide (one target for the store)
        self.assertAlmostEqual(scale.served, 1 - settled.actual[service_class] / 420.0)
        self.assertLess(scale.served, 0.6)
        self.assertEqual(scale.served_by_class, {})
        self.assertEqual(scale.overall, calibration.BOUNDS[1])  # (~210 + 14) / (7 + 14) > 4
        self.assertIsNone(kept.settled_at)  # the second plan's own record waits its turn
        # the same plan without what was learnt orders less
        with tenant_context(self.merchant):
            ShortfallRecord.objects.for_merchant(self.merchant).delete()
        plain = self.plan(self.forecast_run(END + dt.timedelta(days=14)))
        for code in ("ONE", "TWO"):
            self.assertGreater(calibrated[code].quantity, plain[code].quantity)
            self.assertEqual(calibrated[code].shortfall_scale, Decimal("4"))
            self.assertEqual(plain[code].shortfall_scale, Decimal("1"))
        # either way each line says the fill rate it is expected to serve, read with the
        # scale it was planned with: the store's target
        for lines in (calibrated, plain):
            targets = [float(line.target_fill_rate) for line in lines.values()]
            self.assertAlmostEqual(sum(targets) / 2, 0.9, delta=0.01)

    def test_orders_that_left_less_short_than_expected_make_it_order_less(self):
        self.plan(self.first)
        self.sell(END + dt.timedelta(days=1), 14, 5)  # half the median: nothing short
        second = self.forecast_run(END + dt.timedelta(days=14))
        calibrated = self.plan(second)
        with tenant_context(self.merchant):
            scale = calibration.learnt_scale(self.merchant, self.targets())
            ShortfallRecord.objects.for_merchant(self.merchant).delete()
        # nothing short: (0 + 2 x expected) / (expected + 2 x expected)
        self.assertAlmostEqual(scale.overall, 2 / 3)
        plain = self.plan(self.forecast_run(END + dt.timedelta(days=14)))
        for code in ("ONE", "TWO"):
            self.assertLess(calibrated[code].quantity, plain[code].quantity)

    def test_a_stock_out_day_counts_at_least_the_forecasts_mean_demand(self):
        one = self.skus[0]
        made_on = END + dt.timedelta(days=1)
        record = self.kept(
            made_on, [one], service_class=["CZ"], position=[0.0], quantity=[0.0],
            expected=[3.0], lead_days=[7], per_day=[5.0],
        )  # fmt: skip
        for day in range(14):  # nothing sold; from the day the order arrived, out of stock
            factories.SalesDayFactory(
                merchant=self.merchant, sku=one, location=self.location,
                date=made_on + dt.timedelta(days=day), units=8 if day == 13 else 0,
                stock_out=day >= 7,
            )  # fmt: skip
        with tenant_context(self.merchant):
            settled = calibration.settle(
                merchant=self.merchant, through=END + dt.timedelta(days=13)
            )
            self.assertEqual(settled, 0)  # its last day is not in yet
            settled = calibration.settle(
                merchant=self.merchant, through=END + dt.timedelta(days=14)
            )
            record.refresh_from_db()
        self.assertEqual(settled, 1)
        # six stock-out days count the mean of 5, the seventh the 8 it sold
        self.assertEqual(record.actual, {"CZ": 38.0})
        self.assertEqual(record.expected, {"CZ": 3.0})
        self.assertEqual(record.demanded, {"CZ": 38.0})  # nothing held: all of it short

    def test_each_order_is_judged_once_its_own_period_has_passed(self):
        one, two = self.skus
        made_on = END + dt.timedelta(days=1)
        record = self.kept(
            made_on, [one, two], service_class=["AX", "CZ"], position=[0.0, 0.0],
            quantity=[0.0, 2.0], expected=[3.0, 1.0], lead_days=[7, 35], per_day=[1.0, 1.0],
        )  # fmt: skip
        self.sell(made_on, 42, 1)  # one unit a day of each
        with tenant_context(self.merchant):
            # two weeks in: the first order's week after arrival has passed, the second's not
            self.assertEqual(
                calibration.settle(merchant=self.merchant, through=END + dt.timedelta(days=14)), 0
            )
            record.refresh_from_db()
            self.assertIsNone(record.settled_at)
            self.assertEqual(record.expected, {"AX": 3.0})
            self.assertEqual(record.actual, {"AX": 7.0})  # nothing held: the week's 7 short
            self.assertEqual(record.demanded, {"AX": 7.0})
            self.assertEqual(record.series["sku"], [two.pk])  # the other waits
            self.assertEqual(record.series["lead_days"], [35])
            scale = calibration.learnt_scale(self.merchant, self.targets())
            self.assertEqual(scale.reviews, 1)
            # (7 + 2 x 3) / (3 + 2 x 3)
            self.assertAlmostEqual(scale.overall, 13 / 9)
            # the second order's week after arrival ends on the 42nd day
            self.assertEqual(
                calibration.settle(merchant=self.merchant, through=END + dt.timedelta(days=41)), 0
            )
            self.assertEqual(
                calibration.settle(merchant=self.merchant, through=END + dt.timedelta(days=42)), 1
            )
            record.refresh_from_db()
        self.assertIsNotNone(record.settled_at)
        self.assertEqual(record.series, {})
        # its order of 2 served 2 of the 7 units of its week
        self.assertEqual(record.expected, {"AX": 3.0, "CZ": 1.0})
        self.assertEqual(record.actual, {"AX": 7.0, "CZ": 5.0})
        self.assertEqual(record.demanded, {"AX": 7.0, "CZ": 7.0})

    def test_per_class_the_class_scale_moves_the_order_and_the_line_keeps_the_target(self):
        with tenant_context(self.merchant):
            services.planning_settings_update(
                merchant=self.merchant, actor=None, service_policy="classes",
                service_levels={"CZ": 0.9},
            )  # fmt: skip
        plain = self.plan(self.first)
        with tenant_context(self.merchant):
            ShortfallRecord.objects.for_merchant(self.merchant).delete()
            # one review of the CZ class left 3 times what it expected short: (30 + 20) / (10 +
            # 20) = 5/3, so the class is planned for 1 - 0.1 / (5/3) = 0.94
            ShortfallRecord.objects.create(
                merchant=self.merchant, made_on=END - dt.timedelta(days=60),
                settles_on=END - dt.timedelta(days=46), review_days=7,
                expected={"CZ": 10.0}, actual={"CZ": 30.0},
                settled_at=dt.datetime(2024, 6, 1, tzinfo=dt.UTC),
            )  # fmt: skip
        calibrated = self.plan(self.forecast_run(END))
        for code in ("ONE", "TWO"):
            self.assertEqual(calibrated[code].target_fill_rate, Decimal("0.9"))
            self.assertEqual(plain[code].target_fill_rate, Decimal("0.9"))
            self.assertGreater(calibrated[code].quantity, plain[code].quantity)
            self.assertEqual(calibrated[code].shortfall_scale, Decimal("1.6667"))
            # the expected fill rate is read with the scale: the class's target either way
            for line in (calibrated[code], plain[code]):
                self.assertAlmostEqual(float(line.expected_fill_rate), 0.9, delta=0.01)
            # and so is it when the planner changes the quantity
            with tenant_context(self.merchant):
                again = outcomes.outcome(
                    calibrated[code], calibrated[code].quantity, paths=policy.PLAN_PATHS
                )
                more = outcomes.outcome(
                    calibrated[code], calibrated[code].quantity + 20, paths=policy.PLAN_PATHS
                )
            self.assertAlmostEqual(
                float(again.expected_fill_rate),
                float(calibrated[code].expected_fill_rate),
                delta=0.001,
            )
            self.assertGreater(more.expected_fill_rate, again.expected_fill_rate)

    def test_the_plan_keeps_the_fill_rates_it_planned_for_and_learns_at_todays(self):
        self.plan(self.first)
        (record,) = self.records()
        self.assertEqual((record.service_policy, record.targets), ("store", {"CZ": 0.9}))
        with tenant_context(self.merchant):
            record.delete()
            services.planning_settings_update(
                merchant=self.merchant, actor=None, service_policy="classes",
                service_levels={"CZ": 0.8},
            )  # fmt: skip
        self.plan(self.forecast_run(END))
        (record,) = self.records()
        self.assertEqual((record.service_policy, record.targets), ("classes", {"CZ": 0.8}))
        with tenant_context(self.merchant):
            record.delete()
            services.planning_settings_update(
                merchant=self.merchant, actor=None, service_policy="store"
            )
            # a review at 90% left three times what it expected short, one at 95% as much
            for weeks, target, actual in ((9, 0.9, 30.0), (8, 0.95, 10.0)):
                made_on = END - dt.timedelta(days=7 * weeks)
                ShortfallRecord.objects.create(
                    merchant=self.merchant, made_on=made_on, review_days=7,
                    settles_on=made_on + dt.timedelta(days=14), service_policy="store",
                    targets={"CZ": target}, expected={"CZ": 10.0}, actual={"CZ": actual},
                    settled_at=dt.datetime(2024, 6, 1, tzinfo=dt.UTC),
                )  # fmt: skip
        # at 90% the 90% review, shrunk towards the other's 1: (30 + 20) / (10 + 20); the
        # two pooled would say (40 + 20) / (20 + 20) = 1.5
        lines = self.plan(self.forecast_run(END))
        for line in lines.values():
            self.assertEqual(line.shortfall_scale, Decimal("1.6667"))
        self.merchant.target_service_level = Decimal("0.95")
        self.merchant.save(update_fields=["target_service_level"])
        # at 95% the 95% review, shrunk towards the other's 5/3: (10 + 20 x 5/3) / (10 + 20)
        lines = self.plan(self.forecast_run(END))
        for line in lines.values():
            self.assertEqual(line.shortfall_scale, Decimal("1.4444"))

    def test_only_the_last_settled_reviews_are_kept(self):
        settled_at = dt.datetime(2024, 6, 1, tzinfo=dt.UTC)
        with tenant_context(self.merchant):
            for week in range(calibration.KEPT_REVIEWS + 4):
                made_on = END - dt.timedelta(days=400 - 7 * week)
                ShortfallRecord.objects.create(
                    merchant=self.merchant, made_on=made_on,
                    settles_on=made_on + dt.timedelta(days=14), review_days=7,
                    expected={"CZ": 1.0}, actual={"CZ": 1.0}, settled_at=settled_at,
                )  # fmt: skip
            calibration.settle(merchant=self.merchant, through=END)
        records = self.records()
        self.assertEqual(len(records), calibration.KEPT_REVIEWS)
        self.assertEqual(records[0].made_on, END - dt.timedelta(days=400 - 7 * 4))


class TargetChangeTests(TestCase):
    """Reviews planned for another fill rate, or under the other policy, than today's only
    set the prior of the scale learnt from today's."""

    @classmethod
    def setUpTestData(cls):
        cls.merchant = factories.MerchantFactory(target_service_level=Decimal("0.98"))
        cls.week = 0

    def review(self, policy: str, targets: dict, expected: dict, actual: dict) -> None:
        made_on = END - dt.timedelta(days=300 - 7 * self.week)
        self.week += 1
        ShortfallRecord.objects.create(
            merchant=self.merchant, made_on=made_on, settles_on=made_on + dt.timedelta(days=14),
            review_days=7, service_policy=policy, targets=targets, expected=expected,
            actual=actual, settled_at=dt.datetime(2024, 6, 1, tzinfo=dt.UTC),
        )  # fmt: skip

    def scale(self, policy: str = "store", store: float = 0.98, **by_class: float):
        with tenant_context(self.merchant):
            return calibration.learnt_scale(
                self.merchant, calibration.Targets(policy, store, by_class)
            )

    def test_after_the_store_raises_its_target_the_new_reviews_lead(self):
        with tenant_context(self.merchant):
            for _ in range(10):  # at 90% the orders left what they expected short
                self.review("store", {"AX": 0.9}, {"AX": 10.0}, {"AX": 10.0})
            for _ in range(2):  # at 98% four times as much
                self.review("store", {"AX": 0.98}, {"AX": 10.0}, {"AX": 40.0})
        # all twelve pooled would say (180 + 20) / (120 + 20) = 1.43; the two at 98% shrunk
        # towards the ten others' 1: (80 + 20 x 1) / (20 + 20)
        now = self.scale()
        self.assertAlmostEqual(now.overall, 2.5)
        self.assertEqual((now.reviews, now.elsewhere), (12, 10))
        # back at 90%: its ten reviews, shrunk towards the 98% reviews' (80 + 20) / (20 + 20)
        self.assertAlmostEqual(self.scale(store=0.9).overall, (100 + 20 * 2.5) / (100 + 20))
        # at a target no review was planned for, every review is the prior
        at_95 = self.scale(store=0.95)
        self.assertAlmostEqual(at_95.overall, (180 + 20) / (120 + 20))
        self.assertEqual(at_95.elsewhere, 12)

    def test_reviews_kept_before_the_targets_were_recorded_count_as_today(self):
        with tenant_context(self.merchant):
            self.review("", {}, {"AX": 10.0}, {"AX": 30.0})
            self.review("store", {"AX": 0.9}, {"AX": 10.0}, {"AX": 10.0})
        now = self.scale()
        # the unrecorded one is today's, shrunk towards the 90% one's (10 + 20) / (10 + 20)
        self.assertAlmostEqual(now.overall, (30 + 20 * 1.0) / (10 + 20))
        self.assertEqual(now.elsewhere, 1)

    def test_per_class_only_the_class_whose_target_moved_relearns(self):
        with tenant_context(self.merchant):
            for _ in range(3):
                self.review(
                    "classes", {"AX": 0.98, "CZ": 0.9}, {"AX": 10.0, "CZ": 5.0},
                    {"AX": 30.0, "CZ": 15.0},
                )  # fmt: skip
            self.review("classes", {"AX": 0.98, "CZ": 0.8}, {"AX": 10.0, "CZ": 5.0},
                        {"AX": 30.0, "CZ": 5.0})  # fmt: skip
            # a store-wide review planned AX at 98% too, but under the other policy
            self.review("store", {"AX": 0.98, "CZ": 0.98}, {"AX": 10.0, "CZ": 5.0},
                        {"AX": 10.0, "CZ": 5.0})  # fmt: skip
        now = self.scale("classes", AX=0.98, CZ=0.8)
        # AX: its four per-class reviews, (120 + 2 x 10 x 1) / (40 + 20), the store-wide
        # review's ratio (10 + 20) / (10 + 20) = 1 as the prior
        self.assertAlmostEqual(now.by_class["AX"], (120 + 20) / (40 + 20))
        # CZ: the one review at 80%, shrunk towards the ratio of the four others (the three
        # at 90% and the store-wide one): 20 units expected short, 50 left
        others = calibration.shortfall_ratio(20.0, 50.0, 4)
        self.assertAlmostEqual(now.by_class["CZ"], (5 + 10 * others) / (5 + 10))
        self.assertEqual(now.elsewhere, 4)  # the store-wide one and the three CZ at 90%
        # the store-wide scale reads the store-wide review alone (15 expected, 15 left),
        # shrunk towards the four per-class ones (60 expected, 170 left)
        rest = calibration.shortfall_ratio(60.0, 170.0, 4)
        self.assertAlmostEqual(now.overall, (15 + 2 * 15 * rest) / (15 + 2 * 15))

    def test_per_class_the_classes_held_to_one_target_lend_each_other_their_reviews(self):
        with tenant_context(self.merchant):
            for _ in range(3):  # AX's orders left three times what they expected, BZ's as much
                self.review(
                    "classes", {"AX": 0.9, "BZ": 0.9}, {"AX": 10.0, "BZ": 10.0},
                    {"AX": 30.0, "BZ": 10.0},
                )  # fmt: skip
        # the two together: (120 + 2 x 20) / (60 + 2 x 20) = 1.6
        together = calibration.shortfall_ratio(60.0, 120.0, 3)
        self.assertAlmostEqual(together, 1.6)
        # each class's three reviews shrunk towards it by CLASS_PRIOR_REVIEWS of its own
        prior = calibration.CLASS_PRIOR_REVIEWS * 10.0
        now = self.scale("classes", AX=0.9, BZ=0.9)
        self.assertAlmostEqual(now.by_class["AX"], (90 + prior * 1.6) / (30 + prior))
        self.assertAlmostEqual(now.by_class["BZ"], (30 + prior * 1.6) / (30 + prior))
        self.assertGreater(now.by_class["AX"], now.by_class["BZ"])
        # held to different targets they learn apart: AX its own three, shrunk towards 1
        apart = self.scale("classes", AX=0.9, BZ=0.8)
        self.assertAlmostEqual(apart.by_class["AX"], (90 + 20) / (30 + 20))
        # and store-wide, where no class has a target of its own, each class is read alone
        alone = self.scale("store", store=0.9)
        self.assertAlmostEqual(alone.by_class["BZ"], (30 + 20) / (30 + 20))
