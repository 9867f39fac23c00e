"""A burst of wrong passwords for one account at once, against a threaded gunicorn of its own:
how many were checked past the sign-in limit."""

from __future__ import annotations

import signal
import threading
import time

from bench import server
from bench.hardening.stack import BURST, PASSWORD, Results, Row, peak_mb, reset_peak
from bench.ingest.run import worker_pids
from bench.reliability.loopback import Browser


def sign_in_burst(environment: dict, results: Results, email: str) -> None:
    from django.conf import settings

    from accounts.models import AccountEvent

    port = server.free_port()
    web = server.start_gunicorn(port, {**environment, "GUNICORN_CMD_ARGS": "--threads 15"})
    try:
        workers = worker_pids(web.pid)
        browsers = [Browser(port) for _ in range(BURST)]
        tokens = [browser.csrf_token("/accounts/login/") for browser in browsers]
        barrier = threading.Barrier(BURST)
        answers: list[tuple[int, float]] = [(0, 0.0)] * BURST

        def guess(index: int) -> None:
            body = (
                f"csrfmiddlewaretoken={tokens[index]}&username={email}&password=wrong-guess-{index}"
            ).encode()
            headers = {"Content-Type": "application/x-www-form-urlencoded"}
            barrier.wait()
            started = time.perf_counter()
            status = browsers[index].request("POST", "/accounts/login/", body, headers)[0]
            answers[index] = (status, time.perf_counter() - started)

        reset_peak(workers)
        threads = [threading.Thread(target=guess, args=(index,)) for index in range(BURST)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        peak = peak_mb(workers)
        after = Browser(port)
        right = after.post_form("/accounts/login/", {"username": email, "password": PASSWORD})[0]
    finally:
        web.send_signal(signal.SIGTERM)
        web.wait(timeout=30)
    checked = AccountEvent.objects.filter(
        kind=AccountEvent.Kind.SIGN_IN_FAILED, email=email
    ).count()
    locked = AccountEvent.objects.filter(kind=AccountEvent.Kind.SIGN_IN_LOCKED, email=email).count()
    limit = settings.SIGN_IN_MAX_FAILURES
    statuses = sorted({status for status, _ in answers})
    counts = ", ".join(
        f"{sum(1 for s, _ in answers if s == status)} x {status}" for status in statuses
    )
    past = max(0, checked - limit)
    results.add(
        Row(
            "sign-in",
            f"{BURST} wrong passwords at once, one account",
            counts,
            max(seconds for _, seconds in answers),
            peak,
            "19 past a limit of 5",
            note=f"{checked} checked (limit {limit}), {past} past it; {locked} lockout; "
            f"the right password then: {right}",
        )
    )
    results.checks["lockout"] = (
        past == 0 and right == 429,
        f"{checked} passwords checked, limit {limit}",
    )
