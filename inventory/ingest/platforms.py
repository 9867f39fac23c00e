"""Order exports of shop platforms, read as Shelfcast order lines.

A file is recognised from its header as one of:

- Shopify's orders export (Orders > Export, CSV): one row per line item; the order's own fields
  (``Financial Status``, ``Currency``, ``Cancelled at``, ``Refunded Amount``, ...) only on the
  first row of the order, its other rows following it with those cells blank.
- WooCommerce's order export (the "Order Export" CSV, one row per item): ``Order Number`` (or
  ``Order ID``), ``Order Date``, ``Order Status``, ``SKU``, ``Quantity``, ``Item Cost`` (or a
  line total), ``Order Currency``; order fields may be on the first item's row only.
- Amazon Seller Central's "All Orders" flat-file report (tab-separated): ``amazon-order-id``,
  ``purchase-date``, ``order-status``, ``sku``, ``quantity``, ``item-price`` (the price of the
  line's whole quantity), ``currency``.

Each row becomes one order line (then daily sales, through `inventory.ingest.order_lines`, which
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

import enum
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal

from inventory.ingest import columns as c
from inventory.ingest.resources import MONEY, QUANTITY


class Outcome(enum.Enum):
    COUNTED = "counted"
    CANCELLED = "cancelled"
    UNPAID = "unpaid"
    REFUNDED = "refunded"
    PARTLY_REFUNDED = "partly refunded"


# What each role of a platform's columns becomes in an order line.
FIELD_OF_ROLE = {
    "order": "order_id",
    "ordered_at": "ordered_at",
    "sku": "sku",
    "name": "sku_name",
    "quantity": "quantity",
    "net_quantity": "quantity",
    "unit_price": "unit_price",
    "line_total": "unit_price",
    "customer": "customer_id",
    "country": "country",
}


@dataclass(frozen=True)
class Platform:
    name: str  # stored on the import job
    label: str  # shown in the portal
    # Groups of column names: a header with one name of every group is this platform's.
    signature: tuple[tuple[str, ...], ...]
    # role -> the column names that may carry it, the first present in the header is read
    columns: dict[str, tuple[str, ...]]
    # roles of the order rather than its lines: blank on an order's later rows, taken from
    # its first
    order_roles: frozenset[str]
    outcome: Callable[[dict[str, str]], Outcome] = field(repr=False)

    def matches(self, names: set[str]) -> bool:
        return all(any(name.lower() in names for name in group) for group in self.signature)

    def columns_in(self, header: list[str]) -> dict[str, int]:
        """role -> the index of the header's column that carries it."""
        index = {name.strip().lower(): position for position, name in enumerate(header)}
        found = {}
        for role, names in self.columns.items():
            for name in names:
                if name.lower() in index:
                    found[role] = index[name.lower()]
                    break
        return found

    def source_columns(self, header: list[str]) -> dict[str, str]:
        """order-line field -> the header's column it is read from (named in error reports)."""
        columns: dict[str, str] = {}
        for role, position in self.columns_in(header).items():
            target = FIELD_OF_ROLE.get(role)
            if target and (target not in columns or role in {"quantity", "unit_price"}):
                columns[target] = header[position]
        return columns

    def mapping(self, header: list[str]) -> dict[str, str]:
        """header column -> the order-line field it fills ('' = not read)."""
        roles = {position: role for role, position in self.columns_in(header).items()}
        return {
            name: FIELD_OF_ROLE.get(roles.get(position, ""), "")
            for position, name in enumerate(header)
        }


def _shopify_outcome(values: dict[str, str]) -> Outcome:
    status = values.get("financial_status", "").strip().lower()
    if values.get("cancelled_at", "").strip() or status == "voided":
        return Outcome.CANCELLED
    return {
        "pending": Outcome.UNPAID,
        "refunded": Outcome.REFUNDED,
        "partially_refunded": Outcome.PARTLY_REFUNDED,
    }.get(status, Outcome.COUNTED)


def _woocommerce_outcome(values: dict[str, str]) -> Outcome:
    # "wc-completed" (the stored status), "completed" or "Completed" (its label)
    status = re.sub(r"\s+", "-", values.get("status", "").strip().lower()).removeprefix("wc-")
    return {
        "cancelled": Outcome.CANCELLED,
        "failed": Outcome.CANCELLED,
        "pending": Outcome.UNPAID,
        "pending-payment": Outcome.UNPAID,
        "checkout-draft": Outcome.UNPAID,
        "refunded": Outcome.REFUNDED,
    }.get(status, Outcome.COUNTED)


def _amazon_outcome(values: dict[str, str]) -> Outcome:
    order = values.get("status", "").strip().lower()
    item = values.get("item_status", "").strip().lower()
    if order in {"cancelled", "canceled"} or item in {"cancelled", "canceled"}:
        return Outcome.CANCELLED
    if order == "pending":
        return Outcome.UNPAID
    return Outcome.COUNTED


