"""The security review's inputs (issue 18) sent again to the real stack, beside the review's
figures and the targets: no request over 5 s or 256 MB, no server error, no sales partition
made outside the sales window, no redirect followed by a webhook, no raw customer id on disk
or in the database.

    .venv/bin/python bench/hardening/run.py [--job-timeout 150] [--keep-database]

The stack on loopback: a redis-server of its own (cache and broker; the machine's 6379 is not
touched), a fresh PostgreSQL database (`bench.database`, migrated, the application role with
row-level security), gunicorn serving the production settings (`bench.server`, 2 workers),
one Celery worker on the ingest queue (imports), and a store of 1,000 SKUs whose owner signs
in to the portal and whose ERP holds a planner's API token (`bench/ingest/run.py`).
collectstatic runs only when the benches' STATIC_ROOT is older than `static/`.

Each input is one request (API token, or the owner's portal session) and is printed with its
HTTP status, its seconds as the client saw them and the web workers' peak memory while it ran
(VmHWM, reset before each request through /proc/<pid>/clear_refs). The inputs:

- sales: 1,500 rows in one request, one in each of 1,500 months from 0001-01-01 to
  9999-12-31; the sales table's partitions (pg_inherits) are counted before, after the
  request and after partition upkeep (`inventory.partitions.ensure_sales_partitions`, the
  daily task's work), then after the same rows are written around the API, as the table's
  owner, into the default partition and upkeep runs again;
- numbers: "customers": "1e999999999" and other exponents, 100,000-digit numbers, a bare JSON
  1e999999999 and a 5,000-digit JSON integer;
- NUL characters in codes, names, order and customer ids, JSON and CSV;
- CR/LF (and NUL) in query parameters of the API's lists and of the portal's orders export;
- size: a CSV just under API_MAX_BODY_BYTES (16 MiB) of 1.5 million tiny rows to a bulk
  endpoint, and a body past it;
- gzip: a 58 KB gzip (60 MB once expanded) sent to the API as Content-Encoding: gzip, and
  uploaded as a portal import twice: one endless line, and a header followed by 60 million
  blank lines (its import job timed on the worker for at most ``--job-timeout`` seconds,
  with the worker's peak memory; a worker's time, not a request, so shown without a target);
- sign-in: 30 wrong passwords for one account at once, against a second gunicorn of 2
  workers x 15 threads (a sync worker takes one request at a time, which would queue most of
  the burst); the guesses whose password was checked are the failed sign-ins recorded;
- webhook: a delivery to a local HTTP server that answers 302 to a second local server, driven
  in-process through `planning.notifications.webhook_deliver` as the worker runs it; the
  servers are on loopback, so WEBHOOK_ALLOW_PRIVATE_HOSTS is switched on for it (as the test
  settings do), and the same delivery is tried again with it off, as in production;
- customer ids: two order-lines imports (one loads, one is refused for its rows) with raw
  customer emails, after which every text and JSON column of every table (as the owner, past
  row-level security) and every file under MEDIA_ROOT are searched for them.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import gzip
import http.client
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from bench import database, server  # noqa: E402
from bench.ingest.run import SKUS, make_merchant, peak_rss_mb, worker_pids  # noqa: E402
from bench.reliability.redis_outage import Browser, port_free, start_redis  # noqa: E402
from bench.server import kill, start_worker, wait_for  # noqa: E402

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


# -- sales partitions ------------------------------------------------------------------------
def partition_months() -> list[dt.date]:
    import psycopg

    with psycopg.connect(OWNER_URL) as connection:
        names = [
            row[0]
            for row in connection.execute(
                "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                "WHERE i.inhparent = 'inventory_salesday'::regclass"
            )
        ]
    return sorted(
        dt.datetime.strptime(name.removeprefix("inventory_salesday_p"), "%Y_%m").date()
        for name in names
        if name.startswith("inventory_salesday_p")
    )


def partitions_count() -> int:
    """All partitions, the default one included."""
    return len(partition_months()) + 1


def outside_window(months: list[dt.date]) -> list[dt.date]:
    """The months outside the sales window, but for the months ahead that upkeep always makes
    (`inventory.partitions.MONTHS_AHEAD`), which lie past the window by design."""
    from inventory import partitions
    from inventory.sales_window import any_store_sales_window

    window = any_store_sales_window()
    first, last = partitions.month_start(window.first), partitions.month_start(window.last)
    this_month = partitions.month_start(dt.date.today())
    ahead = {partitions.add_months(this_month, n) for n in range(partitions.MONTHS_AHEAD + 1)}
    return [month for month in months if not first <= month <= last and month not in ahead]


def months_from_year_one(count: int) -> list[dt.date]:
    """``count`` days, one per month, spread from 0001-01-01 to 9999-12-31."""
    total = 9999 * 12
    days = []
    for index in range(count):
        month = round(index * (total - 1) / (count - 1))
        days.append(dt.date(month // 12 + 1, month % 12 + 1, 1))
    days[-1] = dt.date(9999, 12, 31)
    return days


def sales_partitions(stack: Stack, results: Results, merchant) -> None:
    import orjson
    import psycopg
    from django.conf import settings

    from accounts.tenancy import tenant_context
    from inventory import partitions
    from inventory.models import SKU, Location, SalesDay
    from inventory.sales_window import any_store_sales_window

    days = months_from_year_one(1500)
    rows = [
        {"sku": f"SKU{i % SKUS:04d}", "location": "WH", "date": day.isoformat(), "units": "1"}
        for i, day in enumerate(days)
    ]
    before = partition_months()
    answer, seconds, peak = stack.api("POST", "/api/v1/sales/bulk/", orjson.dumps(rows))
    with tenant_context(merchant):
        stored = SalesDay.objects.for_merchant(merchant).count()
    results.add(
        Row(
            "dates",
            "1,500 sales, 0001-01-01 .. 9999-12-31, one request",
            status_of(answer),
            seconds,
            peak,
            "accepted; 19 -> 1,668 partitions",
            note=f"{problem_fields(answer[1])}; {stored} rows stored",
        )
    )
    after_request = partition_months()
    report = partitions.ensure_sales_partitions()
    after_upkeep = partition_months()

    # The same rows written around the API into the default partition, as the owner (rows
    # from before the window existed look like this), then upkeep again.
    with tenant_context(merchant):
        sku_ids = list(
            SKU.objects.for_merchant(merchant).order_by("code").values_list("id", flat=True)
        )
        location_id = Location.objects.for_merchant(merchant).get(code="WH").id
    now = dt.datetime.now(dt.UTC)
    written = [
        (merchant.pk, sku_ids[i % SKUS], location_id, day, 1, 0, 0, False, False, now, now)
        for i, day in enumerate(days)
    ]
    with psycopg.connect(OWNER_URL) as owner, owner.cursor() as cursor:
        with cursor.copy(
            "COPY inventory_salesday (merchant_id, sku_id, location_id, date, units, "
            "units_returned, revenue, on_promotion, stock_out, created_at, updated_at) FROM STDIN"
        ) as copy:
            for row in written:
                copy.write_row(row)
    second = partitions.ensure_sales_partitions()
    after_around = partition_months()
    made_around = sorted(set(after_around) - set(after_upkeep))
    outside = outside_window(after_around)
    results.add(
        Row(
            "dates",
            "partition upkeep after the request",
            "done",
            None,
            None,
            "1,649 partitions made",
            request=False,
            note=f"{len(report.created)} made, {len(outside_window(report.created))} outside "
            "the window",
        )
    )
    results.add(
        Row(
            "dates",
            "the same rows written around the API, then upkeep",
            "done",
            None,
            None,
            "-",
            request=False,
            note=f"{len(made_around)} made (inside the window: "
            f"{', '.join(f'{month:%Y-%m}' for month in made_around) or 'none'}), "
            f"{len(outside_window(made_around))} outside; {len(second.outside_window)} months "
            "left in the default partition",
        )
    )
    window = any_store_sales_window()
    print(
        f"\nSales partitions (pg_inherits, default included): {len(before) + 1} before, "
        f"{len(after_request) + 1} after the request, {len(after_upkeep) + 1} after upkeep, "
        f"{len(after_around) + 1} after the rows written around the API and upkeep again. "
        f"Sales window {window.first} .. {window.last} (SALES_HISTORY_MAX_YEARS "
        f"{settings.SALES_HISTORY_MAX_YEARS}, SALES_FUTURE_MAX_DAYS "
        f"{settings.SALES_FUTURE_MAX_DAYS}, a day either side for time zones); partitions "
        f"outside it, the {partitions.MONTHS_AHEAD} months ahead upkeep always keeps aside: "
        f"{len(outside)}\n"
    )
    results.checks["partitions"] = (
        not outside,
        f"{len(outside)} of {len(after_around) + 1} partitions outside the window",
    )


# -- numbers, NUL, query parameters, size ----------------------------------------------------
def bad_inputs(stack: Stack, results: Results, slug: str) -> None:
    import orjson

    sale = {"sku": "SKU0001", "location": "WH", "date": "2024-05-01", "units": "1"}
    line = {
        "order_id": "1",
        "ordered_at": "2024-05-01T10:00",
        "sku": "SKU0001",
        "location": "WH",
        "quantity": "1",
        "unit_price": "2.50",
    }

    def json_post(group, label, path, body, review):
        body = body if isinstance(body, bytes) else orjson.dumps(body)
        answer, seconds, peak = stack.api("POST", path, body)
        results.add(
            Row(
                group,
                label,
                status_of(answer),
                seconds,
                peak,
                review,
                note=problem_fields(answer[1]),
            )
        )

    numbers = [
        ('"customers": "1e999999999"', {**sale, "customers": "1e999999999"}, "> 10 min of CPU"),
        ('"units": "-1E+999999999"', {**sale, "units": "-1E+999999999"}, "500"),
        ('"revenue": "1e-999999999"', {**sale, "revenue": "1e-999999999"}, "500"),
        ('"units": 100,000 nines', {**sale, "units": "9" * 100_000}, "500"),
        (
            '"units": "0.000...1" (100,000 zeros)',
            {**sale, "units": "0." + "0" * 100_000 + "1"},
            "500",
        ),
    ]
    for label, row, review in numbers:
        json_post("numbers", label, "/api/v1/sales/bulk/", [row], review)
    json_post(
        "numbers",
        "bare JSON number 1e999999999",
        "/api/v1/sales/bulk/",
        b'[{"sku": "SKU0001", "location": "WH", "date": "2024-05-01", "units": 1, '
        b'"customers": 1e999999999}]',
        "500",
    )
    json_post(
        "numbers",
        "JSON integer of 5,000 digits",
        "/api/v1/sales/bulk/",
        b'[{"sku": "SKU0001", "location": "WH", "date": "2024-05-01", "units": 1'
        + b"0" * 5000
        + b"}]",
        "500",
    )
    json_post(
        "numbers",
        'order line "quantity": "1e999999999"',
        "/api/v1/order-lines/bulk/",
        [{**line, "quantity": "1e999999999"}],
        "500",
    )

    json_post(
        "NUL",
        "NUL in a sale's SKU code",
        "/api/v1/sales/bulk/",
        [{**sale, "sku": "SKU0001\x00"}],
        "500",
    )
    json_post(
        "NUL",
        "NUL in a SKU's name",
        "/api/v1/skus/bulk/",
        [{"code": "NUL1", "name": "Mug\x00"}],
        "500",
    )
    json_post(
        "NUL",
        "NUL in an order id and a customer id",
        "/api/v1/order-lines/bulk/",
        [{**line, "order_id": "O\x001", "customer_id": "c\x00@x"}],
        "500",
    )
    json_post(
        "NUL",
        "NUL in a purchase order's number",
        "/api/v1/purchase-orders/bulk/",
        [
            {
                "number": "PO\x001",
                "supplier": "NONE",
                "location": "WH",
                "order_date": "2024-05-01",
                "lines": [{"sku": "SKU0001\x00", "quantity_ordered": 1}],
            }
        ],
        "500",
    )
    answer, seconds, peak = stack.api(
        "POST", "/api/v1/skus/bulk/", b"code,name\nNUL2,Jug\x00\n", {"Content-Type": "text/csv"}
    )
    results.add(
        Row(
            "NUL",
            "NUL in a CSV body's cell",
            status_of(answer),
            seconds,
            peak,
            "500",
            note=problem_fields(answer[1]),
        )
    )

    queries = [
        ("/api/v1/skus/?code=S0%00", "NUL in ?code="),
        ("/api/v1/sales/?sku=S0%0D%0AX-Injected:%201", "CR/LF in ?sku="),
        ("/api/v1/skus/?ordering=code%0D%0A", "CR/LF in ?ordering="),
        ("/api/v1/skus/?cursor=%0D%0A", "CR/LF in ?cursor="),
        ("/api/v1/order-lines/?updated_since=2024-05-01%0A", "LF in ?updated_since="),
        ("/api/v1/skus/?updated_since=0001-01-01T00:00:00%2B05:00", "year 1 at +05:00"),
    ]
    for path, label in queries:
        answer, seconds, peak = stack.api("GET", path)
        results.add(
            Row(
                "query",
                label,
                status_of(answer),
                seconds,
                peak,
                "500",
                note=problem_fields(answer[1]),
            )
        )
    export = f"/m/{slug}/planning/orders/export/?status=approved%22%0D%0AX-Injected:%201"
    (status, _, _), seconds, peak = stack.portal(lambda: stack.browser.request("GET", export))
    headers_answer = _export_headers(stack, export)
    injected = any(name.lower() == "x-injected" for name in headers_answer)
    disposition = headers_answer.get("Content-Disposition", "")
    results.add(
        Row(
            "query",
            "CR/LF in the orders export's ?status=",
            str(status),
            seconds,
            peak,
            "name unescaped in the header",
            note=f"{disposition!r}{'; header INJECTED' if injected else ''}",
        )
    )
    results.checks["export header"] = (not injected, disposition)

    # 16 MB of CSV just under the body limit: 1.5 million rows of a few bytes each.
    limit = 16 * 1024 * 1024
    body = bytearray(b"code,name\n")
    number = 0
    while len(body) < limit - 32:
        body += b"R%d,x\n" % number
        number += 1
    answer, seconds, peak = stack.api(
        "POST", "/api/v1/skus/bulk/", bytes(body), {"Content-Type": "text/csv"}
    )
    results.add(
        Row(
            "size",
            f"{len(body) / 2**20:.1f} MiB CSV, {number:,} rows, to /skus/bulk/",
            status_of(answer),
            seconds,
            peak,
            "1.6 GB",
            note=problem_fields(answer[1]),
        )
    )
    body += b"R%d,x\n" % number * 200_000
    answer, seconds, peak = stack.api(
        "POST", "/api/v1/skus/bulk/", bytes(body), {"Content-Type": "text/csv"}
    )
    results.add(
        Row(
            "size",
            f"{len(body) / 2**20:.1f} MiB CSV, past the body limit",
            status_of(answer),
            seconds,
            peak,
            "-",
            note=problem_fields(answer[1]),
        )
    )


def _export_headers(stack: Stack, path: str) -> dict[str, str]:
    """The response headers of a portal GET (the browser keeps only status and body)."""
    connection = http.client.HTTPConnection("127.0.0.1", stack.port, timeout=30)
    cookies = "; ".join(f"{name}={value}" for name, value in stack.browser.cookies.items())
    try:
        connection.request("GET", path, headers={"Cookie": cookies})
        response = connection.getresponse()
        response.read()
        return dict(response.getheaders())
    finally:
        connection.close()


# -- sign-in burst ---------------------------------------------------------------------------
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


# -- webhook ---------------------------------------------------------------------------------
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


# -- imports: customer ids, gzip -------------------------------------------------------------
def run_import(stack: Stack, merchant, name: str, content: bytes, worker: list[int], timeout):
    """Upload ``content`` in the portal and confirm its suggested mapping: the two requests'
    (status, seconds, peak MB), then the job's (verdict or None past ``timeout``, seconds
    from the confirmation, the worker's peak MB)."""
    from accounts.tenancy import tenant_context
    from inventory.models import ImportJob

    def job(pk: int, **filters) -> ImportJob | None:
        with tenant_context(merchant):
            return ImportJob.objects.for_merchant(merchant).filter(pk=pk, **filters).first()

    path = f"/m/{merchant.slug}/data/"
    resource = "order-lines" if name.startswith("orders") else "sales"
    (status, location, _), seconds, peak = stack.portal(
        lambda: stack.browser.post_form(path, {"resource": resource}, {"file": (name, content)})
    )
    upload = (str(status), seconds, peak)
    if status != 302:
        return upload, None, None
    pk = int(location.rstrip("/").split("/")[-1])
    mapping, header = job(pk).mapping, job(pk).header
    fields = {f"map-{index}": mapping.get(column, "") for index, column in enumerate(header)}
    reset_peak(worker)
    before = resident_mb(worker)
    started = time.perf_counter()
    (status, _, _), seconds, peak = stack.portal(lambda: stack.browser.post_form(location, fields))
    confirm = (str(status), seconds, peak)
    verdict = wait_for(lambda: job(pk, status__in=["succeeded", "failed"]), timeout, every=0.5)
    return upload, confirm, (verdict, time.perf_counter() - started, peak_mb(worker), before)


