"""The Content-Security-Policy header: strict on portal pages, on answers of the middleware
(redirects) and on the API; the Swagger UI and console relax inline styles only."""

from __future__ import annotations

import re

from django.test import TestCase
from django.urls import reverse

from accounts.roles import Role
from tests.factories import merchant_with


def directives(response) -> dict[str, set[str]]:
    header = response["Content-Security-Policy"]
    parsed = {}
    for part in header.split(";"):
        name, *sources = part.split()
        parsed[name] = set(sources)
    return parsed


class ContentSecurityPolicyTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.merchant, cls.owner = merchant_with(Role.OWNER, slug="shop")

    def test_a_portal_page_gets_the_strict_policy(self):
        self.client.force_login(self.owner)
        response = self.client.get(reverse("inventory:dashboard", args=["shop"]))
        self.assertEqual(response.status_code, 200)
        policy = directives(response)
        self.assertEqual(policy["default-src"], {"'self'"})
        self.assertEqual(policy["style-src"], {"'self'"})
        self.assertEqual(policy["img-src"], {"'self'", "data:"})
        self.assertEqual(policy["frame-ancestors"], {"'none'"})
        self.assertEqual(policy["form-action"], {"'self'"})
        self.assertEqual(policy["base-uri"], {"'self'"})
        self.assertEqual(policy["object-src"], {"'none'"})
        self.assertEqual(policy["script-src"], {"'self'"})

    def test_every_kind_of_answer_gets_it(self):
        for response in (
            self.client.get(reverse("login")),
            self.client.get(reverse("inventory:dashboard", args=["shop"])),  # redirect
            self.client.get("/no-such-page/"),
            self.client.get(reverse("api_me")),  # 401/403 from the API
        ):
            self.assertIn("frame-ancestors 'none'", response["Content-Security-Policy"])

    def test_the_api_docs_load_their_script_from_a_url_and_relax_styles_only(self):
        response = self.client.get(reverse("api_docs"))
        self.assertEqual(response.status_code, 200)
        body = response.content.decode()
        self.assertNotRegex(body, r"<script>\s*\S")  # no inline script
        self.assertIn("?script=", body)
        policy = directives(response)
        self.assertIn("'unsafe-inline'", policy["style-src"])
        self.assertNotIn("'unsafe-inline'", policy["script-src"])
        script = self.client.get(reverse("api_docs") + "?script=")
        self.assertEqual(script.status_code, 200)
        self.assertIn("javascript", script["Content-Type"])
        self.assertIn("SwaggerUIBundle", script.content.decode())

    def test_no_template_carries_an_inline_script_or_handler(self):
        """The strict script policy would block them: every page's scripts are files."""
        from pathlib import Path

        from django.conf import settings

        roots = [Path(settings.BASE_DIR) / name for name in ("templates", "accounts",
                 "inventory", "forecasting", "planning")]  # fmt: skip
        for template in (path for root in roots for path in root.rglob("*.html")):
            text = template.read_text()
            with self.subTest(template=str(template)):
                self.assertIsNone(re.search(r"\son[a-z]+=\"", text))
                self.assertIsNone(re.search(r"<script(?![^>]*\bsrc=)", text))  # files only
