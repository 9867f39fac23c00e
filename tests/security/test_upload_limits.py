"""Size limits on what clients send: the portal's CSV import refuses a file past
IMPORT_MAX_FILE_BYTES next to the file field (the file is dropped while it streams in), and API
bodies past API_MAX_BODY_BYTES answer 413 with a JSON error naming the limit."""

from __future__ import annotations

import io
import json

import orjson
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings
from django.urls import reverse

from accounts.api.parsers import read_limited
from accounts.roles import Role
from accounts.tenancy import tenant_context
from inventory.models import SKU, ImportJob
from tests.factories import MerchantFactory, api_token_secret, merchant_with


class ImportUploadLimitTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.merchant, cls.planner = merchant_with(Role.PLANNER, slug="shop")

    def setUp(self):
        self.client.force_login(self.planner)
        self.url = reverse("inventory:data", kwargs={"merchant_slug": "shop"})

    def upload(self, size: int):
        body = b"sku,location,date,units\n" + b"A,SHOP,2024-05-01,1\n" * (size // 20)
        upload = SimpleUploadedFile("sales.csv", body[:size], content_type="text/csv")
        return self.client.post(self.url, {"resource": "sales", "file": upload})

    def jobs(self) -> int:
        with tenant_context(self.merchant):
            return ImportJob.objects.for_merchant(self.merchant).count()

    @override_settings(IMPORT_MAX_FILE_BYTES=1000)
    def test_a_file_past_the_limit_is_refused_next_to_the_file_field(self):
        response = self.upload(1500)
        self.assertEqual(response.status_code, 413)
        form = response.context["form"]
        self.assertEqual(
            form.errors["file"], ["The file is larger than 1000 bytes: split it, or gzip it."]
        )
        self.assertNotIn("required", str(form.errors))
        self.assertContains(response, "larger than 1000 bytes", status_code=413)
        self.assertEqual(self.jobs(), 0)

    @override_settings(IMPORT_MAX_FILE_BYTES=2 * 1024 * 1024)
    def test_the_limit_is_counted_while_the_file_streams_in(self):
        """Past Django's in-memory size (2.5 MB) a file would go to a temporary file: the
        handler drops it at the limit instead, across several chunks."""
        response = self.upload(3 * 1024 * 1024)
        self.assertEqual(response.status_code, 413)
        self.assertTrue(
            response.context["form"].errors["file"][0].startswith("The file is larger than 2 MB:")
        )
        self.assertEqual(self.jobs(), 0)

    @override_settings(IMPORT_MAX_FILE_BYTES=1000)
    def test_a_file_within_the_limit_is_accepted(self):
        response = self.upload(900)
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.jobs(), 1)


class ApiBodyLimitTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.merchant = MerchantFactory(slug="shop")
        cls.token = api_token_secret(cls.merchant, role=Role.PLANNER)

    def post(self, body: bytes, content_type="application/json"):
        return self.client.post(
            reverse("sku-bulk"),
            body,
            content_type=content_type,
            HTTP_AUTHORIZATION=f"Bearer {self.token}",
        )

    @override_settings(API_MAX_BODY_BYTES=2048)
    def test_a_body_past_the_limit_is_413_naming_the_limit(self):
        rows = [{"code": f"BIG{i}", "name": "x" * 40} for i in range(60)]
        for body, content_type in (
            (orjson.dumps(rows), "application/json"),
            (
                ("code,name\n" + "".join(f"C{i},{'y' * 40}\n" for i in range(60))).encode(),
                "text/csv",
            ),
        ):
            response = self.post(body, content_type)
            self.assertEqual(response.status_code, 413, content_type)
            self.assertEqual(response["Content-Type"], "application/problem+json")
            answer = json.loads(response.content)
            self.assertEqual(answer["limit_bytes"], 2048)
            self.assertIn("larger than 2 kB", answer["detail"])
        with tenant_context(self.merchant):
            self.assertFalse(SKU.objects.for_merchant(self.merchant).exists())

    def test_the_ingest_bench_batch_passes_the_default_limit(self):
        """bench/ingest pushes 10,000 daily-sales rows per request."""
        row = {
            "sku": "SKU0123",
            "location": "WH",
            "date": "2024-05-01",
            "units": "12",
            "revenue": "30.00",
        }
        body = orjson.dumps([row] * 10_000)
        self.assertEqual(read_limited(io.BytesIO(body), {"CONTENT_LENGTH": str(len(body))}), body)
