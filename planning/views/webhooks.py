"""Portal pages of one webhook endpoint (manage permission): its delivery log (event, answer,
attempts, time), the event types it receives, and a button that sends it a test event. Kept
beside views.py; the list of endpoints, adding one and switching one off are on the planning
settings page (`planning.views.PlanningSettingsView`, `WebhookEndpointsView`)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accounts.errors import DomainError
from accounts.portal import MerchantViewMixin
from accounts.roles import Permission
from core.workflow_events import EVENT_TYPES
from planning import selectors, webhook_events
from planning.models import WebhookEndpoint


class WebhookEndpointMixin(MerchantViewMixin):
    """One endpoint of the merchant's, else 404 (another merchant's answers the same)."""

    required_permission = Permission.MANAGE

    def endpoint_or_404(self) -> WebhookEndpoint:
        endpoint = selectors.webhook_endpoint(merchant=self.merchant, pk=self.kwargs["pk"])
        if endpoint is None:
            raise Http404(_("No such webhook."))
        return endpoint

    def back(self):
        return redirect(
            "planning:webhook_detail", merchant_slug=self.merchant.slug, pk=self.kwargs["pk"]
        )


class WebhookEndpointDetailView(WebhookEndpointMixin, TemplateView):
    """The endpoint's deliveries, newest first, `page_size` a page, and its event types.
    POST saves the event types ticked."""

    template_name = "planning/webhook_detail.html"
    page_size = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        endpoint = self.endpoint_or_404()
        deliveries = selectors.webhook_deliveries(merchant=self.merchant, endpoint_id=endpoint.pk)
        page = Paginator(deliveries, self.page_size).get_page(self.request.GET.get("page"))
        context.update(
            endpoint=endpoint,
            deliveries=page.object_list,
            page=page,
            event_types=[
                (name, label, name in endpoint.event_types) for name, label in EVENT_TYPES.items()
            ],
        )
        return context

    def post(self, request, *args, **kwargs):
        self.endpoint_or_404()
        try:
            webhook_events.webhook_endpoint_events_set(
                merchant=self.merchant,
                pk=self.kwargs["pk"],
                event_types=request.POST.getlist("event_types"),
            )
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Event types saved."))
        return self.back()


class WebhookEndpointTestView(WebhookEndpointMixin, View):
    """Send the endpoint a test event; its delivery shows in the log."""

    def post(self, request, *args, **kwargs):
        self.endpoint_or_404()
        webhook_events.webhook_endpoint_test(merchant=self.merchant, pk=self.kwargs["pk"])
        messages.success(
            request, _("A test event is on its way; its delivery is at the top of the log.")
        )
        return self.back()
