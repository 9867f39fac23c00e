"""A local HTTP endpoint for the webhook tests: real requests, no network beyond loopback."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer


class Receiver:
    """Answers each POST with the next of ``codes`` (200 once they run out) and keeps, per
    request, what `kept` takes of it (its path) and its body."""

    def __init__(self, codes=()):
        self.codes = list(codes)
        self.received: list[tuple[object, bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((receiver.kept(self), body))
                self.send_response(receiver.codes.pop(0) if receiver.codes else 200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def kept(self, request: BaseHTTPRequestHandler) -> object:
        return request.path

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class HeadersReceiver(Receiver):
    """Keeps the headers of each request (the signature is in them) and its body."""

    def kept(self, request: BaseHTTPRequestHandler) -> object:
        return dict(request.headers)
