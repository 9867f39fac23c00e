"""Sign-in throttling: failures per email address and per client address pause signing in,
even with the right password, until the lockout passes; password reset requests per client."""

from __future__ import annotations

from django.core import mail
from django.core.cache import cache
from django.test import TestCase, override_settings
from django.urls import reverse

from accounts.models import AccountEvent
from accounts.roles import Role
from tests.factories import PASSWORD, MerchantFactory, UserFactory, member

LIMITS = {
    # A cache of the tests' own: the throttle's counts never reach a shared Redis.
    "CACHES": {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "sign-in-throttle-tests",
        }
    },
    "SIGN_IN_MAX_FAILURES": 3,
    "SIGN_IN_MAX_FAILURES_PER_IP": 5,
    "SIGN_IN_FAILURE_WINDOW_SECONDS": 900,
    "SIGN_IN_LOCKOUT_SECONDS": 600,
    "PASSWORD_RESET_MAX_PER_IP": 2,
}


@override_settings(**LIMITS)
class SignInThrottleTests(TestCase):
    def setUp(self):
        cache.clear()
        self.user = member(
            MerchantFactory(slug="shop"), Role.VIEWER, UserFactory(email="ann@x.test")
        )

    def sign_in(self, email="ann@x.test", password=PASSWORD, ip="198.51.100.1", forwarded=None):
        """A sign-in from ``ip``; through a proxy there, with ``forwarded`` as the addresses
        in its X-Forwarded-For."""
        meta = {"REMOTE_ADDR": ip}
        if forwarded is not None:
            meta["HTTP_X_FORWARDED_FOR"] = forwarded
        return self.client.post(reverse("login"), {"username": email, "password": password}, **meta)

    def assertSignedIn(self, response):
        self.assertEqual(response.status_code, 302, response.content[:300])
        self.assertIn("_auth_user_id", self.client.session)
        self.client.logout()

    def assertPaused(self, response):
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "Too many failed sign-ins", status_code=429)
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_the_right_password_is_refused_after_too_many_failures(self):
        for _ in range(2):
            response = self.sign_in(password="wrong")
            self.assertContains(response, "correct email address and password")
        self.assertPaused(self.sign_in(password="wrong"))  # the third failure starts it
        self.assertPaused(self.sign_in())  # the right password, but paused
        self.assertPaused(self.sign_in(ip="203.0.113.9"))  # from another address too
        self.assertTrue(
            AccountEvent.objects.filter(kind=AccountEvent.Kind.SIGN_IN_LOCKED, email="ann@x.test")
        )

    def test_the_refusal_does_not_tell_whether_the_account_exists(self):
        for number, email in enumerate(("ann@x.test", "nobody@x.test")):
            for _ in range(3):
                self.sign_in(email=email, password="wrong", ip=f"192.0.2.{number}")
        known = self.sign_in(email="ann@x.test", password="wrong", ip="192.0.2.10")
        unknown = self.sign_in(email="nobody@x.test", password="wrong", ip="192.0.2.11")
        self.assertPaused(known)
        self.assertPaused(unknown)
        self.assertEqual(known.context["form"].errors, unknown.context["form"].errors)

    def test_signing_in_again_after_the_lockout(self):
        for _ in range(3):
            self.sign_in(password="wrong")
        self.assertPaused(self.sign_in())
        cache.clear()  # the lockout's cache entries expired
        self.assertSignedIn(self.sign_in())

    def test_a_success_clears_the_count_of_the_email_address(self):
        for _ in range(2):
            self.sign_in(password="wrong")
        self.assertSignedIn(self.sign_in())
        for _ in range(2):
            self.sign_in(password="wrong")  # two more: still under three since the success
        self.assertSignedIn(self.sign_in())

    def test_one_client_guessing_many_addresses_is_paused(self):
        for number in range(5):
            self.sign_in(email=f"guess{number}@x.test", password="wrong", ip="192.0.2.50")
        self.assertPaused(self.sign_in(ip="192.0.2.50"))  # an untried address, right password
        self.assertSignedIn(self.sign_in(ip="192.0.2.51"))  # other clients are not

    @override_settings(TRUSTED_PROXY_HOPS=1)
    def test_behind_a_proxy_the_forwarded_address_counts_and_a_spoofed_one_does_not(self):
        for number in range(5):
            # The client sends a made-up address first; the proxy appends the real one.
            self.sign_in(
                email=f"guess{number}@x.test",
                password="wrong",
                ip="10.0.0.2",
                forwarded=f"203.0.113.{number}, 192.0.2.60",
            )
        self.assertPaused(self.sign_in(ip="10.0.0.2", forwarded="192.0.2.60"))
        self.assertSignedIn(self.sign_in(ip="10.0.0.2", forwarded="192.0.2.61"))

    def test_the_console_sign_in_is_throttled_too(self):
        staff = UserFactory(email="staff@x.test", is_staff=True, is_superuser=True)
        url = reverse("admin:login")
        for _ in range(3):
            self.client.post(url, {"username": staff.email, "password": "wrong"})
        response = self.client.post(url, {"username": staff.email, "password": PASSWORD})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Too many failed sign-ins")
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_password_reset_requests_are_limited_per_client(self):
        url = reverse("password_reset")
        for _ in range(2):
            response = self.client.post(url, {"email": "ann@x.test"}, REMOTE_ADDR="192.0.2.70")
            self.assertEqual(response.status_code, 302)
        response = self.client.post(url, {"email": "ann@x.test"}, REMOTE_ADDR="192.0.2.70")
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "Too many requests", status_code=429)
        self.assertEqual(len(mail.outbox), 2)
        response = self.client.post(url, {"email": "ann@x.test"}, REMOTE_ADDR="192.0.2.71")
        self.assertEqual(response.status_code, 302)
        self.assertEqual(len(mail.outbox), 3)
