"""Portal pages of purchase orders: the list (filtered by status, with a CSV export of every
line), one order with its lines and audit trail, and the steps of its life (edit a draft's
line, send, receive, cancel, email again), each a POST that needs the plan permission and
calls one service of `inventory.services`. Kept beside views.py, which holds the catalogue's
pages."""

from __future__ import annotations

import csv
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accounts.errors import DomainError
from accounts.portal import MerchantViewMixin
from accounts.roles import Permission
from core.spreadsheets import spreadsheet_safe
from inventory import selectors, services
from inventory.models import PurchaseOrder
from inventory.purchase_order_pdf import purchase_order_pdf

Status = PurchaseOrder.Status

EXPORT_COLUMNS = [
    ("number", lambda line: line.purchase_order.number),
    ("status", lambda line: line.purchase_order.status),
    ("supplier", lambda line: line.purchase_order.supplier.code),
    ("location", lambda line: line.purchase_order.location.code),
    ("order_date", lambda line: line.purchase_order.order_date),
    ("expected_arrival", lambda line: line.purchase_order.expected_arrival),
    ("currency", lambda line: line.purchase_order.currency),
    ("sku", lambda line: line.sku.code),
    ("name", lambda line: line.sku.name),
    ("quantity_ordered", lambda line: line.quantity_ordered),
    ("quantity_received", lambda line: line.quantity_received),
    ("quantity_open", lambda line: line.quantity_open),
    ("unit_cost", lambda line: line.unit_cost),
    ("line_total", lambda line: line.cost),
]


def _status(value: str) -> str:
    return value if value in Status.values else ""


class PurchaseOrderListView(MerchantViewMixin, TemplateView):
    """The store's purchase orders, the latest first, `page_size` a page."""

    template_name = "inventory/purchase_order_list.html"
    page_size = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        status = _status(self.request.GET.get("status", ""))
        orders = selectors.purchase_orders(merchant=self.merchant, status=status or None)
        page = Paginator(orders, self.page_size).get_page(self.request.GET.get("page"))
        context.update(
            status=status,
            status_label=Status(status).label if status else "",
            statuses=Status.choices,
            orders=page.object_list,
            page=page,
        )
        return context


class PurchaseOrderView(MerchantViewMixin, View):
    """Base of the pages of one order: the merchant's order, else 404."""

    def order_or_404(self) -> PurchaseOrder:
        order = selectors.purchase_order(merchant=self.merchant, pk=self.kwargs["pk"])
        if order is None:
            raise Http404("No such purchase order.")
        return order

    def back(self):
        return redirect(
            "inventory:purchase_order_detail",
            merchant_slug=self.merchant.slug,
            pk=self.kwargs["pk"],
        )


class PurchaseOrderDetailView(PurchaseOrderView, TemplateView):
    template_name = "inventory/purchase_order_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        order = self.order_or_404()
        lines = list(order.lines.all())
        context.update(
            order=order,
            lines=lines,
            events=list(order.events.all()),
            is_draft=order.status == Status.DRAFT,
            is_open=order.is_open,
            can_cancel=Status.CANCELLED in services.TRANSITIONS[order.status],
            can_email_again=order.is_open and order.emailed_at is None and bool(order.email_to),
            units=sum((line.quantity_ordered for line in lines), Decimal("0")),
        )
        return context


class PurchaseOrderActView(PurchaseOrderView):
    """Send (emailed, or marked sent), cancel, or email a sent order again."""

    required_permission = Permission.PLAN

    def post(self, request, *args, **kwargs):
        order = self.order_or_404()
        action = request.POST.get("action", "")
        caller = {"merchant": self.merchant, "pk": order.pk, "actor": request.user, "via": "portal"}
        try:
            if action in {"send", "mark_sent"}:
                services.purchase_order_send(**caller, email=action == "send")
                messages.success(
                    request,
                    _("%(number)s sent to %(email)s; the email leaves shortly.")
                    % {"number": order.number, "email": order.supplier.email}
                    if action == "send"
                    else _("%(number)s marked sent.") % {"number": order.number},
                )
            elif action == "cancel":
                services.purchase_order_cancel(**caller, reason=request.POST.get("reason", ""))
                messages.success(request, _("%(number)s cancelled.") % {"number": order.number})
            elif action == "email":
                services.purchase_order_email_again(**caller)
                messages.success(
                    request, _("%(number)s will be emailed again.") % {"number": order.number}
                )
            else:
                messages.error(request, _("Choose what to do with the order."))
        except PurchaseOrder.DoesNotExist as error:
            raise Http404("No such purchase order.") from error
        except DomainError as error:
            messages.error(request, str(error))
        return self.back()


