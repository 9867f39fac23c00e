"""Writes of inventory outside ingestion: the life of a purchase order.

Approved reorder suggestions become draft orders, one per supplier and delivery location,
on the supplier's terms (pack, MOQ, unit cost, lead time, currency). A draft's lines can be
edited; sending it fixes it, renders its PDF and emails it to the supplier once the
transaction commits (a worker's task; the order records the send, so it goes once);
receiving, whole or per line, adds the units to stock and leaves open only what is still to
come; a draft or sent order can be cancelled. Every step is a `PurchaseOrderEvent` naming who
and when; a step the order's status does not allow is refused with `TransitionRefused`.

    draft -> sent -> partly received -> received
    draft, sent -> cancelled
"""

from inventory.selectors import merchant_today
from inventory.services.drafts import (
    DraftLine,
    LineEdit,
    purchase_order_draft_add,
    purchase_order_line_quantity_set,
)
from inventory.services.lifecycle import (
    TRANSITIONS,
    TransitionRefused,
    round_to_terms,
)
from inventory.services.receiving import purchase_order_cancel, purchase_order_receive
from inventory.services.sending import (
    EMAIL_TASK,
    purchase_order_email,
    purchase_order_email_again,
    purchase_order_emails_stranded,
    purchase_order_send,
    supplier_codes,
)
from inventory.sku_rows import per_sku_rows_upsert

__all__ = [
    "EMAIL_TASK",
    "TRANSITIONS",
    "DraftLine",
    "LineEdit",
    "TransitionRefused",
    "merchant_today",
    "per_sku_rows_upsert",
    "purchase_order_cancel",
    "purchase_order_draft_add",
    "purchase_order_email",
    "purchase_order_email_again",
    "purchase_order_emails_stranded",
    "purchase_order_line_quantity_set",
    "purchase_order_receive",
    "purchase_order_send",
    "round_to_terms",
    "supplier_codes",
]
