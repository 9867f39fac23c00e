"""The shop platforms whose order exports Shelfcast reads, and how a file is recognised as one.

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

How each row becomes an order line (cancelled, unpaid and refunded orders, lines without a
SKU, money) is `inventory.ingest.platform_orders`.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable
from dataclasses import dataclass, field


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
