"""Sending an order, and emailing it with its PDF to the supplier once (a worker's task)."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts.errors import DomainError
from accounts.formatting import format_day
from accounts.models import Merchant, User
from accounts.tenancy import tenant_context
from core import dispatch
from inventory.models import PurchaseOrder, PurchaseOrderLine, SupplierItem
from inventory.purchase_order_pdf import purchase_order_pdf
from inventory.selectors import merchant_today
from inventory.services.lifecycle import (
    Action,
    Status,
    TransitionRefused,
    check_transition,
    locked_order,
    record_step,
)

logger = logging.getLogger(__name__)

EMAIL_TASK = "inventory.send_purchase_order_task"


@transaction.atomic
def purchase_order_send(
    *, merchant: Merchant, pk: int, actor: User | None, via: str = "", email: bool = True
) -> PurchaseOrder:
    """Send a draft: dated today, expected after the same lead time as drafted, and (unless
    ``email`` is False: ordered by phone or in the supplier's own portal) emailed to the
    supplier with its PDF by a task queued once this transaction commits."""
    order = locked_order(merchant, pk)
    check_transition(order, Status.SENT)
    lines = list(PurchaseOrderLine.objects.for_merchant(merchant).filter(purchase_order=order))
    if not lines or any(line.quantity_ordered <= 0 for line in lines):
        raise DomainError(
            gettext("Purchase order %(number)s has nothing to order.") % {"number": order.number}
        )
    if email and not order.supplier.email:
        raise DomainError(
            gettext(
                "%(name)s has no email address: add one to the supplier (import or "
                "API), or mark the order sent without emailing it."
            )
            % {"name": order.supplier.name}
        )
    today = merchant_today(merchant)
    if order.expected_arrival is not None:
        order.expected_arrival = today + (order.expected_arrival - order.order_date)
    order.order_date = today
    order.status = Status.SENT
    order.sent_at = timezone.now()
    order.email_to = order.supplier.email if email else ""
    order.save()
    record_step(
        order,
        Action.SENT,
        actor=actor,
        via=via,
        changes={"status": [Status.DRAFT, Status.SENT], "email_to": order.email_to},
    )
    if email:
        queue_email(order)
    return order


def queue_email(order: PurchaseOrder) -> None:
    # the order row records the request: with the broker away the email goes from here, and
    # the sweep (purchase_order_emails_stranded) sends again a task the broker lost
    dispatch.send_on_commit(
        EMAIL_TASK,
        run_here_if_unavailable=True,
        merchant_id=order.merchant_id,
        purchase_order_id=order.pk,
    )


@transaction.atomic
def purchase_order_email_again(
    *, merchant: Merchant, pk: int, actor: User | None, via: str = ""
) -> PurchaseOrder:
    """Try again an email that failed (or never left); one that left is not sent twice."""
    order = locked_order(merchant, pk)
    if order.status == Status.DRAFT or order.status == Status.CANCELLED:
        raise TransitionRefused(
            gettext("Purchase order %(number)s is %(state)s: there is nothing to email.")
            % {"number": order.number, "state": order.get_status_display().lower()}
        )
    if order.emailed_at is not None:
        raise DomainError(
            gettext("Purchase order %(number)s was emailed to %(email_to)s on %(when)s.")
            % {
                "number": order.number,
                "email_to": order.email_to,
                "when": format(timezone.localtime(order.emailed_at), "%Y-%m-%d %H:%M"),
            }
        )
    address = order.email_to or order.supplier.email
    if not address:
        raise DomainError(gettext("%(name)s has no email address.") % {"name": order.supplier.name})
    order.email_to, order.email_error = address, ""
    order.save(update_fields=["email_to", "email_error", "updated_at"])
    queue_email(order)
    return order


def purchase_order_email(*, merchant: Merchant, purchase_order_id: int) -> bool:
    """Email a sent order's PDF to the address it was sent to; True if it left now. The
    order is claimed first (``emailed_at`` set by a conditional update that commits before
    anything is sent), so a repeated, retried or concurrent task finds it taken and sends
    nothing; a failed send releases the claim and records the error for a person to retry."""
    with transaction.atomic(), tenant_context(merchant):
        order = _claim_email(merchant, purchase_order_id)
        if order is None:
            return False
        lines = list(
            PurchaseOrderLine.objects.for_merchant(merchant)
            .filter(purchase_order=order)
            .select_related("sku")
            .order_by("sku__code")
        )
        codes = supplier_codes(merchant, order)
    # In the supplier's language, else the store's as the person who drafted the order reads it.
    with translation.override(order_language(order)):
        document = purchase_order_pdf(
            merchant=merchant, order=order, lines=lines, supplier_codes=codes
        )
        message = _email_message(merchant, order)
    message.attach(f"{order.number}.pdf", document, "application/pdf")
    try:
        message.send(fail_silently=False)
    except Exception as error:  # SMTP refusals, timeouts: a person retries from the order
        logger.exception("purchase order %s of merchant %s not emailed", order.pk, merchant.pk)
        _email_failed(merchant, order, error)
        return False
    with transaction.atomic(), tenant_context(merchant):
        record_step(order, Action.EMAILED, actor=None, via="email", changes={"to": order.email_to})
    return True


def _claim_email(merchant: Merchant, purchase_order_id: int) -> PurchaseOrder | None:
    """The order, if its email is this task's to send: sent, to an address, not emailed, not
    failed, not cancelled. Claimed by setting ``emailed_at``."""
    orders = PurchaseOrder.objects.for_merchant(merchant)
    claimed = (
        orders.filter(
            pk=purchase_order_id,
            emailed_at__isnull=True,
            email_error="",
            sent_at__isnull=False,
        )
        .exclude(email_to="")
        .exclude(status=Status.CANCELLED)
        .update(emailed_at=timezone.now())
    )
    if not claimed:
        return None
    return orders.select_related("supplier", "location", "created_by").get(pk=purchase_order_id)


def order_language(order: PurchaseOrder) -> str:
    """The language an order goes to its supplier in: the supplier's own where it has one;
    else the store's, as the person who drafted it chose it for the portal; else the site's."""
    if order.supplier.language:
        return order.supplier.language
    chosen = order.created_by.language if order.created_by is not None else ""
    return chosen or settings.LANGUAGE_CODE


def _email_message(merchant: Merchant, order: PurchaseOrder) -> EmailMessage:
    """The supplier's email, in the active language."""
    values = {
        "supplier": order.supplier.name,
        "number": order.number,
        "location": order.location.name,
        "store": merchant.name,
    }
    if order.expected_arrival:
        body = gettext(
            "Dear %(supplier)s,\n\nPlease find attached our purchase order %(number)s for "
            "delivery to %(location)s, expected by %(date)s.\n\n%(store)s\n"
        ) % {**values, "date": format_day(order.expected_arrival, length="long")}
    else:
        body = (
            gettext(
                "Dear %(supplier)s,\n\nPlease find attached our purchase order %(number)s for "
                "delivery to %(location)s.\n\n%(store)s\n"
            )
            % values
        )
    return EmailMessage(
        subject=gettext("Purchase order %(number)s from %(store)s") % values,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[order.email_to],
    )


def _email_failed(merchant: Merchant, order: PurchaseOrder, error: Exception) -> None:
    """Release the claim and record the error, for a person to retry."""
    with transaction.atomic(), tenant_context(merchant):
        PurchaseOrder.objects.for_merchant(merchant).filter(pk=order.pk).update(
            emailed_at=None, email_error=str(error)[:300] or type(error).__name__
        )
        record_step(
            order,
            Action.EMAIL_FAILED,
            actor=None,
            via="email",
            changes={"to": order.email_to, "error": str(error)[:300]},
        )


def purchase_order_emails_stranded(*, queued_before: dt.datetime) -> list[tuple]:
    """The email task of each order sent before ``queued_before`` whose email neither left
    nor failed: the broker lost it (`core.dispatch`)."""
    return dispatch.stranded(
        PurchaseOrder,
        EMAIL_TASK,
        "purchase_order_id",
        queued_before=queued_before,
        since="sent_at",
        status=Status.SENT,
        emailed_at__isnull=True,
        email_error="",
        email_to__gt="",
    )


def supplier_codes(merchant: Merchant, order: PurchaseOrder) -> dict[int, str]:
    """SKU id -> the supplier's own code for it, for the supplier's copy of the order."""
    return dict(
        SupplierItem.objects.for_merchant(merchant)
        .filter(supplier_id=order.supplier_id, sku__order_lines__purchase_order=order)
        .exclude(supplier_code="")
        .values_list("sku_id", "supplier_code")
    )