def _quantity(raw: str) -> Decimal | None:
    """A quantity typed in a form (blank: none); anything else is refused."""
    raw = raw.strip()
    if not raw:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation as error:
        raise DomainError(_("“%(text)s” is not a quantity.") % {"text": raw[:20]}) from error
    if not value.is_finite():
        raise DomainError(_("“%(text)s” is not a quantity.") % {"text": raw[:20]})
    return value


class PurchaseOrderReceiveView(PurchaseOrderView):
    """Receive what arrived: a quantity per line, or everything still open."""

    required_permission = Permission.PLAN

    def post(self, request, *args, **kwargs):
        order = self.order_or_404()
        try:
            quantities = None
            if request.POST.get("receive") != "all":
                quantities = {}
                for line in order.lines.all():
                    value = _quantity(request.POST.get(f"received-{line.pk}", ""))
                    if value is not None:
                        quantities[line.pk] = value
            received = services.purchase_order_receive(
                merchant=self.merchant,
                pk=order.pk,
                quantities=quantities,
                actor=request.user,
                via="portal",
            )
            messages.success(
                request,
                _("Received into stock; %(number)s is %(state)s.")
                % {"number": order.number, "state": received.get_status_display().lower()},
            )
        except PurchaseOrder.DoesNotExist as error:
            raise Http404("No such purchase order.") from error
        except DomainError as error:
            messages.error(request, str(error))
        return self.back()


class PurchaseOrderLineView(PurchaseOrderView):
    """Change the quantity of a draft's line (rounded to the supplier's packs and MOQ)."""

    required_permission = Permission.PLAN

    def post(self, request, *args, **kwargs):
        order = self.order_or_404()
        try:
            quantity = _quantity(request.POST.get("quantity", ""))
            if quantity is None:
                raise DomainError(_("Give a quantity (0 removes the line)."))
            edit = services.purchase_order_line_quantity_set(
                merchant=self.merchant,
                pk=order.pk,
                line_pk=self.kwargs["line_pk"],
                quantity=quantity,
                actor=request.user,
                via="portal",
            )
            if edit.note:
                messages.warning(request, edit.note)
            else:
                messages.success(request, _("Quantity set."))
        except PurchaseOrder.DoesNotExist as error:
            raise Http404("No such line.") from error
        except DomainError as error:
            messages.error(request, str(error))
        return self.back()


class PurchaseOrderPdfView(PurchaseOrderView):
    """The order as its supplier receives it: in the supplier's language where it has one
    (as its email goes), else in the reader's."""

    def get(self, request, *args, **kwargs):
        order = self.order_or_404()
        with translation.override(order.supplier.language or translation.get_language()):
            document = purchase_order_pdf(
                merchant=self.merchant,
                order=order,
                lines=list(order.lines.all()),
                supplier_codes=services.supplier_codes(self.merchant, order),
            )
        response = HttpResponse(document, content_type="application/pdf")
        # the number is the store's or its ERP's text: only a safe file name goes in the header
        name = "".join(c for c in order.number if c.isascii() and (c.isalnum() or c in "-_"))
        response["Content-Disposition"] = f'inline; filename="{name or "purchase-order"}.pdf"'
        return response


class PurchaseOrderExportView(MerchantViewMixin, View):
    """Every line of the store's orders (of one known status) as CSV, one row per line."""

    def get(self, request, *args, **kwargs):
        status = _status(request.GET.get("status", ""))
        lines = selectors.purchase_order_lines(merchant=self.merchant, status=status or None)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        # the file name from a known status only: the query string never reaches the header
        response["Content-Disposition"] = (
            f'attachment; filename="purchase-orders{"-" + status if status else ""}.csv"'
        )
        writer = csv.writer(response)
        writer.writerow([name for name, _value in EXPORT_COLUMNS])
        for line in lines.iterator(chunk_size=2000):
            writer.writerow([spreadsheet_safe(value(line)) for _name, value in EXPORT_COLUMNS])
        return response
