"""A decision on every line matching the orders page's filter never holds the page on a large
store: over `bulk.IN_BACKGROUND_ABOVE` lines it is a job (queued, answered at once, followed
by a progress bar, the lines changed once it has run), a retried form queues nothing more,
a job delivered again resumes without deciding a line twice, and another store can neither
see nor poll it. A few lines are still decided in the request."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from unittest import mock

from django.test import TestCase, override_settings
from django.urls import reverse

from accounts.roles import Role
from accounts.tenancy import tenant_context
from core import dispatch
from inventory.models import PurchaseOrder
from inventory.services import merchant_today
from planning.models import Decision, ReorderSuggestion, SuggestionBulkAction
from planning.suggestions import bulk
from tests import factories
from tests.background import Submissions

THRESHOLD = 3  # lines above which a select-all is a job, small enough for a test store


def store(slug: str, lines: int):
    merchant, planner = factories.merchant_with(Role.PLANNER, slug=slug, timezone="UTC")
    location = factories.LocationFactory(merchant=merchant, code="WH")
    supplier = factories.SupplierFactory(merchant=merchant, code="ACME", name="Acme")
    run = factories.succeeded_run(merchant)
    made = [
        factories.reorder_suggestion(
            merchant, run, factories.SKUFactory(merchant=merchant, code=f"S{i}"), location, supplier
        )
        for i in range(lines)
    ]
    return merchant, planner, made


@override_settings(LONG_JOBS_IN_BACKGROUND_THREAD=True)
@mock.patch.object(bulk, "IN_BACKGROUND_ABOVE", THRESHOLD)
class BulkJobTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.merchant, cls.planner, cls.lines = store("alpha", 5)
        cls.other, cls.other_planner, cls.other_lines = store("beta", 5)

    def setUp(self):
        self.client.force_login(self.planner)
        self.background = Submissions()
        patcher = mock.patch.object(dispatch, "_background_executor", return_value=self.background)
        patcher.start()
        self.addCleanup(patcher.stop)

    def url(self, name, merchant=None, *args):
        return reverse(f"planning:{name}", args=[(merchant or self.merchant).slug, *args])

    def decide(self, merchant=None, **data):
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(
                self.url("suggestions_decide", merchant),
                {"status": "proposed", "select": "all", "request_key": "form-1", **data},
            )

    def jobs(self, merchant=None) -> list[SuggestionBulkAction]:
        merchant = merchant or self.merchant
        with tenant_context(merchant):
            return list(SuggestionBulkAction.objects.for_merchant(merchant).order_by("pk"))

    def stored(self, merchant, lines) -> list[ReorderSuggestion]:
        with tenant_context(merchant):
            found = ReorderSuggestion.objects.for_merchant(merchant).in_bulk(
                [line.pk for line in lines]
            )
        return [found[line.pk] for line in lines]

    def test_a_large_select_all_is_queued_and_the_lines_change_once_the_job_has_run(self):
        response = self.decide(decision="approve")
        [job] = self.jobs()
        self.assertRedirects(
            response,
            f"{self.url('suggestions')}?status=proposed&job={job.pk}",
            fetch_redirect_response=False,
        )
        self.assertEqual((job.status, job.decision, job.lines_total, job.lines_done),
                         ("queued", "approve", 5, 0))  # fmt: skip
        self.assertEqual(sorted(job.line_ids), sorted(line.pk for line in self.lines))
        self.assertEqual(job.requested_by, self.planner)
        # answered without deciding a line: they wait for the job
        self.assertEqual({line.status for line in self.stored(self.merchant, self.lines)},
                         {"proposed"})  # fmt: skip
        [(_function, (task, kwargs))] = self.background.calls
        self.assertEqual(task, bulk.BULK_TASK)
        self.assertEqual(kwargs, {"merchant_id": self.merchant.pk, "job_id": job.pk})
        page = self.client.get(self.url("suggestions"), {"job": job.pk})
        self.assertContains(page, self.url("suggestions_job", None, job.pk))
        self.assertContains(page, "Approving: 0 of 5 lines.")

        self.background.run_all()
        [job] = self.jobs()
        self.assertEqual((job.status, job.lines_done, job.result["count"]), ("succeeded", 5, 5))
        self.assertEqual({line.status for line in self.stored(self.merchant, self.lines)},
                         {"approved"})  # fmt: skip
        with tenant_context(self.merchant):
            order = PurchaseOrder.objects.for_merchant(self.merchant).get()
            self.assertEqual(order.lines.count(), 5)
        page = self.client.get(self.url("suggestions"), {"job": job.pk})
        self.assertContains(page, f"5 approved, on draft purchase order {order.number} (Acme).")
        self.assertNotContains(page, self.url("suggestions_job", None, job.pk))
        # the other store's lines were not touched
        self.assertEqual({line.status for line in self.stored(self.other, self.other_lines)},
                         {"proposed"})  # fmt: skip

    def test_the_status_feeds_the_progress_bar(self):
        self.decide(decision="defer", until=(merchant_today(self.merchant) + dt.timedelta(days=3)))
        [job] = self.jobs()
        with tenant_context(self.merchant):
            SuggestionBulkAction.objects.for_merchant(self.merchant).filter(pk=job.pk).update(
                status="running", lines_done=2
            )
        state = self.client.get(self.url("suggestions_job", None, job.pk)).json()
        self.assertEqual((state["done"], state["total"], state["percent"]), (2, 5, 40))
        self.assertFalse(state["finished"])
        self.assertEqual(state["label"], "Deferring: 2 of 5 lines.")

    def test_a_small_select_all_is_decided_in_the_request(self):
        with mock.patch.object(bulk, "IN_BACKGROUND_ABOVE", 5):
            self.decide(decision="defer", until=merchant_today(self.merchant) + dt.timedelta(3))
        self.assertEqual(self.jobs(), [])
        self.assertEqual(self.background.calls, [])
        self.assertEqual({line.deferred_until for line in self.stored(self.merchant, self.lines)},
                         {merchant_today(self.merchant) + dt.timedelta(3)})  # fmt: skip

    def test_a_small_percentage_edit_is_done_in_the_request_and_once_per_form(self):
        with mock.patch.object(bulk, "IN_BACKGROUND_ABOVE", 5):
            response = self.decide(decision="edit", percent="50")
            self.decide(decision="edit", percent="50")  # the same form sent again
        self.assertEqual(self.background.calls, [])
        [job] = self.jobs()
        self.assertEqual((job.status, job.lines_done), ("succeeded", 5))
        self.assertRedirects(response, f"{self.url('suggestions')}?status=proposed",
                             fetch_redirect_response=False)  # fmt: skip
        self.assertContains(self.client.get(response["Location"]), "5 quantities changed.")
        # 24 + 50% is 36 (three packs of 12); scaled twice it would be 60
        self.assertEqual({line.quantity for line in self.stored(self.merchant, self.lines)},
                         {Decimal("36")})  # fmt: skip

    def test_the_same_form_sent_again_queues_no_second_job(self):
        self.decide(decision="edit", percent="50")
        again = self.decide(decision="edit", percent="50")
        [job] = self.jobs()
        self.assertEqual(len(self.background.calls), 1)
        self.assertTrue(again["Location"].endswith(f"job={job.pk}"))
        self.background.run_all()
        self.decide(decision="edit", percent="50")  # once more after it has run
        self.background.run_all()
        self.assertEqual(len(self.jobs()), 1)
        # 24 + 50% is 36 (three packs of 12); scaled twice it would be 60
        self.assertEqual({line.quantity for line in self.stored(self.merchant, self.lines)},
                         {Decimal("36")})  # fmt: skip
        with tenant_context(self.merchant):
            edits = Decision.objects.for_merchant(self.merchant).filter(action="edited").count()
        self.assertEqual(edits, 5)

    def test_another_decision_from_the_same_page_is_a_job_of_its_own(self):
        self.decide(decision="edit", percent="50")
        self.decide(decision="approve")
        self.assertEqual([job.decision for job in self.jobs()], ["edit", "approve"])

    def test_a_refused_action_queues_nothing(self):
        response = self.client.post(
            self.url("suggestions_decide"),
            {"status": "proposed", "select": "all", "decision": "reject", "reason": " "},
            follow=True,
        )
        self.assertContains(response, "Say why the suggestion is rejected.")
        self.assertEqual(self.jobs(), [])

    def test_a_job_delivered_again_resumes_after_its_last_chunk(self):
        self.decide(decision="edit", percent="50")
        [job] = self.jobs()
        with mock.patch.object(bulk, "CHUNK", 2):
            # the first chunk done, then the worker was lost; the broker delivers it again
            with tenant_context(self.merchant):
                done = ReorderSuggestion.objects.for_merchant(self.merchant).filter(
                    pk__in=job.line_ids[:2]
                )
                done.update(quantity=Decimal("36"))
                SuggestionBulkAction.objects.for_merchant(self.merchant).filter(pk=job.pk).update(
                    status="running", claimed_by="task-1", lines_done=2, result={"count": 2}
                )
            bulk.suggestion_bulk_execute(merchant=self.merchant, job_id=job.pk, claimant="task-1")
            # a duplicate task with another id finds it taken
            self.assertIsNone(
                bulk.suggestion_bulk_execute(
                    merchant=self.merchant, job_id=job.pk, claimant="task-2"
                )
            )
        [job] = self.jobs()
        self.assertEqual((job.status, job.lines_done, job.result["count"]), ("succeeded", 5, 5))
        self.assertEqual({line.quantity for line in self.stored(self.merchant, self.lines)},
                         {Decimal("36")})  # fmt: skip

    def test_a_job_that_cannot_be_done_fails_with_its_reason(self):
        with tenant_context(self.merchant):
            job = SuggestionBulkAction.objects.create(
                merchant=self.merchant,
                decision="defer",
                parameters={"until": merchant_today(self.merchant).isoformat()},
                line_ids=[line.pk for line in self.lines],
                lines_total=5,
            )
        bulk.suggestion_bulk_execute(merchant=self.merchant, job_id=job.pk)
        [job] = self.jobs()
        self.assertEqual((job.status, job.message), ("failed", "Defer to a day after today."))
        page = self.client.get(self.url("suggestions"), {"job": job.pk})
        self.assertContains(page, "The action on the lines stopped: Defer to a day after today.")

    def test_platform_staff_retry_a_failed_job_and_it_finishes_its_lines(self):
        self.decide(decision="approve")
        [job] = self.jobs()
        with tenant_context(self.merchant):
            SuggestionBulkAction.objects.for_merchant(self.merchant).filter(pk=job.pk).update(
                status="failed", message="The action stopped on an unexpected error."
            )
        self.client.force_login(factories.UserFactory(is_staff=True, is_superuser=True))
        self.background.calls.clear()
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(
                reverse("admin:planning_suggestionbulkaction_changelist"),
                {"action": "retry", "_selected_action": [job.pk], "post": "yes",
                 "reason": "the database was restarted"},
            )  # fmt: skip
        [job] = self.jobs()
        self.assertEqual((job.status, job.message), ("queued", ""))
        [(_function, (task, kwargs))] = self.background.calls
        self.assertEqual((task, kwargs), (bulk.BULK_TASK, {"merchant_id": self.merchant.pk,
                                                           "job_id": job.pk}))  # fmt: skip
        self.background.run_all()
        [job] = self.jobs()
        self.assertEqual((job.status, job.lines_done), ("succeeded", 5))
        self.assertEqual({line.status for line in self.stored(self.merchant, self.lines)},
                         {"approved"})  # fmt: skip

    def test_another_stores_job_is_neither_shown_nor_polled(self):
        self.client.force_login(self.other_planner)
        self.decide(self.other, decision="approve", request_key="form-b")
        self.client.force_login(self.planner)
        [job] = self.jobs(self.other)
        self.assertEqual(self.jobs(), [])
        self.assertEqual(
            self.client.get(self.url("suggestions_job", None, job.pk)).status_code, 404
        )
        page = self.client.get(self.url("suggestions"), {"job": job.pk})
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, "data-job-status-url")
        self.assertNotContains(page, "Approving:")
        # its own store polls it under its own address, and its lines wait for the job
        self.client.force_login(self.other_planner)
        own = self.client.get(self.url("suggestions_job", self.other, job.pk))
        self.assertEqual(own.status_code, 200)
        self.assertEqual({line.status for line in self.stored(self.other, self.other_lines)},
                         {"proposed"})  # fmt: skip
        self.assertEqual({line.status for line in self.stored(self.merchant, self.lines)},
                         {"proposed"})  # fmt: skip
