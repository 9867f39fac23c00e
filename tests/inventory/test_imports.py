"""CSV imports in the portal: upload, column mapping, the worker's all-or-nothing load, the
progress feed and the error report."""

from __future__ import annotations

import gzip
from decimal import Decimal
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

from accounts.roles import Role
from accounts.tenancy import tenant_context
from inventory.ingest import imports
from inventory.models import SKU, ImportJob, OrderLine, SalesDay
from tests.factories import LocationFactory, SKUFactory, member, merchant_with

SALES_CSV = (
    "Stock Code,Warehouse,Day,Units Sold,Revenue\n"
    "A1,WH,2024-05-01,3,7.50\n"
    "A1,WH,2024-05-02,4,10.00\n"
    "B2,WH,2024-05-01,1,2.00\n"
)
# The shape of the UCI Online Retail transactions file.
TRANSACTIONS_CSV = (
    "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
    "536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,2010-12-01 08:26,2.55,17850,UK\n"
    "536365,71053,WHITE METAL LANTERN,6,2010-12-01 08:26,3.39,17850,UK\n"
    "536366,85123A,WHITE HANGING HEART T-LIGHT HOLDER,2,2010-12-01 08:28,2.55,13047,UK\n"
    "536366,85123A,WHITE HANGING HEART T-LIGHT HOLDER,1,2010-12-01 08:28,2.40,13047,UK\n"
    "C536379,85123A,WHITE HANGING HEART T-LIGHT HOLDER,-1,2010-12-01 09:41,2.55,14527,UK\n"
    "A563185,B,Adjust bad debt,1,2011-08-12 14:50,-11062.06,,UK\n"
)


class ImportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.merchant, cls.planner = merchant_with(
            Role.PLANNER, slug="shop", timezone="Europe/London"
        )
        cls.location = LocationFactory(merchant=cls.merchant, code="WH")
        SKUFactory(merchant=cls.merchant, code="A1")
        SKUFactory(merchant=cls.merchant, code="B2")

    def setUp(self):
        self.client.force_login(self.planner)

    def upload(self, content: bytes | str, resource="sales", name="sales.csv"):
        data = content.encode() if isinstance(content, str) else content
        return self.client.post(
            reverse("inventory:data", args=["shop"]),
            {"resource": resource, "file": SimpleUploadedFile(name, data)},
        )

    def job(self) -> ImportJob:
        with tenant_context(self.merchant):
            return ImportJob.objects.for_merchant(self.merchant).latest("created_at")

    def confirm(self, job: ImportJob, mapping: dict[str, str] | None = None, **extra):
        mapping = mapping if mapping is not None else job.mapping
        data = {f"map-{i}": mapping.get(column, "") for i, column in enumerate(job.header)}
        data.update(extra)
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(reverse("inventory:import_detail", args=["shop", job.pk]), data)

    def sales(self):
        with tenant_context(self.merchant):
            return list(
                SalesDay.objects.for_merchant(self.merchant)
                .order_by("sku__code", "date")
                .values_list("sku__code", "date", "units", "revenue")
            )

    def test_upload_suggests_a_mapping_and_loads_the_file(self):
        response = self.upload(SALES_CSV)
        job = self.job()
        self.assertRedirects(response, reverse("inventory:import_detail", args=["shop", job.pk]))
        self.assertEqual(
            job.mapping,
            {
                "Stock Code": "sku",
                "Warehouse": "location",
                "Day": "date",
                "Units Sold": "units",
                "Revenue": "revenue",
            },
        )
        page = self.client.get(reverse("inventory:import_detail", args=["shop", job.pk]))
        self.assertContains(page, "Match the file")
        self.assertEqual(self.confirm(job).status_code, 302)
        job = self.job()
        self.assertEqual(job.status, ImportJob.Status.SUCCEEDED, job.message)
        self.assertEqual((job.rows_total, job.created_count), (3, 3))
        self.assertEqual(len(self.sales()), 3)
        status = self.client.get(reverse("inventory:import_status", args=["shop", job.pk]))
        self.assertEqual(status.json()["percent"], 100)
        self.assertContains(
            self.client.get(reverse("inventory:import_detail", args=["shop", job.pk])),
            "3 created",
        )

    def test_the_mapping_form_follows_the_files_column_order(self):
        self.upload(SALES_CSV)
        job = self.job()
        page = self.client.get(reverse("inventory:import_detail", args=["shop", job.pk]))
        for index, column in enumerate(job.header):  # map-<index> is the file's column index
            self.assertContains(page, f'<label for="map-{index}">{column}</label>', html=True)
        body = page.content.decode()
        # the suggested field sits in the row of its own column (jsonb reorders keys by length)
        row = body[body.index('for="map-0"') : body.index('for="map-1"')]
        self.assertIn('<option value="sku" selected>', row)

    def test_gzip_files_are_read(self):
        self.upload(gzip.compress(SALES_CSV.encode()), name="sales.csv.gz")
        self.confirm(self.job())
        self.assertEqual(self.job().status, ImportJob.Status.SUCCEEDED)
        self.assertEqual(len(self.sales()), 3)

    def test_one_bad_row_loads_nothing_and_the_report_names_its_line(self):
        content = SALES_CSV + "A1,WH,2024-13-01,2,1\n=HYPERLINK(1),WH,2024-05-03,1,1\n"
        self.upload(content)
        with mock.patch.object(imports, "CHUNK_ROWS", 2):  # good rows in earlier chunks too
            self.confirm(self.job())
        job = self.job()
        self.assertEqual(job.status, ImportJob.Status.FAILED)
        self.assertIn("nothing was loaded", job.message)
        self.assertEqual(job.error_count, 2)
        self.assertEqual(self.sales(), [])
        report = self.client.get(reverse("inventory:import_errors", args=["shop", job.pk]))
        lines = report.content.decode().splitlines()
        self.assertEqual(lines[0], "line,field,value,message")
        self.assertTrue(lines[1].startswith("5,date,2024-13-01,"))
        self.assertTrue(lines[2].startswith("6,sku,'=HYPERLINK(1),"), lines[2])
        page = self.client.get(reverse("inventory:import_detail", args=["shop", job.pk]))
        self.assertContains(page, "Download the error report")

    def test_required_fields_must_be_mapped(self):
        self.upload(SALES_CSV)
        job = self.job()
        response = self.confirm(job, {**job.mapping, "Units Sold": ""})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "required field", status_code=400)
        self.assertEqual(self.job().status, ImportJob.Status.MAPPING)

    def test_a_file_that_is_not_csv_is_refused_at_upload(self):
        response = self.upload(b"\x89PNG\r\n\x1a\n\x00\x00binary", name="picture.png")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "not a readable CSV", status_code=400)

    def test_a_job_runs_once(self):
        self.upload(SALES_CSV)
        self.confirm(self.job())
        self.assertIsNone(imports.import_run(merchant=self.merchant, job_id=self.job().pk))

    def test_viewers_cannot_import(self):
        self.client.force_login(member(self.merchant, Role.VIEWER))
        self.assertEqual(self.upload(SALES_CSV).status_code, 403)


