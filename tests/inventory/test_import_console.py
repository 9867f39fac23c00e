"""Imports in the console: refused for bad input is shown as refused and never retried; a
failure of the platform is shown as failed and may be retried."""

from __future__ import annotations

from unittest import mock

from django.test import TestCase
from django.urls import reverse

from accounts.tenancy import tenant_context
from inventory.ingest import imports
from inventory.models import REFUSED_IMPORTS, ImportJob
from tests.factories import ImportJobFactory, MerchantFactory, UserFactory, member

BAD_FILE = b"sku,location,date,units\nMUG,MAIN,not-a-date,3\n"


class RefusedImportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.merchant = MerchantFactory(name="Alpha", slug="alpha")
        cls.owner = member(cls.merchant)
        cls.staff = UserFactory(email="ops@shelfcast.test", is_staff=True, is_superuser=True)

    def setUp(self):
        with tenant_context(self.merchant):
            # refused: the worker read the file and judged it (its verdict drops the file)
            self.refused = ImportJobFactory(
                merchant=self.merchant, original_name="bad.csv", file__data=BAD_FILE
            )
            ImportJob.objects.for_merchant(self.merchant).filter(pk=self.refused.pk).update(
                status=ImportJob.Status.QUEUED,
                mapping={"sku": "sku", "location": "location", "date": "date", "units": "units"},
            )
        imports.import_run(merchant=self.merchant, job_id=self.refused.pk)
        with tenant_context(self.merchant):
            self.refused.refresh_from_db()
            # failed on the platform: the worker's error, the file kept for a retry
            self.failed = ImportJobFactory(
                merchant=self.merchant,
                original_name="good.csv",
                status=ImportJob.Status.FAILED,
                message="The import stopped on an unexpected error.",
            )

    def test_a_verdict_on_the_input_is_refused_and_a_platform_error_failed(self):
        self.assertEqual(self.refused.status, ImportJob.Status.FAILED)
        self.assertTrue(self.refused.is_refused)
        self.assertEqual(self.refused.outcome, "refused")
        self.assertFalse(self.failed.is_refused)
        self.assertEqual(self.failed.outcome, "failed")
        with tenant_context(self.merchant):
            refused = ImportJob.objects.for_merchant(self.merchant).filter(REFUSED_IMPORTS)
            self.assertEqual(list(refused), [self.refused])

    def test_the_console_shows_refused_apart_and_filters_on_it(self):
        self.client.force_login(self.staff)
        url = reverse("admin:inventory_importjob_changelist")
        response = self.client.get(url)
        self.assertContains(response, "Refused (bad input)")
        rows = {job.pk: job for job in response.context["cl"].result_list}
        self.assertTrue(rows[self.refused.pk].is_refused)
        refused = self.client.get(url, {"outcome": "refused"}).context["cl"].result_list
        self.assertEqual([job.pk for job in refused], [self.refused.pk])
        failed = self.client.get(url, {"outcome": "failed"}).context["cl"].result_list
        self.assertEqual([job.pk for job in failed], [self.failed.pk])

    def test_only_the_failed_import_is_retried(self):
        self.client.force_login(self.staff)
        url = reverse("admin:inventory_importjob_changelist")
        with (
            mock.patch("inventory.tasks.run_import_task.delay") as delay,
            self.captureOnCommitCallbacks(execute=True),
        ):
            response = self.client.post(
                url,
                {
                    "action": "retry",
                    "_selected_action": [self.refused.pk, self.failed.pk],
                    "post": "yes",
                    "reason": "Worker lost",
                },
                follow=True,
            )
        delay.assert_called_once_with(merchant_id=self.merchant.pk, job_id=self.failed.pk)
        self.assertContains(response, "1 refused for their input, not retried")
        with tenant_context(self.merchant):
            self.refused.refresh_from_db()
            self.failed.refresh_from_db()
        self.assertEqual(self.refused.status, ImportJob.Status.FAILED)
        self.assertEqual(self.failed.status, ImportJob.Status.QUEUED)

    def test_service_health_counts_refused_imports_apart_from_failures(self):
        from planning.statistics import pseudonym

        self.client.force_login(self.staff)
        response = self.client.get(reverse("admin:planning_servicehealth_changelist"))
        jobs = {job.label: job for job in response.context["jobs"]}
        self.assertEqual((jobs["Imports"].failed, jobs["Imports"].refused), (1, 1))
        stores = {store.pseudonym: store for store in response.context["merchants"]}
        self.assertEqual(stores[pseudonym(self.merchant.pk)].job_failures["Imports"], 1)
