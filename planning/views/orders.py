"""Portal pages of the orders: the reorder suggestions, grouped by supplier into draft purchase
orders, with the decisions on them, what a changed quantity gives, and a CSV export."""

from __future__ import annotations

import csv
import datetime as dt
import uuid
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
from accounts.portal import MerchantViewMixin, RunStatusView
from accounts.roles import Permission
from core import runs
from core.spreadsheets import spreadsheet_safe
from inventory.services import merchant_today
from planning import outcomes, policy, selectors, services
from planning.models import PlanningSettings, ReorderSuggestion, SuggestionBulkAction
from planning.suggestions import bulk
from planning.suggestions import selectors as suggestion_selectors
from planning.views import decision_words, order_rows

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
            # with one fill rate for the store, a line's own fill rate is the allocation's
            # choice for it, not a target of its class: the line names the store's target
            store_wide=settings.service_policy == PlanningSettings.ServicePolicy.STORE,
            store_target=self.merchant.target_service_level,
            tomorrow=today + dt.timedelta(days=1),
            week_on=today + dt.timedelta(days=7),
            can_decide=self.can(Permission.PLAN)
            and line_filter.status == ReorderSuggestion.Status.PROPOSED,
            # the form's token: the same form sent again finds the job it queued
            request_key=uuid.uuid4().hex,
            **self.bulk_job(),
        )
        return context

    def bulk_job(self) -> dict:
        """The bulk job the page follows (``job`` in its address, else one under way): its
        progress while it runs, what it did once done, why it stopped if it failed."""
        pk = self.request.GET.get("job", "")
        job = suggestion_selectors.bulk_action(
            merchant=self.merchant, pk=int(pk) if pk.isdigit() else None
        )
        if job is None:
            return {}
        done, total, label = decision_words.bulk_progress(job)
        progress = runs.progress(job, done=done, total=total, label=label)
        shown = {"job": job, "job_progress": progress}
        if job.status == SuggestionBulkAction.Status.SUCCEEDED:
            action = bulk.Action.from_parameters(job.decision, job.parameters)
            outcome = bulk.Outcome.from_json(job.result)
            shown["job_message"] = decision_words.outcome_message(action, outcome)
            shown["job_orders"] = bool(outcome.purchase_orders)
            shown["purchase_orders_url"] = _purchase_orders_page(self.merchant)
        return shown

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


def _orders_page(merchant, query: str = "") -> str:
    target = reverse("planning:suggestions", kwargs={"merchant_slug": merchant.slug})
    # only a query string of our own filter goes back into the address
    return f"{target}?{query}" if query and "//" not in query and "\\" not in query else target


def _purchase_orders_page(merchant) -> str:
    target = reverse("inventory:purchase_orders", kwargs={"merchant_slug": merchant.slug})
    return f"{target}?status=draft"


class SuggestionDecideView(MerchantViewMixin, View):
    """Act on the ticked lines, or on every line matching the page's filter (``select`` =
    "all"): approve them onto draft purchase orders, reject them (with a reason), defer them
    to a day, bring deferred ones back, or set or scale their quantities. Every matching line
    of a large store (more than `bulk.IN_BACKGROUND_ABOVE`) is decided by a job: the page
    answers at once and follows it (``job`` in its address)."""

    required_permission = Permission.PLAN

    def post(self, request, *args, **kwargs):
        data = request.POST
        line_filter = selectors.LineFilter.from_query(data)
        everything = data.get("select") == "all"
        back = urlencode(line_filter.query())
        if not everything and data.get("page", "").isdigit():
            back += f"&page={data['page']}"
        lines = selectors.chosen(
            merchant=self.merchant,
            line_filter=line_filter,
            today=merchant_today(self.merchant),
            ids=[int(pk) for pk in data.getlist("ids") if pk.isdigit()],
            everything=everything,
        )
        try:
            action = bulk.Action.from_form(data)
            if action is not None and everything:
                ids = bulk.chosen_ids(lines)
                if len(ids) > bulk.IN_BACKGROUND_ABOVE:
                    return self.queue(request, action, ids, line_filter)
            if action is not None and action.scales:
                # recorded as a job run at once, so the form sent again scales nothing twice
                return self.scale_now(request, action, bulk.chosen_ids(lines), line_filter, back)
            if action is not None:
                outcome = bulk.act(
                    merchant=self.merchant, lines=lines, action=action, actor=request.user
                )
                messages.success(request, decision_words.outcome_message(action, outcome))
                if action.decision == bulk.APPROVE and outcome.purchase_orders:
                    # the drafts are where the approved lines go next: send them from there
                    return redirect(_purchase_orders_page(self.merchant))
        except DomainError as error:
            messages.error(request, str(error))
        return redirect(_orders_page(self.merchant, back))

    def job(self, request, action, ids, query: dict, run_now: bool = False):
        """The job deciding ``ids``, keyed by the form it came from (`bulk.request_key`)."""
        return bulk.suggestion_bulk_queue(
            merchant=self.merchant,
            action=action,
            line_ids=ids,
            line_filter=query,
            request_key=bulk.request_key(request.POST.get("request_key", ""), action, query),
            actor=request.user,
            run_now=run_now,
        )

    def scale_now(self, request, action, ids, line_filter, back):
        """Scale the quantities of ``ids`` by the action's percentage in this request, once
        per form (`bulk.suggestion_bulk_queue` with ``run_now``); back to the page."""
        job = self.job(request, action, ids, line_filter.query(), run_now=True)
        if job.status == SuggestionBulkAction.Status.FAILED:
            messages.error(request, job.message)
        else:
            outcome = bulk.Outcome.from_json(job.result)
            messages.success(request, decision_words.outcome_message(action, outcome))
        return redirect(_orders_page(self.merchant, back))

    def queue(self, request, action, ids, line_filter):
        """Queue the job deciding ``ids``; back to the page, which follows it."""
        query = line_filter.query()
        job = self.job(request, action, ids, query)
        messages.info(
            request,
            ngettext(
                "%(count)s line is being decided in the background; this page follows it.",
                "%(count)s lines are being decided in the background; this page follows them.",
                job.lines_total,
            )
            % {"count": formatting.format_number(job.lines_total)},
        )
        return redirect(_orders_page(self.merchant, urlencode({**query, "job": job.pk})))


class SuggestionBulkStatusView(RunStatusView):
    """A bulk job's progress bar on the orders page (another store's job answers 404)."""

    model = SuggestionBulkAction

    def get_queryset(self):
        return super().get_queryset().defer("line_ids")

    def progress(self, run: SuggestionBulkAction) -> tuple[int, int, str]:
        return decision_words.bulk_progress(run)


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
