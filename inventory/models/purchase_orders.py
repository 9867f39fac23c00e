"""Purchase orders to suppliers, their lines and their audit."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.tenancy import AuditEvent
from inventory.models.base import MONEY, NON_NEGATIVE, QUANTITY, InventoryModel
from inventory.models.catalogue import SKU, Location, Supplier


class PurchaseOrder(InventoryModel):
    """An order to a supplier for one location: imported from the ERP (counted as sent), or
    drafted from approved reorder suggestions and then sent, received and closed here
    (`inventory.services`). Sent and partly received orders are the open ones: what they
    still bring is on order for the projections and the next suggestions."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENT = "sent", _("Sent")
        PARTLY_RECEIVED = "partly_received", _("Partly received")
        RECEIVED = "received", _("Received")
        CANCELLED = "cancelled", _("Cancelled")

    class Source(models.TextChoices):
        IMPORTED = "imported", _("Imported")
        SUGGESTED = "suggested", _("From approved suggestions")

    #: what is still to arrive counts as on order only in these
    OPEN_STATUSES = (Status.SENT, Status.PARTLY_RECEIVED)

    number = models.CharField(max_length=64)
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="orders")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="orders")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SENT)
    order_date = models.DateField(default=timezone.localdate)
    expected_arrival = models.DateField(null=True, blank=True)
    # Database defaults too: ingestion inserts orders with its own column list.
    source = models.CharField(
        max_length=16, choices=Source.choices, default=Source.IMPORTED, db_default="imported"
    )
    currency = models.CharField(
        max_length=3, blank=True, default="", db_default="", help_text="ISO 4217; blank = store's"
    )
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    email_to = models.EmailField(
        blank=True,
        default="",
        db_default="",
        help_text="Where the order was sent (the supplier's address then); blank = not emailed.",
    )
    emailed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the email left; set once, so it is sent once."
    )
    email_error = models.CharField(max_length=300, blank=True, default="", db_default="")

    class Meta:
        ordering = ["-order_date", "number"]
        constraints = [
            models.UniqueConstraint(fields=["merchant", "number"], name="purchaseorder_unique")
        ]
        indexes = [
            models.Index(fields=["merchant", "status"], name="po_status_idx"),
            models.Index(fields=["merchant", "updated_at"], name="po_updated_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class PurchaseOrderLine(InventoryModel):
    purchase_order = models.ForeignKey(
        PurchaseOrder, on_delete=models.CASCADE, related_name="lines"
    )
    sku = models.ForeignKey(SKU, on_delete=models.PROTECT, related_name="order_lines")
    quantity_ordered = models.DecimalField(**QUANTITY, validators=NON_NEGATIVE)
    quantity_received = models.DecimalField(**QUANTITY, validators=NON_NEGATIVE, default=0)
    unit_cost = models.DecimalField(**MONEY, validators=NON_NEGATIVE, null=True, blank=True)
    # The supplier's terms when the line was drafted (1 and 0 for imported lines).
    pack_size = models.DecimalField(**QUANTITY, default=Decimal("1"), db_default=Decimal("1"))
    moq = models.DecimalField(
        "minimum order quantity", **QUANTITY, default=Decimal("0"), db_default=Decimal("0")
    )

    class Meta:
        ordering = ["purchase_order_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["merchant", "purchase_order", "sku"], name="purchaseorderline_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.purchase_order_id}: {self.sku_id} x {self.quantity_ordered}"

    @property
    def quantity_open(self) -> Decimal:
        return max(self.quantity_ordered - self.quantity_received, Decimal("0"))

    @property
    def cost(self) -> Decimal | None:
        return None if self.unit_cost is None else self.quantity_ordered * self.unit_cost


class PurchaseOrderEvent(AuditEvent):
    """The audit of a purchase order: who did what to it, when, by which way (portal, API,
    a token), and what changed."""

    class Action(models.TextChoices):
        CREATED = "created", _("Drafted")
        LINES_ADDED = "lines_added", _("Lines added")
        EDITED = "edited", _("Line edited")
        SENT = "sent", _("Sent")
        EMAILED = "emailed", _("Emailed to the supplier")
        EMAIL_FAILED = "email_failed", _("Email failed")
        RECEIVED = "received", _("Received")
        CANCELLED = "cancelled", _("Cancelled")

    purchase_order = models.ForeignKey(
        PurchaseOrder, on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(max_length=16, choices=Action.choices)
    subject_field = "purchase_order"

    def __str__(self) -> str:
        return f"{self.action} purchase order {self.purchase_order_id}"
