"""Promotion plans from stored sales and a forecast run: the uplift estimated from history
(planted, then recovered), plans only for overstock without stock-out risk and clear of
other promotions, and an accepted plan becomes a Promotion the next forecast sees."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import numpy as np
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from accounts.errors import DomainError
from accounts.roles import Role
from accounts.tenancy import tenant_context
from forecasting import history as history_reads
from forecasting.models import ForecastRun, SeriesForecast
from forecasting.quantiles import LEVELS
from inventory.models import Promotion, SalesDay
from planning import promotion_checks, promotions
from planning.models import Alert, PromotionPlan
from tests.factories import (
    LocationFactory,
    MerchantFactory,
    SKUFactory,
    StockLevelFactory,
    SupplierItemFactory,
    api_token_secret,
    member,
)

END = dt.date(2024, 6, 30)
PLANTED = 2.0  # promoted demand is twice the baseline, at 20% off
TOLERANCE = 0.10


class PromotionPlanTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.merchant = MerchantFactory()
        cls.planner = member(cls.merchant)
        cls.location = LocationFactory(merchant=cls.merchant, code="SHOP")
        price = Decimal("10.00")
        cls.promoted = SKUFactory(merchant=cls.merchant, code="MUG", category="Mugs",
                                  unit_price=price, unit_cost=Decimal("4"))  # fmt: skip
        cls.slow = SKUFactory(merchant=cls.merchant, code="CUP", category="Mugs",
                              unit_price=price, unit_cost=Decimal("4"))  # fmt: skip
        cls.risky = SKUFactory(merchant=cls.merchant, code="JUG", category="Mugs",
                               unit_price=price, unit_cost=Decimal("4"))  # fmt: skip
        for sku in (cls.slow, cls.risky):
            SupplierItemFactory(merchant=cls.merchant, sku=sku, unit_cost=Decimal("4"))
        rng = np.random.default_rng(5)
        rows = []
        for i in range(365):
            day = END - dt.timedelta(days=364 - i)
            promoted = (i // 7) % 6 == 5
            units = int(rng.poisson(10 * (PLANTED if promoted else 1)))
            rows.append(
                SalesDay(
                    merchant=cls.merchant, sku=cls.promoted, location=cls.location, date=day,
                    units=units, revenue=units * (8 if promoted else 10), on_promotion=promoted,
                    average_price=Decimal("8.00") if promoted else price,
                )
            )  # fmt: skip
            rows.append(
                SalesDay(
                    merchant=cls.merchant, sku=cls.slow, location=cls.location, date=day,
                    units=2, revenue=20, average_price=price,
                )
            )  # fmt: skip
        with tenant_context(cls.merchant):
            SalesDay.objects.bulk_create(rows)

    def setUp(self):
        with tenant_context(self.merchant):
            self.run = ForecastRun.objects.create(
                merchant=self.merchant, status=ForecastRun.Status.SUCCEEDED, history_end=END,
                finished_at=timezone.now(),
            )  # fmt: skip
            for sku in (self.slow, self.risky):
                spread = np.linspace(0.5, 1.5, len(LEVELS))[:, None] * 2.0  # 2 a day
                SeriesForecast.objects.create(
                    merchant=self.merchant, run=self.run, sku=sku, location=self.location,
                    first_date=END + dt.timedelta(days=1), model="transformer+tsb@0.85",
                    quantiles=SeriesForecast.pack(np.repeat(spread, 56, axis=1)),
                )  # fmt: skip
                StockLevelFactory(
                    merchant=self.merchant, sku=sku, location=self.location, on_hand=400
                )
                Alert.objects.create(
                    merchant=self.merchant, kind=Alert.Kind.OVERSTOCK, sku=sku,
                    location=self.location, details={"days_of_cover": 200},
                )  # fmt: skip
            Alert.objects.create(
                merchant=self.merchant, kind=Alert.Kind.STOCK_OUT, sku=self.risky,
                location=self.location, details={"probability": 0.4},
            )  # fmt: skip

    def propose(self) -> list[PromotionPlan]:
        with tenant_context(self.merchant):
            promotions.promotion_plans_propose(merchant=self.merchant, run=self.run)
            return list(PromotionPlan.objects.for_merchant(self.merchant).filter(status="proposed"))

    def test_the_planted_uplift_is_recovered_from_the_sales_history(self):
        with tenant_context(self.merchant):
            effects = promotions.promotion_effects(
                merchant=self.merchant, skus={self.promoted.pk, self.slow.pk}, today=END
            )
        own, borrowed = effects[self.promoted.pk], effects[self.slow.pk]
        self.assertEqual((own.source, borrowed.source), ("sku", "category"))
        self.assertAlmostEqual(own.discount, 0.2, places=6)
        self.assertLess(abs(own.uplift / PLANTED - 1), TOLERANCE)
        self.assertLess(abs(borrowed.uplift_at(0.2) / PLANTED - 1), TOLERANCE)

    def test_a_plan_for_overstock_only_without_stock_out_risk(self):
        (plan,) = self.propose()
        self.assertEqual(plan.sku_id, self.slow.pk)  # JUG is at risk of running out
        self.assertEqual(plan.baseline_units, Decimal("112.000"))  # 2 a day for 56 days
        self.assertGreater(plan.expected_units, plan.baseline_units)
        self.assertLess(plan.expected_stock_left, plan.baseline_stock_left)
        self.assertGreaterEqual(plan.start_date, END + dt.timedelta(days=1))
        self.assertLessEqual(plan.end_date, plan.target_date)
        self.assertEqual(plan.estimate_source, "category")
        # Doing nothing, by hand: 2 a day (the mean of the levels, 1 to 3) for the 56 days to
        # the target day, from 400 on hand, at 10 a unit and the supplier's cost of 4; the SKU
        # should hold no more than 120 days of that demand on the target day.
        self.assertEqual(plan.target_date, END + dt.timedelta(days=56))
        self.assertEqual((plan.on_hand, plan.keep), (400, 240))
        self.assertEqual(
            (plan.baseline_revenue, plan.baseline_margin, plan.baseline_stock_left),
            (1120, 112 * (10 - 4), 400 - 112),
        )
        # The plan, by hand from its window, depth and lift. A borrowed response has no depth
        # of its own: the lift is (1 - depth) ** elasticity (at most 4x). Stock never runs out
        # (at most 112 + 2 x 28 x 3 = 280 of 400), so every lifted unit sells.
        days = (plan.end_date - plan.start_date).days + 1
        depth = float(plan.discount_percent) / 100
        uplift = float(plan.uplift)
        self.assertAlmostEqual(uplift, min((1 - depth) ** float(plan.elasticity), 4.0), delta=0.002)
        units = 112 + 2 * days * (uplift - 1)
        revenue = 10 * (112 - 2 * days) + 10 * (1 - depth) * 2 * days * uplift
        self.assertAlmostEqual(float(plan.expected_units), units, delta=0.05)
        self.assertAlmostEqual(float(plan.expected_revenue), revenue, delta=0.5)
        self.assertAlmostEqual(float(plan.expected_margin), revenue - 4 * units, delta=0.5)
        self.assertAlmostEqual(float(plan.expected_stock_left), 400 - units, delta=0.05)
        self.assertTrue(plan.clears_excess)
        self.assertLessEqual(plan.expected_stock_left, plan.keep)

    def test_the_forecasting_model_checks_each_plan(self):
        (plan,) = self.propose()
        self.assertIsNone(plan.model_uplift)
        self.assertEqual(
            promotion_checks.promotion_plans_check(merchant=self.merchant, run=self.run), 1
        )
        with tenant_context(self.merchant):
            plan.refresh_from_db()
        # a promotion flag and a price cut: the model expects more demand than without
        self.assertGreater(plan.model_uplift, Decimal("1"))

    def test_plans_avoid_existing_promotions_and_accepting_one_reaches_the_forecast(self):
        with tenant_context(self.merchant):
            Promotion.objects.create(
                merchant=self.merchant, code="SPRING", category="Mugs",
                start_date=END + dt.timedelta(days=1), end_date=END + dt.timedelta(days=21),
                discount_percent=Decimal("5"),
            )  # fmt: skip
        (plan,) = self.propose()
        self.assertGreater(plan.start_date, END + dt.timedelta(days=21))
        with tenant_context(self.merchant):
            accepted = promotions.promotion_plan_accept(
                merchant=self.merchant, pk=plan.pk, actor=self.planner
            )
            with self.assertRaisesMessage(DomainError, "not proposed"):
                promotions.promotion_plan_accept(
                    merchant=self.merchant, pk=plan.pk, actor=self.planner
                )
            history = history_reads.load_history(self.merchant, sku_ids=[self.slow.pk])
            known = history_reads.covariates(self.merchant, history, 56).known[0]
        self.assertEqual(accepted.promotion.sku_id, self.slow.pk)
        first = len(history.days) + (plan.start_date - END).days - 1
        days = (plan.end_date - plan.start_date).days + 1
        np.testing.assert_array_equal(known[1, first : first + days], np.ones(days))
        self.assertEqual(known[1, first + days], 0)
        expected_price = 10 * (1 - float(plan.discount_percent) / 100)
        self.assertAlmostEqual(known[0, first], expected_price, places=4)
        self.assertEqual(self.propose(), [])  # its promotion has not ended: nothing new

    def test_a_dismissed_plan_is_not_proposed_again_soon(self):
        (plan,) = self.propose()
        with tenant_context(self.merchant):
            promotions.promotion_plans_dismiss(
                merchant=self.merchant, pks=[plan.pk], actor=self.planner
            )
        self.assertEqual(self.propose(), [])


class PromotionPlanPortalAndApiTests(PromotionPlanTests):
    """The same world, through the portal page and the API."""

    def test_the_page_shows_plans_against_doing_nothing_and_accepts_one(self):
        (plan,) = self.propose()
        self.client.force_login(self.planner)
        url = reverse("planning:promotions", args=[self.merchant.slug])
        response = self.client.get(url)
        self.assertContains(response, "CUP")
        self.assertContains(response, f"{plan.discount_percent:.0f}% off")
        self.assertContains(response, "vs 112")  # units without the promotion
        response = self.client.post(
            reverse("planning:promotions_decide", args=[self.merchant.slug]),
            {"decision": f"accept:{plan.pk}"},
        )
        self.assertRedirects(response, url, fetch_redirect_response=False)
        with tenant_context(self.merchant):
            self.assertTrue(Promotion.objects.for_merchant(self.merchant).filter(
                code=f"PLAN-{plan.pk}", sku=self.slow).exists())  # fmt: skip

    def test_the_api_lists_accepts_and_dismisses(self):
        (plan,) = self.propose()
        token = api_token_secret(self.merchant, role=Role.PLANNER, actor=self.planner)
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
        listed = self.client.get(reverse("promotion-plan-list"), {"status": "proposed"}, **headers)
        (row,) = listed.json()["results"]
        self.assertEqual((row["sku"], row["estimate_source"]), ("CUP", "category"))
        response = self.client.post(
            reverse("promotion-plan-dismiss"), json.dumps({"ids": [plan.pk]}),
            content_type="application/json", **headers,
        )  # fmt: skip
        self.assertEqual(response.json(), {"dismissed": 1})
        response = self.client.post(reverse("promotion-plan-accept", args=[plan.pk]), **headers)
        self.assertEqual(response.status_code, 400)  # dismissed: no longer proposed
