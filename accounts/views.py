"""Portal pages of accounts: signing in and passwords, merchant switcher, members and roles,
invitations, API tokens, merchant settings, the glossary."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.timezone import localtime
from django.utils.translation import gettext
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from accounts import (
    audit,
    glossary,
    languages,
    selectors,
    services,
    sign_in_throttle,
    support_access,
)
from accounts.client_address import client_ip
from accounts.forms import (
    AcceptInvitationForm,
    ApiTokenForm,
    InvitationForm,
    MerchantSettingsForm,
    RoleForm,
    SignInForm,
    SupportAccessForm,
    add_form_errors,
)
from accounts.models import AccountEvent, ApiToken, Invitation, Membership
from accounts.portal import ACTIVE_MERCHANT_SESSION_KEY, MerchantViewMixin
from accounts.roles import Permission, Role


# -- signing in and passwords ---------------------------------------------------------------------
class SignInView(auth_views.LoginView):
    """Django's sign-in with throttling (accounts/forms.py); a paused sign-in answers 429."""

    form_class = SignInForm
    redirect_authenticated_user = True

    def form_invalid(self, form):
        status = 429 if form.is_throttled else 200
        return self.render_to_response(self.get_context_data(form=form), status=status)


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset request, counted per client address: past PASSWORD_RESET_MAX_PER_IP in
    the window the form refuses (429) and sends nothing."""

    def form_valid(self, form):
        ip = client_ip(self.request)
        if not sign_in_throttle.password_reset_allowed(ip=ip):
            form.add_error(
                None,
                ValidationError(
                    sign_in_throttle.RESET_REFUSED_MESSAGE.format(
                        minutes=sign_in_throttle.lockout_minutes()
                    ),
                    code="throttled",
                ),
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        audit.account_event_record(
            kind=AccountEvent.Kind.PASSWORD_RESET_REQUESTED,
            email=form.cleaned_data["email"],
            ip_address=ip,
        )
        return super().form_valid(form)


class RecordsPasswordChange:
    """A password set through this view goes into the account's security log, with how."""

    via = ""

    def form_valid(self, form):
        response = super().form_valid(form)
        audit.account_event_record(
            kind=AccountEvent.Kind.PASSWORD_CHANGED,
            user=form.user,
            ip_address=client_ip(self.request),
            details={"via": self.via},
        )
        return response


class PasswordChangeView(RecordsPasswordChange, auth_views.PasswordChangeView):
    via = "password_change"


class PasswordResetConfirmView(RecordsPasswordChange, auth_views.PasswordResetConfirmView):
    via = "password_reset"


# -- language -------------------------------------------------------------------------------------
@require_POST
def language_switch(request):
    """The header's language switcher: remembered on the account of a signed-in person and in
    the language cookie (which the sign-in page reads), then back to the page it came from."""
    language = request.POST.get("language", "")
    if not languages.is_supported(language):
        language = ""
    if request.user.is_authenticated:
        services.user_set_language(user=request.user, language=language)
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("home")
    response = redirect(next_url)
    if language:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite="Lax",
            secure=request.is_secure(),
        )
    else:
        response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)
    return response


# -- help ---------------------------------------------------------------------------------------
def glossary_page(request):
    """The planning words in plain language, one anchored entry each (the help marks link
    here). Open to anyone: it holds no store's data, and a link to it works when shared."""
    return render(request, "accounts/glossary.html", {"terms": glossary.TERMS})


# -- merchants ------------------------------------------------------------------------------------
@login_required
def home(request):
    """Open the merchant last used, or the only one, or the switcher."""
    memberships = list(selectors.memberships_for_user(user=request.user))
    slugs = {membership.merchant.slug for membership in memberships}
    active = request.session.get(ACTIVE_MERCHANT_SESSION_KEY)
    if active in slugs:
        return redirect("inventory:dashboard", merchant_slug=active)
    if len(memberships) == 1:
        return redirect("inventory:dashboard", merchant_slug=memberships[0].merchant.slug)
    return redirect("merchant_switch")


@login_required
def merchant_switch(request):
    memberships = selectors.memberships_for_user(user=request.user)
    return render(request, "accounts/merchant_switch.html", {"memberships": memberships})


class MembersView(MerchantViewMixin, TemplateView):
    template_name = "accounts/members.html"
    required_permission = Permission.MANAGE

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["members"] = selectors.members_for_merchant(merchant=self.merchant)
        context["invitations"] = selectors.open_invitations_for_merchant(merchant=self.merchant)
        context.setdefault("invite_form", InvitationForm())
        return context

    def post(self, request, *args, **kwargs):
        form = InvitationForm(request.POST)
        if form.is_valid():
            try:
                services.invitation_create(
                    merchant=self.merchant,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                    actor=request.user,
                    ip_address=client_ip(request),
                )
            except ValidationError as error:
                add_form_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]},
                )
                return redirect("members", merchant_slug=self.merchant.slug)
        return self.render_to_response(self.get_context_data(invite_form=form), status=400)


