"""The orders export names its file from the known statuses only: whatever arrives in the
``status`` parameter never reaches the Content-Disposition header."""

from __future__ import annotations

import csv
import io

from django.test import TestCase
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


class OrdersExportFileNameTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.merchant = MerchantFactory(slug="shop")
        cls.viewer = member(cls.merchant, Role.VIEWER)
        location = LocationFactory(merchant=cls.merchant, code="WH")
        supplier = SupplierFactory(merchant=cls.merchant, code="ACME")
        with tenant_context(cls.merchant):
            run = ForecastRun.objects.create(
                merchant=cls.merchant, status=ForecastRun.Status.SUCCEEDED
            )
        for code, status in [("MUG", "approved"), ("JUG", "rejected")]:
            sku = SKUFactory(merchant=cls.merchant, code=code)
            reorder_suggestion(cls.merchant, run, sku, location, supplier, status=status)

    def setUp(self):
        self.client.force_login(self.viewer)

    def export(self, **query):
        url = reverse("planning:suggestions_export", kwargs={"merchant_slug": "shop"})
        response = self.client.get(url, query)
        self.assertEqual(response.status_code, 200)
        skus = [row["sku"] for row in csv.DictReader(io.StringIO(response.content.decode()))]
        return response["Content-Disposition"], skus

    def test_each_known_status_names_its_file(self):
        for status in ReorderSuggestion.Status.values:
            with self.subTest(status=status):
                disposition, _skus = self.export(status=status)
                self.assertEqual(disposition, f'attachment; filename="orders-{status}.csv"')
        self.assertEqual(self.export(status="rejected")[1], ["JUG"])

    def test_an_unknown_status_never_reaches_the_header(self):
        for status in [
            'approved"; filename="payload.html',
            "approved.html; x=",
            "../../etc/passwd",
            "approved\u202egpj",
            "",
        ]:
            with self.subTest(status=status):
                disposition, skus = self.export(status=status)
                # the default export, as if no status had been asked for
                self.assertEqual(disposition, 'attachment; filename="orders-approved.csv"')
                self.assertEqual(skus, ["MUG"])
