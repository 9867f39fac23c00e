"""A bulk edit of quantities on the orders page leaves each line with the figures an edit of
that line alone would give it (`planning.outcomes`): its quantity rounded to its terms, its
cost, its days of cover (also on lines planned before their daily demand was stored) and its
expected fill rate, on the page as soon as it comes back."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
from django.test import TestCase
from django.urls import reverse

from accounts.roles import Role
from accounts.tenancy import tenant_context
from forecasting.models import ForecastRun, SeriesForecast
from forecasting.quantiles import LEVELS
from planning import outcomes, policy
from planning.models import ReorderSuggestion
from tests.factories import (
    LocationFactory,
    MerchantFactory,
    SKUFactory,
    SupplierFactory,
    member,
    reorder_suggestion,
)

# Demand of exactly 3 a day; lead time 5 days (15 units), review 7 days (21 more); position
# 20 on hand + 4 on order - 2 promised = 22; packs of 6, MOQ 12, 2.50 a unit.
FIGURES = {
    "lead_time_days": Decimal("5"), "lead_time_std_days": Decimal("0"), "review_days": 7,
    "on_hand": Decimal("20"), "on_order": Decimal("4"), "committed": Decimal("2"),
    "lead_demand": Decimal("15"), "cycle_demand": Decimal("36"), "safety_stock": Decimal("4.5"),
    "order_up_to": Decimal("40.5"), "needed": Decimal("18.5"), "pack_size": Decimal("6"),
    "moq": Decimal("12"), "unit_cost": Decimal("2.5"), "days_of_cover": Decimal("10.3"),
    "expected_fill_rate": Decimal("1"), "suggested_quantity": Decimal("24"),
}  # fmt: skip


class BulkEditRecomputeTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.merchant = MerchantFactory(slug="shop", timezone="UTC")
        cls.planner = member(cls.merchant, Role.PLANNER)
        location = LocationFactory(merchant=cls.merchant, code="WH")
        supplier = SupplierFactory(merchant=cls.merchant, code="ACME")
        with tenant_context(cls.merchant):
            run = ForecastRun.objects.create(
                merchant=cls.merchant, status=ForecastRun.Status.SUCCEEDED
            )
        cls.lines = {}
        # stored daily demand; none stored (a line planned before it was kept); no demand
        for code, daily in (("NOW", Decimal("3")), ("OLD", None), ("IDLE", Decimal("0"))):
            sku = SKUFactory(merchant=cls.merchant, code=code)
            with tenant_context(cls.merchant):
                SeriesForecast.objects.create(
                    merchant=cls.merchant, run=run, sku=sku, location=location,
                    first_date=dt.date(2024, 7, 1), model="test",
                    quantiles=SeriesForecast.pack(np.full((len(LEVELS), 56), 3.0)),
                )  # fmt: skip
            line = reorder_suggestion(cls.merchant, run, sku, location, supplier)
            with tenant_context(cls.merchant):
                ReorderSuggestion.objects.for_merchant(cls.merchant).filter(pk=line.pk).update(
                    **FIGURES, daily_demand=daily
                )
            cls.lines[code] = line

    def setUp(self):
        self.client.force_login(self.planner)

    def stored(self, code) -> ReorderSuggestion:
        with tenant_context(self.merchant):
            return (
                ReorderSuggestion.objects.for_merchant(self.merchant)
                .select_related("merchant")
                .get(pk=self.lines[code].pk)
            )

    def as_one_line_edit(self, code, asked) -> outcomes.Outcome:
        """What `outcomes.outcome` (the edit of one line) gives the line as stored now."""
        line = self.stored(code)
        with tenant_context(self.merchant):  # its forecast is read under the store's scope
            return outcomes.outcome(line, Decimal(asked), paths=policy.PLAN_PATHS)

    def test_a_bulk_edit_gives_each_line_what_its_own_edit_would(self):
        expected = {code: self.as_one_line_edit(code, "13") for code in self.lines}
        # 13 -> 18 (three packs of 6): (22 - 15 + 18) / 3 a day = 8.3 days; nothing short
        self.assertEqual(expected["OLD"].days_of_cover, Decimal("8.3"))
        self.assertIsNone(expected["IDLE"].days_of_cover)
        response = self.client.post(
            reverse("planning:suggestions_decide", args=[self.merchant.slug]),
            {"status": "proposed", "select": "all", "decision": "edit", "quantity": "13"},
            follow=True,
        )
        self.assertContains(response, "3 quantities changed.")
        for code, result in expected.items():
            with self.subTest(code):
                line = self.stored(code)
                self.assertEqual(line.quantity, result.quantity)
                self.assertEqual(line.cost.quantize(Decimal("0.01")), result.cost)
                self.assertEqual(line.days_of_cover, result.days_of_cover)
                self.assertEqual(line.expected_fill_rate, result.expected_fill_rate)
        # the page shows the new figures: 18 at 2.50 each, 8 days of cover
        page = response.content.decode()
        self.assertIn("£45.00", page)
        self.assertIn("8 days", page)

    def test_a_scaled_quantity_is_recomputed_too(self):
        # 24 less 50 percent: 12, the MOQ: (7 + 12) / 3 = 6.3 days, 2 of the review's 21 short
        self.client.post(
            reverse("planning:suggestions_decide", args=[self.merchant.slug]),
            {"status": "proposed", "ids": [self.lines["OLD"].pk], "decision": "edit",
             "percent": "-50"},
        )  # fmt: skip
        line = self.stored("OLD")
        self.assertEqual(
            (line.quantity, line.days_of_cover, line.expected_fill_rate),
            (Decimal("12"), Decimal("6.3"), Decimal("0.9048")),
        )
        self.assertEqual(self.stored("NOW").quantity, Decimal("24"))  # not ticked