class MemberRoleView(MerchantViewMixin, View):
    required_permission = Permission.MANAGE
    model = Membership

    def post(self, request, pk: int):
        membership = self.get_object_or_404(pk, self.get_queryset().select_related("user"))
        form = RoleForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose a valid role."))
        else:
            try:
                services.membership_set_role(
                    merchant=self.merchant,
                    user=membership.user,
                    role=form.cleaned_data["role"],
                    actor=request.user,
                    ip_address=client_ip(request),
                )
                messages.success(
                    request,
                    _("%(person)s is now %(role)s.")
                    % {"person": membership.user, "role": Role(form.cleaned_data["role"]).label},
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
        return redirect("members", merchant_slug=self.merchant.slug)


class MemberRemoveView(MerchantViewMixin, View):
    required_permission = Permission.MANAGE
    model = Membership

    def post(self, request, pk: int):
        membership = self.get_object_or_404(pk, self.get_queryset().select_related("user"))
        try:
            services.membership_remove(
                merchant=self.merchant,
                user=membership.user,
                actor=request.user,
                ip_address=client_ip(request),
            )
            messages.success(request, _("%(person)s was removed.") % {"person": membership.user})
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("members", merchant_slug=self.merchant.slug)


class InvitationRevokeView(MerchantViewMixin, View):
    required_permission = Permission.MANAGE
    model = Invitation

    def post(self, request, pk: int):
        self.get_object_or_404(pk)
        services.invitation_revoke(
            merchant=self.merchant,
            invitation_id=pk,
            actor=request.user,
            ip_address=client_ip(request),
        )
        messages.success(request, _("Invitation withdrawn."))
        return redirect("members", merchant_slug=self.merchant.slug)


class ApiTokensView(MerchantViewMixin, TemplateView):
    template_name = "accounts/api_tokens.html"
    required_permission = Permission.MANAGE

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["tokens"] = selectors.api_tokens_for_merchant(merchant=self.merchant)
        context.setdefault("form", ApiTokenForm())
        return context

    def post(self, request, *args, **kwargs):
        form = ApiTokenForm(request.POST)
        if form.is_valid():
            try:
                issued = services.api_token_create(
                    merchant=self.merchant,
                    name=form.cleaned_data["name"],
                    role=form.cleaned_data["role"],
                    actor=request.user,
                    ip_address=client_ip(request),
                )
            except ValidationError as error:
                add_form_errors(form, error)
            else:
                # Shown once, on this response only; never stored or logged.
                context = self.get_context_data(form=ApiTokenForm(), new_token=issued)
                return self.render_to_response(context, status=201)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ApiTokenRevokeView(MerchantViewMixin, View):
    required_permission = Permission.MANAGE
    model = ApiToken

    def post(self, request, pk: int):
        self.get_object_or_404(pk)
        token = services.api_token_revoke(
            merchant=self.merchant, token_id=pk, actor=request.user, ip_address=client_ip(request)
        )
        messages.success(
            request, _("Token “%(name)s” revoked: it no longer works.") % {"name": token.name}
        )
        return redirect("api_tokens", merchant_slug=self.merchant.slug)


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


class InvitationAcceptView(View):
    """Open to anyone holding the link; the secret in the URL is the credential."""

    template_name = "accounts/invitation_accept.html"

    def _invitation(self, secret: str) -> Invitation:
        invitation = selectors.invitation_by_secret(secret=secret)
        if invitation is None:
            raise Http404(gettext("No such invitation."))
        return invitation

    def get(self, request, secret: str):
        invitation = self._invitation(secret)
        return render(
            request,
            self.template_name,
            {"invitation": invitation, "form": AcceptInvitationForm()},
            status=200 if invitation.is_open else 410,
        )

    def post(self, request, secret: str):
        invitation = self._invitation(secret)
        if request.user.is_authenticated:
            form = forms.Form(data={})  # nothing to enter; carries errors to the page
            form.is_valid()
        else:
            form = AcceptInvitationForm(request.POST)
        try:
            if request.user.is_authenticated:
                user = services.invitation_accept(
                    invitation=invitation, user=request.user, ip_address=client_ip(request)
                )
            elif form.is_valid():
                user = services.invitation_accept(
                    invitation=invitation,
                    user=None,
                    password=form.cleaned_data["password"],
                    full_name=form.cleaned_data["full_name"],
                    ip_address=client_ip(request),
                )
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            else:
                user = None
        except ValidationError as error:
            add_form_errors(form, error)
            user = None
        if user is None:
            return render(
                request,
                self.template_name,
                {"invitation": invitation, "form": form},
                status=400,
            )
        messages.success(request, _("Welcome to %(store)s.") % {"store": invitation.merchant.name})
        return redirect(
            reverse("inventory:dashboard", kwargs={"merchant_slug": invitation.merchant.slug})
        )
