"""A real Celery worker against the real broker (Redis in CI) runs a task dispatched on commit.

The rest of the suite runs tasks in-process; this test proves the broker path end to end.
Skipped when no broker is configured (the embedded default)."""

from __future__ import annotations

import os
import time
import unittest

from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.test import TransactionTestCase, override_settings

from accounts import services
from accounts.roles import Role
from config.celery import app
from tests.factories import MerchantFactory, member

BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")


@unittest.skipUnless(BROKER_URL, "no Celery broker configured (CELERY_BROKER_URL)")
@override_settings(CELERY_TASK_ALWAYS_EAGER=False)
class CeleryWorkerTests(TransactionTestCase):
    @classmethod
    def setUpClass(cls):
        # read before the class's settings override is in force: that is what to restore
        cls.eager, cls.broker = app.conf.task_always_eager, app.conf.broker_url
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        app.conf.task_always_eager, app.conf.broker_url = cls.eager, cls.broker

    def setUp(self):
        app.conf.task_always_eager = False
        app.conf.broker_url = BROKER_URL
        app.connection_for_write().default_channel.client.flushdb()  # a clean test queue

    def tearDown(self):
        app.conf.task_always_eager = self.eager

    def test_invitation_email_goes_through_the_broker_and_a_worker(self):
        merchant = MerchantFactory(name="Broker Shop")
        owner = member(merchant, Role.OWNER)
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            services.invitation_create(
                merchant=merchant, email="queued@example.test", role=Role.VIEWER, actor=owner
            )
            deadline = time.monotonic() + 20
            while not mail.outbox and time.monotonic() < deadline:
                time.sleep(0.05)
        self.assertEqual([message.to for message in mail.outbox], [["queued@example.test"]])
        self.assertIn("Broker Shop", mail.outbox[0].subject)
