"""config/logging.py: production's JSON log lines, with secrets kept out."""

from __future__ import annotations

import json
import logging
import sys

from django.test import RequestFactory, SimpleTestCase

from config.logging import JsonFormatter


def formatted(message: str, *args, exc_info=None, **extra) -> dict:
    record = logging.LogRecord(
        "shelfcast.test", logging.WARNING, __file__, 1, message, args, exc_info
    )
    record.__dict__.update(extra)
    return json.loads(JsonFormatter().format(record))


class JsonFormatterTests(SimpleTestCase):
    def test_one_json_object_with_the_standard_fields_and_plain_extras(self):
        entry = formatted("imported %d rows", 12, status_code=404, merchant_id=7)
        self.assertEqual(entry["message"], "imported 12 rows")
        self.assertEqual(entry["level"], "WARNING")
        self.assertEqual(entry["logger"], "shelfcast.test")
        self.assertRegex(entry["time"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$")
        self.assertEqual((entry["status_code"], entry["merchant_id"]), (404, 7))
        self.assertNotIn("args", entry)

    def test_exceptions_are_included(self):
        try:
            raise ValueError("bad row")
        except ValueError:
            entry = formatted("import failed", exc_info=sys.exc_info())
        self.assertIn("ValueError: bad row", entry["exception"])

    def test_credentials_and_one_time_secrets_are_masked(self):
        entry = formatted(
            "cannot reach %s; Authorization: Bearer sk_live_abc123; Not Found: "
            "/invitations/Zs9oneTimeSecret/ and /accounts/reset/MQ/c2k-4f0e9b/ "
            "?password=pa55word&next=/",
            "postgres://shelfcast_app:s3cretpw@db:5432/shelfcast",
        )
        line = json.dumps(entry)
        for secret in ("s3cretpw", "sk_live_abc123", "Zs9oneTimeSecret", "c2k-4f0e9b", "pa55word"):
            self.assertNotIn(secret, line)
        self.assertIn("postgres://shelfcast_app:***@db:5432/shelfcast", entry["message"])
        self.assertIn("/invitations/***/", entry["message"])
        self.assertIn("next=/", entry["message"])  # what is not secret stays readable

    def test_requests_are_never_written_and_secret_named_fields_are_masked(self):
        request = RequestFactory().get("/", HTTP_COOKIE="sessionid=abcdef0123456789")
        entry = formatted("Forbidden: /", request=request, api_token="tok_9f8e7d", user_id=3)
        self.assertNotIn("request", entry)
        self.assertEqual(entry["api_token"], "***")
        self.assertEqual(entry["user_id"], 3)
        self.assertNotIn("abcdef0123456789", json.dumps(entry))
