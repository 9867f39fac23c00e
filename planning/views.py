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
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accounts import formatting
from accounts.errors import DomainError
from accounts.portal import MerchantViewMixin, RunStatusView
from accounts.roles import Permission
from inventory.exports import spreadsheet_safe
from inventory.services import merchant_today
from planning import alerts, notifications, orders, outcomes, promotions, selectors, services
from planning.forms import PlanningSettingsForm
from planning.models import Alert, PolicyReplay, PromotionPlan, ReorderSuggestion, WebhookEndpoint

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
        line_filter = orders.LineFilter.from_query(self.request.GET)
        today = merchant_today(self.merchant)
        lines = orders.listed(merchant=self.merchant, line_filter=line_filter, today=today)
        page = Paginator(lines, self.page_size).get_page(self.request.GET.get("page"))
        rows = selectors.attach_explanations(merchant=self.merchant, rows=list(page.object_list))
        for row in rows:
            row.merchant = self.merchant
            row.why = outcomes.why(row)
        settings = selectors.planning_settings(merchant=self.merchant)
        subtotals = orders.subtotals(
            merchant=self.merchant, line_filter=line_filter, today=today, settings=settings
        )
        groups = []
        for supplier_id, items in groupby(rows, key=lambda s: s.supplier_id):
            items = list(items)
            groups.append(
                {
                    "supplier": items[0].supplier,
                    "suggestions": items,
                    "subtotal": subtotals.of(supplier_id),
                }
            )
        deferred = None
        if line_filter.status == ReorderSuggestion.Status.PROPOSED:
            other = orders.LineFilter(
                status=line_filter.status,
                supplier=line_filter.supplier,
                search=line_filter.search,
                deferred=not line_filter.deferred,
            )
            deferred = orders.matching(merchant=self.merchant, line_filter=other, today=today)
            deferred = deferred.count()
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
            other_count=deferred,
            budget=settings.budget,
            tomorrow=today + dt.timedelta(days=1),
            week_on=today + dt.timedelta(days=7),
            can_decide=self.can(Permission.PLAN)
            and line_filter.status == ReorderSuggestion.Status.PROPOSED,
        )
        return context


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
        line_filter = orders.LineFilter.from_query(data)
        back = urlencode(line_filter.query())
        if data.get("select") != "all" and data.get("page", "").isdigit():
            back += f"&page={data['page']}"
        lines = orders.chosen(
            merchant=self.merchant,
            line_filter=line_filter,
            today=merchant_today(self.merchant),
            ids=[int(pk) for pk in data.getlist("ids") if pk.isdigit()],
            everything=data.get("select") == "all",
        )
        decision = data.get("decision")
        arguments = {"merchant": self.merchant, "actor": request.user, "via": "portal"}
        try:
            if decision == "approve":
                approval = orders.lines_approve(lines=lines, **arguments)
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
                    pks=list(lines.values_list("pk", flat=True)),
                    reason=data.get("reason", ""),
                    **arguments,
                )
                messages.success(request, _("%(count)s rejected.") % {"count": count})
            elif decision in ("defer", "undefer"):
                until = None
                if decision == "defer":
                    try:
                        until = dt.date.fromisoformat(data.get("until", ""))
                    except ValueError as error:
                        raise DomainError(_("Pick the day to defer the lines to.")) from error
                count = orders.lines_defer(lines=lines, until=until, **arguments)
                if until is None:
                    messages.success(request, _("%(count)s brought back.") % {"count": count})
                else:
                    messages.success(
                        request,
                        _("%(count)s deferred until %(day)s.")
                        % {"count": count, "day": formatting.format_day(until)},
                    )
            elif decision == "edit":
                quantity, percent = data.get("quantity", "").strip(), data.get("percent", "")
                try:
                    count = orders.lines_quantity_change(
                        lines=lines,
                        quantity=Decimal(quantity) if quantity else None,
                        percent=Decimal(percent.strip()) if percent.strip() else None,
                        **arguments,
                    )
                except InvalidOperation as error:
                    raise DomainError(_("Quantities and percentages are numbers.")) from error
                messages.success(request, _("%(count)s quantities changed.") % {"count": count})
        except DomainError as error:
            messages.error(request, str(error))
        return redirect(_orders_page(self.merchant, back))


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
        result = outcomes.outcome(suggestion, asked, paths=services.PATHS)
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
            states=[("unresolved", _("Unresolved")), *Alert.State.choices],
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
                messages.error(request, _("Pick the day to snooze until."))
                return redirect("planning:alerts", merchant_slug=self.merchant.slug)
        try:
            count = alerts.alerts_act(
                merchant=self.merchant, pks=pks, action=action, until=until, actor=request.user
            )
            messages.success(
                request,
                ngettext("%(count)d alert updated.", "%(count)d alerts updated.", count)
                % {"count": count},
            )
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
                    raise Http404(gettext("No such plan."))
                plan = promotions.promotion_plan_accept(
                    merchant=self.merchant, pk=pk, actor=request.user
                )
                messages.success(
                    request,
                    _("Promotion %(code)s created: %(name)s, %(start)s to %(end)s.")
                    % {
                        "code": plan.promotion.code,
                        "name": plan.promotion.name,
                        "start": formatting.format_day(plan.start_date),
                        "end": formatting.format_day(plan.end_date),
                    },
                )
            elif decision == "dismiss":
                pks = [int(pk) for pk in request.POST.getlist("ids") if pk.isdigit()]
                count = promotions.promotion_plans_dismiss(
                    merchant=self.merchant, pks=pks, actor=request.user
                )
                messages.success(request, _("%(count)d dismissed.") % {"count": count})
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


class PolicyReplayStatusView(RunStatusView):
    """The replay's progress bar: weekly reviews forecast of all."""

    model = PolicyReplay

    def progress(self, run: PolicyReplay) -> tuple[int, int, str]:
        total = run.reviews_total or 0
        label = _("Replaying: review %(done)s of %(total)s forecast.") % {
            "done": run.reviews_done,
            "total": total or "…",
        }
        return run.reviews_done, total, label


class PolicyReplayStartView(MerchantViewMixin, View):
    """Queues the replay (a job: `planning.policy_replay_task`) and answers at once; the
    replay's page follows it."""

    required_permission = Permission.PLAN

    def post(self, request, *args, **kwargs):
        services.policy_replay_create(merchant=self.merchant, actor=request.user)
        messages.success(request, _("The replay is queued; this page follows it."))
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
                messages.success(request, _("Planning settings saved."))
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
                message = (
                    _("Webhook %(url)s switched on.")
                    if endpoint.is_active
                    else _("Webhook %(url)s switched off.")
                )
                messages.success(request, message % {"url": endpoint.url})
            else:
                endpoint = notifications.webhook_endpoint_create(
                    merchant=self.merchant,
                    url=request.POST.get("url", "").strip(),
                    description=request.POST.get("description", "").strip()[:200],
                )
                request.session["webhook_secret"] = endpoint.secret
                messages.success(request, _("Webhook %(url)s added.") % {"url": endpoint.url})
        except WebhookEndpoint.DoesNotExist as error:
            raise Http404(gettext("No such webhook.")) from error
        except DomainError as error:
            messages.error(request, str(error))
        return redirect("planning:settings", merchant_slug=self.merchant.slug)
