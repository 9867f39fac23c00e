"""Platform exports (Shopify, WooCommerce, Amazon) are recognised from their header and load the
same daily sales as the Shelfcast CSV of the same orders."""

from __future__ import annotations

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.tenancy import tenant_context
from inventory.ingest import platforms
from inventory.models import SalesDay
from tests.inventory.platform_import_support import (
    AMAZON,
    SHELFCAST_EQUIVALENT,
    SHOPIFY,
    WOOCOMMERCE,
    PlatformImportCase,
    fixture,
)


class SameDailySalesAsShelfcastCsvTests(PlatformImportCase):
    """Each export, loaded into one store, gives the daily sales its equivalent Shelfcast CSV
    gives another."""

    def assert_same_sales(self, name: str, expected: dict):
        self.client.force_login(self.planner)
        job = self.load(fixture(name), name)
        self.client.force_login(self.other_planner)
        self.load(SHELFCAST_EQUIVALENT[name], "orders.csv", slug="mirror", resource="order-lines")
        self.assertEqual(self.sales("shop"), self.sales("mirror"))
        self.assertEqual(self.units("shop"), expected)
        return job

    def test_shopify(self):
        job = self.assert_same_sales(
            SHOPIFY,
            {
                ("CUP-QH", "2024-05-01"): (Decimal("1"), Decimal("18")),
                # #1001's 2 and #1002's 3, less the unit its 12.50 refund paid back
                ("MUG-BLUE", "2024-05-01"): (Decimal("4"), Decimal("50")),
                # #1003 cancelled, #1004 refunded: the day is there, with nothing sold
                ("TEA-EARL", "2024-05-02"): (Decimal("0"), Decimal("0")),
                # #1005 at 23:30 UTC on 2 May is 00:30 on 3 May in London
                ("TEA-EARL", "2024-05-03"): (Decimal("2"), Decimal("12")),
            },
        )
        self.assertEqual(job.platform, "shopify")
        with tenant_context(self.merchant):
            mugs = SalesDay.objects.for_merchant(self.merchant).get(
                sku__code="MUG-BLUE", date="2024-05-01"
            )
        self.assertEqual(mugs.customers, 2)

    def test_woocommerce(self):
        self.assert_same_sales(
            WOOCOMMERCE,
            {
                ("CUP-QH", "2024-05-01"): (Decimal("1"), Decimal("18")),
                # 2102 was refunded in full
                ("MUG-BLUE", "2024-05-01"): (Decimal("2"), Decimal("25")),
                ("MUG-BLUE", "2024-05-03"): (Decimal("2"), Decimal("25")),
                ("TEA-EARL", "2024-05-02"): (Decimal("0"), Decimal("0")),
                # 3 ordered, 1 refunded ("Quantity (- Refund)")
                ("TEA-EARL", "2024-05-03"): (Decimal("2"), Decimal("12")),
            },
        )

    def test_amazon(self):
        self.assert_same_sales(
            AMAZON,
            {
                ("CUP-QH", "2024-05-01"): (Decimal("1"), Decimal("18")),
                # item-price is the price of the line's quantity: 25.0 for 2 mugs
                ("MUG-BLUE", "2024-05-01"): (Decimal("2"), Decimal("25")),
                ("TEA-EARL", "2024-05-02"): (Decimal("0"), Decimal("0")),  # still Pending
                ("TEA-EARL", "2024-05-03"): (Decimal("3"), Decimal("18")),
            },
        )


class RecognitionTests(PlatformImportCase):
    def header(self, name: str) -> list[str]:
        first = fixture(name).decode("utf-8-sig").splitlines()[0]
        return first.split("\t") if name == AMAZON else first.split(",")

    def test_each_export_is_recognised_from_its_header(self):
        self.assertIs(platforms.recognise(self.header(SHOPIFY)), platforms.SHOPIFY)
        self.assertIs(platforms.recognise(self.header(WOOCOMMERCE)), platforms.WOOCOMMERCE)
        self.assertIs(platforms.recognise(self.header(AMAZON)), platforms.AMAZON)

    def test_column_order_and_extra_columns_do_not_matter(self):
        header = [*reversed(self.header(SHOPIFY)), "Custom note"]
        self.assertIs(platforms.recognise(header), platforms.SHOPIFY)
        woocommerce = ["Order ID", "Order Date", "Order Status", "Billing Email", "SKU"]
        woocommerce += ["Item Name", "Quantity", "Line Total", "Order Currency"]
        self.assertIs(platforms.recognise(woocommerce), platforms.WOOCOMMERCE)

    def test_other_files_are_no_platforms(self):
        self.assertIsNone(platforms.recognise(["sku", "location", "date", "units"]))
        self.assertIsNone(platforms.recognise(["InvoiceNo", "StockCode", "Quantity", "UnitPrice"]))
        # a Shopify header without its line items' SKUs is not the orders export
        header = [name for name in self.header(SHOPIFY) if name != "Lineitem sku"]
        self.assertIsNone(platforms.recognise(header))

    def test_the_upload_page_says_which_platform_it_recognised(self):
        self.client.force_login(self.planner)
        # whatever the form said the file holds, an order export is order lines
        job = self.upload(fixture(AMAZON), "orders.txt", resource="sales")
        self.assertEqual((job.platform, job.resource), ("amazon", "order-lines"))
        self.assertEqual(job.mapping["sku"], "sku")
        self.assertEqual(job.mapping["item-price"], "unit_price")
        page = self.client.get(reverse("inventory:import_detail", args=["shop", job.pk]))
        self.assertContains(page, "Recognised: Amazon Seller Central All Orders report")
        self.assertNotContains(page, "Match the file")
        data = self.client.get(reverse("inventory:data", args=["shop"]))
        self.assertContains(data, "(Amazon Seller Central All Orders report)")

    def test_a_file_of_no_platform_still_needs_its_contents_chosen(self):
        self.client.force_login(self.planner)
        response = self.client.post(
            reverse("inventory:data", args=["shop"]),
            {"resource": "", "file": SimpleUploadedFile("s.csv", b"sku,location,date,units\n")},
        )
        self.assertContains(response, "Choose what the file contains", status_code=400)
