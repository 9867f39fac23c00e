"""The isolation suite for Celery tasks: no task, however it is called, reaches another
merchant's data.

Two stores hold the same SKU and location codes (a lookup by code that forgot the merchant
would cross), a different number of SKUs (a count that took in the other store shows) and a
marker in their text. Every task in the Celery registry has a case here, and the suite fails
until a new task gets one:

* A task called with a merchant and the id of one of its rows (an import job, a forecast run
  or chunk, a training run, a forecast, a replay, a webhook delivery) is called with each
  store's merchant and the other store's row. It must change nothing of either store, send
  nothing, and answer exactly as it does for an id no row has, so that neither its result
  nor its error tells the row exists. Called with a matching pair it must do its work: that
  shows the case reaches the code that would leak.
* A task called with a merchant alone (the rebuild of its SKU summaries) does its work from
  that merchant's rows and changes nothing of the other store.
* A sweep over all merchants (the beat schedule's tasks) runs with both stores: each store's
  resulting rows are its own and point only at its own rows, and what goes out (emails,
  webhooks) names only its own store.
* The invitation email, addressed by the invitation and the secret of its link, goes out
  only when the two belong together.

On PostgreSQL the tests connect as the application role (tests/runner.py), so all of this
runs under row-level security, as in production.
"""

from __future__ import annotations

from django.core import mail
from django.db import transaction

from tests.isolation.stores import MISSING_ID, Store, TwoStoresTestCase, foreign_references
from tests.isolation.task_cases import JOB_CASES, MERCHANT_CASES, JobCase
from tests.isolation.task_catalogue import MERCHANT_ARGUMENT, RegisteredTask
from tests.world import snapshot


class TaskIsolationTests(TwoStoresTestCase):
    # -- a merchant and one of its rows ----------------------------------------------------------
    def outcome(
        self, registered: RegisteredTask, store: Store, row_id: int, case: JobCase
    ) -> tuple:
        """What the task answers when called for ``store`` with ``row_id``: its result, or
        its error (type and message), in the form compared across calls."""
        kwargs = {MERCHANT_ARGUMENT: store.merchant.pk, registered.row_argument: row_id}
        kwargs.update(case.arguments(row_id))
        try:
            return ("returned", registered.task.apply(kwargs=kwargs).result)
        except Exception as error:  # compared with the answer for a missing row
            return ("raised", type(error).__name__, str(error))

    def check_job(self, registered: RegisteredTask, case: JobCase) -> None:
        ids = {store.merchant.pk: case.make(store) for store in self.stores()}
        for caller, owner in ((self.a, self.b), (self.b, self.a)):
            before = {store.merchant.pk: snapshot(store.merchant) for store in self.stores()}
            missing = self.outcome(registered, caller, MISSING_ID, case)
            crossed = self.outcome(registered, caller, ids[owner.merchant.pk], case)
            self.assertEqual(crossed, missing, "another merchant's row answers unlike no row")
            self.assertNotIn(owner.marker, repr(crossed))
            for store in self.stores():
                self.assertUnchanged(
                    store,
                    before[store.merchant.pk],
                    f"called for {caller.merchant.slug} with a row of {owner.merchant.slug}",
                )
            self.assertEqual(self.receiver.received, [], "it sent a webhook")
            self.assertEqual(mail.outbox, [], "it sent an email")
        untouched = snapshot(self.b.merchant)
        done = self.outcome(registered, self.a, ids[self.a.merchant.pk], case)
        self.assertEqual(done[0], "returned", done)
        case.check(self, self.a, ids[self.a.merchant.pk], done[1])
        self.assertUnchanged(self.b, untouched, "called for alpha with its own row")
        self.assertEqual(foreign_references(), [])

    def test_tasks_given_another_merchants_row_do_nothing_and_tell_nothing(self):
        for name, case in JOB_CASES.items():
            # Each case in a savepoint of its own, rolled back: the next starts from the stores.
            with self.subTest(task=name), transaction.atomic():
                self.receiver.received.clear()
                mail.outbox.clear()
                self.check_job(self.tasks[name], case)
                transaction.set_rollback(True)

    # -- a merchant alone ---------------------------------------------------------------------
    def test_tasks_given_a_merchant_work_on_its_rows_alone(self):
        for name, case in MERCHANT_CASES.items():
            task = self.tasks[name].task
            for store, other in ((self.a, self.b), (self.b, self.a)):
                with self.subTest(task=name, merchant=store.merchant.slug):
                    untouched = snapshot(other.merchant)
                    result = task.apply(kwargs={MERCHANT_ARGUMENT: store.merchant.pk}).result
                    case.check(self, store, result)
                    self.assertUnchanged(other, untouched, f"called for {store.merchant.slug}")
        self.assertEqual(foreign_references(), [])
