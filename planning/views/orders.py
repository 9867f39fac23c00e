"""Portal pages of the orders: the reorder suggestions, grouped by supplier into draft purchase
orders, with the decisions on them, what a changed quantity gives, and a CSV export."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal, InvalidOperation
from itertools import groupby

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accounts import formatting
from accounts.errors import DomainError
from accounts.portal import MerchantViewMixin
from accounts.roles import Permission
from core.spreadsheets import spreadsheet_safe
from inventory.services import merchant_today
from planning import outcomes, policy, selectors, services
from planning.models import ReorderSuggestion
from planning.suggestions import selectors as suggestion_selectors
from planning.views import order_rows

EXPORT_COLUMNS = [
    ("supplier", lambda s: s.supplier.code if s.supplier else ""),
    ("sku", lambda s: s.sku.code),
    ("name", lambda s: s.sku.name),
    ("location", lambda s: s.location.code),
    ("quantity", lambda s: s.quantity),
    ("unit_cost", lambda s: s.unit_cost),
    ("cost", lambda s: s.cost),
    ("status", lambda s: s.status),
    ("on_hand", lambda s: s.on_hand),
    ("on_order", lambda s: s.on_order),
    ("order_up_to", lambda s: s.order_up_to),
    ("expected_fill_rate", lambda s: s.expected_fill_rate),
    ("days_of_cover", lambda s: s.days_of_cover),
    ("cut_by_budget", lambda s: s.cut_by_budget),
]


class SuggestionsView(MerchantViewMixin, TemplateView):
    """The orders page: the lines matching a filter (status, supplier, SKU, deferred or not),
    `page_size` a page, by supplier; each supplier's subtotal over every matching line
    against its minimum order, free shipping and budget; each line's why
    (`planning.outcomes.why`). Bulk actions take the ticked lines or all that match."""

    template_name = "planning/suggestions.html"
    page_size = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        line_filter = selectors.LineFilter.from_query(self.request.GET)
        today = merchant_today(self.merchant)
        settings = selectors.planning_settings(merchant=self.merchant)
        subtotals = selectors.subtotals(
            merchant=self.merchant, line_filter=line_filter, today=today, settings=settings
        )
        ids = suggestion_selectors.listed_ids(
            merchant=self.merchant, line_filter=line_filter, today=today
        )
        paginator = Paginator(ids, self.page_size)
        paginator.count = subtotals.lines  # the subtotals counted every matching line
        page = paginator.get_page(self.request.GET.get("page"))
        rows = selectors.attach_explanations(
            merchant=self.merchant,
            rows=suggestion_selectors.lines_shown(merchant=self.merchant, ids=list(page)),
        )
        order_rows.lines_shown(self.merchant, rows)
        groups = [
            {"supplier": items[0].supplier, "suggestions": items,
             "subtotal": subtotals.of(supplier_id)}
            for supplier_id, items in ((key, list(group))
                                       for key, group in groupby(rows, key=lambda s: s.supplier_id))
        ]  # fmt: skip
        query = line_filter.query()
        context.update(
            line_filter=line_filter,
            filter_query=urlencode(query),
            filter_fields=sorted(query.items()),
            status=line_filter.status,
            statuses=ReorderSuggestion.Status.choices,
            suppliers=selectors.suppliers(merchant=self.merchant),
            groups=groups,
            page=page,
            subtotals=subtotals,
            other_count=self.other_count(line_filter, today),
            budget=settings.budget,
            tomorrow=today + dt.timedelta(days=1),
            week_on=today + dt.timedelta(days=7),
            can_decide=self.can(Permission.PLAN)
            and line_filter.status == ReorderSuggestion.Status.PROPOSED,
        )
        return context

    def other_count(self, line_filter, today) -> int | None:
        """How many proposed lines the other side of the deferred filter holds."""
        if line_filter.status != ReorderSuggestion.Status.PROPOSED:
            return None
        other = selectors.LineFilter(
            status=line_filter.status,
            supplier=line_filter.supplier,
            search=line_filter.search,
            deferred=not line_filter.deferred,
        )
        return selectors.matching(merchant=self.merchant, line_filter=other, today=today).count()


def approval_message(approval: services.Approval) -> str:
    """What approving did: how many lines, on which draft orders, and those on none."""
    message = ngettext("%(count)s approved", "%(count)s approved", approval.approved) % {
        "count": approval.approved
    }
    if approval.purchase_orders:
        orders_text = ", ".join(
            f"{order.number} ({order.supplier.name})" for order in approval.purchase_orders
        )
        message += ngettext(
            ", on draft purchase order %(orders)s",
            ", on draft purchase orders %(orders)s",
            len(approval.purchase_orders),
        ) % {"orders": orders_text}
    if approval.without_supplier:
        message += _(
            "; %(count)s without a supplier, so on no order (give their SKUs supplier terms)"
        ) % {"count": approval.without_supplier}
    return message + "."


def _orders_page(merchant, query: str = "") -> str:
    target = reverse("planning:suggestions", kwargs={"merchant_slug": merchant.slug})
    # only a query string of our own filter goes back into the address
    return f"{target}?{query}" if query and "//" not in query and "\\" not in query else target


class SuggestionDecideView(MerchantViewMixin, View):
    """Act on the ticked lines, or on every line matching the page's filter (``select`` =
    "all"): approve them onto draft purchase orders, reject them (with a reason), defer them
    to a day, bring deferred ones back, or set or scale their quantities."""

    required_permission = Permission.PLAN

    def post(self, request, *args, **kwargs):
        data = request.POST
        line_filter = selectors.LineFilter.from_query(data)
        back = urlencode(line_filter.query())
        if data.get("select") != "all" and data.get("page", "").isdigit():
            back += f"&page={data['page']}"
        lines = selectors.chosen(
            merchant=self.merchant,
            line_filter=line_filter,
            today=merchant_today(self.merchant),
            ids=[int(pk) for pk in data.getlist("ids") if pk.isdigit()],
            everything=data.get("select") == "all",
        )
        act = {
            "approve": self.approve,
            "reject": self.reject,
            "defer": self.defer,
            "undefer": self.defer,
            "edit": self.edit,
        }.get(data.get("decision"))
        arguments = {"merchant": self.merchant, "actor": request.user, "via": "portal"}
        try:
            if act is not None:
                done = act(request, lines, arguments)
                if done is not None:
                    return done
        except DomainError as error:
            messages.error(request, str(error))
        return redirect(_orders_page(self.merchant, back))

    def approve(self, request, lines, arguments):
        approval = services.suggestion_lines_order(lines=lines, **arguments)
        messages.success(request, approval_message(approval))
        if approval.purchase_orders:
            # the drafts are where the approved lines go next: send them from there
            return redirect(
                reverse("inventory:purchase_orders", kwargs={"merchant_slug": self.merchant.slug})
                + "?status=draft"
            )
        return None

    def reject(self, request, lines, arguments):
        count = services.suggestions_reject(
            pks=list(lines.values_list("pk", flat=True)),
            reason=request.POST.get("reason", ""),
            **arguments,
        )
        messages.success(request, _("%(count)s rejected.") % {"count": count})

    def defer(self, request, lines, arguments):
        until = None
        if request.POST.get("decision") == "defer":
            try:
                until = dt.date.fromisoformat(request.POST.get("until", ""))
            except ValueError as error:
                raise DomainError(_("Pick the day to defer the lines to.")) from error
        count = services.suggestion_lines_defer(lines=lines, until=until, **arguments)
        if until is None:
            messages.success(request, _("%(count)s brought back.") % {"count": count})
        else:
            messages.success(
                request,
                _("%(count)s deferred until %(day)s.")
                % {"count": count, "day": formatting.format_day(until)},
            )

    def edit(self, request, lines, arguments):
        quantity = request.POST.get("quantity", "").strip()
        percent = request.POST.get("percent", "").strip()
        try:
            count = services.suggestion_lines_quantity_change(
                lines=lines,
                quantity=Decimal(quantity) if quantity else None,
                percent=Decimal(percent) if percent else None,
                **arguments,
            )
        except InvalidOperation as error:
            raise DomainError(_("Quantities and percentages are numbers.")) from error
        messages.success(request, _("%(count)s quantities changed.") % {"count": count})


def outcome_json(suggestion: ReorderSuggestion, result: outcomes.Outcome, currency: str) -> dict:
    """A line's recomputed figures, as numbers and as people read them."""
    cover, fill = result.days_of_cover, result.expected_fill_rate
    return {
        "id": suggestion.pk,
        "quantity": str(result.quantity),
        "cost": str(result.cost),
        "days_of_cover": None if cover is None else str(cover),
        "expected_fill_rate": None if fill is None else str(fill),
        "shown": {
            "quantity": formatting.format_number(result.quantity),
            "cost": formatting.format_money(result.cost, currency),
            "days_of_cover": "—"
            if cover is None
            else ngettext("%(days)s day", "%(days)s days", int(cover))
            % {"days": formatting.format_number(cover, decimals=0)},
            "expected_fill_rate": "—"
            if fill is None
            else formatting.format_percent(fill, decimals=1),
        },
    }


