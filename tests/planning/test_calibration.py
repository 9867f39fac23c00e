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
from planning import calibration, outcomes, policy, services
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
        with tenant_context(self.merchant):
            scale = calibration.learnt_scale(self.merchant)
        self.assertEqual(scale.reviews, 1)
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
            scale = calibration.learnt_scale(self.merchant)
            ShortfallRecord.objects.for_merchant(self.merchant).delete()
        # nothing short: (0 + 2 x expected) / (expected + 2 x expected)
        self.assertAlmostEqual(scale.overall, 2 / 3)
        plain = self.plan(self.forecast_run(END + dt.timedelta(days=14)))
        for code in ("ONE", "TWO"):
            self.assertLess(calibrated[code].quantity, plain[code].quantity)

    def test_a_stock_out_day_counts_at_least_the_forecasts_mean_demand(self):
        one = self.skus[0]
        made_on = END + dt.timedelta(days=1)
        with tenant_context(self.merchant):
            record = ShortfallRecord.objects.create(
                merchant=self.merchant, made_on=made_on, settles_on=made_on + dt.timedelta(days=14),
                review_days=7,
                series={
                    "sku": [one.pk], "location": [self.location.pk], "service_class": ["CZ"],
                    "position": [0.0], "quantity": [0.0], "expected": [3.0], "lead_days": [7],
                    "per_day": [5.0],
                },
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
