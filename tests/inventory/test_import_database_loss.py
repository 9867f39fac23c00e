"""The database connection lost in the middle of an import (PostgreSQL restarted, failed over):
PostgreSQL rolls the import's transaction back, the task retries on a fresh connection and
resumes its job, which ends with what a clean import of the same file gives; out of retries,
the job is failed with the reason and no row of the file remains. No job is left running.

The task runs as a worker runs it, retries included (`run_like_a_worker`), without waiting
for the retries' countdowns."""

from __future__ import annotations

import itertools
import unittest
from unittest import mock

from celery.exceptions import Retry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, connection, connections
from django.db.models import Sum
from django.test import TransactionTestCase

from accounts.tenancy import tenant_context
from inventory import tasks
from inventory.ingest import import_uploads, imports
from inventory.models import ImportJob, SalesDay
from tests.factories import LocationFactory, MerchantFactory, SKUFactory, UserFactory

SKUS = [f"K{number:03d}" for number in range(40)]
DAYS = [f"2024-05-{day:02d}" for day in range(1, 29)]
ROWS = len(SKUS) * len(DAYS)
CSV = "sku,location,date,units\n" + "".join(
    f"{sku},WH,{day},{number % 7 + 1}\n"
    for number, (sku, day) in enumerate(itertools.product(SKUS, DAYS))
)


def lost(message: str = "server closed the connection unexpectedly") -> OperationalError:
    return OperationalError(message)


def once(real, when, do):
    """``real``, except that the first call for which ``when(*args)`` holds does ``do()``
    first (which may raise)."""
    done = []

    def replacement(*args, **kwargs):
        if not done and when(*args):
            done.append(True)
            do()
        return real(*args, **kwargs)

    return replacement


def raise_lost():
    raise lost()


def sixth_chunk(merchant, job, chunk, offset, *rest) -> bool:
    return offset == 500


def succeeded(merchant, job, status, *rest) -> bool:
    return status == ImportJob.Status.SUCCEEDED