class TransactionsImportTests(TestCase):
    """Order lines in the format of the Online Retail transactions file."""

    @classmethod
    def setUpTestData(cls):
        cls.merchant, cls.planner = merchant_with(
            Role.PLANNER, slug="retail", timezone="Europe/London"
        )
        LocationFactory(merchant=cls.merchant, code="UK")

    def test_invoice_lines_load_with_new_skus_and_split_orders(self):
        self.client.force_login(self.planner)
        self.client.post(
            reverse("inventory:data", args=["retail"]),
            {
                "resource": "order-lines",
                "file": SimpleUploadedFile("transactions.csv", TRANSACTIONS_CSV.encode()),
            },
        )
        with tenant_context(self.merchant):
            job = ImportJob.objects.for_merchant(self.merchant).get()
        self.assertEqual(
            job.mapping,
            {
                "InvoiceNo": "order_id",
                "StockCode": "sku",
                "Description": "sku_name",
                "Quantity": "quantity",
                "InvoiceDate": "ordered_at",
                "UnitPrice": "unit_price",
                "CustomerID": "customer_id",
                "Country": "country",
            },
        )
        data = {f"map-{i}": job.mapping[c] for i, c in enumerate(job.header)}
        data["create_missing_skus"] = "on"
        # Chunks of 3 rows split invoice 536366's two lines of 85123A between chunks.
        with (
            mock.patch.object(imports, "CHUNK_ROWS", 3),
            self.captureOnCommitCallbacks(execute=True),
        ):
            self.client.post(reverse("inventory:import_detail", args=["retail", job.pk]), data)
        with tenant_context(self.merchant):
            job.refresh_from_db()
            self.assertEqual(job.status, ImportJob.Status.SUCCEEDED, job.errors)
            lines = list(
                OrderLine.objects.for_merchant(self.merchant)
                .order_by("order_id", "line")
                .values_list("order_id", "sku__code", "line", "quantity")
            )
            self.assertEqual(len(lines), 6)
            self.assertIn(("536366", "85123A", 2, Decimal("1.000")), lines)
            names = dict(SKU.objects.for_merchant(self.merchant).values_list("code", "name"))
            self.assertEqual(names["71053"], "WHITE METAL LANTERN")
            day = SalesDay.objects.for_merchant(self.merchant).get(
                sku__code="85123A", date="2010-12-01"
            )
        self.assertEqual((day.units, day.units_returned, day.customers), (9, 1, 2))
        self.assertEqual(day.revenue, Decimal("22.8000"))  # 6*2.55 + 2*2.55 + 1*2.40
