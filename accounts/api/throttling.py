"""API rate limits, counted in the shared cache (Redis in production, so every web process
sees the same counts) with one atomic increment per request and limit.

Two limits apply to every request of the API, and the first one used up refuses it:

- ``merchant`` (`API_MERCHANT_RATE_LIMIT`): every token and every member of one store
  together, so a store cannot take a larger share of the service by creating more tokens;
- ``caller`` (`API_RATE_LIMIT`): one API token, one signed-in user, or one anonymous client
  address.

Each is counted in fixed windows of its period (a minute). A window's count is one cache key,
created with its expiry by ``add`` and counted by ``incr`` (INCR in Redis), so a burst of
concurrent requests gets numbers 1, 2, 3 ... and none passes the limit unseen, as it could
with a list read and written back. Every key's windows start at an offset of its own, so the
stores do not all start afresh at the same second. A refused request counts too. While the
cache is away nothing is counted (config/cache.py): the limits fail open, logged.

The limits and what is left of them are sent with every answer of the merchant API, in the
fields of the IETF draft "RateLimit header fields for HTTP"
(draft-ietf-httpapi-ratelimit-headers), one list member per limit:

    RateLimit-Policy: "merchant";q=2400;w=60, "caller";q=1200;w=60
    RateLimit: "merchant";r=2391;t=42, "caller";r=1187;t=17

(``q`` requests per window of ``w`` seconds; ``r`` left, for ``t`` more seconds.) A refusal
is a 429 naming the limit, with ``Retry-After`` in seconds.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass

from django.core.cache import cache
from rest_framework import exceptions
from rest_framework.throttling import SimpleRateThrottle

from accounts.models import ApiToken

# Where a request's limits are kept for its answer's headers (on the DRF request).
STATES_ATTRIBUTE = "rate_limits"
PERIODS = {1: "a second", 60: "a minute", 3600: "an hour", 86400: "a day"}


@dataclass(frozen=True)
class RateLimitState:
    """One limit as one request found it."""

    policy: str  # its name in the RateLimit fields
    quota: int  # requests per window
    window: int  # seconds
    remaining: int  # requests left in this window after this one
    reset: int  # seconds until the window ends (at least 1)
    allowed: bool
    who: str  # whom the limit counts, for the refusal's message


def _increment(key: str, timeout: int) -> int:
    """Add one to the count at ``key`` and return the new count, in one atomic step."""
    for _ in range(3):
        cache.add(key, 0, timeout=timeout)  # the window's first request: sets the expiry
        try:
            count = cache.incr(key)
        except ValueError:  # the key expired between add() and incr(): add it again
            continue
        if count == 1:
            # Redis checks that the key exists, then INCRs: one that expired in between comes
            # back without an expiry, and would stay for ever.
            cache.touch(key, timeout=timeout)
        return count
    return 1  # the cache keeps losing the key: count nothing, as when it is away


class FixedWindowRateThrottle(SimpleRateThrottle):
    """DRF's rate syntax and settings (``DEFAULT_THROTTLE_RATES[scope]``, e.g. "2400/minute"),
    counted in fixed windows with one atomic increment (see the module's docstring)."""

    policy = ""
    who = ""

    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        now = self.timer()
        offset = zlib.crc32(key.encode()) % self.duration
        window, into = divmod(now + offset, self.duration)
        count = _increment(f"{key}:{int(window)}", timeout=self.duration)
        self.state = RateLimitState(
            policy=self.policy,
            quota=self.num_requests,
            window=self.duration,
            remaining=max(self.num_requests - count, 0),
            reset=max(1, math.ceil(self.duration - into)),
            allowed=count <= self.num_requests,
            who=self.who,
        )
        states = getattr(request, STATES_ATTRIBUTE, None) or {}
        setattr(request, STATES_ATTRIBUTE, {**states, self.policy: self.state})
        return self.state.allowed

    def wait(self) -> int:
        return self.state.reset


class MerchantRateThrottle(FixedWindowRateThrottle):
    """Every request for one store, whoever makes it. The store is the one the view resolved
    (`accounts.api.base.MerchantAPIMixin`); views of no store are not counted here."""

    scope = "merchant"
    policy = "merchant"
    who = "this store (all its API tokens and members together)"

    def get_cache_key(self, request, view):
        merchant = getattr(view, "merchant", None)
        if merchant is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": merchant.pk}


class CallerRateThrottle(FixedWindowRateThrottle):
    """Per API token, per signed-in user, or per anonymous client address."""

    scope = "api"
    policy = "caller"
    who = "this caller (one API token, user or client address)"

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            ident = f"token:{request.auth.prefix}"
        elif request.user and request.user.is_authenticated:
            ident = f"user:{request.user.pk}"
        else:
            ident = f"anonymous:{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


def headers(request) -> dict[str, str]:
    """The RateLimit-Policy and RateLimit fields for the limits ``request`` was counted
    against (none: no fields)."""
    states = list((getattr(request, STATES_ATTRIBUTE, None) or {}).values())
    if not states:
        return {}
    return {
        "RateLimit-Policy": ", ".join(
            f'"{state.policy}";q={state.quota};w={state.window}' for state in states
        ),
        "RateLimit": ", ".join(
            f'"{state.policy}";r={state.remaining};t={state.reset}' for state in states
        ),
    }


class RateLimited(exceptions.Throttled):
    """A 429 naming the limit reached: a rate-limited problem (accounts/api/errors.py) with
    the limit in its extension members, and ``wait`` as Retry-After."""

    def __init__(self, state: RateLimitState):
        period = PERIODS.get(state.window, f"every {state.window} seconds")
        super().__init__(
            wait=state.reset,
            detail=(
                f"Too many requests: {state.who} may make {state.quota:,} requests {period}. "
                f"Try again in {state.reset} second{'s' if state.reset != 1 else ''}."
            ),
        )
        self.extensions = {
            "policy": state.policy,
            "limit": state.quota,
            "window_seconds": state.window,
            "retry_after_seconds": state.reset,
        }


def refusal(request, wait: float | None) -> exceptions.Throttled:
    """The answer to a request a limit refused: the limit that frees up last, named."""
    refused = [
        state
        for state in (getattr(request, STATES_ATTRIBUTE, None) or {}).values()
        if not state.allowed
    ]
    if not refused:
        return exceptions.Throttled(wait)
    return RateLimited(max(refused, key=lambda state: state.reset))
