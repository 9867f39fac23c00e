"""Long work never holds a page: "Replay now" and "Forecast now" queue a job and answer at
once, and a small JSON status feeds the page's progress bar (tenant-scoped)."""

from __future__ import annotations

from unittest import mock

from celery import current_app
from django.test import TestCase, override_settings
from django.urls import reverse

from accounts.roles import Role
from accounts.tenancy import tenant_context
from core import dispatch
from forecasting.models import ForecastChunk, ForecastRun
from planning.models import PolicyReplay
from tests.background import Submissions
from tests.factories import MerchantFactory, member


class LongJobTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.a = MerchantFactory(name="Alpha", slug="alpha")
        cls.b = MerchantFactory(name="Beta", slug="beta")
        cls.planner = member(cls.a, Role.PLANNER)
        cls.b_owner = member(cls.b, Role.OWNER)

    def setUp(self):
        self.client.force_login(self.planner)

    def url(self, name: str, merchant=None, **kwargs) -> str:
        return reverse(name, kwargs={"merchant_slug": (merchant or self.a).slug, **kwargs})

    def replays(self, merchant) -> list[PolicyReplay]:
        with tenant_context(merchant):
            return list(PolicyReplay.objects.for_merchant(merchant))

    @override_settings(LONG_JOBS_IN_BACKGROUND_THREAD=True)
    def test_replay_now_queues_a_job_and_answers_without_running_it(self):
        background = Submissions()
        with (
            mock.patch.object(dispatch, "_background_executor", return_value=background),
            mock.patch("planning.replays.execute.policy_replay_execute") as execute,
        ):
            with self.captureOnCommitCallbacks(execute=True):
                response = self.client.post(self.url("planning:replay_start"))
            self.assertEqual(response.status_code, 302)
            execute.assert_not_called()  # not in the request
            [job] = self.replays(self.a)
            self.assertEqual(job.status, PolicyReplay.Status.QUEUED)
            [(function, (task, kwargs))] = background.calls
            self.assertEqual(task, "planning.policy_replay_task")
            self.assertEqual(kwargs, {"merchant_id": self.a.pk, "replay_id": job.pk})
            # what the background thread then does (its own connections closed after, which
            # here, on the test's thread, would close the test's)
            with mock.patch.object(dispatch.connections, "close_all"):
                function(task, kwargs)
        execute.assert_called_once()
        self.assertEqual(execute.call_args.kwargs["replay_id"], job.pk)

    def test_with_a_broker_replay_now_sends_the_task_by_name(self):
        eager = current_app.conf.task_always_eager
        current_app.conf.task_always_eager = False
        self.addCleanup(setattr, current_app.conf, "task_always_eager", eager)
        with (
            mock.patch.object(current_app, "send_task") as send_task,
            mock.patch("planning.replays.execute.policy_replay_execute") as execute,
            self.captureOnCommitCallbacks(execute=True),
        ):
            self.client.post(self.url("planning:replay_start"))
        [job] = self.replays(self.a)
        send_task.assert_called_once_with(
            "planning.policy_replay_task", kwargs={"merchant_id": self.a.pk, "replay_id": job.pk}
        )
        execute.assert_not_called()

    def test_the_long_queues_go_to_the_background_and_short_work_does_not(self):
        self.assertEqual(dispatch.queue_of("planning.policy_replay_task"), "forecast")
        self.assertEqual(dispatch.queue_of("inventory.run_import_task"), "ingest")
        self.assertEqual(dispatch.queue_of("forecasting.run_forecast_task"), "forecast")
        self.assertEqual(dispatch.queue_of("forecasting.fine_tune_task"), "gpu")
        self.assertEqual(dispatch.queue_of("inventory.send_purchase_order_task"), "default")
        self.assertEqual(dispatch.queue_of("accounts.send_invitation_email_task"), "default")

    def test_replay_status_feeds_the_progress_bar(self):
        with tenant_context(self.a):
            job = PolicyReplay.objects.create(
                merchant=self.a, status="running", reviews_done=3, reviews_total=12
            )
        response = self.client.get(self.url("planning:replay_status", pk=job.pk))
        self.assertEqual(response.status_code, 200)
        state = response.json()
        self.assertEqual((state["done"], state["total"], state["percent"]), (3, 12, 25))
        self.assertFalse(state["finished"])
        self.assertIn("3 of 12", state["label"])
        page = self.client.get(self.url("planning:replay"))
        self.assertContains(page, self.url("planning:replay_status", pk=job.pk))
        self.assertNotContains(page, 'http-equiv="refresh"')

    def test_another_stores_job_id_answers_404(self):
        with tenant_context(self.b):
            replay = PolicyReplay.objects.create(merchant=self.b, status="running")
            run = ForecastRun.objects.create(merchant=self.b, status="running")
        for name, pk in (("planning:replay_status", replay.pk), ("forecasting:run_status", run.pk)):
            with self.subTest(name):
                self.assertEqual(self.client.get(self.url(name, pk=pk)).status_code, 404)
                # the owner of the other store reads it under its own slug
                self.client.force_login(self.b_owner)
                own = self.client.get(self.url(name, merchant=self.b, pk=pk))
                self.assertEqual(own.status_code, 200)
                self.client.force_login(self.planner)

    def test_forecast_run_status_counts_its_chunks(self):
        with tenant_context(self.a):
            run = ForecastRun.objects.create(merchant=self.a, status="running")
            for number, status in enumerate(["succeeded", "running", "queued", "queued"]):
                ForecastChunk.objects.create(merchant=self.a, run=run, number=number, status=status)
        state = self.client.get(self.url("forecasting:run_status", pk=run.pk)).json()
        self.assertEqual((state["done"], state["total"], state["percent"]), (1, 4, 25))
        page = self.client.get(self.url("forecasting:runs"))
        self.assertContains(page, self.url("forecasting:run_status", pk=run.pk))
