"""What the quota tests share: a cache of their own and one instant for their requests."""

from __future__ import annotations

# A cache of the tests' own: the counts never reach a shared Redis.
LOCAL_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "quota-tests",
    }
}
NOW = 1_800_000_000.0  # one instant for a test's requests: they never straddle two windows


BURST = 20  # requests of one store at once
QUOTA = 5
