"""Two imports of one store at the same moment, on PostgreSQL with real commits: both finish,
and the store's data is what running them one after the other gives."""

from __future__ import annotations

import json
import threading
import unittest
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import TransactionTestCase, override_settings
from django.urls import reverse

from accounts.roles import Role
from accounts.tenancy import tenant_context
from inventory.ingest import import_uploads, imports
from inventory.ingest.service import hold_store_writes
from inventory.models import ImportJob, SalesDay
from tests.factories import (
    LocationFactory,
    MerchantFactory,
    SKUFactory,
    UserFactory,
    api_token_secret,
    member,
)

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
        job = import_uploads.import_create(
            merchant=self.merchant, resource_name="sales", actor=self.user,
            upload=SimpleUploadedFile("sales.csv", content.encode()),
        )  # fmt: skip
        with mock.patch("inventory.tasks.run_import_task.delay"):  # queued, run below
            job = import_uploads.import_confirm(
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


@unittest.skipUnless(connection.vendor == "postgresql", "advisory locks")
@override_settings(STORE_BUSY_WAIT_SECONDS=0.5, STORE_BUSY_RETRY_AFTER_SECONDS=7)
class SyncDuringImportTests(TransactionTestCase):
    """A sync that arrives while an import of its store holds the store's write lock waits,
    then is answered 503 with Retry-After, having written nothing; syncs share the lock with
    each other, and other stores are not held back."""

    def setUp(self):
        self.merchant = MerchantFactory(slug="shop")
        self.other = MerchantFactory(slug="other")
        owner = UserFactory()
        self.tokens = {}
        for merchant in (self.merchant, self.other):
            member(merchant, Role.OWNER, user=owner)
            with tenant_context(merchant):
                LocationFactory(merchant=merchant, code="WH")
                SKUFactory(merchant=merchant, code="K001")
            self.tokens[merchant.pk] = api_token_secret(merchant, role=Role.PLANNER, actor=owner)

    def sync(self, merchant, key: str):
        rows = [{"sku": "K001", "location": "WH", "date": "2024-05-01", "units": 4}]
        return self.client.post(
            reverse("sales-day-bulk"),
            json.dumps(rows),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {self.tokens[merchant.pk]}",
            HTTP_IDEMPOTENCY_KEY=key,
        )

    def holding(self, merchant, *, exclusive: bool):
        """A thread that holds the store's write lock (as an import does) until released."""
        held, release = threading.Event(), threading.Event()

        def work() -> None:
            try:
                with transaction.atomic():
                    hold_store_writes(merchant, exclusive=exclusive)
                    held.set()
                    release.wait(30)
            finally:
                connection.close()

        thread = threading.Thread(target=work)
        thread.start()
        self.assertTrue(held.wait(10))
        return thread, release

    def sales(self, merchant) -> int:
        with tenant_context(merchant):
            return SalesDay.objects.for_merchant(merchant).count()

    def test_a_sync_during_an_import_is_told_to_come_back_and_writes_nothing(self):
        thread, release = self.holding(self.merchant, exclusive=True)
        try:
            busy = self.sync(self.merchant, "first-try")
            elsewhere = self.sync(self.other, "other-store")
        finally:
            release.set()
            thread.join()
        self.assertEqual(busy.status_code, 503)
        self.assertEqual(busy["Retry-After"], "7")
        self.assertIn("import of this store is running", busy.json()["detail"])
        self.assertEqual(self.sales(self.merchant), 0)
        self.assertEqual(elsewhere.status_code, 200)
        again = self.sync(self.merchant, "first-try")  # the client's retry, same key
        self.assertEqual(again.status_code, 200, again.content)
        self.assertEqual(self.sales(self.merchant), 1)

    def test_syncs_share_the_lock(self):
        thread, release = self.holding(self.merchant, exclusive=False)
        try:
            response = self.sync(self.merchant, "while-another-sync")
        finally:
            release.set()
            thread.join()
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(self.sales(self.merchant), 1)