SHOPIFY = Platform(
    name="shopify",
    label="Shopify orders export",
    signature=(
        ("Name",),
        ("Financial Status",),
        ("Created at",),
        ("Lineitem quantity",),
        ("Lineitem price",),
        ("Lineitem sku",),
    ),
    columns={
        "order": ("Name",),
        "ordered_at": ("Created at",),
        "sku": ("Lineitem sku",),
        "name": ("Lineitem name",),
        "quantity": ("Lineitem quantity",),
        "unit_price": ("Lineitem price",),
        "currency": ("Currency",),
        "customer": ("Email",),
        "country": ("Shipping Country", "Billing Country"),
        "financial_status": ("Financial Status",),
        "cancelled_at": ("Cancelled at",),
        "refunded_amount": ("Refunded Amount",),
    },
    order_roles=frozenset(
        {
            "ordered_at",
            "currency",
            "customer",
            "country",
            "financial_status",
            "cancelled_at",
            "refunded_amount",
        }
    ),
    outcome=_shopify_outcome,
)

WOOCOMMERCE = Platform(
    name="woocommerce",
    label="WooCommerce order export",
    signature=(
        ("Order Number", "Order ID", "Order Id"),
        ("Order Date",),
        ("Order Status",),
        ("SKU",),
        ("Quantity",),
        ("Item Cost", "Item Price", "Line Total", "Order Line Total", "Item Total"),
    ),
    columns={
        "order": ("Order Number", "Order ID", "Order Id"),
        "ordered_at": ("Order Date",),
        "status": ("Order Status",),
        "sku": ("SKU",),
        "name": ("Item Name", "Product Name", "Name"),
        "quantity": ("Quantity",),
        "net_quantity": ("Quantity (- Refund)",),
        "unit_price": ("Item Cost", "Item Price"),
        "line_total": ("Line Total", "Order Line Total", "Item Total"),
        "currency": ("Order Currency", "Currency"),
        "customer": ("Billing Email", "Email (Billing)", "Customer Email"),
        "country": (
            "Shipping Country",
            "Country Code (Shipping)",
            "Billing Country",
            "Country Code (Billing)",
        ),
    },
    order_roles=frozenset({"ordered_at", "status", "currency", "customer", "country"}),
    outcome=_woocommerce_outcome,
)

AMAZON = Platform(
    name="amazon",
    label="Amazon Seller Central All Orders report",
    signature=(
        ("amazon-order-id",),
        ("purchase-date",),
        ("order-status",),
        ("sku",),
        ("quantity", "quantity-purchased"),
        ("item-price",),
    ),
    columns={
        "order": ("amazon-order-id",),
        "ordered_at": ("purchase-date",),
        "status": ("order-status",),
        "item_status": ("item-status",),
        "sku": ("sku",),
        "name": ("product-name",),
        "quantity": ("quantity", "quantity-purchased"),
        "line_total": ("item-price",),
        "currency": ("currency",),
        "customer": ("buyer-email",),
        "country": ("ship-country",),
    },
    order_roles=frozenset({"ordered_at", "status", "currency", "customer", "country"}),
    outcome=_amazon_outcome,
)

PLATFORMS: dict[str, Platform] = {p.name: p for p in (SHOPIFY, WOOCOMMERCE, AMAZON)}


def recognise(header: list[str]) -> Platform | None:
    """The platform whose export has this header, or None (a file to map column by column)."""
    names = {name.strip().lower() for name in header}
    return next((p for p in PLATFORMS.values() if p.matches(names)), None)


@dataclass(frozen=True)
class LineProblem:
    """A line of the export that does not become an order line. ``skipped``: it is left out
    and the file loads; otherwise the file is refused."""

    field: str  # the platform's column name
    value: str | None
    message: str
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
_UNIT = Decimal(1).scaleb(-MONEY["places"])


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
                "has no SKU, so its sales cannot be counted against a product: left out "
                "(give the product a SKU on the platform to include such lines)",
                skipped=True,
            )
        if refund_amount_bad is not None:
            return refund_amount_bad
        currency = values.get("currency", "").upper()
        if currency and currency != self.currency:
            return LineProblem(
                self.column("currency"),
                currency,
                f"is not the store's currency ({self.currency}): Shelfcast does not convert "
                "currencies; import only orders paid in the store's currency",
            )
        try:
            quantity = _read_quantity(values.get("quantity"), None)
        except c.FieldError as error:
            return LineProblem(self.column("quantity"), values.get("quantity"), str(error))
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
                return LineProblem(self.column("net_quantity"), values["net_quantity"], str(error))
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
            return LineProblem(self.column("refunded_amount"), raw, str(error))
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
            raise _Refused(LineProblem(self.column(role), values.get(role), str(error))) from None
        if not quantity:
            return Decimal("0")
        return (amount / quantity).quantize(_UNIT)


class _Refused(Exception):
    def __init__(self, problem: LineProblem):
        self.problem = problem
