"""Limits that hold while a CSV is read, not after: an import stops at
IMPORT_MAX_DECOMPRESSED_BYTES of decompressed text or IMPORT_MAX_ROWS rows (a small gzip
cannot expand into minutes of work), a header or record past its size is refused, and an API
CSV body stops at the batch's row limit instead of building every row first."""

from __future__ import annotations

import gzip

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings
from django.urls import reverse

from accounts.roles import Role
from accounts.tenancy import tenant_context
from inventory.models import SKU, ImportJob, SalesDay
from tests.factories import LocationFactory, SKUFactory, merchant_with
from tests.inventory.api_support import ApiTestCase

HEADER = b"sku,location,date,units\n"
ROW = b"A1,WH,2024-05-01,1\n"
COLUMNS = 1001  # past any width a CSV of ours needs (the limit is lower)


def truncated_gzip(content: bytes) -> bytes:
    """A gzip stream cut short: reading it to the end fails, so a reader that stops at its
    limit is told apart from one that reads everything and checks afterwards."""
    compressed = gzip.compress(content)
    return compressed[: len(compressed) // 2]


class ImportLimitTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.merchant, cls.planner = merchant_with(Role.PLANNER, slug="shop")
        LocationFactory(merchant=cls.merchant, code="WH")
        SKUFactory(merchant=cls.merchant, code="A1")

    def setUp(self):
        self.client.force_login(self.planner)

    def upload(self, content: bytes, name: str = "sales.csv"):
        return self.client.post(
            reverse("inventory:data", args=["shop"]),
            {"resource": "sales", "file": SimpleUploadedFile(name, content)},
        )

    def job(self) -> ImportJob:
        with tenant_context(self.merchant):
            return ImportJob.objects.for_merchant(self.merchant).latest("created_at")

    def run_import(self, content: bytes, name: str = "sales.csv") -> ImportJob:
        self.assertEqual(self.upload(content, name).status_code, 302)
        job = self.job()
        data = {f"map-{i}": job.mapping.get(column, "") for i, column in enumerate(job.header)}
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(reverse("inventory:import_detail", args=["shop", job.pk]), data)
        return self.job()

    def sales(self) -> int:
        with tenant_context(self.merchant):
            return SalesDay.objects.for_merchant(self.merchant).count()

    @override_settings(IMPORT_MAX_DECOMPRESSED_BYTES=64 * 1024)
    def test_a_gzip_bomb_stops_at_the_decompressed_limit(self):
        # 2 MB of rows (the same day again and again) in a few kB of gzip, cut short after
        # its first MB: reading past the limit would end on the broken stream instead.
        bomb = truncated_gzip(HEADER + ROW * (2 * 1024 * 1024 // len(ROW)))
        self.assertLess(len(bomb), 16 * 1024)
        job = self.run_import(bomb, name="sales.csv.gz")
        self.assertEqual(job.status, ImportJob.Status.FAILED)
        self.assertIn("larger than 64 kB once decompressed", job.message)
        self.assertEqual(self.sales(), 0)

    @override_settings(IMPORT_MAX_DECOMPRESSED_BYTES=64 * 1024)
    def test_a_plain_file_counts_against_the_same_limit(self):
        job = self.run_import(HEADER + ROW * 4000)
        self.assertEqual(job.status, ImportJob.Status.FAILED)
        self.assertIn("larger than 64 kB", job.message)

    @override_settings(IMPORT_MAX_ROWS=3)
    def test_rows_past_the_limit_stop_the_reading(self):
        # the fifth row is malformed: a reader that stops at the limit never gets to it
        content = HEADER + ROW * 4 + b'A1,"WH,2024-05-01,1\n'
        job = self.run_import(content)
        self.assertEqual(job.status, ImportJob.Status.FAILED)
        self.assertIn("more than 3 rows", job.message)
        self.assertEqual(self.sales(), 0)

    @override_settings(IMPORT_MAX_BLANK_LINES=1000)
    def test_a_gzip_of_blank_lines_stops_at_the_blank_line_limit(self):
        # line ends only, after one real row: nothing counts as a row, so only a limit on
        # blank lines stops the reading before the decompressed-size limit
        bomb = gzip.compress(HEADER + ROW + b"\n" * 2_000_000)
        self.assertLess(len(bomb), 8 * 1024)
        job = self.run_import(bomb, name="sales.csv.gz")
        self.assertEqual(job.status, ImportJob.Status.FAILED)
        self.assertIn("more than 1,000 blank lines", job.message)
        self.assertEqual(self.sales(), 0)

    @override_settings(IMPORT_MAX_BLANK_LINES=2)
    def test_a_few_blank_lines_are_allowed(self):
        job = self.run_import(HEADER + ROW + b"\n\n")
        self.assertEqual(job.status, ImportJob.Status.SUCCEEDED, job.message)
        self.assertEqual(self.sales(), 1)

    @override_settings(IMPORT_MAX_ROWS=3)
    def test_a_file_at_the_row_limit_loads(self):
        content = HEADER + b"".join(b"A1,WH,2024-05-0%d,1\n" % day for day in (1, 2, 3))
        job = self.run_import(content)
        self.assertEqual(job.status, ImportJob.Status.SUCCEEDED, job.message)
        self.assertEqual(self.sales(), 3)

    def test_a_header_without_an_end_is_refused_at_upload(self):
        endless = gzip.compress(b"sku," + b"x" * (8 * 1024 * 1024))
        response = self.upload(endless, name="sales.csv.gz")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "first line", status_code=400)
        self.assertEqual(ImportJob.objects.unscoped().count(), 0)

    def test_a_header_with_too_many_columns_is_refused_at_upload(self):
        header = ",".join(f"c{i}" for i in range(COLUMNS)).encode() + b"\n"
        response = self.upload(header + b"1\n")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "columns", status_code=400)

    def test_a_record_past_its_size_fails_the_job(self):
        # each line closes the quote the line before opened, and opens another: one record
        # of two million cells, however short each line
        content = HEADER + b'A1,WH,2024-05-01,"1\n' + (b'"' + b"," * 1000 + b'"\n') * 2000
        job = self.run_import(content)
        self.assertEqual(job.status, ImportJob.Status.FAILED)
        self.assertIn("line 2", job.message)
        self.assertEqual(self.sales(), 0)


class ApiCsvLimitTests(ApiTestCase):
    def setUp(self):
        self.seed_catalogue()

    def post_csv(self, body: str):
        return self.call("post", "sku-bulk", body, content_type="text/csv")

    def test_a_csv_body_stops_at_the_row_limit(self):
        rows = "".join(f"N{i},Name {i}\n" for i in range(8))
        # the line after the limit is malformed: a parser that stops there never reads it
        body = "code,name\n" + rows + "X,Y,Z\n"
        with override_settings(API_MAX_ROWS_PER_REQUEST=5):
            response = self.post_csv(body)
        self.assertEqual(response.status_code, 400, response.content)
        self.assertIn("at most 5 rows", response.json()["errors"][0]["detail"])
        self.assertEqual(self.in_db(SKU, code__startswith="N"), [])

    def test_a_csv_body_with_too_many_columns_is_refused(self):
        header = ",".join(f"c{i}" for i in range(COLUMNS))
        response = self.post_csv(header + "\n" + "," * (COLUMNS - 1) + "x\n")
        self.assertEqual(response.status_code, 400, response.content)
        self.assertIn("columns", response.json()["detail"])

    def test_csv_bodies_still_load(self):
        response = self.post_csv('code,name\nC1,"Comma, inside"\n\nC2,"Two\nlines"\n')
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["created"], 2)
        self.assertEqual(self.in_db(SKU, code="C2")[0].name, "Two\nlines")
