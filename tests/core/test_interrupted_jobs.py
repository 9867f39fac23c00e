"""Jobs left running by a stopped process: without a broker, long jobs run on a thread of the
web process (`core.dispatch`), and one it was running when the process stopped would stay
running for ever. The sweep marks it failed, with a message, once its process is gone; jobs
of live processes and jobs claimed by Celery workers are left alone."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import uuid

from django.test import TestCase, TransactionTestCase
from django.utils import timezone

from accounts.tenancy import tenant_context
from core import dispatch, runs
from forecasting.models import ForecastRun
from planning.models import PolicyReplay
from tests.factories import MerchantFactory, merchants


def stopped_pid() -> int:
    """The pid of a process of this machine that has ended."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def claimant_of(host: str, pid: int, start: str) -> str:
    return f"{dispatch.THREAD_PREFIX}{host}:{pid}:{start}:{uuid.uuid4().hex[:8]}"


class InterruptedSweepTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.merchant_a, cls.merchant_b = merchants("alpha", "beta")

    def running(self, merchant, claimant: str, model=PolicyReplay, started_at=None):
        with tenant_context(merchant):
            return model.objects.create(
                merchant=merchant,
                status="running",
                claimed_by=claimant,
                started_at=started_at or timezone.now(),
            )

    def stored(self, row):
        with tenant_context(row.merchant_id):
            return type(row).objects.for_merchant(row.merchant_id).get(pk=row.pk)

    def test_a_job_of_a_stopped_process_is_marked_failed_in_every_store(self):
        host = dispatch._host()
        gone = self.running(self.merchant_a, claimant_of(host, stopped_pid(), "1"))
        # a later process under this very pid: the one that claimed the job is gone
        pid, start = dispatch._process_mark().split(":")[1:]
        reused = self.running(
            self.merchant_b, claimant_of(host, int(pid), start + "0"), model=ForecastRun
        )
        self.assertEqual(dispatch.interrupted_sweep(), 2)
        for row in (gone, reused):
            stored = self.stored(row)
            self.assertEqual(stored.status, "failed")
            self.assertEqual(stored.message, dispatch.INTERRUPTED_MESSAGE)
            self.assertIsNotNone(stored.finished_at)
        self.assertEqual(dispatch.interrupted_sweep(), 0)  # once

    def test_jobs_of_live_processes_and_of_celery_workers_are_left_running(self):
        host = dispatch._host()
        celery = self.running(self.merchant_a, str(uuid.uuid4()))  # a worker's task id
        mine = dispatch.thread_claimant()
        held = self.running(self.merchant_a, mine)
        parent = os.getppid()
        alive = self.running(
            self.merchant_b, claimant_of(host, parent, dispatch._process_start(parent))
        )
        # the same pid, but a process started at another time: the claiming one is gone
        reused = self.running(self.merchant_b, claimant_of(host, parent, "0"))
        elsewhere = self.running(self.merchant_b, claimant_of("other-machine", 7, "1"))
        dispatch._held.add(mine)
        self.addCleanup(dispatch._held.discard, mine)
        self.assertEqual(dispatch.interrupted_sweep(), 1)
        self.assertEqual(self.stored(reused).status, "failed")
        for row in (celery, held, alive, elsewhere):
            self.assertEqual(self.stored(row).status, "running")
        # this process's own job, no longer held by its thread: stranded
        dispatch._held.discard(mine)
        self.assertEqual(dispatch.interrupted_sweep(), 1)
        self.assertEqual(self.stored(held).status, "failed")

    def test_a_job_of_another_machine_fails_only_after_the_bound(self):
        recent = self.running(self.merchant_a, claimant_of("other-machine", 7, "1"))
        old = self.running(
            self.merchant_a,
            claimant_of("other-machine", 8, "1"),
            started_at=timezone.now() - dispatch.OTHER_MACHINE_AFTER - dt.timedelta(minutes=1),
        )
        self.assertEqual(dispatch.interrupted_sweep(), 1)
        self.assertEqual(self.stored(old).status, "failed")
        self.assertEqual(self.stored(recent).status, "running")

    def test_a_job_queued_again_meanwhile_is_not_failed(self):
        claimant = claimant_of(dispatch._host(), stopped_pid(), "1")
        row = self.running(self.merchant_a, claimant)
        with tenant_context(self.merchant_a):
            PolicyReplay.objects.for_merchant(self.merchant_a).filter(pk=row.pk).update(
                status="queued", claimed_by=""
            )
        self.assertFalse(
            runs.interrupt(
                PolicyReplay, merchant=self.merchant_a, pk=row.pk, claimant=claimant, message="x"
            )
        )
        self.assertEqual(self.stored(row).status, "queued")


class BackgroundThreadTests(TransactionTestCase):
    """The job thread sweeps when it starts, before the first job it runs."""

    def setUp(self):
        saved = dispatch._background, dispatch._background_pid
        dispatch._background = None
        self.addCleanup(setattr, dispatch, "_background", saved[0])
        self.addCleanup(setattr, dispatch, "_background_pid", saved[1])

    def test_starting_the_job_thread_fails_the_jobs_a_stopped_process_left_running(self):
        merchant = MerchantFactory(slug="alpha")
        with tenant_context(merchant):
            replay = PolicyReplay.objects.create(
                merchant=merchant,
                status="running",
                claimed_by=claimant_of(dispatch._host(), stopped_pid(), "1"),
                started_at=timezone.now(),
            )
        dispatch.background_start()
        executor = dispatch._background
        self.addCleanup(executor.shutdown)
        executor.submit(lambda: None).result(timeout=30)  # after the sweep, one thread
        with tenant_context(merchant):
            replay.refresh_from_db()
        self.assertEqual((replay.status, replay.message), ("failed", dispatch.INTERRUPTED_MESSAGE))
        self.assertIs(dispatch._background_executor(), executor)  # started once a process

    def test_a_job_on_the_thread_is_claimed_under_this_process(self):
        seen = []
        dispatch.background_start()
        self.addCleanup(dispatch._background.shutdown)

        class Task:
            name = "test.task"

            def apply(self, kwargs, task_id, throw):
                seen.append((task_id, task_id in dispatch._held))

        dispatch._background.submit(dispatch._run_in_background, Task(), {}).result(timeout=30)
        [(claimant, held)] = seen
        self.assertTrue(claimant.startswith(dispatch.THREAD_PREFIX + dispatch._process_mark()))
        self.assertTrue(held)
        self.assertNotIn(claimant, dispatch._held)
