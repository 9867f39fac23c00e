"""Sign-in lockout under concurrency: however many sign-ins for one email address arrive at
once, at most SIGN_IN_MAX_FAILURES wrong passwords are checked in a window (and at most
SIGN_IN_MAX_FAILURES_PER_IP from one client), because each sign-in takes its place in the
count with one atomic cache increment before its password is checked. Tried with threads
against local memory (the cache without REDIS_URL) and against Redis where REDIS_URL is set,
as in CI. Also: a sign-in that checks no password never clears the count."""

from __future__ import annotations

import threading
import uuid
from unittest import mock

from django.conf import settings
from django.core.cache import cache
from django.test import RequestFactory, SimpleTestCase, TestCase, override_settings
from django.urls import reverse

from accounts.forms import ConsoleSignInForm, SignInForm
from accounts.models import AccountEvent
from accounts.roles import Role
from tests.factories import PASSWORD, MerchantFactory, UserFactory, member
from tests.security.redis_cache import use_isolated_redis

LIMITS = {
    "SIGN_IN_MAX_FAILURES": 5,
    "SIGN_IN_MAX_FAILURES_PER_IP": 8,
    "SIGN_IN_FAILURE_WINDOW_SECONDS": 900,
    "SIGN_IN_LOCKOUT_SECONDS": 600,
}
BURST = 20  # sign-ins at once, the size of the burst the review saw get through


class Burst:
    """``size`` sign-ins at once, one thread each. The password check (in place of Django's
    ``authenticate``, answering "wrong") holds every thread that reaches it until each thread
    has either reached it or been refused, so no guess is counted before all the others have
    been let through or stopped: the widest race there is, every time, without sleeping."""

    def __init__(self, size: int):
        self.size = size
        self.condition = threading.Condition()
        self.checked = 0  # passwords checked
        self.settled = 0  # threads inside the check, or done without reaching it
        self.inside: set[int] = set()
        self.throttled = 0
        self.events: list[str] = []

    def authenticate(self, request=None, **credentials):
        with self.condition:
            self.checked += 1
            self.settled += 1
            self.inside.add(threading.get_ident())
            self.condition.notify_all()
            self.condition.wait_for(lambda: self.settled >= self.size, timeout=20)
        return None

    def record_event(self, *, kind, **details):
        with self.condition:
            self.events.append(kind)

    def sign_in(self, form_class, email: str, ip: str, password: str) -> None:
        request = RequestFactory().post("/sign-in/", REMOTE_ADDR=ip)
        form = form_class(request, data={"username": email, "password": password})
        try:
            if not form.is_valid() and form.is_throttled:
                with self.condition:
                    self.throttled += 1
        finally:
            with self.condition:
                if threading.get_ident() not in self.inside:
                    self.settled += 1
                    self.condition.notify_all()

    def run(self, *, emails, ips, form_classes=None) -> None:
        form_classes = form_classes or [SignInForm] * len(emails)
        threads = [
            threading.Thread(target=self.sign_in, args=(form, email, ip, f"guess-{number}"))
            for number, (form, email, ip) in enumerate(zip(form_classes, emails, ips, strict=True))
        ]
        with (
            mock.patch("django.contrib.auth.forms.authenticate", self.authenticate),
            mock.patch("accounts.forms.audit.account_event_record", self.record_event),
        ):
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=60)
        assert not any(thread.is_alive() for thread in threads), "a sign-in never finished"


