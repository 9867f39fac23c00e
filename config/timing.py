"""`Server-Timing: app;dur=<ms>` on every response: how long Django spent on the request,
from the session on (not the time it waited for a worker). Browsers' developer tools show
it; the portal bench reads it to report server time beside what its clients measured."""

from __future__ import annotations

import time


class ServerTimingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        elapsed = (time.perf_counter() - started) * 1000
        response.headers["Server-Timing"] = f"app;dur={elapsed:.1f}"
        return response
