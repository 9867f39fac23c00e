"""Every CSV the portal hands out is safe to open in a spreadsheet: a text cell that starts
like a formula (= + - @, tab, carriage return) comes out with a leading quote, so Excel and
LibreOffice show it as text instead of running it.

The exports: an import's error report (inventory) and the orders export (planning). A new
export found by grepping for ``csv.writer``/``text/csv`` belongs here too."""

from __future__ import annotations

import csv
import io

from django.test import SimpleTestCase, TestCase
from django.urls import reverse

from accounts.roles import Role
from core.spreadsheets import spreadsheet_safe
from inventory.models import ImportJob
from planning.models import ReorderSuggestion
from tests import factories

FORMULAS = [
    '=HYPERLINK("http://evil.example","click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
]


def rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8"))))


class SpreadsheetSafeTests(SimpleTestCase):
    def test_formula_starts_are_quoted_and_other_cells_kept(self):
        for value in FORMULAS:
            self.assertEqual(spreadsheet_safe(value), "'" + value)
        for value in ("Blue mug", "mug = cup", "", 12, -3):
            self.assertEqual(spreadsheet_safe(value), value)
        self.assertEqual(spreadsheet_safe(None), "")


class CsvExportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.merchant, cls.owner = factories.merchant_with(Role.OWNER, slug="shop")

    def setUp(self):
        self.client.force_login(self.owner)

    def assertNeutralised(self, cells: list[str], values: list[str]) -> None:
        for value in values:
            self.assertIn("'" + value, cells, value)
            self.assertNotIn(value, cells, value)

    def test_import_error_report(self):
        job = factories.ImportJobFactory(
            merchant=self.merchant,
            status=ImportJob.Status.FAILED,
            errors=[
                {"line": index + 2, "field": "sku", "value": value, "message": value}
                for index, value in enumerate(FORMULAS)
            ],
        )
        response = self.client.get(
            reverse("inventory:import_errors", kwargs={"merchant_slug": "shop", "pk": job.pk})
        )
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response["Content-Type"].startswith("text/csv"))
        header, *body = rows(response)
        self.assertEqual(header, ["line", "field", "value", "message"])
        self.assertEqual(len(body), len(FORMULAS))
        self.assertNeutralised([row[2] for row in body], FORMULAS)
        self.assertNeutralised([row[3] for row in body], FORMULAS)
        self.assertEqual(body[0][0], "2")  # numbers stay numbers

    def test_orders_export(self):
        location = factories.LocationFactory(merchant=self.merchant, code="+SHOP")
        supplier = factories.SupplierFactory(merchant=self.merchant, code="@ACME")
        run = factories.succeeded_run(self.merchant)
        for index, value in enumerate(FORMULAS):
            sku = factories.SKUFactory(merchant=self.merchant, code=f"=SKU{index}", name=value)
            factories.reorder_suggestion(
                self.merchant, run, sku, location, supplier,
                status=ReorderSuggestion.Status.APPROVED,
            )  # fmt: skip
        response = self.client.get(
            reverse("planning:suggestions_export", kwargs={"merchant_slug": "shop"}),
            {"status": "approved"},
        )
        self.assertEqual(response.status_code, 200)
        header, *body = rows(response)
        self.assertEqual(len(body), len(FORMULAS))
        column = {name: index for index, name in enumerate(header)}
        self.assertNeutralised([row[column["name"]] for row in body], FORMULAS)
        self.assertNeutralised(
            [row[column["sku"]] for row in body], [f"=SKU{i}" for i in range(len(FORMULAS))]
        )
        self.assertEqual({row[column["supplier"]] for row in body}, {"'@ACME"})
        self.assertEqual({row[column["location"]] for row in body}, {"'+SHOP"})
        self.assertFalse([row for row in body if row[column["quantity"]].startswith("'")])
