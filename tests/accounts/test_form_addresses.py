"""An address of the portal that only takes a form's answer, opened as a page: a bookmark,
or the sign-in page sending the reader back to the form they sent as their session ran out.
It says so in the reader's language and leads back into the store, not an empty answer."""

from __future__ import annotations

from django.test import TestCase
from django.urls import reverse

from accounts.roles import Role
from tests import factories


class FormAddressTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.merchant, cls.owner = factories.merchant_with(Role.OWNER, slug="shop")

    def test_opening_a_form_address_as_a_page(self):
        self.client.force_login(self.owner)
        url = reverse("planning:webhooks", args=["shop"])
        response = self.client.get(url)
        self.assertEqual(response.status_code, 405)
        self.assertIn("POST", response["Allow"])
        self.assertContains(response, "Open this from its page", status_code=405)
        dashboard = reverse("inventory:dashboard", args=["shop"])
        self.assertContains(response, f'<a href="{dashboard}">', status_code=405)
        response = self.client.get(url, HTTP_ACCEPT_LANGUAGE="zh-CN")
        self.assertNotContains(response, "Open this from its page", status_code=405)
        self.assertContains(response, f'<a href="{dashboard}">', status_code=405)

    def test_after_signing_in_again_the_reader_lands_on_that_page(self):
        url = reverse("planning:webhooks", args=["shop"])
        sign_in = self.client.get(url)
        self.assertEqual(sign_in.status_code, 302)  # signed out: to the sign-in page
        self.assertIn(f"next={url}", sign_in["Location"].replace("%2F", "/"))
        self.client.force_login(self.owner)
        self.assertEqual(self.client.get(url).status_code, 405)

    def test_a_form_sent_there_is_still_taken(self):
        self.client.force_login(self.owner)
        response = self.client.post(
            reverse("planning:webhooks", args=["shop"]), {"url": "https://example.com/hook"}
        )
        self.assertEqual(response.status_code, 302)
