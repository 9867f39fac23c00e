"""Portal pages of the store's planning settings and its webhook endpoints."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accounts.errors import DomainError
from accounts.portal import MerchantViewMixin
from accounts.roles import Permission
from planning import notifications, selectors, services
from planning.forms import PlanningSettingsForm
from planning.models import WebhookEndpoint


class PlanningSettingsView(MerchantViewMixin, TemplateView):
    """Service levels per class, budgets, alert limits, the digest and the webhooks."""

    template_name = "planning/settings.html"
    required_permission = Permission.MANAGE

    def form(self, data=None) -> PlanningSettingsForm:
        settings = selectors.planning_settings(merchant=self.merchant)
        return PlanningSettingsForm(
            data,
            initial=PlanningSettingsForm.initial_from(settings),
            suppliers=selectors.suppliers(merchant=self.merchant),
            target_service_level=self.merchant.target_service_level,
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", self.form())
        context["endpoints"] = selectors.webhook_endpoints(merchant=self.merchant)
        context["calibration"] = selectors.shortfall_calibration(merchant=self.merchant)
        context["new_secret"] = self.request.session.pop("webhook_secret", None)
        context["replayed"] = selectors.replayed_saving(merchant=self.merchant)
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
