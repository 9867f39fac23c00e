"""Two imports of one store at the same moment, on PostgreSQL with real commits: both finish,
and the store's data is what running them one after the other gives."""

from __future__ import annotations

import threading
import unittest
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import TransactionTestCase

from accounts.tenancy import tenant_context
from inventory.ingest import imports
from inventory.models import ImportJob, SalesDay
from tests.factories import LocationFactory, MerchantFactory, SKUFactory, UserFactory

SKUS = [f"K{number:03d}" for number in range(120)]
DAYS = [f"2024-05-{day:02d}" for day in range(1, 29)]


def sales_csv(units: int, reverse: bool) -> str:
    rows = [f"{sku},WH,{day},{units}" for sku in SKUS for day in DAYS]
    return "sku,location,date,units\n" + "\n".join(reversed(rows) if reverse else rows) + "\n"


@unittest.skipUnless(connection.vendor == "postgresql", "row locks and advisory locks")
class ConcurrentImportTests(TransactionTestCase):
    def setUp(self):
        self.merchant = MerchantFactory(slug="shop")
        self.user = UserFactory()
        with tenant_context(self.merchant):
            LocationFactory(merchant=self.merchant, code="WH")
            for code in SKUS:
                SKUFactory(merchant=self.merchant, code=code)

    def queued(self, content: str) -> ImportJob:
        job = imports.import_create(
            merchant=self.merchant, resource_name="sales", actor=self.user,
            upload=SimpleUploadedFile("sales.csv", content.encode()),
        )  # fmt: skip
        with mock.patch("inventory.tasks.run_import_task.delay"):  # queued, run below
            job = imports.import_confirm(
                merchant=self.merchant, job=job, mapping=job.mapping, options={}
            )
        self.assertEqual(job.status, ImportJob.Status.QUEUED)
        return job

    def run_both(self, first: ImportJob, second: ImportJob) -> None:
        start = threading.Barrier(2)
        problems, ran = [], []

        def work(job: ImportJob) -> None:
            try:
                start.wait()
                ran.append(imports.import_run(merchant=self.merchant, job_id=job.pk))
            except Exception as error:  # reported below, in the test's thread
                problems.append(error)
            finally:
                connection.close()

        threads = [threading.Thread(target=work, args=(job,)) for job in (first, second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        self.assertEqual(problems, [])
        self.assertEqual(len([job for job in ran if job is not None]), 2)  # both ran here

    @mock.patch.object(imports, "CHUNK_ROWS", 240)  # many chunks: the two interleave
    def test_two_imports_at_once_equal_the_two_in_turn(self):
        # the same 3,360 days, in opposite orders: without queueing, each holds rows the
        # other needs
        low, high = (
            self.queued(sales_csv(1, reverse=False)),
            self.queued(sales_csv(7, reverse=True)),
        )
        self.run_both(low, high)
        with tenant_context(self.merchant):
            jobs = {job.pk: job for job in ImportJob.objects.for_merchant(self.merchant)}
            self.assertEqual({job.status for job in jobs.values()}, {"succeeded"})
            later = max(jobs.values(), key=lambda job: job.finished_at)
            units = set(
                SalesDay.objects.for_merchant(self.merchant).values_list("units", flat=True)
            )
            count = SalesDay.objects.for_merchant(self.merchant).count()
        self.assertEqual(count, len(SKUS) * len(DAYS))
        self.assertEqual(units, {1 if later.pk == low.pk else 7})  # the later one, whole


@unittest.skipUnless(connection.vendor == "postgresql", "row locks")
class ConcurrentSyncTests(TransactionTestCase):
    """API syncs of one store at once, with rows in common in opposite orders: each batch
    writes its rows in key order, so one waits for the other; none fails."""

    def setUp(self):
        self.merchant = MerchantFactory(slug="shop")
        with tenant_context(self.merchant):
            LocationFactory(merchant=self.merchant, code="WH")
            for code in SKUS:
                SKUFactory(merchant=self.merchant, code=code)

    def test_overlapping_batches_in_opposite_orders_all_land(self):
        from inventory.ingest.service import ingest

        rows = [{"sku": sku, "location": "WH", "date": day, "units": 1}
                for sku in SKUS for day in DAYS]  # fmt: skip
        start = threading.Barrier(4)
        problems = []

        def work(batch: list[dict]) -> None:
            try:
                start.wait()
                for _ in range(3):
                    ingest(merchant=self.merchant, resource_name="sales", rows=batch)
            except Exception as error:  # reported below, in the test's thread
                problems.append(error)
            finally:
                connection.close()

        batches = [rows, rows[::-1], rows[1::2] + rows[::2], rows[::-2] + rows[-2::-2]]
        threads = [threading.Thread(target=work, args=(batch,)) for batch in batches]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        self.assertEqual(problems, [])
        with tenant_context(self.merchant):
            self.assertEqual(
                SalesDay.objects.for_merchant(self.merchant).count(), len(SKUS) * len(DAYS)
            )
