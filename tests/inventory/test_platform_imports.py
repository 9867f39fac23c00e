"""Order exports of Shopify, WooCommerce and Amazon Seller Central, uploaded as the platforms
write them (tests/inventory/fixtures/platforms/): recognised from their header, loaded as order
lines and daily sales with the same figures as the equivalent Shelfcast CSV, cancellations and
refunds counted by the documented rules, lines without a SKU left out and listed by line, a
second upload of the same file changing nothing, and no buyer's email kept anywhere."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.test import TestCase
from django.urls import reverse

from accounts.roles import Role
from accounts.tenancy import all_merchants_context, tenant_context
from inventory.ingest import platforms
from inventory.ingest.pseudonyms import pseudonymise
from inventory.models import SKU, ImportJob, OrderLine, SalesDay
from tests.factories import LocationFactory, MerchantFactory, SKUFactory, member

FIXTURES = Path(__file__).parent / "fixtures" / "platforms"
SHOPIFY = "shopify_orders_export.csv"
WOOCOMMERCE = "woocommerce_orders.csv"
AMAZON = "amazon_all_orders.txt"
EMAILS = ["alice@example.com", "bob@example.com", "carol@example.com", "dave@example.com"]

# The same orders as each export, written as Shelfcast's own order-lines CSV by the rules of
# inventory.ingest.platforms: a cancelled, unpaid or fully refunded line is quantity 0, a
# refund takes whole units off, a line without a SKU is not there.
SHELFCAST_EQUIVALENT = {
    SHOPIFY: (
        "order_id,ordered_at,sku,quantity,unit_price,customer_id\n"
        "#1001,2024-05-01T10:15:32+01:00,MUG-BLUE,2,12.50,alice@example.com\n"
        "#1001,2024-05-01T10:15:32+01:00,CUP-QH,1,18.00,alice@example.com\n"
        "#1002,2024-05-01T16:40:00+01:00,MUG-BLUE,2,12.50,bob@example.com\n"
        "#1003,2024-05-02T09:05:11+01:00,TEA-EARL,0,6.00,carol@example.com\n"
        "#1004,2024-05-02T12:00:00+01:00,TEA-EARL,0,6.00,dave@example.com\n"
        "#1005,2024-05-02T23:30:00+00:00,TEA-EARL,2,6.00,alice@example.com\n"
    ),
    WOOCOMMERCE: (
        "order_id,ordered_at,sku,quantity,unit_price,customer_id\n"
        "2101,2024-05-01 10:15,MUG-BLUE,2,12.50,alice@example.com\n"
        "2101,2024-05-01 10:15,CUP-QH,1,18.00,alice@example.com\n"
        "2102,2024-05-01 16:40,MUG-BLUE,0,12.50,bob@example.com\n"
        "2103,2024-05-02 09:05,TEA-EARL,0,6.00,carol@example.com\n"
        "2104,2024-05-03 00:30,TEA-EARL,2,6.00,dave@example.com\n"
        "2104,2024-05-03 00:30,MUG-BLUE,2,12.50,dave@example.com\n"
    ),
    AMAZON: (
        "order_id,ordered_at,sku,quantity,unit_price\n"
        "202-1111111-1111111,2024-05-01T09:15:32+00:00,MUG-BLUE,2,12.50\n"
        "202-1111111-1111111,2024-05-01T09:15:32+00:00,CUP-QH,1,18.00\n"
        "202-2222222-2222222,2024-05-01T15:40:00+00:00,MUG-BLUE,0,0\n"
        "202-3333333-3333333,2024-05-02T08:05:11+00:00,TEA-EARL,0,0\n"
        "202-5555555-5555555,2024-05-02T23:30:00+00:00,TEA-EARL,3,6.00\n"
    ),
}


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


class PlatformImportCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.merchant = MerchantFactory(slug="shop", timezone="Europe/London", currency="GBP")
        cls.other = MerchantFactory(slug="mirror", timezone="Europe/London", currency="GBP")
        for merchant in (cls.merchant, cls.other):
            LocationFactory(merchant=merchant, code="WH")
            for code in ("MUG-BLUE", "CUP-QH", "TEA-EARL"):
                SKUFactory(merchant=merchant, code=code)
        cls.planner = member(cls.merchant, Role.PLANNER)
        cls.other_planner = member(cls.other, Role.PLANNER)

    def upload(self, content: bytes | str, name: str, *, slug="shop", resource="") -> ImportJob:
        data = content.encode() if isinstance(content, str) else content
        response = self.client.post(
            reverse("inventory:data", args=[slug]),
            {"resource": resource, "file": SimpleUploadedFile(name, data)},
        )
        self.assertEqual(response.status_code, 302, response.content[:2000])
        return self.job(slug)

    def merchant_of(self, slug: str):
        return self.merchant if slug == "shop" else self.other

    def job(self, slug="shop") -> ImportJob:
        merchant = self.merchant_of(slug)
        with tenant_context(merchant):
            return ImportJob.objects.for_merchant(merchant).latest("created_at")

    def confirm(self, job: ImportJob, *, slug="shop", **data) -> ImportJob:
        if not job.platform:
            data.update(
                {f"map-{i}": job.mapping.get(column, "") for i, column in enumerate(job.header)}
            )
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(reverse("inventory:import_detail", args=[slug, job.pk]), data)
        return self.job(slug)

    def load(self, content: bytes | str, name: str, *, slug="shop", resource="", **data):
        job = self.confirm(
            self.upload(content, name, slug=slug, resource=resource), slug=slug, **data
        )
        self.assertEqual(job.status, ImportJob.Status.SUCCEEDED, (job.message, job.errors))
        return job

    def sales(self, slug="shop") -> list[tuple]:
        merchant = self.merchant_of(slug)
        with tenant_context(merchant):
            return list(
                SalesDay.objects.for_merchant(merchant)
                .order_by("sku__code", "date")
                .values_list(
                    "sku__code",
                    "location__code",
                    "date",
                    "units",
                    "units_returned",
                    "revenue",
                    "average_price",
                    "customers",
                    "on_promotion",
                    "stock_out",
                )
            )

    def units(self, slug="shop") -> dict[tuple[str, str], tuple[Decimal, Decimal]]:
        return {
            (sku, str(day)): (units, revenue)
            for sku, _, day, units, _, revenue, *_ in self.sales(slug)
        }


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
