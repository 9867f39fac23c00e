"""Portal pages of planning: the reorder suggestions, grouped by supplier into draft
purchase orders, with the decisions on them and a CSV export; the alerts inbox; promotion
plans for overstock."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal, InvalidOperation
from itertools import groupby

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from accounts.errors import DomainError
from accounts.portal import MerchantViewMixin
from accounts.roles import Permission
from inventory.exports import spreadsheet_safe
from planning import alerts, notifications, promotions, selectors, services
from planning.forms import PlanningSettingsForm
from planning.models import Alert, PromotionPlan, ReorderSuggestion, WebhookEndpoint

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
    """The suggestions by supplier, `page_size` lines a page (a store of thousands of SKUs
    can have thousands of lines); the totals count every line."""

    template_name = "planning/suggestions.html"
    page_size = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        status = self.request.GET.get("status", ReorderSuggestion.Status.PROPOSED)
        if status not in ReorderSuggestion.Status.values:
            status = ReorderSuggestion.Status.PROPOSED
        lines = selectors.suggestions(merchant=self.merchant, status=status)
        page = Paginator(lines, self.page_size).get_page(self.request.GET.get("page"))
        rows = selectors.attach_explanations(merchant=self.merchant, rows=list(page.object_list))
        totals = selectors.suggestion_totals(merchant=self.merchant, status=status)
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
            page=page,
            budget=settings.budget,
            total=totals["total"],
            kept=totals["kept"],
        )
        return context


def approval_message(approval: services.Approval) -> str:
    """What approving did: how many lines, on which draft orders, and those on none."""
    message = f"{approval.approved} approved"
    if approval.purchase_orders:
        orders = ", ".join(
            f"{order.number} ({order.supplier.name})" for order in approval.purchase_orders
        )
        message += f", on draft purchase order{'s' if len(approval.purchase_orders) > 1 else ''} "
        message += orders
    if approval.without_supplier:
        message += (
            f"; {approval.without_supplier} without a supplier, so on no order (give their "
            "SKUs supplier terms)"
        )
    return message + "."


class SuggestionDecideView(MerchantViewMixin, View):
    """Approve or reject the ticked suggestions (a reason is required to reject)."""

    required_permission = Permission.PLAN

    def post(self, request, *args, **kwargs):
        pks = [int(pk) for pk in request.POST.getlist("ids") if pk.isdigit()]
        decision = request.POST.get("decision")
        try:
            if decision == "approve":
                approval = services.suggestions_order(
                    merchant=self.merchant, pks=pks, actor=request.user, via="portal"
                )
                messages.success(request, approval_message(approval))
                if approval.purchase_orders:
                    # the drafts are where the approved lines go next: send them from there
                    return redirect(
                        reverse(
                            "inventory:purchase_orders",
                            kwargs={"merchant_slug": self.merchant.slug},
                        )
                        + "?status=draft"
                    )
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


class AlertsView(MerchantViewMixin, TemplateView):
    """The alerts inbox: unresolved alerts by default, the most money at risk first, filtered
    by state and kind, `page_size` a page, with bulk acknowledge, snooze and resolve. Stock-outs
    are grouped by supplier (collapsible, each group with its total at risk) above the other
    alerts, unless ``group=off`` lists every alert in one table."""

    template_name = "planning/alerts.html"
    page_size = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        state = self.request.GET.get("state", "unresolved")
        kind = self.request.GET.get("kind", "")
        if state not in {"unresolved", *Alert.State.values}:
            state = "unresolved"
        if kind not in Alert.Kind.values:
            kind = ""
        grouped = self.request.GET.get("group") != "off" and kind in ("", Alert.Kind.STOCK_OUT)
        groups = []
        if grouped:
            groups = selectors.stock_out_groups(merchant=self.merchant, state=state)
            rows = selectors.alerts(
                merchant=self.merchant, state=state, exclude_kind=Alert.Kind.STOCK_OUT
            )
            if kind:  # stock-outs only: all of them are in the groups
                rows = rows.none()
        else:
            rows = selectors.alerts(merchant=self.merchant, state=state, kind=kind or None)
        counts = selectors.alert_counts(merchant=self.merchant)
        page = Paginator(rows, self.page_size).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        listed = list(page.object_list)
        shown = listed + [alert for group in groups for alert in group.alerts]
        selectors.attach_explanations(merchant=self.merchant, rows=shown)
        context.update(
            state=state,
            kind=kind,
            grouped=grouped,
            groups=groups,
            states=[("unresolved", "Unresolved"), *Alert.State.choices],
            kinds=Alert.Kind.choices,
            alerts=listed,
            page=page,
            count=page.paginator.count,
            querystring=query.urlencode(),
            tomorrow=timezone.localdate() + dt.timedelta(days=1),
            kind_cards=[(kind, label, counts.get(kind, 0)) for kind, label in Alert.Kind.choices],
            minimum=selectors.planning_settings(merchant=self.merchant).alert_minimum_value,
        )
        return context


class AlertActView(MerchantViewMixin, View):
    """Acknowledge, snooze or resolve the ticked alerts."""

    required_permission = Permission.PLAN

    def post(self, request, *args, **kwargs):
        pks = [int(pk) for pk in request.POST.getlist("ids") if pk.isdigit()]
        action = request.POST.get("action", "")
        until = None
        if action == alerts.SNOOZE:
            try:
                until = dt.date.fromisoformat(request.POST.get("until", ""))
            except ValueError:
                messages.error(request, "Pick the day to snooze until.")
                return redirect("planning:alerts", merchant_slug=self.merchant.slug)
        try:
            count = alerts.alerts_act(
                merchant=self.merchant, pks=pks, action=action, until=until, actor=request.user
            )
            messages.success(request, f"{count} alert{'s' if count != 1 else ''} updated.")
        except DomainError as error:
            messages.error(request, str(error))
        query = request.POST.get("next_query", "")
        target = reverse("planning:alerts", kwargs={"merchant_slug": self.merchant.slug})
        return redirect(f"{target}?{query}" if query and "//" not in query else target)


class PromotionPlansView(MerchantViewMixin, TemplateView):
    """Proposed promotion plans for overstocked SKUs, each against doing nothing."""

    template_name = "planning/promotions.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        status = self.request.GET.get("status", PromotionPlan.Status.PROPOSED)
        if status not in PromotionPlan.Status.values:
            status = PromotionPlan.Status.PROPOSED
        context.update(
            status=status,
            statuses=PromotionPlan.Status.choices,
            plans=selectors.attach_explanations(
                merchant=self.merchant,
                rows=list(selectors.promotion_plans(merchant=self.merchant, status=status)[:200]),
            ),
        )
        return context


class PromotionPlanDecideView(MerchantViewMixin, View):
    """Accept one plan (it becomes a promotion) or dismiss the ticked ones."""

    required_permission = Permission.PLAN

    def post(self, request, *args, **kwargs):
        decision = request.POST.get("decision", "")
        try:
            if decision.startswith("accept:") and decision[7:].isdigit():
                pk = int(decision[7:])
                if not selectors.promotion_plans(merchant=self.merchant).filter(pk=pk).exists():
                    raise Http404("No such plan.")
                plan = promotions.promotion_plan_accept(
                    merchant=self.merchant, pk=pk, actor=request.user
                )
                messages.success(
                    request,
                    f"Promotion {plan.promotion.code} created: {plan.promotion.name}, "
                    f"{plan.start_date} to {plan.end_date}.",
                )
            elif decision == "dismiss":
                pks = [int(pk) for pk in request.POST.getlist("ids") if pk.isdigit()]
                count = promotions.promotion_plans_dismiss(
                    merchant=self.merchant, pks=pks, actor=request.user
                )
                messages.success(request, f"{count} dismissed.")
        except DomainError as error:
            messages.error(request, str(error))
        return redirect("planning:promotions", merchant_slug=self.merchant.slug)


REPLAY_ROWS = [
    ("shelfcast", "Shelfcast, one fill rate for the store"),
    ("shelfcast per-SKU", "Shelfcast, the same fill rate for every SKU"),
    ("seasonal_naive", "Shelfcast's store-wide policy with seasonal-naive forecasts"),
]


class PolicyReplayView(MerchantViewMixin, TemplateView):
    """The latest replay of the store's history under our policy and the alternatives."""

    template_name = "planning/replay.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        job = selectors.latest_policy_replay(merchant=self.merchant)
        rows = []
        if job is not None and job.figures:
            for level in services.REPLAY_LEVELS:
                for source, label in REPLAY_ROWS:
                    figures = job.figures.get(f"{source} {level:.2f}")
                    if figures:
                        rows.append({"label": label, "level": level, **figures})
            if "min_max" in job.figures:
                rows.append(
                    {"label": "Min/max as ERPs do it", "level": None, **job.figures["min_max"]}
                )
        context.update(job=job, rows=rows, levels=services.REPLAY_LEVELS)
        return context