class SuggestionOutcomeView(MerchantViewMixin, View):
    """What a quantity would give one line (rounded to its packs and MOQ): cost, days of
    cover and expected fill rate, as JSON, without saving it."""

    def get(self, request, *args, **kwargs):
        suggestion = (
            selectors.suggestions(merchant=self.merchant).filter(pk=self.kwargs["pk"]).first()
        )
        if suggestion is None:
            raise Http404(gettext("No such suggestion."))
        try:
            asked = Decimal(request.GET.get("quantity", ""))
        except InvalidOperation:
            return JsonResponse({"error": _("The quantity must be a number.")}, status=400)
        if not asked.is_finite() or asked < 0 or asked > Decimal("1e9"):
            return JsonResponse({"error": _("The quantity must be a number.")}, status=400)
        suggestion.merchant = self.merchant
        result = outcomes.outcome(suggestion, asked, paths=policy.PLAN_PATHS)
        return JsonResponse(outcome_json(suggestion, result, self.merchant.currency))


class SuggestionQuantityView(MerchantViewMixin, View):
    """Save a line's quantity; the line's new figures as JSON when asked for them, else back
    to the page it was set on."""

    required_permission = Permission.PLAN

    def post(self, request, *args, **kwargs):
        if not selectors.suggestions(merchant=self.merchant).filter(pk=self.kwargs["pk"]).exists():
            raise Http404(gettext("No such suggestion."))
        wants_json = "application/json" in request.headers.get("Accept", "")
        try:
            quantity = Decimal(request.POST.get("quantity", ""))
            suggestion = services.suggestion_quantity_set(
                merchant=self.merchant,
                pk=self.kwargs["pk"],
                quantity=quantity,
                actor=request.user,
                via="portal",
            )
        except ReorderSuggestion.DoesNotExist as error:
            raise Http404(gettext("No such suggestion.")) from error
        except InvalidOperation:
            if wants_json:
                return JsonResponse({"error": _("The quantity must be a number.")}, status=400)
            messages.error(request, _("The quantity must be a number."))
        except DomainError as error:
            if wants_json:
                return JsonResponse({"error": str(error)}, status=400)
            messages.error(request, str(error))
        else:
            if wants_json:
                result = outcomes.Outcome(
                    quantity=suggestion.quantity,
                    cost=suggestion.cost.quantize(Decimal("0.01")),
                    days_of_cover=suggestion.days_of_cover,
                    expected_fill_rate=suggestion.expected_fill_rate,
                )
                return JsonResponse(outcome_json(suggestion, result, self.merchant.currency))
        return redirect(_orders_page(self.merchant, request.POST.get("next_query", "")))


class SuggestionExportView(MerchantViewMixin, View):
    """The lines of one status as CSV (approved ones unless another known status is asked
    for). The file name is built from the status only once it is one of the known ones: the
    query string goes into a response header otherwise."""

    def get(self, request, *args, **kwargs):
        status = request.GET.get("status", "")
        if status not in ReorderSuggestion.Status.values:
            status = ReorderSuggestion.Status.APPROVED
        rows = selectors.suggestions(merchant=self.merchant, status=status)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="orders-{status}.csv"'
        writer = csv.writer(response)
        writer.writerow([name for name, _value in EXPORT_COLUMNS])
        for suggestion in rows:
            writer.writerow(
                [spreadsheet_safe(value(suggestion)) for _name, value in EXPORT_COLUMNS]
            )
        return response
