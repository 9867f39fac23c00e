"""Console actions on long jobs (`core.admin_jobs`): a retry or a cancel asks for a reason,
changes nothing without one, and writes who, which job, when and why to the job's store's
security log."""

from __future__ import annotations

from unittest import mock

from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from accounts.models import SecurityEvent
from accounts.tenancy import tenant_context
from core.admin_jobs import CANCELLED_MESSAGE
from forecasting.models import ForecastRun
from tests.factories import UserFactory, merchants

URL = "admin:forecasting_forecastrun_changelist"


class JobActionAuditTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.alpha, cls.beta = merchants("alpha", "beta")
        cls.staff = UserFactory(email="ops@shelfcast.test", is_staff=True, is_superuser=True)

    def setUp(self):
        self.client.force_login(self.staff)

    def run_of(self, merchant, status: str, **extra) -> ForecastRun:
        with tenant_context(merchant):
            return ForecastRun.objects.create(merchant=merchant, status=status, **extra)

    def status(self, run: ForecastRun) -> tuple[str, str]:
        with tenant_context(run.merchant):
            run.refresh_from_db()
        return run.status, run.message

    def staff_changes(self, merchant) -> list[tuple]:
        with tenant_context(merchant):
            return list(
                SecurityEvent.objects.for_merchant(merchant)
                .filter(kind=SecurityEvent.Kind.STAFF_CHANGED)
                .order_by("id")
                .values_list("actor", "details", "created_at")
            )

    def act(self, action: str, runs: list[ForecastRun], **extra):
        data = {"action": action, "_selected_action": [run.pk for run in runs], **extra}
        with (
            mock.patch("forecasting.tasks.run_forecast_task.delay") as delay,
            self.captureOnCommitCallbacks(execute=True),
        ):
            response = self.client.post(reverse(URL), data)
        return response, delay

    def test_without_a_reason_the_action_asks_for_one_and_changes_nothing(self):
        failed = self.run_of(self.alpha, "failed", message="boom")
        queued = self.run_of(self.alpha, "queued")
        for action, run, before in (
            ("retry", failed, ("failed", "boom")),
            ("cancel", queued, ("queued", "")),
        ):
            response, delay = self.act(action, [run])
            self.assertTemplateUsed(response, "admin/core/job_action_reason.html")
            self.assertContains(response, f'name="_selected_action" value="{run.pk}"', html=False)
            self.assertContains(response, f'name="action" value="{action}"', html=False)
            # a blank reason is refused on the same page
            response, delay = self.act(action, [run], post="yes", reason="   ")
            self.assertTemplateUsed(response, "admin/core/job_action_reason.html")
            self.assertContains(response, "This field is required.")
            delay.assert_not_called()
            self.assertEqual(self.status(run), before)
        self.assertEqual(self.staff_changes(self.alpha), [])

    def test_a_retry_is_audited_in_the_jobs_store_with_the_reason(self):
        failed = self.run_of(self.alpha, "failed", message="boom")
        queued = self.run_of(self.alpha, "queued")
        other = self.run_of(self.beta, "failed", message="boom")
        started = timezone.now()
        response, delay = self.act(
            "retry", [failed, queued], post="yes", reason="Database was away (ticket 42)"
        )
        self.assertEqual(response.status_code, 302)
        delay.assert_called_once_with(merchant_id=self.alpha.pk, run_id=failed.pk)
        self.assertEqual(self.status(failed), ("queued", ""))
        ((actor, details, created_at),) = self.staff_changes(self.alpha)
        self.assertEqual(actor, self.staff.pk)
        self.assertEqual(
            details,
            {
                "model": "forecasting.ForecastRun",
                "object_id": str(failed.pk),
                "action": "retry",
                "reason": "Database was away (ticket 42)",
            },
        )
        self.assertLessEqual(started, created_at)
        # the job not selected, in the other store, is neither retried nor logged
        self.assertEqual(self.status(other), ("failed", "boom"))
        self.assertEqual(self.staff_changes(self.beta), [])

    def test_a_cancel_is_audited_per_store_and_a_running_job_is_not(self):
        alpha_queued = self.run_of(self.alpha, "queued")
        beta_queued = self.run_of(self.beta, "queued")
        running = self.run_of(self.alpha, "running")
        response, _ = self.act(
            "cancel", [alpha_queued, beta_queued, running], post="yes", reason="Duplicate run"
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.status(alpha_queued), ("failed", CANCELLED_MESSAGE))
        self.assertEqual(self.status(beta_queued), ("failed", CANCELLED_MESSAGE))
        self.assertEqual(self.status(running), ("running", ""))
        for merchant, run in ((self.alpha, alpha_queued), (self.beta, beta_queued)):
            ((actor, details, _),) = self.staff_changes(merchant)
            self.assertEqual(actor, self.staff.pk)
            self.assertEqual(
                (details["object_id"], details["action"], details["reason"]),
                (str(run.pk), "cancel", "Duplicate run"),
            )
