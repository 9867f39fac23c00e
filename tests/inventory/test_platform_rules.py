"""The rules of platform exports: cancellations, refunds, lines without a SKU, retries,
currencies and bad cells; no buyer's email is stored anywhere."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from django.apps import apps
from django.db import models
from django.urls import reverse

from accounts.tenancy import all_merchants_context, tenant_context
from inventory.ingest.pseudonyms import pseudonymise
from inventory.models import SKU, ImportJob, OrderLine
from tests.factories import LocationFactory
from tests.inventory.platform_import_support import (
    AMAZON,
    EMAILS,
    SHOPIFY,
    WOOCOMMERCE,
    PlatformImportCase,
    fixture,
)


class RulesTests(PlatformImportCase):
    def setUp(self):
        self.client.force_login(self.planner)

    def lines(self) -> list[tuple]:
        with tenant_context(self.merchant):
            return list(
                OrderLine.objects.for_merchant(self.merchant)
                .order_by("order_id", "sku__code", "line")
                .values_list("order_id", "sku__code", "line", "quantity", "unit_price")
            )

    def test_cancellations_count_nothing_and_refunds_reduce_units(self):
        self.load(fixture(SHOPIFY), SHOPIFY)
        lines = self.lines()
        self.assertIn(("#1002", "MUG-BLUE", 1, Decimal("2.000"), Decimal("12.5000")), lines)
        self.assertIn(("#1003", "TEA-EARL", 1, Decimal("0.000"), Decimal("6.0000")), lines)
        self.assertIn(("#1004", "TEA-EARL", 1, Decimal("0.000"), Decimal("6.0000")), lines)

    def test_a_partial_refund_gives_back_whole_units_in_the_files_order(self):
        header = fixture(SHOPIFY).decode().splitlines()[0]
        names = header.split(",")

        def row(**cells) -> str:
            return ",".join(cells.get(name, "") for name in names)

        def line(quantity: str, price: str, sku: str) -> dict[str, str]:
            return {"Lineitem quantity": quantity, "Lineitem price": price, "Lineitem sku": sku}

        order = {"Name": "#2001", "Created at": "2024-05-04 10:00:00 +0100"}
        first = {
            **order,
            "Financial Status": "partially_refunded",
            "Currency": "GBP",
            "Refunded Amount": "27.50",  # one mug and two teas, with 3.00 of shipping
        }
        content = "\n".join(
            [
                header,
                row(**first, **line("1", "12.50", "MUG-BLUE")),
                row(**order, **line("5", "6.00", "TEA-EARL")),
            ]
        )
        self.load(content, "refund.csv")
        self.assertEqual(
            self.lines(),
            [
                ("#2001", "MUG-BLUE", 1, Decimal("0.000"), Decimal("12.5000")),
                ("#2001", "TEA-EARL", 1, Decimal("3.000"), Decimal("6.0000")),
            ],
        )

    def test_an_order_cancelled_since_an_earlier_import_leaves_its_day(self):
        self.load(fixture(SHOPIFY), SHOPIFY)
        self.assertEqual(self.units()[("TEA-EARL", "2024-05-03")], (Decimal("2"), Decimal("12")))
        rows = list(csv.reader(io.StringIO(fixture(SHOPIFY).decode())))
        names = rows[0]
        for cells in rows[1:]:
            if cells[0] == "#1005" and cells[names.index("Financial Status")]:
                cells[names.index("Financial Status")] = "voided"
                cells[names.index("Cancelled at")] = "2024-05-03 09:00:00 +0100"
        later = io.StringIO()
        csv.writer(later, lineterminator="\n").writerows(rows)
        self.load(later.getvalue(), "later.csv")
        self.assertEqual(self.units()[("TEA-EARL", "2024-05-03")], (Decimal("0"), Decimal("0")))

    def test_lines_without_a_sku_are_left_out_and_listed_by_line(self):
        job = self.load(fixture(SHOPIFY), SHOPIFY)
        self.assertEqual(job.skipped_count, 1)
        self.assertEqual(
            [(e["line"], e["field"], e["value"]) for e in job.errors],
            [(4, "Lineitem sku", "Gift wrap")],
        )
        self.assertIn("has no SKU", job.errors[0]["message"])
        self.assertIn("1 line without a SKU left out", job.message)
        page = self.client.get(reverse("inventory:import_detail", args=["shop", job.pk]))
        self.assertContains(page, "Lines left out")
        report = self.client.get(reverse("inventory:import_errors", args=["shop", job.pk]))
        self.assertIn('4,Lineitem sku,Gift wrap,"has no SKU', report.content.decode())
        woocommerce = self.load(fixture(WOOCOMMERCE), WOOCOMMERCE)
        self.assertEqual([(e["line"], e["value"]) for e in woocommerce.errors], [(4, "Engraving")])

    def test_a_retried_upload_never_duplicates(self):
        self.load(fixture(SHOPIFY), SHOPIFY)
        lines, sales = self.lines(), self.sales()
        second = self.load(fixture(SHOPIFY), SHOPIFY)
        self.assertEqual(self.lines(), lines)
        self.assertEqual(self.sales(), sales)
        self.assertEqual((second.created_count, second.updated_count), (0, 0))
        self.assertEqual(second.unchanged_count, 6)

    def test_another_currency_refuses_the_file_naming_its_line(self):
        content = fixture(SHOPIFY).decode().replace(",no,GBP,12.00,", ",no,USD,12.00,")
        self.assertIn("USD", content)
        job = self.confirm(self.upload(content, SHOPIFY))
        self.assertEqual(job.status, ImportJob.Status.FAILED)
        self.assertEqual(job.error_count, 1)
        problem = next(e for e in job.errors if e["field"] == "Currency")
        self.assertEqual((problem["line"], problem["value"]), (8, "USD"))
        self.assertIn("store's currency (GBP)", problem["message"])
        self.assertEqual(self.sales(), [])

    def test_bad_cells_are_named_by_the_platforms_column(self):
        content = fixture(AMAZON).decode().replace("\t2\tGBP\t25.0\t", "\t2\tGBP\tabc\t")
        job = self.confirm(self.upload(content, AMAZON))
        self.assertEqual(job.status, ImportJob.Status.FAILED)
        self.assertEqual(
            [(e["line"], e["field"], e["value"]) for e in job.errors], [(2, "item-price", "abc")]
        )

    def test_new_skus_are_created_with_the_exports_product_names(self):
        with tenant_context(self.merchant):
            SKU.objects.for_merchant(self.merchant).filter(code="CUP-QH").delete()
        self.load(fixture(AMAZON), AMAZON, create_missing_skus="on")
        with tenant_context(self.merchant):
            cup = SKU.objects.for_merchant(self.merchant).get(code="CUP-QH")
        self.assertEqual(cup.name, "景德镇青花瓷茶杯")
        self.assertEqual(self.units()[("CUP-QH", "2024-05-01")], (Decimal("1"), Decimal("18")))

    def test_a_store_with_several_locations_chooses_one(self):
        LocationFactory(merchant=self.merchant, code="SHOP")
        job = self.upload(fixture(WOOCOMMERCE), WOOCOMMERCE)
        page = self.client.get(reverse("inventory:import_detail", args=["shop", job.pk]))
        self.assertContains(page, 'name="location"')
        refused = self.confirm(job)
        self.assertEqual(refused.status, ImportJob.Status.MAPPING)
        job = self.confirm(job, location="SHOP")
        self.assertEqual(job.status, ImportJob.Status.SUCCEEDED, job.errors)
        self.assertEqual({row[1] for row in self.sales()}, {"SHOP"})


class PseudonymisedCustomerTests(PlatformImportCase):
    def test_no_buyer_email_is_stored_anywhere(self):
        self.client.force_login(self.planner)
        job = self.load(fixture(SHOPIFY), SHOPIFY)
        self.load(fixture(WOOCOMMERCE), WOOCOMMERCE)
        self.assertEqual(job.file.name, "")  # the uploaded file went with the verdict
        with tenant_context(self.merchant):
            hashes = set(
                OrderLine.objects.for_merchant(self.merchant)
                .filter(order_id="#1001")
                .values_list("customer_hash", flat=True)
            )
        expected = pseudonymise(key=self.merchant.customer_key, customer_id="alice@example.com")
        self.assertEqual(hashes, {expected})
        found = []
        # "#1002" is the control: an order id, stored as it came, is found by the same search
        searched = [*EMAILS, "#1002"]
        with all_merchants_context():
            for model in apps.get_models():
                text_fields = [
                    field.attname
                    for field in model._meta.concrete_fields
                    if isinstance(field, models.CharField | models.TextField | models.JSONField)
                ]
                if not text_fields:
                    continue
                manager = model._base_manager
                for values in manager.values_list(*text_fields):
                    found += [
                        (model._meta.label, email)
                        for email in searched
                        if any(email in str(value) for value in values)
                    ]
        self.assertEqual(sorted(set(found)), [("inventory.OrderLine", "#1002")])
