"""Sign-in throttling against password guessing, counted in Django's cache (Redis in
production, so every web process shares the counts; per-process memory otherwise).

Failed sign-ins are counted per email address and, separately, per client address, each in
a window of SIGN_IN_FAILURE_WINDOW_SECONDS from its first failure. At SIGN_IN_MAX_FAILURES
for an address (SIGN_IN_MAX_FAILURES_PER_IP for a client) further sign-ins are refused for
SIGN_IN_LOCKOUT_SECONDS without checking the password, even a right one, so guessing stops
paying. The refusal reads the same whether the account exists or not. A successful sign-in
clears its email address's count (not its client's: a guesser who holds one account must not
reset the count for the others). Password reset requests are counted per client address the
same way (PASSWORD_RESET_MAX_PER_IP), against email flooding.

A sign-in takes its place in both counts *before* its password is checked, with one atomic
cache increment each (a lock in local memory, INCR in Redis): a burst of concurrent guesses
gets numbers 1, 2, 3 ..., and those past the limit are refused unchecked, so no more than the
limit of wrong passwords is ever checked in a window, however many arrive at once. The place
is given back when no guess was made (a right password the console refuses: it takes staff
only); a wrong password keeps it, and the one that fills the count starts the lockout. While
the cache is away (config/cache.py) nothing is counted and sign-ins go on, logged.

Cache keys carry a digest of the email address, not the address itself.
"""

from __future__ import annotations

import contextlib
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

REFUSED_MESSAGE = _(
    "Too many failed sign-ins. For your security, signing in is paused for {minutes}: "
    "try again later, or reset your password."
)
RESET_REFUSED_MESSAGE = _("Too many requests from your network. Try again in {minutes}.")
NOT_COUNTED = 0  # the place of an attempt that no limit counts (no address, or no limit)


@dataclass(frozen=True)
class Limit:
    name: str  # the cache key's scope
    maximum: int


@dataclass(frozen=True)
class SignInAttempt:
    """The places one sign-in holds in the counts while its password is checked."""

    email: str
    ip: str | None
    email_place: int
    ip_place: int


def _limits() -> dict[str, Limit]:
    return {
        "email": Limit("signin-email", settings.SIGN_IN_MAX_FAILURES),
        "ip": Limit("signin-ip", settings.SIGN_IN_MAX_FAILURES_PER_IP),
        "reset_ip": Limit("reset-ip", settings.PASSWORD_RESET_MAX_PER_IP),
    }


def _ident(value: str) -> str:
    return hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]


def _count_key(limit: Limit, value: str) -> str:
    return f"throttle:{limit.name}:count:{_ident(value)}"


def _increment(key: str) -> int:
    """Add one to the count at ``key`` and return the new count, in one atomic step."""
    window = settings.SIGN_IN_FAILURE_WINDOW_SECONDS
    for _attempt in range(3):
        # The window starts at the first event: add() sets the expiry only when the key is new.
        cache.add(key, 0, timeout=window)
        try:
            count = cache.incr(key)
        except ValueError:  # the window ended between add() and incr(): the next one starts
            continue
        if count == 1:
            # Redis checks that the key exists, then INCRs: one that expired in between comes
            # back without an expiry, and would count for ever.
            cache.touch(key, timeout=window)
        return count
    return 1  # the cache keeps losing the key: count nothing, as when it is away


def _take_place(limit: Limit, value: str | None) -> int | None:
    """This attempt's place in the count, or None when the count is full (refuse it)."""
    if not value or limit.maximum <= 0:
        return NOT_COUNTED
    key = _count_key(limit, value)
    current = cache.get(key)
    if current is not None and current >= limit.maximum:
        return None  # paused: refused without adding to the count
    place = _increment(key)
    return place if place <= limit.maximum else None


def _give_back(limit: Limit, value: str | None, place: int) -> None:
    if place == NOT_COUNTED or not value:
        return
    # ValueError: cleared by a success, or its window ended: nothing to give back
    with contextlib.suppress(ValueError):
        cache.decr(_count_key(limit, value))


def _start_lockout(limit: Limit, value: str | None, place: int) -> bool:
    """A failure in the last place pauses ``value`` for the lockout, from now: the full count
    is kept that long. Returns whether the lockout started."""
    if place == NOT_COUNTED or not value or place < limit.maximum:
        return False
    # False when a success cleared the count meanwhile: the person got in, nothing to pause.
    return bool(cache.touch(_count_key(limit, value), timeout=settings.SIGN_IN_LOCKOUT_SECONDS))


def lockout_minutes() -> str:
    minutes = max(1, round(settings.SIGN_IN_LOCKOUT_SECONDS / 60))
    return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}


# -- sign-in ---------------------------------------------------------------------------------
def sign_in_begin(*, email: str, ip: str | None) -> SignInAttempt | None:
    """Take this sign-in's places in the counts of its email address and its client before
    its password is checked; None when either count is full: refuse it unchecked."""
    limits = _limits()
    email_place = _take_place(limits["email"], email)
    if email_place is None:
        return None
    ip_place = _take_place(limits["ip"], ip)
    if ip_place is None:
        _give_back(limits["email"], email, email_place)
        return None
    return SignInAttempt(email=email, ip=ip, email_place=email_place, ip_place=ip_place)


def sign_in_failed(attempt: SignInAttempt) -> bool:
    """A wrong password: its places stay taken. Returns True when it started a lockout."""
    limits = _limits()
    email_locked = _start_lockout(limits["email"], attempt.email, attempt.email_place)
    ip_locked = _start_lockout(limits["ip"], attempt.ip, attempt.ip_place)
    return email_locked or ip_locked


def sign_in_succeeded(attempt: SignInAttempt) -> None:
    """The right password: the address's count is cleared, the client's place given back."""
    limits = _limits()
    cache.delete(_count_key(limits["email"], attempt.email))
    _give_back(limits["ip"], attempt.ip, attempt.ip_place)


def sign_in_not_guessed(attempt: SignInAttempt) -> None:
    """The password was not a guess (right, but refused for another reason, or never
    checked): both places are given back."""
    limits = _limits()
    _give_back(limits["email"], attempt.email, attempt.email_place)
    _give_back(limits["ip"], attempt.ip, attempt.ip_place)


# -- password reset requests -----------------------------------------------------------------
def password_reset_allowed(*, ip: str | None) -> bool:
    """Count a reset request from this client; False (send nothing) when its count is full.
    The request that fills the count starts the lockout."""
    limit = _limits()["reset_ip"]
    place = _take_place(limit, ip)
    if place is None:
        return False
    if place == limit.maximum:
        cache.touch(_count_key(limit, ip), timeout=settings.SIGN_IN_LOCKOUT_SECONDS)
    return True
