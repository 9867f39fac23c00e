"""Onboarding a store from the console's one form: merchant, owner's invitation, API token
(shown once, stored as a digest) and, if asked, the sample data loaded as a job."""

from __future__ import annotations

from unittest import mock

from django.core import mail
from django.test import TestCase
from django.urls import reverse

from accounts import secrets, selectors
from accounts.models import ApiToken, Invitation, Merchant, SecurityEvent
from accounts.roles import Role
from accounts.tenancy import all_merchants_context
from tests.factories import UserFactory


class OnboardingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.staff = UserFactory(email="ops@shelfcast.test", is_staff=True, is_superuser=True)

    def form(self, **overrides) -> dict:
        return {
            "name": "Gamma Garden Supplies",
            "slug": "",
            "owner_email": "Owner@Gamma.test",
            "timezone": "Europe/London",
            "currency": "gbp",
            "token_name": "Gamma ERP",
            "token_role": Role.PLANNER,
            **overrides,
        }

    def onboard(self, **overrides):
        self.client.force_login(self.staff)
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(reverse("admin:accounts_merchant_add"), self.form(**overrides))

    def test_the_add_page_is_the_onboarding_form(self):
        self.client.force_login(self.staff)
        response = self.client.get(reverse("admin:accounts_merchant_add"))
        self.assertContains(response, 'name="owner_email"')
        self.assertContains(response, 'name="load_sample_data"')

    def test_one_form_creates_the_store_invites_its_owner_and_issues_a_token_shown_once(self):
        response = self.onboard()
        self.assertEqual(response.status_code, 200)
        self.assertIn("no-store", response["Cache-Control"])
        merchant = Merchant.objects.get(name="Gamma Garden Supplies")
        self.assertEqual((merchant.slug, merchant.currency), ("gamma-garden-supplies", "GBP"))
        self.assertEqual(merchant.timezone, "Europe/London")
        with all_merchants_context():
            invitation = Invitation.objects.for_merchant(merchant).get()
            token = ApiToken.objects.for_merchant(merchant).get()
            kinds = set(SecurityEvent.objects.for_merchant(merchant).values_list("kind", flat=True))
        self.assertEqual((invitation.email, invitation.role), ("owner@gamma.test", Role.OWNER))
        self.assertEqual(invitation.invited_by, self.staff)
        self.assertTrue(invitation.is_open)
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].to, ["owner@gamma.test"])
        # the secret is on the page once; the row keeps only its digest
        secret = response.context["onboarded"].token.secret
        self.assertContains(response, secret, count=1)
        self.assertEqual(token.digest, secrets.digest(secret))
        self.assertNotIn(secret, repr(ApiToken.objects.unscoped().values()))
        self.assertEqual((token.name, token.role), ("Gamma ERP", Role.PLANNER))
        self.assertEqual(selectors.api_token_authenticate(raw_token=secret), token)
        self.assertIn(SecurityEvent.Kind.TOKEN_CREATED, kinds)
        self.assertIn(SecurityEvent.Kind.MEMBER_INVITED, kinds)
        # nothing shows the secret again
        self.client.force_login(self.staff)
        change = self.client.get(reverse("admin:accounts_apitoken_change", args=[token.pk]))
        self.assertNotContains(change, secret)

    def test_the_sample_data_is_queued_as_a_job_only_when_asked(self):
        with mock.patch("inventory.tasks.load_sample_data_task.delay") as delay:
            self.onboard()
            delay.assert_not_called()
            self.onboard(name="Delta Home", token_name="ERP", load_sample_data="on")
        merchant = Merchant.objects.get(name="Delta Home")
        delay.assert_called_once_with(merchant_id=merchant.pk)

    def test_the_sample_data_job_loads_the_sample_into_the_new_store(self):
        self.onboard(name="Epsilon Gifts", load_sample_data="on")
        merchant = Merchant.objects.get(name="Epsilon Gifts")
        from inventory.models import SKU, SalesDay

        with all_merchants_context():
            self.assertGreater(SKU.objects.for_merchant(merchant).count(), 100)
            self.assertTrue(SalesDay.objects.for_merchant(merchant).exists())

    def test_a_taken_address_refuses_the_whole_onboarding(self):
        self.onboard(slug="zeta")
        response = self.onboard(name="Another", slug="zeta", owner_email="x@zeta.test")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "is taken", status_code=400)
        self.assertFalse(Merchant.objects.filter(name="Another").exists())
        with all_merchants_context():
            self.assertFalse(Invitation.objects.unscoped().filter(email="x@zeta.test").exists())

    def test_members_of_stores_cannot_onboard(self):
        user = UserFactory()
        self.client.force_login(user)
        response = self.client.post(reverse("admin:accounts_merchant_add"), self.form())
        self.assertEqual(response.status_code, 302)  # to the console's sign-in
        self.assertFalse(Merchant.objects.filter(name="Gamma Garden Supplies").exists())
