"""A store's people: members and their roles, invitations sent, withdrawn and accepted."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext as _
from django.views import View

from accounts import selectors, services
from accounts.client_address import client_ip
from accounts.forms import AcceptInvitationForm, InvitationForm, RoleForm, add_form_errors
from accounts.models import Invitation, Membership
from accounts.portal import ActionView, ServiceFormView
from accounts.roles import Permission, Role


class MembersView(ServiceFormView):
    template_name = "accounts/members.html"
    required_permission = Permission.MANAGE
    form_class = InvitationForm
    form_name = "invite_form"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["members"] = selectors.members_for_merchant(merchant=self.merchant)
        context["invitations"] = selectors.open_invitations_for_merchant(merchant=self.merchant)
        return context

    def save(self, form):
        return services.invitation_create(
            merchant=self.merchant,
            email=form.cleaned_data["email"],
            role=form.cleaned_data["role"],
            actor=self.request.user,
            ip_address=client_ip(self.request),
        )

    def saved(self, form, result):
        messages.success(
            self.request,
            _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]},
        )
        return redirect("members", merchant_slug=self.merchant.slug)


class _MembersPageAction(ActionView):
    required_permission = Permission.MANAGE
    redirect_to = "members"


class MemberRoleView(_MembersPageAction):
    model = Membership

    def act(self, request, pk: int) -> str:
        membership = self.get_object_or_404(pk, self.get_queryset().select_related("user"))
        form = RoleForm(request.POST)
        if not form.is_valid():
            raise ValidationError(_("Choose a valid role."))
        services.membership_set_role(
            merchant=self.merchant,
            user=membership.user,
            role=form.cleaned_data["role"],
            actor=request.user,
            ip_address=client_ip(request),
        )
        return _("%(person)s is now %(role)s.") % {
            "person": membership.user,
            "role": Role(form.cleaned_data["role"]).label,
        }


class MemberRemoveView(_MembersPageAction):
    model = Membership

    def act(self, request, pk: int) -> str:
        membership = self.get_object_or_404(pk, self.get_queryset().select_related("user"))
        services.membership_remove(
            merchant=self.merchant,
            user=membership.user,
            actor=request.user,
            ip_address=client_ip(request),
        )
        return _("%(person)s was removed.") % {"person": membership.user}


class InvitationRevokeView(_MembersPageAction):
    model = Invitation

    def act(self, request, pk: int) -> str:
        self.get_object_or_404(pk)
        services.invitation_revoke(
            merchant=self.merchant,
            invitation_id=pk,
            actor=request.user,
            ip_address=client_ip(request),
        )
        return _("Invitation withdrawn.")


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
