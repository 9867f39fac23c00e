"""Raw customer ids are pseudonymised at the door and kept nowhere: an uploaded file that
carries them is deleted once its import has reached a verdict (loaded, or refused for its
rows), while a load cut short keeps it for the retry; no error report, of the API or of an
import, echoes a raw customer id."""

from __future__ import annotations

from unittest import mock

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.tenancy import tenant_context
from inventory.ingest import imports
from inventory.models import ImportJob, OrderLine
from tests.inventory.api_support import ApiTestCase, order_line
from tests.stores import PlannerUploadsTestCase

SECRET = "CUSTOMER-4417-PRIVATE"
HEADER = "InvoiceNo,StockCode,Quantity,InvoiceDate,UnitPrice,CustomerID\n"


class ImportedCustomerIdTests(PlannerUploadsTestCase):
    location_code, sku_code = "UK", "85123A"

    def setUp(self):
        self.client.force_login(self.planner)

    def upload(self, content: str) -> ImportJob:
        self.client.post(
            reverse("inventory:data", args=["shop"]),
            {"resource": "order-lines", "file": SimpleUploadedFile("t.csv", content.encode())},
        )
        return self.job()

    def job(self) -> ImportJob:
        with tenant_context(self.merchant):
            return ImportJob.objects.for_merchant(self.merchant).latest("created_at")

    def confirm(self, job: ImportJob) -> ImportJob:
        data = {f"map-{i}": job.mapping.get(column, "") for i, column in enumerate(job.header)}
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(reverse("inventory:import_detail", args=["shop", job.pk]), data)
        return self.job()

    def stored(self, name: str) -> bool:
        return bool(name) and default_storage.exists(name)

    def test_the_file_is_deleted_once_its_lines_are_loaded(self):
        job = self.upload(HEADER + f"1,85123A,6,2024-05-01 08:26,2.55,{SECRET}\n")
        name = job.file.name
        self.assertTrue(self.stored(name))  # kept until the import has run
        job = self.confirm(job)
        self.assertEqual(job.status, ImportJob.Status.SUCCEEDED, job.message)
        self.assertFalse(self.stored(name))
        self.assertEqual(job.file.name, "")
        with tenant_context(self.merchant):
            self.assertEqual(
                len(OrderLine.objects.for_merchant(self.merchant).get().customer_hash), 64
            )
        page = self.client.get(reverse("inventory:import_detail", args=["shop", job.pk]))
        self.assertEqual(page.status_code, 200)

    def test_a_refused_file_is_deleted_and_its_report_shows_no_customer_id(self):
        long_id = SECRET * 10  # past the 128 characters a customer id may have
        content = HEADER + (
            f"1,85123A,6,2024-05-01 08:26,2.55,{long_id}\n"
            f"2,85123A,x,2024-05-01 08:27,2.55,{SECRET}\n"
            f"3,85123A,1,2024-05-01 08:28,2.55,{SECRET}\x00\n"
        )
        job = self.upload(content)
        name = job.file.name
        job = self.confirm(job)
        self.assertEqual(job.status, ImportJob.Status.FAILED, job.message)
        self.assertEqual(
            [(e["line"], e["field"]) for e in job.errors],
            [(2, "customer_id"), (3, "quantity"), (4, "customer_id")],
        )
        self.assertNotIn("4417", repr(job.errors))
        report = self.client.get(reverse("inventory:import_errors", args=["shop", job.pk]))
        self.assertNotIn(b"4417", report.content)
        self.assertFalse(self.stored(name))

    def test_a_load_cut_short_keeps_the_file_and_its_retry_loads_it(self):
        job = self.upload(HEADER + f"1,85123A,6,2024-05-01 08:26,2.55,{SECRET}\n")
        name = job.file.name
        with (
            mock.patch.object(imports, "ingest", side_effect=RuntimeError("worker lost")),
            self.assertRaises(RuntimeError),
        ):
            self.confirm(job)
        job = self.job()
        self.assertEqual(job.status, ImportJob.Status.FAILED)
        self.assertTrue(self.stored(name))
        # what the console's retry does: back to queued, the task sent again
        with tenant_context(self.merchant):
            ImportJob.objects.for_merchant(self.merchant).filter(pk=job.pk).update(
                status=ImportJob.Status.QUEUED, message="", finished_at=None
            )
        with self.captureOnCommitCallbacks(execute=True):
            job = imports.import_run(merchant=self.merchant, job_id=job.pk)
        self.assertEqual(job.status, ImportJob.Status.SUCCEEDED, job.message)
        self.assertFalse(self.stored(name))

    def test_a_retry_whose_file_is_gone_fails_with_a_clear_message(self):
        job = self.confirm(self.upload(HEADER + f"1,85123A,6,2024-05-01 08:26,2.55,{SECRET}\n"))
        with tenant_context(self.merchant):
            ImportJob.objects.for_merchant(self.merchant).filter(pk=job.pk).update(
                status=ImportJob.Status.QUEUED
            )
        with self.captureOnCommitCallbacks(execute=True):
            job = imports.import_run(merchant=self.merchant, job_id=job.pk)
        self.assertEqual(job.status, ImportJob.Status.FAILED)
        self.assertIn("upload it again", job.message)


class ApiCustomerIdTests(ApiTestCase):
    def test_an_error_on_a_customer_id_does_not_echo_it(self):
        self.seed_catalogue()
        line = order_line(sku="S0", customer_id=SECRET * 10)
        response = self.bulk("order-line", [line])
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["errors"][0]["field"], "customer_id")
        self.assertNotIn(b"4417", response.content)
