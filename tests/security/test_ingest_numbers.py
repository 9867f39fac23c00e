"""Numbers are checked for length and exponent before any arithmetic: "1e999999999" or a
100,000-digit number is a row error naming its field at once, never minutes of CPU turning
it into an integer (or a Decimal with a billion-digit exponent)."""

from __future__ import annotations

from decimal import Decimal
from unittest import mock
from zoneinfo import ZoneInfo

from django.test import SimpleTestCase

from inventory.ingest import columns as c
from inventory.models import MONEY, QUANTITY
from tests.inventory.api_support import ApiTestCase

HOSTILE = [
    "1e999999999",
    "-1E+999999999",
    "1e-999999999",
    "9" * 100_000,
    "0." + "0" * 100_000 + "1",
    "1" + "0" * 5000,
    "1,000,000,000,000,000,000,000,000,000,000,000,000,000,000,000,000e99999",
]


class BoundedDecimal(Decimal):
    """Stands in for Decimal in the readers: fails the test if a number of unbounded size
    reaches it, since that is where the CPU goes."""

    def __new__(cls, value="0", context=None):
        if isinstance(value, str):
            mantissa, _, exponent = value.lower().partition("e")
            if len(mantissa) > 64 or len(exponent.lstrip("+-")) > 3:
                raise AssertionError(f"an unbounded number reached Decimal: {value[:40]}...")
        return Decimal(value, context)


def hostile_int() -> int:
    return 10**5000


class ReaderTests(SimpleTestCase):
    def setUp(self):
        self.context = c.ReadContext.for_timezone(ZoneInfo("UTC"))

    def readers(self):
        return {
            "integer": c.integer(minimum=0),
            "quantity": c.decimal(**QUANTITY, minimum=Decimal(0)),
            "money": c.decimal(**MONEY),
        }

    def test_oversized_numbers_are_refused_before_any_arithmetic(self):
        with mock.patch.object(c, "Decimal", BoundedDecimal):
            for name, read in self.readers().items():
                for value in [*HOSTILE, hostile_int(), -hostile_int()]:
                    label = f"int of {value.bit_length()} bits" if isinstance(value, int) else value
                    with self.subTest(reader=name, value=label[:20]):
                        with self.assertRaises(c.FieldError) as refused:
                            read(value, self.context)
                        message = str(refused.exception)
                        self.assertTrue(
                            any(word in message for word in ("too large", "too long", "small")),
                            message,
                        )

    def test_ordinary_numbers_still_read(self):
        read = self.readers()
        self.assertEqual(read["integer"]("12", self.context), 12)
        self.assertEqual(read["integer"](" 1.0e3 ", self.context), 1000)
        self.assertEqual(read["quantity"]("1,234.5", self.context), Decimal("1234.500"))
        self.assertEqual(read["quantity"](2.5, self.context), Decimal("2.500"))
        self.assertEqual(read["money"]("-3.25E-2", self.context), Decimal("-0.0325"))
        self.assertEqual(read["money"]("0." + "0" * 20 + "1", self.context), Decimal("0.0000"))
        for bad in ("1_000", "١٢", "0x10", "1e", "--1", "NaN", "inf"):
            with self.subTest(bad=bad), self.assertRaises(c.FieldError):
                read["quantity"](bad, self.context)


class ApiNumberTests(ApiTestCase):
    def test_an_exponent_bomb_in_customers_is_a_row_error(self):
        self.seed_catalogue()
        row = {"sku": "S0", "location": "WH", "date": "2024-05-01", "units": 1}
        with mock.patch.object(c, "Decimal", BoundedDecimal):
            response = self.bulk(
                "sales-day",
                [
                    {**row, "customers": "1e999999999"},
                    {**row, "date": "2024-05-02", "units": "9" * 100_000},
                ],
            )
        self.assertEqual(response.status_code, 400, response.content[:500])
        errors = [(e["row"], e["field"]) for e in response.json()["errors"]]
        self.assertEqual(errors, [(0, "customers"), (1, "units")])
        self.assertLessEqual(len(response.json()["errors"][1]["value"]), 201)
