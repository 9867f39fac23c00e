"""Portal pages of the alerts inbox and the promotion plans for overstock."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accounts import formatting
from accounts.errors import DomainError
from accounts.portal import MerchantViewMixin
from accounts.roles import Permission
from planning import alerts, promotions, selectors
from planning.models import Alert, PromotionPlan


class AlertsView(MerchantViewMixin, TemplateView):
    """The alerts inbox: unresolved alerts by default, the most money at risk first, filtered
    by state and kind, `page_size` a page, with bulk acknowledge, snooze and resolve. Stock-outs
    are grouped by supplier (collapsible, each group with its total at risk) above the other
    alerts, unless ``group=off`` lists every alert in one table."""

    template_name = "planning/alerts.html"
    page_size = 50
    group_rows = 100  # the largest stock-outs shown in the groups; the rest page ungrouped

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
            groups = selectors.stock_out_groups(
                merchant=self.merchant, state=state, rows=self.group_rows
            )
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
