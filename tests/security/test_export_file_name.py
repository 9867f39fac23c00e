"""The orders export names its file from the known statuses only: whatever arrives in the
``status`` parameter never reaches the Content-Disposition header."""

from __future__ import annotations

import csv
import io

from django.test import TestCase
from django.urls import reverse

from accounts.roles import Role
from planning.models import ReorderSuggestion
from tests import factories


class OrdersExportFileNameTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.merchant, cls.viewer = factories.merchant_with(Role.VIEWER, slug="shop")
        location = factories.LocationFactory(merchant=cls.merchant, code="WH")
        supplier = factories.SupplierFactory(merchant=cls.merchant, code="ACME")
        run = factories.succeeded_run(cls.merchant)
        for code, status in [("MUG", "approved"), ("JUG", "rejected")]:
            sku = factories.SKUFactory(merchant=cls.merchant, code=code)
            factories.reorder_suggestion(cls.merchant, run, sku, location, supplier, status=status)

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
