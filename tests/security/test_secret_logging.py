"""Secrets never reach the logs: everything logged while a token is created and used, a
sign-in fails and an invitation link is mistyped goes through production's JSON formatter,
and none of it carries the token, the password or the link's secret."""

from __future__ import annotations

import logging

from django.test import TestCase
from django.urls import reverse

from accounts.roles import Role
from config.logging import JsonFormatter
from tests.factories import MerchantFactory, UserFactory, member


class CapturingHandler(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.setFormatter(JsonFormatter())
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(self.format(record))


class SecretsAreNotLoggedTests(TestCase):
    def setUp(self):
        self.handler = CapturingHandler()
        root = logging.getLogger()
        self.previous_level = root.level
        root.addHandler(self.handler)
        root.setLevel(logging.DEBUG)
        self.addCleanup(root.removeHandler, self.handler)
        self.addCleanup(root.setLevel, self.previous_level)
        self.merchant = MerchantFactory(slug="shop")
        self.owner = member(self.merchant, Role.OWNER, UserFactory(email="owner@x.test"))

    def logged(self) -> str:
        return "\n".join(self.handler.lines)

    def test_api_token_creation_and_use(self):
        self.client.force_login(self.owner)
        response = self.client.post(
            reverse("api_tokens", args=["shop"]), {"name": "ERP", "role": Role.PLANNER}
        )
        secret = response.context["new_token"].secret
        self.client.logout()
        self.client.get(reverse("api_me"), HTTP_AUTHORIZATION=f"Bearer {secret}")
        self.client.get(reverse("api_me"), HTTP_AUTHORIZATION=f"Bearer {secret}x")  # 401
        self.client.get(f"/api/v1/no-such-thing/?token={secret}")  # 404, logged
        self.assertIn("Not Found", self.logged())  # what was logged was captured
        self.assertNotIn(secret, self.logged())
        self.assertNotIn(secret.rsplit("_", 1)[1], self.logged())

    def test_a_wrong_password_and_a_mistyped_invitation_link(self):
        password = "my-Wrong-Guess-4711"
        self.client.post(reverse("login"), {"username": "owner@x.test", "password": password})
        self.client.post(reverse("login"), {"username": password, "password": password})
        link_secret = "Zk2pZx0aQnotARealInvitationSecret"
        response = self.client.get(reverse("invitation_accept", args=[link_secret]))
        self.assertEqual(response.status_code, 404)
        self.assertIn("Not Found", self.logged())
        self.assertNotIn(password, self.logged())
        self.assertNotIn(link_secret, self.logged())