def customer_ids(stack: Stack, results: Results, merchant, worker: list[int], media: Path):
    import psycopg

    today = dt.date.today()
    header = b"order_id,ordered_at,sku,location,quantity,unit_price,customer_id\n"

    def lines(count: int, start: int) -> bytes:
        return b"".join(
            f"{start + i},{today - dt.timedelta(days=1 + i % 60)}T10:00,SKU{i % SKUS:04d},WH,"
            f"{1 + i % 3},2.50,shopper.{start + i}@{CUSTOMER_DOMAIN}\n".encode()
            for i in range(count)
        )

    good = header + lines(500, 1000)
    refused = (
        header
        + lines(200, 5000)
        + f"9001,{today}T10:00,SKU0001,WH,x,2.50,bad.row@{CUSTOMER_DOMAIN}\n".encode()
        + f"9002,{today}T10:00,SKU0001,WH,1,2.50,{'long@' + CUSTOMER_DOMAIN * 12}\n".encode()
    )
    for name, content in (("orders-good.csv", good), ("orders-refused.csv", refused)):
        upload, confirm, job = run_import(stack, merchant, name, content, worker, 120)
        results.add(
            Row(
                "customer ids",
                f"{name}: upload",
                upload[0],
                upload[1],
                upload[2],
                "file kept for ever",
            )
        )
        if confirm is None:
            continue
        results.add(
            Row("customer ids", f"{name}: confirm", confirm[0], confirm[1], confirm[2], "-")
        )
        verdict, seconds, peak, before = job
        results.add(
            Row(
                "customer ids",
                f"{name}: import job (worker)",
                verdict.status if verdict else "running",
                seconds,
                peak,
                "errors echo the ids",
                request=False,
                note=f"worker at {before:.0f} MB before; "
                + (verdict.message[:70] if verdict else "still running"),
            )
        )

    # Every text and JSON column of every table, as the owner (row-level security does not
    # hide rows from the table's owner), and every file under MEDIA_ROOT.
    pattern = f"%{CUSTOMER_DOMAIN}%"
    found: dict[str, int] = {}
    scanned = 0
    with psycopg.connect(OWNER_URL) as connection:
        columns = connection.execute(
            "SELECT table_name, column_name FROM information_schema.columns c "
            "JOIN pg_class k ON k.relname = c.table_name AND k.relkind IN ('r', 'p') "
            "WHERE table_schema = 'public' AND data_type IN "
            "('text', 'character varying', 'character', 'json', 'jsonb')"
        ).fetchall()
        for table, column in columns:
            scanned += 1
            count = connection.execute(
                f'SELECT count(*) FROM "{table}" WHERE "{column}"::text ILIKE %s',
                [pattern],
            ).fetchone()[0]
            if count:
                found[f"{table}.{column}"] = count
    files = [path for path in media.rglob("*") if path.is_file()]
    on_disk = []
    for path in files:
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        if CUSTOMER_DOMAIN.encode() in data.lower():
            on_disk.append(str(path.relative_to(media)))
    summary = (
        f"{sum(found.values())} rows in {len(found)} of {scanned} text/JSON columns; "
        f"{len(on_disk)} of {len(files)} files under MEDIA_ROOT"
    )
    say(
        f"raw customer emails: {summary}"
        + (f" ({', '.join([*found, *on_disk])})" if found or on_disk else "")
    )
    results.checks["customer ids"] = (not found and not on_disk, summary)


