"""What every input of the hardening bench shares: the throwaway store and the targets, the
stack under test (the ERP's token and the owner's portal session, each request timed with the
web workers' peak memory) and the table of results."""

from __future__ import annotations

import contextlib
import http.client
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench import database
from bench.ingest.run import peak_rss_mb
from bench.reliability.loopback import Browser

DATABASE = "shelfcast_bench_hardening"
OWNER_URL = database.urls(DATABASE)["DATABASE_OWNER_URL"].replace("postgres://", "postgresql://")
PASSWORD = "hardening-bench-password-1"  # a throwaway store's owner
MAX_SECONDS = 5.0
MAX_MB = 256.0
MAX_JOB_SECONDS = 60.0  # an import job of a small file, however it expands
BURST = 30
CUSTOMER_DOMAIN = "buyers.hardening.test"  # in the raw customer ids, and nowhere else
STARTED = time.monotonic()


def say(message: str) -> None:
    print(f"[{time.monotonic() - STARTED:6.1f} s] {message}", flush=True)


# -- measuring -------------------------------------------------------------------------------
def reset_peak(pids: list[int]) -> None:
    """Bring each process's peak resident size (VmHWM) down to what it holds now."""
    for pid in pids:
        Path(f"/proc/{pid}/clear_refs").write_text("5")


def peak_mb(pids: list[int]) -> float:
    return max((peak_rss_mb(pid) for pid in pids), default=0.0)


def resident_mb(pids: list[int]) -> float:
    """The largest resident size (VmRSS) among ``pids`` now."""
    sizes = []
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                sizes.append(int(line.split()[1]) / 1024)
    return max(sizes, default=0.0)


@dataclass
class Row:
    """One line of the table: an input and what came of it."""

    group: str
    label: str
    status: str
    seconds: float | None
    peak: float | None  # MB; None where nothing was measured (in-process)
    review: str
    request: bool = True  # an HTTP request: held to the time, memory and 5xx targets
    note: str = ""


@dataclass
class Results:
    rows: list[Row] = field(default_factory=list)
    checks: dict[str, tuple[bool, str]] = field(default_factory=dict)
    unjudged: list[tuple[str, str]] = field(default_factory=list)  # figures without a target

    def add(self, row: Row) -> Row:
        self.rows.append(row)
        figures = f"{row.seconds:.2f} s" if row.seconds is not None else "-"
        if row.peak is not None:
            figures += f", {row.peak:.0f} MB"
        note = f" {row.note}" if row.note else ""
        say(f"{row.group}: {row.label}: {row.status} ({figures}){note}")
        return row


class Stack:
    """The web tier under test, with the two ways in: the ERP's token and the owner's session."""

    def __init__(self, port: int, token: str, workers: list[int], browser: Browser):
        self.port, self.token, self.workers, self.browser = port, token, workers, browser

    def api(self, method: str, path: str, body: bytes | None = None, headers=None):
        """(status, body, headers) of one API request, timed, with the workers' peak."""
        headers = {"Authorization": f"Bearer {self.token}", **(headers or {})}
        if body is not None:
            headers.setdefault("Content-Type", "application/json")

        def send():
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            try:
                # A 413 is answered, and the connection closed, before the whole body is
                # sent: the answer is read all the same.
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                return response.status, response.read(), dict(response.getheaders())
            finally:
                connection.close()

        return self.timed(send)

    def portal(self, send):
        """``send`` (a call of the browser), timed, with the workers' peak."""
        return self.timed(send)

    def timed(self, send):
        reset_peak(self.workers)
        started = time.perf_counter()
        answer = send()
        return answer, time.perf_counter() - started, peak_mb(self.workers)


def status_of(answer) -> str:
    return str(answer[0])


def problem_fields(body: bytes) -> str:
    """The fields a 400 names (row errors and invalid parameters), for the note."""
    import orjson

    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        return ""
    names = []
    for error in data.get("errors", []) if isinstance(data, dict) else []:
        name = error.get("field") or error.get("name") or error.get("parameter")
        if name and name not in names:
            names.append(str(name))
    for error in data.get("invalid_params", []) if isinstance(data, dict) else []:
        if error.get("name") and error["name"] not in names:
            names.append(str(error["name"]))
    return f"names {', '.join(names[:4])}" if names else str(data.get("detail", ""))[:70]


def api_row(
    stack: Stack,
    results: Results,
    row: tuple[str, str, str],
    method: str,
    path: str,
    body: bytes | None = None,
    headers=None,
) -> None:
    """One API request as one line of the table: ``row`` is its group, label and the review's
    figure; the line has the status, seconds, peak and the fields a 400 names."""
    answer, seconds, peak = stack.api(method, path, body, headers)
    group, label, review = row
    results.add(
        Row(group, label, status_of(answer), seconds, peak, review, note=problem_fields(answer[1]))
    )
