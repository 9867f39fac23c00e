"""Portal pages of planning: the reorder suggestions, grouped by supplier into draft
purchase orders, with the decisions on them and a CSV export."""

from __future__ import annotations

import csv
from decimal import Decimal, InvalidOperation
from itertools import groupby

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.views import View
from django.views.generic import TemplateView

from accounts.errors import DomainError
from accounts.portal import MerchantViewMixin
from accounts.roles import Permission
from inventory.exports import spreadsheet_safe
from planning import selectors, services
from planning.models import ReorderSuggestion

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
    template_name = "planning/suggestions.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        status = self.request.GET.get("status", ReorderSuggestion.Status.PROPOSED)
        if status not in ReorderSuggestion.Status.values:
            status = ReorderSuggestion.Status.PROPOSED
        rows = list(selectors.suggestions(merchant=self.merchant, status=status))
        groups = []
        for supplier, items in groupby(rows, key=lambda s: s.supplier):
            items = list(items)
            groups.append(
                {
                    "supplier": supplier,
                    "suggestions": items,
                    "cost": sum((s.cost for s in items), Decimal("0")),
                    "cut": sum(1 for s in items if s.cut_by_budget),
                }
            )
        settings = selectors.planning_settings(merchant=self.merchant)
        context.update(
            status=status,
            statuses=ReorderSuggestion.Status.choices,
            groups=groups,
            budget=settings.budget,
            total=sum((g["cost"] for g in groups), Decimal("0")),
            kept=sum((s.cost for s in rows if not s.cut_by_budget), Decimal("0")),
        )
        return context


class SuggestionDecideView(MerchantViewMixin, View):
    """Approve or reject the ticked suggestions (a reason is required to reject)."""

    required_permission = Permission.PLAN

    def post(self, request, *args, **kwargs):
        pks = [int(pk) for pk in request.POST.getlist("ids") if pk.isdigit()]
        decision = request.POST.get("decision")
        try:
            if decision == "approve":
                count = services.suggestions_approve(
                    merchant=self.merchant, pks=pks, actor=request.user, via="portal"
                )
                messages.success(request, f"{count} approved.")
            elif decision == "reject":
                count = services.suggestions_reject(
                    merchant=self.merchant,
                    pks=pks,
                    reason=request.POST.get("reason", ""),
                    actor=request.user,
                    via="portal",
                )
                messages.success(request, f"{count} rejected.")
        except DomainError as error:
            messages.error(request, str(error))
        return redirect("planning:suggestions", merchant_slug=self.merchant.slug)


class SuggestionQuantityView(MerchantViewMixin, View):
    required_permission = Permission.PLAN

    def post(self, request, *args, **kwargs):
        if not selectors.suggestions(merchant=self.merchant).filter(pk=self.kwargs["pk"]).exists():
            raise Http404("No such suggestion.")
        try:
            quantity = Decimal(request.POST.get("quantity", ""))
            services.suggestion_quantity_set(
                merchant=self.merchant,
                pk=self.kwargs["pk"],
                quantity=quantity,
                actor=request.user,
                via="portal",
            )
        except ReorderSuggestion.DoesNotExist as error:
            raise Http404("No such suggestion.") from error
        except InvalidOperation:
            messages.error(request, "The quantity must be a number.")
        except DomainError as error:
            messages.error(request, str(error))
        return redirect("planning:suggestions", merchant_slug=self.merchant.slug)


class SuggestionExportView(MerchantViewMixin, View):
    def get(self, request, *args, **kwargs):
        status = request.GET.get("status", ReorderSuggestion.Status.APPROVED)
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