def gzip_inputs(stack: Stack, results: Results, merchant, worker: list[int], timeout: float):
    expanded = 60_000_000
    endless = gzip.compress(b"sku,location,date,units," + b"u" * expanded, 9)
    blank = gzip.compress(b"sku,location,date,units\n" + b"\n" * expanded, 9)
    answer, seconds, peak = stack.api(
        "POST",
        "/api/v1/sales/bulk/",
        blank,
        {"Content-Type": "text/csv", "Content-Encoding": "gzip"},
    )
    results.add(
        Row(
            "gzip",
            f"{len(blank) / 1000:.0f} KB gzip to the API (Content-Encoding)",
            status_of(answer),
            seconds,
            peak,
            "-",
            note=problem_fields(answer[1]),
        )
    )
    upload, _, _ = run_import(stack, merchant, "endless.csv.gz", endless, worker, timeout)
    results.add(
        Row(
            "gzip",
            f"{len(endless) / 1000:.0f} KB gzip, one 60 MB line: upload",
            upload[0],
            upload[1],
            upload[2],
            "507 s, 486 MB",
        )
    )
    upload, confirm, job = run_import(stack, merchant, "blank.csv.gz", blank, worker, timeout)
    results.add(
        Row(
            "gzip",
            f"{len(blank) / 1000:.0f} KB gzip, header + 60 M blank lines: upload",
            upload[0],
            upload[1],
            upload[2],
            "507 s, 486 MB",
        )
    )
    if confirm is not None:
        results.add(
            Row("gzip", "... its mapping confirmed", confirm[0], confirm[1], confirm[2], "-")
        )
        verdict, seconds, peak, before = job
        outcome = verdict.message[:70] if verdict else f"still running after {timeout:g} s"
        results.add(
            Row(
                "gzip",
                "... its import job (worker)",
                verdict.status if verdict else "running",
                seconds,
                peak,
                "507 s, 486 MB",
                request=False,
                note=f"worker at {before:.0f} MB before; {outcome}",
            )
        )
        results.checks["gzip job"] = (
            verdict is not None and seconds <= MAX_JOB_SECONDS,
            f"{verdict.status if verdict else 'running'} after {seconds:.0f} s, worker "
            f"peak {peak:.0f} MB ({before:.0f} MB before); the review: 507 s, 486 MB",
        )


