"""A webhook delivery to a local server that redirects to a second one: whether the redirect is
followed, with loopback allowed (as the tests run) and refused (as in production)."""

from __future__ import annotations

import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, HTTPServer

from bench.hardening.stack import Results, Row


class LocalServer:
    """An HTTP server on 127.0.0.1 answering every request with ``status`` (and a Location),
    counting the requests that reach it."""

    def __init__(self, status: int = 200, location: str = ""):
        self.hits = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def answer(self):
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                outer.hits += 1
                self.send_response(status)
                if location:
                    self.send_header("Location", location)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_POST = answer

            def log_message(self, *args):
                pass

        self.http = HTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.http.server_port
        threading.Thread(target=self.http.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.http.shutdown()
        self.http.server_close()


def webhook_redirect(results: Results, merchant) -> None:
    from django.test import override_settings

    from accounts.tenancy import tenant_context
    from planning import notifications
    from planning.models import WebhookDelivery

    internal = LocalServer()
    receiver = LocalServer(302, f"http://127.0.0.1:{internal.port}/latest/meta-data/")
    try:
        for allow in (True, False):
            with override_settings(WEBHOOK_ALLOW_PRIVATE_HOSTS=allow), tenant_context(merchant):
                if allow:
                    url = f"http://127.0.0.1:{receiver.port}/hook"
                    endpoint = notifications.webhook_endpoint_create(merchant=merchant, url=url)
                else:
                    # https, as production requires, so that the address is what is judged;
                    # stored as if it had been accepted once (a name that resolved elsewhere)
                    endpoint.url = f"https://127.0.0.1:{receiver.port}/hook"
                    endpoint.save(update_fields=["url"])
                delivery = WebhookDelivery.objects.create(
                    merchant=merchant,
                    endpoint=endpoint,
                    event="alert.opened",
                    event_id=uuid.uuid4(),
                    payload={"id": 1},
                )
            hits = receiver.hits, internal.hits
            with override_settings(WEBHOOK_ALLOW_PRIVATE_HOSTS=allow):
                started = time.perf_counter()
                notifications.webhook_deliver(merchant=merchant, delivery_id=delivery.pk)
                seconds = time.perf_counter() - started
            with tenant_context(merchant):
                delivery.refresh_from_db()
            reached = receiver.hits - hits[0], internal.hits - hits[1]
            label = "loopback on (tests)" if allow else "loopback off (production)"
            results.add(
                Row(
                    "webhook",
                    f"302 -> second server, {label}",
                    f"{delivery.status} ({delivery.response_code})",
                    seconds,
                    None,
                    "redirect followed",
                    request=False,
                    note=f"receiver hit {reached[0]}, redirect target hit {reached[1]}; "
                    f"{delivery.last_error[:60]!r}",
                )
            )
        results.checks["redirects"] = (
            internal.hits == 0,
            f"{internal.hits} hits on the redirect target",
        )
    finally:
        receiver.close()
        internal.close()
