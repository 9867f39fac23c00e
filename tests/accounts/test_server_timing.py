"""Every response says how long the server spent on it."""

import re

from django.test import TestCase


class ServerTimingTests(TestCase):
    def test_the_header_carries_the_time_spent(self):
        response = self.client.get("/accounts/login/")
        match = re.fullmatch(r"app;dur=(\d+\.\d)", response.headers["Server-Timing"])
        self.assertIsNotNone(match)
        self.assertGreater(float(match.group(1)), 0.0)