# -- the run ---------------------------------------------------------------------------------
def report(results: Results) -> bool:
    print(f"\n{'input':<58}{'status':>24}{'seconds':>9}{'peak MB':>9}  review")
    for row in results.rows:
        seconds = f"{row.seconds:.2f}" if row.seconds is not None else "-"
        peak = f"{row.peak:.0f}" if row.peak is not None else "-"
        label = f"{row.group}: {row.label}"
        print(f"{label[:57]:<58}{row.status[:23]:>24}{seconds:>9}{peak:>9}  {row.review}")
        if row.note:
            print(f"{'':<4}{row.note}")
    requests = [row for row in results.rows if row.request]
    slow = [row for row in requests if row.seconds is not None and row.seconds > MAX_SECONDS]
    large = [row for row in requests if row.peak is not None and row.peak > MAX_MB]
    errors = [row for row in requests if row.status.startswith("5")]
    verdicts = [
        (
            f"no request over {MAX_SECONDS:g} s",
            not slow,
            f"slowest {max(r.seconds for r in requests):.2f} s over {len(requests)} requests",
        ),
        (
            f"no request over {MAX_MB:g} MB (web worker VmHWM)",
            not large,
            f"largest {max(r.peak for r in requests):.0f} MB",
        ),
        ("no 500s", not errors, f"{len(errors)} server errors"),
        ("0 sales partitions outside the sales window", *results.checks["partitions"]),
        ("0 redirects followed by webhook delivery", *results.checks["redirects"]),
        ("0 raw customer ids on disk or in the database", *results.checks["customer ids"]),
    ]
    extra = [
        ("sign-in lockout: 0 passwords checked past the limit", *results.checks["lockout"]),
        ("orders export: no header injected", *results.checks["export header"]),
        (
            f"a 58 KB gzip's import job ends within {MAX_JOB_SECONDS:g} s",
            *results.checks.get("gzip job", (False, "its upload was not confirmed")),
        ),
    ]
    print()
    for name, met, detail in [*verdicts, *extra]:
        print(f"{name:<58}{'met' if met else 'NOT met':<9}{detail}")
    for row in slow + large + errors:
        print(f"  not met by: {row.group}: {row.label}")
    for name, figures in results.unjudged:
        print(f"{name:<58}{'(no target)':<9}  {figures}")
    return all(met for _, met, _ in [*verdicts, *extra])


