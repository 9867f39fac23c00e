"""GET /healthz: open to anyone, and says which of the database and the broker is down."""

from __future__ import annotations

import os
import socket
import unittest
from unittest import mock

from django.db import OperationalError
from django.test import TestCase, override_settings
from django.urls import reverse

BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")


def closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"  # nothing listens there once the probe is closed


class HealthzTests(TestCase):
    url = reverse("healthz")

    @unittest.skipUnless(BROKER_URL.startswith("redis"), "no Redis broker (CELERY_BROKER_URL)")
    def test_healthy_database_and_broker(self):
        with override_settings(CELERY_BROKER_URL=BROKER_URL):
            response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json(), {"database": "ok", "broker": "ok"})
        self.assertNotIn("Set-Cookie", response.headers)  # no session
        self.assertIn("no-store", response.headers["Cache-Control"])

    def test_broker_down_answers_503_naming_the_broker(self):
        with override_settings(CELERY_BROKER_URL=closed_port_url()):
            with self.assertLogs("config.health", "WARNING") as logs:
                response = self.client.get(self.url)
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response.json(), {"database": "ok", "broker": "unavailable"})
        self.assertIn("broker unavailable (ConnectionError)", logs.output[0])

    def test_broker_password_is_not_in_the_answer_or_the_log(self):
        url = closed_port_url().replace("redis://", "redis://:hunter2secret@")
        with override_settings(CELERY_BROKER_URL=url):
            with self.assertLogs("config.health", "WARNING") as logs:
                response = self.client.get(self.url)
        self.assertEqual(response.status_code, 503)
        self.assertNotIn(b"hunter2secret", response.content)
        self.assertNotIn("hunter2secret", " ".join(logs.output))

    def test_database_down_answers_503_naming_the_database(self):
        broken = mock.patch(
            "config.health.connection.cursor", side_effect=OperationalError("server closed")
        )
        with (
            broken,
            override_settings(CELERY_BROKER_URL="memory://", CELERY_TASK_ALWAYS_EAGER=True),
        ):
            with self.assertLogs("config.health", "WARNING"):
                response = self.client.get(self.url)
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response.json(), {"database": "unavailable", "broker": "ok"})

    def test_a_broker_it_cannot_check_is_not_reported_healthy(self):
        with override_settings(CELERY_BROKER_URL="amqp://guest@127.0.0.1//"):
            with self.assertLogs("config.health", "WARNING"):
                response = self.client.get(self.url)
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response.json()["broker"], "unavailable")

    def test_only_get(self):
        self.assertEqual(self.client.post(self.url).status_code, 405)
