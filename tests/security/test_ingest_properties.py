"""Property-based: the ingest parsers and readers, given anything, answer with a value or one
of their documented errors, never another exception; and valid rows come back from the
database as they were sent, through a JSON batch and through a CSV body alike.

Documented errors: a reader raises `FieldError`; `validate` raises nothing (it lists row
errors); `ingest` raises `IngestRejected`; the API's CSV parser raises `ParseError` or
`IngestRejected` (past the row limit); an import's file reading raises `CSVProblem`, and its
header check `ImportProblem`.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import gzip
import io
import os
from decimal import Decimal
from zoneinfo import ZoneInfo

import orjson
from django.utils import timezone
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase
from rest_framework.exceptions import ParseError

from accounts.tenancy import tenant_context
from inventory.api.parsers import parse_csv_body
from inventory.ingest import columns as c
from inventory.ingest import csv_files, import_files
from inventory.ingest.import_files import ImportProblem
from inventory.ingest.import_uploads import IMPORTABLE
from inventory.ingest.service import IngestRejected, ingest
from inventory.ingest.validation import validate
from inventory.models import SKU, SalesDay
from tests.factories import LocationFactory, MerchantFactory, SKUFactory


def examples(count: int) -> settings:
    """``count`` examples; CI replays the same ones every run, elsewhere each run explores
    new ones."""
    return settings(
        max_examples=count,
        deadline=None,
        derandomize=bool(os.environ.get("CI")),
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


# What a JSON body can hold (orjson reads integers past 64 bits as floats).
json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**64 - 1),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=40),
    st.sampled_from(
        [
            "1e999999999",
            "9" * 5000,
            "0001-01-01",
            "9999-12-31T23:59:59-10:00",
            "2024-02-30",
            "S1\x00",
            "١٢",
            "1_000",
            "-0",
            " 1,234.5 ",
        ]
    ),
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=6,
)


def rows_for(resource: str):
    names = [*IMPORTABLE[resource].column_names, "lines", "bogus", "id"]
    row = st.dictionaries(st.sampled_from(names), json_values, max_size=len(names))
    return st.lists(st.one_of(row, json_values), max_size=5)


class ReaderProperties(TestCase):
    @examples(100)
    @given(value=json_values, zone=st.sampled_from(["UTC", "Pacific/Kiritimati", "Etc/GMT+12"]))
    def test_every_reader_gives_a_value_or_a_field_error(self, value, zone):
        context = c.ReadContext.for_timezone(ZoneInfo(zone))
        for resource in IMPORTABLE.values():
            for column in resource.columns:
                with contextlib.suppress(c.FieldError):
                    column.read(value, context)


class CsvParserProperties(TestCase):
    @examples(100)
    @given(body=st.one_of(st.binary(max_size=300), st.text(max_size=300).map(str.encode)))
    def test_the_api_csv_parser_gives_rows_or_a_parse_error(self, body):
        try:
            rows = parse_csv_body(body, max_rows=3)
        except (ParseError, IngestRejected):
            return
        self.assertLessEqual(len(rows), 3)
        for row in rows:
            self.assertTrue(all(isinstance(k, str) and isinstance(v, str) for k, v in row.items()))

    @examples(100)
    @given(content=st.binary(max_size=300), gzipped=st.booleans())
    def test_an_import_file_reads_as_records_or_a_csv_problem(self, content, gzipped):
        data = gzip.compress(content) if gzipped else content
        try:
            names = import_files.read_header(io.BytesIO(data))
        except ImportProblem:
            names = None
        if names is not None:
            self.assertTrue(all(isinstance(name, str) for name in names))
        text = csv_files.open_text(io.BytesIO(data), max_bytes=200, allow_gzip=True)
        try:
            for record in csv_files.records(text):
                self.assertGreaterEqual(record.line, 1)
        except csv_files.CSVProblem:
            pass


class LondonStoreTestCase(TestCase):
    """A London store with location WH and SKU S1, what the rows drawn refer to."""

    @classmethod
    def setUpTestData(cls):
        cls.merchant = MerchantFactory(timezone="Europe/London")
        with tenant_context(cls.merchant):
            LocationFactory(merchant=cls.merchant, code="WH")
            SKUFactory(merchant=cls.merchant, code="S1")


class IngestProperties(LondonStoreTestCase):
    @examples(40)
    @given(data=st.data())
    def test_validate_never_raises_and_ingest_only_refuses(self, data):
        resource = data.draw(st.sampled_from(sorted(IMPORTABLE)), label="resource")
        rows = data.draw(rows_for(resource), label="rows")
        with tenant_context(self.merchant):
            if resource in {"skus", "sales", "stock-levels", "promotions"}:
                validate(IMPORTABLE[resource], self.merchant, rows)
            try:
                ingest(merchant=self.merchant, resource_name=resource, rows=rows)
            except IngestRejected as rejected:
                self.assertGreater(rejected.error_count, 0)
                orjson.dumps(rejected.response_data())  # an answer the API can send


# -- valid rows round-trip ------------------------------------------------------------------------
def quantities(places: int, digits: int = 11):
    return st.decimals(
        min_value=0, max_value=Decimal(10**digits) - 1, places=places, allow_nan=False
    )


def sales_rows():
    today = timezone.now().date()
    day = st.dates(min_value=today - dt.timedelta(days=3650), max_value=today)
    row = st.fixed_dictionaries(
        {
            "date": day,
            "units": quantities(3),
            "revenue": st.decimals(
                min_value=-(10**10) + 1, max_value=10**10 - 1, places=4, allow_nan=False
            ),
            "customers": st.integers(min_value=0, max_value=2**31 - 1),
            "on_promotion": st.booleans(),
        }
    )
    return st.lists(row, min_size=1, max_size=8, unique_by=lambda row: row["date"])


sku_text = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=60
)


def sku_rows():
    row = st.fixed_dictionaries(
        {
            "code": sku_text.map(str.strip).filter(
                lambda code: 0 < len(code) <= 64 and code != "S1"
            ),
            "name": sku_text.map(str.strip).filter(bool),
            "unit_price": quantities(4, digits=10),
        }
    )
    return st.lists(row, min_size=1, max_size=6, unique_by=lambda row: row["code"])


def as_csv(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    for row in rows:
        writer.writerow({name: str(value) for name, value in row.items()})
    return out.getvalue().encode()


def as_json(rows: list[dict]) -> list[dict]:
    return orjson.loads(orjson.dumps(rows, default=str))


class RoundTripProperties(LondonStoreTestCase):
    def stored_sales(self) -> list[tuple]:
        with tenant_context(self.merchant):
            return list(
                SalesDay.objects.for_merchant(self.merchant)
                .order_by("date")
                .values_list("date", "units", "revenue", "customers", "on_promotion")
            )

    @examples(30)
    @given(rows=sales_rows(), through_csv=st.booleans())
    def test_valid_sales_come_back_as_sent(self, rows, through_csv):
        sent = [{"sku": "S1", "location": "WH", **row} for row in rows]
        batch = parse_csv_body(as_csv(sent), max_rows=100) if through_csv else as_json(sent)
        with tenant_context(self.merchant):
            ingest(merchant=self.merchant, resource_name="sales", rows=batch)
        expected = sorted(
            (
                row["date"],
                row["units"],
                row["revenue"],
                row["customers"],
                row["on_promotion"],
            )
            for row in rows
        )
        self.assertEqual(self.stored_sales(), expected)

    @examples(30)
    @given(rows=sku_rows(), through_csv=st.booleans())
    def test_valid_skus_come_back_as_sent(self, rows, through_csv):
        if through_csv:
            # a code or name that is all line breaks or spaces has nothing left to read
            assume(all(row["code"] and row["name"] for row in rows))
            batch = parse_csv_body(as_csv(rows), max_rows=100)
        else:
            batch = as_json(rows)
        with tenant_context(self.merchant):
            ingest(merchant=self.merchant, resource_name="skus", rows=batch)
            stored = dict(
                SKU.objects.for_merchant(self.merchant)
                .exclude(code="S1")
                .values_list("code", "name")
            )
            prices = dict(
                SKU.objects.for_merchant(self.merchant)
                .exclude(code="S1")
                .values_list("code", "unit_price")
            )
        self.assertEqual(stored, {row["code"]: row["name"] for row in rows})
        self.assertEqual(prices, {row["code"]: row["unit_price"] for row in rows})