class ConcurrentGuessesMixin:
    """The tests, against whichever cache the class sets up."""

    def burst(self, *, emails, ips, form_classes=None) -> Burst:
        burst = Burst(len(emails))
        burst.run(emails=emails, ips=ips, form_classes=form_classes)
        return burst

    def right_password_is_refused(self, email: str, ip: str) -> bool:
        """A sign-in with the right password now: refused before its password is checked?"""
        user = mock.Mock(is_active=True, is_staff=True)
        request = RequestFactory().post("/sign-in/", REMOTE_ADDR=ip)
        form = SignInForm(request, data={"username": email, "password": PASSWORD})
        with (
            mock.patch("django.contrib.auth.forms.authenticate", return_value=user) as check,
            mock.patch("accounts.forms.audit.account_event_record"),
        ):
            refused = not form.is_valid() and form.is_throttled
        return refused and not check.called

    def test_one_address_guessed_from_many_clients_at_once(self):
        email = f"ann-{uuid.uuid4().hex[:8]}@x.test"
        ips = [f"198.51.100.{number}" for number in range(BURST)]
        burst = self.burst(emails=[email] * BURST, ips=ips)
        self.assertEqual(burst.checked, settings.SIGN_IN_MAX_FAILURES)
        # the guesses past the limit, and the one whose failure started the pause
        self.assertEqual(burst.throttled, BURST - settings.SIGN_IN_MAX_FAILURES + 1)
        self.assertEqual(burst.events, [AccountEvent.Kind.SIGN_IN_LOCKED])
        self.assertTrue(self.right_password_is_refused(email, "203.0.113.7"))

    def test_one_client_guessing_many_addresses_at_once(self):
        ip = "192.0.2.77"
        emails = [f"guess{number}-{uuid.uuid4().hex[:8]}@x.test" for number in range(BURST)]
        burst = self.burst(emails=emails, ips=[ip] * BURST)
        self.assertEqual(burst.checked, settings.SIGN_IN_MAX_FAILURES_PER_IP)
        self.assertTrue(self.right_password_is_refused(f"new-{uuid.uuid4().hex}@x.test", ip))

    def test_portal_and_console_sign_ins_share_one_count(self):
        email = f"staff-{uuid.uuid4().hex[:8]}@x.test"
        ips = [f"198.51.100.{number}" for number in range(BURST)]
        forms = [SignInForm, ConsoleSignInForm] * (BURST // 2)
        burst = self.burst(emails=[email] * BURST, ips=ips, form_classes=forms)
        self.assertEqual(burst.checked, settings.SIGN_IN_MAX_FAILURES)


@override_settings(
    CACHES={
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "lockout-concurrency-tests",
        }
    },
    **LIMITS,
)
class LocalMemoryConcurrencyTests(ConcurrentGuessesMixin, SimpleTestCase):
    def setUp(self):
        cache.clear()


class RedisConcurrencyTests(ConcurrentGuessesMixin, SimpleTestCase):
    """The same against the Redis that REDIS_URL names, under a key prefix of its own that is
    deleted afterwards (nothing else in that Redis is touched)."""

    def setUp(self):
        use_isolated_redis(self, "lockout-tests", **LIMITS)


@override_settings(
    CACHES={
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "lockout-sequence-tests",
        }
    },
    SIGN_IN_MAX_FAILURES=3,
    SIGN_IN_MAX_FAILURES_PER_IP=50,
)
class UncheckedSignInTests(TestCase):
    """Only a checked right password clears an address's count."""

    def setUp(self):
        cache.clear()
        self.user = member(MerchantFactory(), Role.VIEWER, UserFactory(email="ann@x.test"))

    def sign_in(self, password, url="login", **extra):
        return self.client.post(
            reverse(url), {"username": "ann@x.test", "password": password, **extra}
        )

    def test_a_sign_in_without_a_password_does_not_clear_the_count(self):
        for _ in range(2):
            self.sign_in("wrong")
        self.sign_in("")  # the form refuses it before any password is checked
        response = self.sign_in("wrong")
        self.assertEqual(response.status_code, 429)  # the third failure starts the pause
        self.assertEqual(self.sign_in(PASSWORD).status_code, 429)

    def test_a_right_password_refused_by_the_console_is_not_a_guess(self):
        for _ in range(4):
            response = self.sign_in(PASSWORD, url="admin:login")
            self.assertContains(response, "staff account")
        response = self.sign_in(PASSWORD)
        self.assertEqual(response.status_code, 302)
