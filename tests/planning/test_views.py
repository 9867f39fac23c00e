"""The orders page: suggestions grouped by supplier, decided in bulk, quantities edited,
approved lines exported; viewers read only."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from accounts.tenancy import tenant_context
from forecasting.models import ForecastRun
from planning.models import ReorderSuggestion
from tests.factories import (
    LocationFactory,
    MerchantFactory,
    SKUFactory,
    SupplierFactory,
    member,
    reorder_suggestion,
)


class OrdersPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.merchant = MerchantFactory(slug="shop")
        cls.planner = member(cls.merchant, Role.PLANNER)
        cls.viewer = member(cls.merchant, Role.VIEWER)
        location = LocationFactory(merchant=cls.merchant, code="WH")
        acme = SupplierFactory(merchant=cls.merchant, code="ACME", name="Acme")
        bolt = SupplierFactory(merchant=cls.merchant, code="BOLT", name="Bolt")
        with tenant_context(cls.merchant):
            run = ForecastRun.objects.create(
                merchant=cls.merchant, status=ForecastRun.Status.SUCCEEDED
            )
        cls.mug = reorder_suggestion(
            cls.merchant, run, SKUFactory(merchant=cls.merchant, code="MUG"), location, acme
        )
        cls.jug = reorder_suggestion(
            cls.merchant, run, SKUFactory(merchant=cls.merchant, code="=JUG"), location, bolt
        )

    def url(self, name, *args):
        return reverse(f"planning:{name}", args=[self.merchant.slug, *args])

    def status_of(self, suggestion) -> str:
        with tenant_context(self.merchant):
            return (
                ReorderSuggestion.objects.for_merchant(self.merchant).get(pk=suggestion.pk).status
            )

    def test_grouped_by_supplier_with_their_totals(self):
        self.client.force_login(self.viewer)
        self.client.get(self.url("suggestions"))  # the session settles
        with CaptureQueriesContext(connection) as two:
            response = self.client.get(self.url("suggestions"))
        location = LocationFactory(merchant=self.merchant, code="SHOP")
        for code in ("A", "B", "C"):
            reorder_suggestion(
                self.merchant,
                self.mug.forecast_run,
                SKUFactory(merchant=self.merchant, code=code),
                location,
                None,
            )
        with CaptureQueriesContext(connection) as five:
            self.client.get(self.url("suggestions"))
        self.assertEqual(len(two), len(five))  # no query per line
        self.assertContains(response, "Acme")
        self.assertContains(response, "Bolt")
        self.assertContains(response, "48.00")  # 24 x 2 per supplier
        self.assertNotContains(response, 'name="decision"')  # viewers cannot decide

    def test_a_planner_edits_approves_and_rejects_and_exports(self):
        self.client.force_login(self.planner)
        self.client.post(self.url("suggestion_quantity", self.mug.pk), {"quantity": "25"})
        self.client.post(
            self.url("suggestions_decide"), {"ids": [self.mug.pk], "decision": "approve"}
        )
        response = self.client.post(
            self.url("suggestions_decide"),
            {"ids": [self.jug.pk], "decision": "reject"},
            follow=True,
        )
        self.assertContains(response, "Say why")
        self.assertEqual(self.status_of(self.jug), "proposed")
        self.client.post(
            self.url("suggestions_decide"),
            {"ids": [self.jug.pk], "decision": "reject", "reason": "Seasonal line ended"},
        )
        self.assertEqual(
            (self.status_of(self.mug), self.status_of(self.jug)), ("approved", "rejected")
        )
        exported = self.client.get(self.url("suggestions_export") + "?status=approved")
        rows = list(csv.DictReader(io.StringIO(exported.content.decode())))
        self.assertEqual([(r["sku"], r["quantity"]) for r in rows], [("MUG", "36.000")])
        rejected = self.client.get(self.url("suggestions_export") + "?status=rejected")
        self.assertIn("'=JUG", rejected.content.decode())  # no formula reaches a spreadsheet

    def test_a_viewer_cannot_decide(self):
        self.client.force_login(self.viewer)
        response = self.client.post(
            self.url("suggestions_decide"), {"ids": [self.mug.pk], "decision": "approve"}
        )
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self.status_of(self.mug), "proposed")
        self.assertEqual(Decimal("24"), self.mug.quantity)
