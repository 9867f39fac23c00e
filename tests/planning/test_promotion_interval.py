"""The 90% interval of a promotion plan's uplift: stored with the plan from the estimate's
predictive spread (capped where the uplift counted on is), none where the spread is unknown,
and shown on the plans page as the change a merchant reads, in the reader's language."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.test import TestCase
from django.urls import reverse
from django.utils import timezone, translation

from accounts.roles import Role
from accounts.tenancy import tenant_context
from forecasting.models import ForecastRun
from planning import promotion_math as math_
from planning import promotions
from planning.models import PromotionPlan
from tests.factories import LocationFactory, MerchantFactory, SKUFactory, UserFactory, member

TODAY = dt.date(2024, 6, 30)
NOTHING = math_.Outcome(units=112, revenue=1120, margin=672, stock_left=288)
# elasticity -0.75 with a predictive spread of 0.4: at 20% off, demand x 1.182, and 90% likely
# between x 1.021 and x 1.369
EFFECT = math_.Effect(1.0, 0.0, -0.75, 0, "category", 0.4)


def proposal(effect: math_.Effect, depth: float = 0.2) -> promotions.Proposal:
    uplift = min(effect.uplift_at(depth), math_.MAX_UPLIFT)
    outcome = math_.Outcome(units=130, revenue=1240, margin=720, stock_left=270)
    plan = math_.Plan(start=1, days=14, depth=depth, uplift=uplift, outcome=outcome, clears=True)
    return promotions.Proposal(plan, NOTHING, effect, on_hand=400.0, keep=240.0)


class StoredIntervalTests(TestCase):
    def tearDown(self):
        # the portal's middleware activated the reader's language: the next test starts afresh
        translation.deactivate()

    @classmethod
    def setUpTestData(cls):
        cls.merchant = MerchantFactory(slug="alpha", currency="GBP")
        cls.planner = member(cls.merchant, Role.PLANNER, UserFactory(language="en"))
        cls.reader = member(cls.merchant, Role.VIEWER, UserFactory(language="zh-hans"))
        cls.location = LocationFactory(merchant=cls.merchant, code="SHOP")
        cls.sku = SKUFactory(merchant=cls.merchant, code="CUP", unit_price=Decimal("10"))
        with tenant_context(cls.merchant):
            cls.forecast_run = ForecastRun.objects.create(
                merchant=cls.merchant,
                status=ForecastRun.Status.SUCCEEDED,
                history_end=TODAY,
                finished_at=timezone.now(),
            )

    def row(self, effect: math_.Effect, depth: float = 0.2) -> PromotionPlan:
        key = (self.sku.pk, self.location.pk)
        return promotions._plan_row(
            self.merchant, self.forecast_run, key, TODAY, 56, proposal(effect, depth)
        )

    def test_the_plan_stores_the_interval_of_its_uplift(self):
        plan = self.row(EFFECT)
        self.assertEqual(plan.uplift, Decimal("1.182"))
        self.assertEqual((plan.uplift_low, plan.uplift_high), (Decimal("1.021"), Decimal("1.369")))

    def test_an_interval_is_capped_where_the_uplift_is_and_absent_without_a_spread(self):
        # elasticity -6 at 30% off: x 8.5 (4.7 to 15.3), of which the plan counts on x 4
        steep = self.row(math_.Effect(1.0, 0.0, -6.0, 0, "category", 1.0), depth=0.3)
        self.assertEqual((steep.uplift_low, steep.uplift, steep.uplift_high), (Decimal("4"),) * 3)
        unknown = self.row(math_.Effect(1.0, 0.0, -0.75, 0, "prior"))
        self.assertEqual((unknown.uplift_low, unknown.uplift_high), (None, None))

    def test_the_page_says_the_interval_in_the_readers_words(self):
        with tenant_context(self.merchant):
            self.row(EFFECT).save()
        url = reverse("planning:promotions", args=[self.merchant.slug])
        self.client.force_login(self.planner)
        self.assertContains(
            self.client.get(url),
            "demand +18% during the promotion (90% likely between +2% and +37%)",
        )
        self.client.force_login(self.reader)
        self.assertContains(
            self.client.get(url), "促销期间需求 +18%（有 90% 的可能在 +2% 到 +37% 之间）"
        )

    def test_a_plan_stored_without_an_interval_shows_the_uplift_alone(self):
        with tenant_context(self.merchant):
            self.row(math_.Effect(1.0, 0.0, -0.75, 0, "prior")).save()
        self.client.force_login(self.planner)
        page = self.client.get(reverse("planning:promotions", args=[self.merchant.slug]))
        self.assertContains(page, "demand +18% during the promotion,")
        self.assertNotContains(page, "90% likely")
