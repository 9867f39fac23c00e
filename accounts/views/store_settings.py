"""A store's settings pages: its API tokens, its settings form and platform support access."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accounts import selectors, services, support_access
from accounts.client_address import client_ip
from accounts.forms import ApiTokenForm, MerchantSettingsForm, SupportAccessForm
from accounts.models import ApiToken
from accounts.portal import ActionView, MerchantViewMixin, ServiceFormView
from accounts.roles import Permission


class ApiTokensView(ServiceFormView):
    template_name = "accounts/api_tokens.html"
    required_permission = Permission.MANAGE
    form_class = ApiTokenForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["tokens"] = selectors.api_tokens_for_merchant(merchant=self.merchant)
        return context

    def save(self, form):
        return services.api_token_create(
            merchant=self.merchant,
            name=form.cleaned_data["name"],
            role=form.cleaned_data["role"],
            actor=self.request.user,
            ip_address=client_ip(self.request),
        )

    def saved(self, form, result):
        # Shown once, on this response only; never stored or logged.
        context = self.get_context_data(form=ApiTokenForm(), new_token=result)
        return self.render_to_response(context, status=201)


class ApiTokenRevokeView(ActionView):
    required_permission = Permission.MANAGE
    model = ApiToken
    redirect_to = "api_tokens"

    def act(self, request, pk: int) -> str:
        self.get_object_or_404(pk)
        token = services.api_token_revoke(
            merchant=self.merchant, token_id=pk, actor=request.user, ip_address=client_ip(request)
        )
        return _("Token “%(name)s” revoked: it no longer works.") % {"name": token.name}


class MerchantSettingsView(MerchantViewMixin, TemplateView):
    template_name = "accounts/merchant_settings.html"
    required_permission = Permission.MANAGE

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", MerchantSettingsForm(instance=self.merchant))
        context["support_access"] = selectors.support_access_active(merchant=self.merchant)
        context["support_form"] = SupportAccessForm()
        return context

    def post(self, request, *args, **kwargs):
        form = MerchantSettingsForm(request.POST, instance=self.merchant)
        if form.is_valid():
            form.save()
            messages.success(request, _("Settings saved."))
            return redirect("merchant_settings", merchant_slug=self.merchant.slug)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class SupportAccessView(MerchantViewMixin, View):
    """An owner lets platform staff change the store's data for a time, or ends that now."""

    required_permission = Permission.MANAGE

    def post(self, request, *args, **kwargs):
        if request.POST.get("revoke"):
            if support_access.support_access_revoke(
                merchant=self.merchant, actor=request.user, ip_address=client_ip(request)
            ):
                messages.success(request, _("Support access withdrawn."))
        else:
            form = SupportAccessForm(request.POST)
            if form.is_valid():
                grant = support_access.support_access_grant(
                    merchant=self.merchant,
                    days=form.cleaned_data["days"],
                    actor=request.user,
                    ip_address=client_ip(request),
                )
                messages.success(
                    request,
                    _("Platform staff may change your store's data until %(until)s.")
                    % {"until": date_format(localtime(grant.expires_at), "DATETIME_FORMAT")},
                )
            else:
                messages.error(request, _("Choose for how long."))
        return redirect("merchant_settings", merchant_slug=self.merchant.slug)