@unittest.skipUnless(connection.vendor == "postgresql", "connections to terminate")
@mock.patch.object(imports, "CHUNK_ROWS", 100)  # 12 chunks: the loss falls in the middle
class ImportDatabaseLossTests(TransactionTestCase):
    def setUp(self):
        self.user = UserFactory()
        self.merchant_a = self.merchant_with_catalogue("shop-a")
        self.merchant_b = self.merchant_with_catalogue("shop-b")

    def merchant_with_catalogue(self, slug: str):
        merchant = MerchantFactory(slug=slug)
        with tenant_context(merchant):
            LocationFactory(merchant=merchant, code="WH")
            for code in SKUS:
                SKUFactory(merchant=merchant, code=code)
        return merchant

    def queued(self, merchant) -> ImportJob:
        job = import_uploads.import_create(
            merchant=merchant, resource_name="sales", actor=self.user,
            upload=SimpleUploadedFile("sales.csv", CSV.encode()),
        )  # fmt: skip
        with mock.patch.object(tasks.run_import_task, "apply_async"):  # queued, run below
            return import_uploads.import_confirm(
                merchant=merchant, job=job, mapping=job.mapping, options={}
            )

    def run_like_a_worker(self, job: ImportJob, task_id: str = "import-task-1") -> list[Retry]:
        """Run the task and each retry it asks for (its arguments, one more retry each time),
        as the broker hands them to a worker; returns the retries asked for."""
        retries: list[Retry] = []
        kwargs = {"merchant_id": job.merchant_id, "job_id": job.pk}
        while True:
            try:
                tasks.run_import_task.apply(
                    kwargs=kwargs, task_id=task_id, retries=len(retries), throw=True
                )
            except Retry as retry:
                retries.append(retry)
                kwargs = retry.sig.kwargs
                self.assertLess(len(retries), 50, "the task keeps retrying")
                continue
            return retries

    def outcome(self, merchant, job: ImportJob) -> dict:
        with tenant_context(merchant):
            job = ImportJob.objects.for_merchant(merchant).get(pk=job.pk)
            sales = SalesDay.objects.for_merchant(merchant)
            return {
                "status": job.status,
                "rows_total": job.rows_total,
                "rows_done": job.rows_done,
                "created": job.created_count,
                "updated": job.updated_count,
                "unchanged": job.unchanged_count,
                "sales_rows": sales.count(),
                "sales_keys": sales.values("sku_id", "location_id", "date").distinct().count(),
                "units": sales.aggregate(units=Sum("units"))["units"],
            }

    def clean_import(self) -> dict:
        """The same file imported by the other store with nothing going wrong."""
        job = self.queued(self.merchant_b)
        self.assertEqual(self.run_like_a_worker(job), [])
        clean = self.outcome(self.merchant_b, job)
        self.assertEqual(clean["status"], "succeeded")
        self.assertEqual(clean["sales_rows"], ROWS)
        return clean

    def assert_none_running(self):
        with tenant_context(self.merchant_a):
            running = ImportJob.objects.for_merchant(self.merchant_a).filter(status="running")
            self.assertFalse(running.exists())

    def test_connection_lost_mid_import_retries_and_resumes_to_the_clean_result(self):
        clean = self.clean_import()
        job = self.queued(self.merchant_a)
        load = once(imports._load_chunk, when=sixth_chunk, do=raise_lost)
        with mock.patch.object(imports, "_load_chunk", side_effect=load):
            retries = self.run_like_a_worker(job)
        self.assertEqual(len(retries), 1)
        self.assertEqual(retries[0].when, 2)  # the first retry waits 2 s
        self.assertEqual(self.outcome(self.merchant_a, job), clean)
        self.assert_none_running()

    def test_backend_terminated_mid_import_retries_and_resumes_to_the_clean_result(self):
        """A real loss: a second connection terminates the import's backend in the middle
        of its transaction (as a PostgreSQL restart in fast mode does)."""
        clean = self.clean_import()
        job = self.queued(self.merchant_a)
        terminated = []

        def terminate():
            pid = connection.connection.info.backend_pid
            other = connections.create_connection("default")
            try:
                with other.cursor() as cursor:
                    cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
                    self.assertTrue(cursor.fetchone()[0])
            finally:
                other.close()
            terminated.append(pid)

        load = once(imports._load_chunk, when=sixth_chunk, do=terminate)
        with mock.patch.object(imports, "_load_chunk", side_effect=load):
            retries = self.run_like_a_worker(job)
        self.assertEqual(len(terminated), 1)
        self.assertEqual(len(retries), 1)
        self.assertNotEqual(connection.connection.info.backend_pid, terminated[0])
        self.assertEqual(self.outcome(self.merchant_a, job), clean)
        self.assert_none_running()

    def test_connection_lost_after_the_rows_before_the_verdict_leaves_neither(self):
        """Lost when every row is written but before the job says so: the rows go with the
        transaction, and the retry's result is the clean one (rows created, not found
        unchanged from a half-finished first attempt)."""
        clean = self.clean_import()
        job = self.queued(self.merchant_a)
        finish = once(imports._finish, when=succeeded, do=raise_lost)
        with mock.patch.object(imports, "_finish", side_effect=finish):
            retries = self.run_like_a_worker(job)
        self.assertEqual(len(retries), 1)
        self.assertEqual(self.outcome(self.merchant_a, job), clean)
        self.assert_none_running()

    def test_database_away_past_the_retries_fails_the_job_once_it_is_back(self):
        job = self.queued(self.merchant_a)
        verdicts = {"tried": 0}
        real_fail = imports.fail_job

        def fail_job(**kwargs):
            verdicts["tried"] += 1
            if verdicts["tried"] <= 2:  # still away for the first two tries
                raise lost("connection refused")
            return real_fail(**kwargs)

        with (
            mock.patch.object(imports, "_load_chunk", side_effect=lost()) as load,
            mock.patch.object(imports, "fail_job", side_effect=fail_job),
        ):
            retries = self.run_like_a_worker(job)
        self.assertEqual(load.call_count, tasks.IMPORT_RETRIES + 1)  # each load, one chunk
        self.assertEqual(len(retries), tasks.IMPORT_RETRIES + 1 + 2)
        self.assertEqual([retry.when for retry in retries[:7]], [2, 4, 8, 16, 32, 60, 60])
        outcome = self.outcome(self.merchant_a, job)
        self.assertEqual(outcome["status"], "failed")
        self.assertEqual(outcome["sales_rows"], 0)
        with tenant_context(self.merchant_a):
            job.refresh_from_db()
        self.assertEqual(job.message, tasks.DATABASE_LOST_MESSAGE)
        self.assert_none_running()

    def test_a_duplicate_task_does_not_take_over_the_running_job_even_on_its_retry(self):
        """The dispatch sweep may send a queued job's task twice. The duplicate finds the job
        taken; when it lost the database before claiming, its retry (with its own id) finds
        it taken too, and its error does not fail the job the other task is running."""
        job = self.queued(self.merchant_a)
        with tenant_context(self.merchant_a):
            ImportJob.objects.for_merchant(self.merchant_a).filter(pk=job.pk).update(
                status="running",
                claimed_by="import-task-1",  # held by the first task
            )
        self.assertEqual(self.run_like_a_worker(job, task_id="duplicate-1"), [])
        real_get = tasks.Merchant.objects.get
        with mock.patch.object(
            tasks.Merchant.objects, "get", side_effect=[lost(), real_get(pk=job.merchant_id)]
        ):
            retries = self.run_like_a_worker(job, task_id="duplicate-2")
        self.assertEqual(len(retries), 1)
        with mock.patch.object(imports, "import_run", side_effect=RuntimeError("boom")):
            with self.assertRaises(RuntimeError):
                self.run_like_a_worker(job, task_id="duplicate-3")
        outcome = self.outcome(self.merchant_a, job)
        self.assertEqual((outcome["status"], outcome["sales_rows"]), ("running", 0))

    def test_the_task_delivered_again_after_its_worker_died_resumes_the_job(self):
        """SIGKILL in the middle of an import: PostgreSQL rolls its transaction back, the job
        is left running under the task's id, and the broker delivers the same task again
        (acks late, rejected on worker loss): it takes the job over and finishes it."""
        clean = self.clean_import()
        job = self.queued(self.merchant_a)
        with tenant_context(self.merchant_a):
            ImportJob.objects.for_merchant(self.merchant_a).filter(pk=job.pk).update(
                status="running", claimed_by="import-task-1"
            )
        self.assertEqual(self.run_like_a_worker(job, task_id="import-task-1"), [])
        self.assertEqual(self.outcome(self.merchant_a, job), clean)
        self.assert_none_running()