class PolicyReplayStartView(MerchantViewMixin, View):
    required_permission = Permission.PLAN

    def post(self, request, *args, **kwargs):
        services.policy_replay_create(merchant=self.merchant, actor=request.user)
        messages.success(request, "The replay is queued; this page follows it.")
        return redirect("planning:replay", merchant_slug=self.merchant.slug)


class PlanningSettingsView(MerchantViewMixin, TemplateView):
    """Service levels per class, budgets, alert limits, the digest and the webhooks."""

    template_name = "planning/settings.html"
    required_permission = Permission.MANAGE

    def form(self, data=None) -> PlanningSettingsForm:
        settings = services.planning_settings(self.merchant)
        return PlanningSettingsForm(
            data,
            initial=PlanningSettingsForm.initial_from(settings),
            suppliers=selectors.suppliers(merchant=self.merchant),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", self.form())
        context["endpoints"] = selectors.webhook_endpoints(merchant=self.merchant)
        context["new_secret"] = self.request.session.pop("webhook_secret", None)
        return context

    def post(self, request, *args, **kwargs):
        form = self.form(request.POST)
        if form.is_valid():
            values = form.values()
            try:
                services.planning_settings_update(
                    merchant=self.merchant,
                    actor=request.user,
                    clear_budget=values["budget"] is None,
                    **values,
                )
            except DomainError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, "Planning settings saved.")
                return redirect("planning:settings", merchant_slug=self.merchant.slug)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class WebhookEndpointsView(MerchantViewMixin, View):
    """Add an endpoint (its secret is shown once, on the next page) or switch one off/on."""

    required_permission = Permission.MANAGE

    def post(self, request, *args, **kwargs):
        try:
            if request.POST.get("toggle", "").isdigit():
                endpoint = notifications.webhook_endpoint_toggle(
                    merchant=self.merchant, pk=int(request.POST["toggle"])
                )
                state = "on" if endpoint.is_active else "off"
                messages.success(request, f"Webhook {endpoint.url} switched {state}.")
            else:
                endpoint = notifications.webhook_endpoint_create(
                    merchant=self.merchant,
                    url=request.POST.get("url", "").strip(),
                    description=request.POST.get("description", "").strip()[:200],
                )
                request.session["webhook_secret"] = endpoint.secret
                messages.success(request, f"Webhook {endpoint.url} added.")
        except WebhookEndpoint.DoesNotExist as error:
            raise Http404("No such webhook.") from error
        except DomainError as error:
            messages.error(request, str(error))
        return redirect("planning:settings", merchant_slug=self.merchant.slug)
