"""Forecast value added (forecasting/value_added.py) against a small example worked out by
hand: two planners' overrides, two nightly runs, a week of sales, a stock-out day, and
overrides that must not count (expired before the day, set after it)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
from django.test import TestCase
from django.urls import reverse

from accounts.roles import Role
from accounts.tenancy import tenant_context
from forecasting.models import ForecastOverride, ForecastRun
from forecasting.quantiles import LEVELS
from forecasting.value_added import forecast_value_added
from tests import factories

JUNE = dt.date(2024, 6, 1)


def june(day: int) -> dt.date:
    return dt.date(2024, 6, day)


def moment(day: int) -> dt.datetime:
    return dt.datetime(2024, 6, day, 9, 0, tzinfo=dt.UTC)


class ValueAddedTests(TestCase):
    """Medians of the model: run 1 (history to 9 June) forecasts MUG at 10 and JUG at 8 a day,
    run 2 (to 10 June) MUG at 12 and JUG at 8. Ann raised MUG by 50% on 10 to 12 June; Bob
    set JUG to 5 a day everywhere on 11 and 12 June. JUG was out of stock on 12 June.

    MUG, Ann's, against run 1 on the 10th and run 2 on the 11th and 12th:
        day  sold  model  override  naive (a week before)
        10    14     10      15        9
        11    16     12      18       11
        12    12     12      18       10
        errors:       4+4+0=8  1+2+6=9  5+5+2=12   over 42 sold
    JUG, Bob's, the 11th only (the 12th was out of stock): sold 4, model 8, override 5,
    naive 6: errors 4, 1, 2 over 4 sold.
    """

    @classmethod
    def setUpTestData(cls):
        cls.merchant, cls.ann = factories.merchant_with(Role.PLANNER, slug="shop")
        cls.ann.full_name = "Ann Planner"
        cls.ann.save()
        cls.bob = factories.member(cls.merchant, Role.PLANNER)
        cls.bob.full_name = "Bob Buyer"
        cls.bob.save()
        cls.location = factories.LocationFactory(merchant=cls.merchant)
        cls.mug = factories.SKUFactory(merchant=cls.merchant, code="MUG")
        cls.jug = factories.SKUFactory(merchant=cls.merchant, code="JUG")
        spread = np.linspace(0.5, 1.5, len(LEVELS))[:, None]  # the median row is exactly 1
        for history_end, medians in ((june(9), {cls.mug: 10, cls.jug: 8}),
                                     (june(10), {cls.mug: 12, cls.jug: 8})):  # fmt: skip
            run = factories.succeeded_run(cls.merchant, history_end=history_end, horizon=14)
            for sku, median in medians.items():
                factories.series_forecast(
                    cls.merchant, run, sku, cls.location, np.repeat(spread * median, 14, axis=1),
                    first_date=history_end + dt.timedelta(days=1), model="ets",
                )  # fmt: skip
        with tenant_context(cls.merchant):
            # a later run that failed half way is not a forecast anyone planned from
            ForecastRun.objects.create(
                merchant=cls.merchant, status=ForecastRun.Status.FAILED, history_end=june(10)
            )
            cls.override(cls.mug, cls.ann, "percent", "50", 10, 12, expires=30, set_on=1)
            cls.override(cls.jug, cls.bob, "value", "5", 11, 12, expires=30, set_on=5, here=False)
            # neither of these counts: expired before its days, and set after them
            cls.override(cls.mug, cls.ann, "percent", "-90", 13, 14, expires=12, set_on=1)
            cls.override(cls.mug, cls.bob, "value", "40", 13, 14, expires=30, set_on=20)
        sales = {
            cls.mug: {3: 9, 4: 11, 5: 10, 6: 3, 7: 3, 10: 14, 11: 16, 12: 12, 13: 20, 14: 20},
            cls.jug: {4: 6, 5: 7, 11: 4, 12: 0},
        }
        for sku, days in sales.items():
            for day, units in days.items():
                factories.SalesDayFactory(
                    merchant=cls.merchant,
                    sku=sku,
                    location=cls.location,
                    date=june(day),
                    units=units,
                    stock_out=(sku == cls.jug and day == 12),
                )

    @classmethod
    def override(cls, sku, planner, kind, amount, first, last, *, expires, set_on, here=True):
        return ForecastOverride.objects.create(
            merchant=cls.merchant,
            sku=sku,
            location=cls.location if here else None,
            start_date=june(first),
            end_date=june(last),
            kind=kind,
            amount=Decimal(amount),
            reason="Known",
            expires_on=june(expires),
            created_by=planner,
            created_at=moment(set_on),
        )

    def report(self) -> dict:
        return forecast_value_added(merchant=self.merchant, start=JUNE, end=june(30))

    def assertScores(self, found: dict, expected: dict) -> None:
        for key, value in expected.items():
            if isinstance(value, dict):
                for name, number in value.items():
                    self.assertAlmostEqual(found[key][name], number, places=4, msg=(key, name))
            else:
                self.assertAlmostEqual(found[key], value, places=4, msg=key)

    def test_the_numbers_worked_out_by_hand(self):
        report = self.report()
        self.assertEqual((report["from"], report["to"]), (JUNE, june(14)))  # the last sales
        self.assertScores(
            report["overall"],
            {
                "sku_days": 4,
                "actual_units": 46,
                "model": {"mae": 12 / 4, "wape": round(12 / 46, 4)},
                "override": {"mae": 10 / 4, "wape": round(10 / 46, 4)},
                "seasonal_naive": {"mae": 14 / 4, "wape": round(14 / 46, 4)},
                "value_added": round(12 / 46, 4) - round(10 / 46, 4),
                "value_added_over_naive": round(14 / 46, 4) - round(10 / 46, 4),
            },
        )
        ann, bob = report["planners"]
        self.assertEqual((ann["planner"], ann["name"]), (self.ann.pk, "Ann Planner"))
        self.assertScores(
            ann,
            {
                "sku_days": 3,
                "actual_units": 42,
                "model": {"mae": 8 / 3, "wape": round(8 / 42, 4)},
                "override": {"mae": 3.0, "wape": round(9 / 42, 4)},
                "seasonal_naive": {"mae": 4.0, "wape": round(12 / 42, 4)},
                # Ann's overrides made MUG's forecast worse than the model's
                "value_added": round(8 / 42, 4) - round(9 / 42, 4),
            },
        )
        self.assertLess(ann["value_added"], 0)
        self.assertEqual(bob["name"], "Bob Buyer")
        self.assertScores(
            bob,
            {
                "sku_days": 1,
                "actual_units": 4,
                "model": {"mae": 4.0, "wape": 1.0},
                "override": {"mae": 1.0, "wape": 0.25},
                "seasonal_naive": {"mae": 2.0, "wape": 0.5},
                "value_added": 0.75,
            },
        )

    def test_a_window_without_overridden_days_has_nothing_to_score(self):
        report = forecast_value_added(merchant=self.merchant, start=june(20), end=june(30))
        self.assertEqual(report["overall"]["sku_days"], 0)
        self.assertIsNone(report["overall"]["value_added"])
        self.assertEqual(report["planners"], [])

    def test_the_accuracy_page_shows_it_per_planner(self):
        self.client.force_login(self.ann)
        page = self.client.get(reverse("forecasting:accuracy", args=["shop"]))
        self.assertContains(page, "Forecast value added")
        self.assertContains(page, "Ann Planner")
        self.assertContains(page, "Bob Buyer")
        self.assertEqual(page.context["value_added"]["overall"]["sku_days"], 4)
