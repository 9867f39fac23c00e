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

Cache keys carry a digest of the email address, not the address itself.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

REFUSED_MESSAGE = (
    "Too many failed sign-ins. For your security, signing in is paused for {minutes}: "
    "try again later, or reset your password."
)
RESET_REFUSED_MESSAGE = "Too many requests from your network. Try again in {minutes}."


@dataclass(frozen=True)
class Limit:
    name: str  # the cache key's scope
    maximum: int


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


def _lock_key(limit: Limit, value: str) -> str:
    return f"throttle:{limit.name}:locked:{_ident(value)}"


def _is_locked(limit: Limit, value: str | None) -> bool:
    return bool(value) and cache.get(_lock_key(limit, value)) is not None


def _count(limit: Limit, value: str | None) -> bool:
    """Count one event; returns True when this event reached the limit (the lock starts)."""
    if not value or limit.maximum <= 0:
        return False
    key = _count_key(limit, value)
    # The window starts at the first event: add() sets the expiry only when the key is new.
    cache.add(key, 0, timeout=settings.SIGN_IN_FAILURE_WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=settings.SIGN_IN_FAILURE_WINDOW_SECONDS)
        count = 1
    if count >= limit.maximum:
        cache.set(_lock_key(limit, value), 1, timeout=settings.SIGN_IN_LOCKOUT_SECONDS)
        cache.delete(key)
        return True
    return False


def lockout_minutes() -> str:
    minutes = max(1, round(settings.SIGN_IN_LOCKOUT_SECONDS / 60))
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


# -- sign-in ---------------------------------------------------------------------------------
def sign_in_refused(*, email: str, ip: str | None) -> bool:
    """Whether sign-ins for this address, or from this client, are paused."""
    limits = _limits()
    return _is_locked(limits["email"], email) or _is_locked(limits["ip"], ip)


def sign_in_failed(*, email: str, ip: str | None) -> bool:
    """Count a failed sign-in; returns True when it started a lockout."""
    limits = _limits()
    email_locked = _count(limits["email"], email)
    ip_locked = _count(limits["ip"], ip)
    return email_locked or ip_locked


def sign_in_succeeded(*, email: str) -> None:
    cache.delete(_count_key(_limits()["email"], email))


# -- password reset requests -----------------------------------------------------------------
def password_reset_refused(*, ip: str | None) -> bool:
    return _is_locked(_limits()["reset_ip"], ip)


def password_reset_requested(*, ip: str | None) -> None:
    _count(_limits()["reset_ip"], ip)
