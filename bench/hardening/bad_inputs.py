"""Hostile values in requests: numbers past any range, NUL characters, CR/LF in query
parameters (and in the portal's orders export), and bodies at and past the size limit."""

from __future__ import annotations

import http.client

from bench.hardening.stack import Results, Row, Stack, api_row


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
        api_row(stack, results, (group, label, review), "POST", path, body)

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
    csv = {"Content-Type": "text/csv"}
    api_row(
        stack,
        results,
        ("NUL", "NUL in a CSV body's cell", "500"),
        "POST",
        "/api/v1/skus/bulk/",
        b"code,name\nNUL2,Jug\x00\n",
        csv,
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
        api_row(stack, results, ("query", label, "500"), "GET", path)
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
    label = f"{len(body) / 2**20:.1f} MiB CSV, {number:,} rows, to /skus/bulk/"
    api_row(
        stack, results, ("size", label, "1.6 GB"), "POST", "/api/v1/skus/bulk/", bytes(body), csv
    )
    body += b"R%d,x\n" % number * 200_000
    label = f"{len(body) / 2**20:.1f} MiB CSV, past the body limit"
    api_row(stack, results, ("size", label, "-"), "POST", "/api/v1/skus/bulk/", bytes(body), csv)


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
