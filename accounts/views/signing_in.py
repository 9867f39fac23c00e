"""Django's sign-in and password pages with throttling and the security log added."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError

from accounts import audit, sign_in_throttle
from accounts.client_address import client_ip
from accounts.forms import SignInForm
from accounts.models import AccountEvent


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
