"""Shop platform exports, one row after another, as Shelfcast order lines.

The platforms and how their files are recognised are `inventory.ingest.platforms`. Each row
becomes one order line (then daily sales, through `inventory.ingest.order_lines`, which
pseudonymises the customer: the buyer's email is the customer id). The rules:

- A cancelled order (Shopify: ``Cancelled at`` set or payment ``voided``; WooCommerce:
  ``cancelled``, ``failed``; Amazon: ``Cancelled`` order or item) counts no sales: its lines are
  stored with quantity 0, so an order sold in an earlier import and cancelled since is taken
  out of that day's sales when the newer export is loaded.
- An order not paid yet (Shopify ``pending``, WooCommerce ``pending``, Amazon ``Pending``) counts
  no sales either, until an export shows it paid.
- Refunds reduce units sold; the line keeps its price. A fully refunded order (Shopify and
  WooCommerce ``refunded``) counts no units. A partly refunded Shopify order gives back whole
  units: its ``Refunded Amount`` is taken off its lines in the file's order, each line losing as
  many units as the remaining amount pays for at its price; what is left, less than a unit
  (shipping, tax, a goodwill credit), reduces no units. WooCommerce's ``Quantity (- Refund)``
  column, where exported, is the line's units. Amazon's order report carries no refunds.
- A line without a SKU (a tip, a gift card, a custom item) is left out and listed with its line
  in the import's report; the rest of the file loads.
- Money is the store's currency: Shelfcast converts none. A line in another currency refuses
  the file, naming the line; a blank currency is taken as the store's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from django.utils.translation import gettext_noop

from inventory.ingest import columns as c
from inventory.ingest.platforms import Outcome, Platform
from inventory.ingest.row_messages import RowMessage
from inventory.models import MONEY, QUANTITY


@dataclass(frozen=True)
class LineProblem:
    """A line of the export that does not become an order line. ``skipped``: it is left out
    and the file loads; otherwise the file is refused."""

    field: str  # the platform's column name
    value: str | None
    message: str | RowMessage  # English marked for translation, or with values
    skipped: bool = False


@dataclass
class _Order:
    key: str
    values: dict[str, str]
    refund_left: Decimal = Decimal("0")


# "2024-05-01 10:15:32 +0100", as Shopify writes a moment
_SPACED_OFFSET = re.compile(
    r"(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*([+-]\d{2}):?(\d{2})"
)
_read_money = c.decimal(**MONEY)
_read_quantity = c.decimal(**QUANTITY)
_UNIT = Decimal(1).scaleb(-MONEY["decimal_places"])


def iso_moment(text: str) -> str:
    """A platform's date-time as ISO 8601, for the order lines' own reader to check."""
    text = text.strip()
    match = _SPACED_OFFSET.fullmatch(text)
    if match:
        day, time, hours, minutes = match.groups()
        return f"{day}T{time}{hours}:{minutes}"
    return text


class Translation:
    """The rows of one platform export as order-line rows, in the file's order.

    The lines of one order follow each other, as the platforms write them: an order's fields
    are carried from its first row to the rows after it that leave them blank."""

    def __init__(self, platform: Platform, header: list[str], *, currency: str):
        self.platform = platform
        self.positions = platform.columns_in(header)
        self.column_names = {role: header[i] for role, i in self.positions.items()}
        self.currency = currency.strip().upper()
        self.order: _Order | None = None

    def column(self, role: str) -> str:
        return self.column_names.get(role, role)

    def rows(
        self, records: Iterable[tuple[int, list[str]]]
    ) -> Iterator[tuple[int, dict[str, str] | LineProblem]]:
        """(line, order-line row) or (line, `LineProblem`) for each record."""
        for line, cells in records:
            yield line, self.translate(cells)

    def _values(self, cells: list[str]) -> dict[str, str]:
        values = {role: cells[i].strip() for role, i in self.positions.items() if i < len(cells)}
        key = values.get("order", "")
        if self.order is not None and key and key == self.order.key:
            for role in self.platform.order_roles:
                if not values.get(role):
                    values[role] = self.order.values.get(role, "")
        else:
            self.order = _Order(key=key, values=values)
            try:
                refunded = _read_money(values.get("refunded_amount"), None)
            except c.FieldError:
                refunded = None  # refused on each of the order's lines (`_refund_problem`)
            self.order.refund_left = refunded or Decimal("0")
        return values

    def translate(self, cells: list[str]) -> dict[str, str] | LineProblem:
        values = self._values(cells)
        refund_amount_bad = self._refund_problem(values)
        if not values.get("sku"):
            name = values.get("name", "")
            return LineProblem(
                self.column("sku"),
                name or None,
                gettext_noop(
                    "has no SKU, so its sales cannot be counted against a product: left out "
                    "(give the product a SKU on the platform to include such lines)"
                ),
                skipped=True,
            )
        if refund_amount_bad is not None:
            return refund_amount_bad
        currency = values.get("currency", "").upper()
        if currency and currency != self.currency:
            return LineProblem(
                self.column("currency"),
                currency,
                RowMessage(
                    gettext_noop(
                        "is not the store's currency (%(currency)s): Shelfcast does not convert "
                        "currencies; import only orders paid in the store's currency"
                    ),
                    {"currency": self.currency},
                ),
            )
        try:
            quantity = _read_quantity(values.get("quantity"), None)
        except c.FieldError as error:
            return LineProblem(self.column("quantity"), values.get("quantity"), error.message)
        try:
            price = self._unit_price(values, quantity)
        except _Refused as refused:
            return refused.problem
        outcome = self.platform.outcome(values)
        if outcome in {Outcome.CANCELLED, Outcome.UNPAID, Outcome.REFUNDED}:
            quantity = Decimal("0") if quantity is not None else None
            price = Decimal("0") if price is None else price
        elif outcome is Outcome.COUNTED and values.get("net_quantity"):
            try:
                quantity = _read_quantity(values["net_quantity"], None)
            except c.FieldError as error:
                return LineProblem(
                    self.column("net_quantity"), values["net_quantity"], error.message
                )
        elif outcome is Outcome.PARTLY_REFUNDED and quantity and price and price > 0:
            back = min(quantity, (self.order.refund_left / price).to_integral_value(ROUND_FLOOR))
            if back > 0:
                quantity -= back
                self.order.refund_left -= back * price
        row = {
            "order_id": values.get("order", ""),
            "ordered_at": iso_moment(values.get("ordered_at", "")),
            "sku": values["sku"],
            "quantity": "" if quantity is None else str(quantity),
            "unit_price": "" if price is None else str(price),
            "customer_id": values.get("customer", ""),
            "country": values.get("country", ""),
            "sku_name": values.get("name", ""),
        }
        return {name: value for name, value in row.items() if value != ""}

    def _refund_problem(self, values: dict[str, str]) -> LineProblem | None:
        raw = values.get("refunded_amount", "")
        if not raw:
            return None
        try:
            _read_money(raw, None)
        except c.FieldError as error:
            return LineProblem(self.column("refunded_amount"), raw, error.message)
        return None

    def _unit_price(self, values: dict[str, str], quantity: Decimal | None) -> Decimal | None:
        """The line's unit price: its own column, or its line total over its quantity."""
        try:
            if values.get("unit_price"):
                return _read_money(values["unit_price"], None)
            total = values.get("line_total", "")
            if not total:
                return None
            amount = _read_money(total, None)
        except c.FieldError as error:
            role = "unit_price" if values.get("unit_price") else "line_total"
            raise _Refused(
                LineProblem(self.column(role), values.get(role), error.message)
            ) from None
        if not quantity:
            return Decimal("0")
        return (amount / quantity).quantize(_UNIT)


class _Refused(Exception):
    def __init__(self, problem: LineProblem):
        self.problem = problem
