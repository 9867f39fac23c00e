"""The web tier for a benchmark: gunicorn serving the production settings on loopback, against
the benchmark's own database (`bench.database`)."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from bench import database

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_environment(name: str, **overrides: str) -> dict[str, str]:
    """The production settings on loopback, plain HTTP, against database ``name``."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        **database.urls(name),
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/15",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "LOG_LEVEL": "WARNING",
        "STATIC_ROOT": "/tmp/shelfcast-bench-static",
        **overrides,
    }


def start_gunicorn(port: int, environment: dict[str, str], workers: int = 2) -> subprocess.Popen:
    """gunicorn on ``port``, returned once it answers the sign-in page."""
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "config.wsgi", "--workers",
         str(workers), "--bind", f"127.0.0.1:{port}", "--timeout", "120",
         "--log-level", "warning"],
        cwd=ROOT, env=environment,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/accounts/login/")
            if connection.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise SystemExit("gunicorn did not start")


# -- Celery workers, for the fault scripts and the load run ------------------------------------
def start_worker(environment: dict, queues: str, name: str) -> subprocess.Popen:
    return subprocess.Popen(
        [str(Path(sys.executable).parent / "celery"), "-A", "config", "worker", "-Q", queues,
         "-c", "1", "--prefetch-multiplier", "1", "-n", f"{name}@%h", "--loglevel", "WARNING"],
        cwd=ROOT, env=environment, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=open(f"/tmp/{name}.log", "w"),
    )  # fmt: skip


def kill(worker: subprocess.Popen) -> None:
    """SIGKILL to the worker's whole process group: its main process and its pool child."""
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait()


def wait_for(condition, timeout: float, every: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    return None