def collect_static(environment: dict) -> list[tuple[str, ...]]:
    """collectstatic, unless STATIC_ROOT's manifest (shared by the benches) is newer than every
    file under static/: on two busy cores it takes minutes, most of this run's budget."""
    manifest = Path(environment["STATIC_ROOT"]) / "staticfiles.json"
    sources = [path.stat().st_mtime for path in (ROOT / "static").rglob("*") if path.is_file()]
    if manifest.exists() and manifest.stat().st_mtime > max(sources, default=0):
        return []
    return [("collectstatic", "--noinput", "-v0")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--job-timeout", type=float, default=150.0, help="seconds to wait for the gzip import's job"
    )
    parser.add_argument("--redis-port", type=int, default=6391)
    parser.add_argument("--keep-database", action="store_true")
    args = parser.parse_args()
    redis_port = args.redis_port if port_free(args.redis_port) else server.free_port()
    directory = Path(tempfile.mkdtemp(prefix="shelfcast-hardening-"))
    media = directory / "media"
    environment = server.production_environment(
        DATABASE,
        CELERY_BROKER_URL=f"redis://127.0.0.1:{redis_port}/0",
        REDIS_URL=f"redis://127.0.0.1:{redis_port}/1",  # shared counts, as in production
        MEDIA_ROOT=str(media),
        API_RATE_LIMIT="100000/minute",
    )
    processes: dict[str, subprocess.Popen] = {}
    results = Results()
    try:
        processes["redis"] = start_redis(redis_port, directory / "redis.log")
        say(f"redis-server on {redis_port}; creating and migrating {DATABASE} …")
        database.create(DATABASE, environment, [("migrate", "-v0"), *collect_static(environment)])
        database.django_setup(environment)
        from accounts.models import User

        merchant, token = make_merchant("hardening")
        owner = User.objects.get(email="hardening@bench.test")
        owner.set_password(PASSWORD)
        owner.save()
        port = server.free_port()
        processes["web"] = server.start_gunicorn(port, environment)
        processes["ingest worker"] = start_worker(environment, "ingest", "hardening-ingest")
        worker = wait_for(lambda: worker_pids(processes["ingest worker"].pid), 60)
        if not worker:
            raise SystemExit("the ingest worker did not start")
        browser = Browser(port)
        if (
            browser.post_form("/accounts/login/", {"username": owner.email, "password": PASSWORD})[
                0
            ]
            != 302
        ):
            raise SystemExit("the owner could not sign in")
        stack = Stack(port, token, worker_pids(processes["web"].pid), browser)
        say(f"database {DATABASE}, gunicorn on {port}, ingest worker, redis on {redis_port}")

        sales_partitions(stack, results, merchant)
        bad_inputs(stack, results, merchant.slug)
        webhook_redirect(results, merchant)
        customer_ids(stack, results, merchant, worker, media)
        sign_in_burst(environment, results, owner.email)
        gzip_inputs(stack, results, merchant, worker, args.job_timeout)
        passed = report(results)
    finally:
        for name, process in processes.items():
            if process.poll() is None:
                if name.endswith("worker"):
                    kill(process)
                else:
                    process.send_signal(signal.SIGTERM)
                    process.wait(timeout=30)
        if not args.keep_database:
            database.drop(DATABASE)
        shutil.rmtree(directory, ignore_errors=True)
    say("done")
    sys.exit(0 if passed else 1)


if __name__ == "__main__":
    main()
