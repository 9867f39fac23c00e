"""How the orders page reads a large store: a fixed number of queries however many lines
match, the page's lines sorted by their ids only and then read (`listed_ids`,
`lines_shown`), the count of the pager taken from the subtotals, and each line's "why" kept
by what it shows, so that a changed line never shows its old arithmetic."""

from __future__ import annotations

from decimal import Decimal
from unittest import mock

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from accounts.tenancy import tenant_context
from forecasting.models import ForecastRun
from inventory.services import merchant_today
from planning import selectors
from planning.models import PlanningSettings, ReorderSuggestion
from planning.views import SuggestionsView
from tests.factories import (
    LocationFactory,
    MerchantFactory,
    SKUFactory,
    SupplierFactory,
    member,
    reorder_suggestion,
)


class OrdersPageReadsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.merchant = MerchantFactory(slug="shop", timezone="UTC")
        cls.planner = member(cls.merchant, Role.PLANNER)
        cls.location = LocationFactory(merchant=cls.merchant, code="WH")
        cls.acme = SupplierFactory(merchant=cls.merchant, code="ACME", name="Acme")
        cls.bolt = SupplierFactory(merchant=cls.merchant, code="BOLT", name="Bolt")
        with tenant_context(cls.merchant):
            cls.forecast = ForecastRun.objects.create(
                merchant=cls.merchant, status=ForecastRun.Status.SUCCEEDED
            )
        cls.lines = [cls.line(f"A{i}", cls.acme) for i in range(3)]
        cls.lines.append(cls.line("B0", cls.bolt))
        cls.lines.append(cls.line("N0", None))

    @classmethod
    def line(cls, code, supplier) -> ReorderSuggestion:
        sku = SKUFactory(merchant=cls.merchant, code=code)
        return reorder_suggestion(cls.merchant, cls.forecast, sku, cls.location, supplier)

    def setUp(self):
        self.client.force_login(self.planner)
        self.url = reverse("planning:suggestions", args=[self.merchant.slug])

    def page(self, **query) -> str:
        response = self.client.get(self.url, query)
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def test_the_queries_do_not_grow_with_the_lines(self):
        self.page()  # the session and the store's settings, once
        with CaptureQueriesContext(connection) as few:
            self.page()
        self.assertLess(len(few.captured_queries), 30)
        for number in range(12):
            self.line(f"C{number}", self.bolt)
        with self.assertNumQueries(len(few.captured_queries)):
            self.page()

    def test_the_pages_show_the_lines_in_order_and_count_every_matching_line(self):
        with mock.patch.object(SuggestionsView, "page_size", 2):
            first, second, third = (self.page(page=number) for number in (1, 2, 3))
        self.assertIn("Lines 1\u20132 of 5 · page 1 of 3", first)
        self.assertIn("Lines 3\u20134 of 5 · page 2 of 3", second)
        # every line once, in the order of the whole list (`listed`)
        with tenant_context(self.merchant):
            codes = [
                line.sku.code
                for line in selectors.listed(
                    merchant=self.merchant,
                    line_filter=selectors.LineFilter(),
                    today=merchant_today(self.merchant),
                )
            ]
        shown = []
        for page in (first, second, third):
            found = sorted((page.index(f">{code}</a>"), code) for code in codes
                           if f">{code}</a>" in page)  # fmt: skip
            shown.append([code for _at, code in found])
        self.assertEqual(shown, [codes[0:2], codes[2:4], codes[4:]])
        with mock.patch.object(SuggestionsView, "page_size", 2):
            found = self.page(q="B0")
        self.assertNotIn("page 1 of", found)  # one line: no pager
        self.assertIn(">B0</a>", found)
        self.assertNotIn(">A0</a>", found)

    def test_a_changed_line_shows_its_new_arithmetic(self):
        self.assertNotIn("Changed by the team to", self.page())
        with tenant_context(self.merchant):
            ReorderSuggestion.objects.for_merchant(self.merchant).filter(
                pk=self.lines[0].pk
            ).update(quantity=Decimal("48"))
        page = self.page()
        self.assertEqual(page.count("Changed by the team to"), 1)
        with tenant_context(self.merchant):
            ReorderSuggestion.objects.for_merchant(self.merchant).filter(
                pk=self.lines[0].pk
            ).update(quantity=Decimal("24"), reason="Range ends")
        page = self.page()
        self.assertNotIn("Changed by the team to", page)
        self.assertIn(" · Range ends", page)

    def test_a_lines_fill_rate_names_the_target_it_was_planned_for(self):
        # one fill rate for the store (the default): a line's own rate is the allocation's
        # choice for it, and the line names the store's target, not one of its class
        page = self.page()
        self.assertIn("AX, chosen for the store's 95.0%", page)
        self.assertNotIn("target 95.0% (AX)", page)
        with tenant_context(self.merchant):
            settings = selectors.planning_settings(merchant=self.merchant)
            settings.service_policy = PlanningSettings.ServicePolicy.CLASSES
            settings.save()
        page = self.page()
        self.assertIn("target 95.0% (AX)", page)  # the class's own target
        self.assertNotIn("chosen for the store", page)
