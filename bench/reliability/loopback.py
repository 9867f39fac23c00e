"""The pieces of a real stack on loopback that the reliability and hardening benches share:
a redis-server of their own (never the machine's 6379), a portal member's browser over plain
HTTP, and the stack's processes stopped at the end."""

from __future__ import annotations

import http.client
import re
import signal
import socket
import subprocess
import uuid
from pathlib import Path

from bench.server import kill, wait_for


def port_free(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def start_redis(port: int, log: Path) -> subprocess.Popen:
    with open(log, "a") as output:  # the server keeps its own copy of the descriptor
        process = subprocess.Popen(
            ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--daemonize", "no"],
            stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
    if not wait_for(lambda: not port_free(port), 10, every=0.05):
        raise SystemExit(f"redis-server did not start on port {port}")
    return process


class Browser:
    """A portal member over plain HTTP, its cookies kept by hand: the production settings
    mark them Secure, which a client's cookie jar would not send over http://."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes | None = None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
        finally:
            connection.close()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";")[0]
        return response.status, response.getheader("Location", ""), content

    def csrf_token(self, path: str) -> str:
        status, _, html = self.request("GET", path)
        found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        if status != 200 or not found:
            raise SystemExit(f"GET {path}: {status}, no form")
        return found.group(1).decode()

    def post_form(self, path: str, fields: dict, files: dict | None = None):
        fields = {"csrfmiddlewaretoken": self.csrf_token(path), **fields}
        boundary = uuid.uuid4().hex
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
            f"{value}\r\n".encode()
            for name, value in fields.items()
        ]
        for name, (filename, content) in (files or {}).items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: text/csv\r\n\r\n'.encode()
                + content + b"\r\n"
            )  # fmt: skip
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        return self.request(
            "POST", path, body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        )


def stop(processes: dict[str, subprocess.Popen]) -> None:
    """Stop what still runs: a worker killed (`bench.server.kill`), anything else (redis-server,
    gunicorn) sent SIGTERM and waited for."""
    for name, process in processes.items():
        if process.poll() is None:
            if name.endswith("worker"):
                kill(process)
            else:
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=30)
