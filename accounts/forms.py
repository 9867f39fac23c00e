"""Portal forms of accounts."""

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from accounts import services, sign_in_throttle
from accounts.client_address import client_ip
from accounts.models import AccountEvent, Merchant
from accounts.roles import Role


class ThrottledSignInMixin:
    """Sign-in throttling (accounts/sign_in_throttle.py) around Django's authentication form:
    the sign-in takes its place in the counts before the password is checked, and is refused
    unchecked when a count is full; a wrong password keeps its place (the last one starts the
    lockout); a right one clears the address's count. A form without both an address and a
    password checks nothing, so it neither counts nor clears."""

    def clean(self):
        email = (self.cleaned_data.get("username") or "").strip()
        if not (email and self.cleaned_data.get("password")):
            return super().clean()
        ip = client_ip(self.request)
        attempt = sign_in_throttle.sign_in_begin(email=email, ip=ip)
        if attempt is None:
            raise self.throttled_error()
        try:
            data = super().clean()
        except ValidationError:
            if self.user_cache is not None:
                # A right password refused for another reason (the console takes staff only)
                # is not a guess.
                sign_in_throttle.sign_in_not_guessed(attempt)
            elif sign_in_throttle.sign_in_failed(attempt):
                services.account_event_record(
                    kind=AccountEvent.Kind.SIGN_IN_LOCKED, email=email, ip_address=ip
                )
                raise self.throttled_error() from None
            raise
        except Exception:
            sign_in_throttle.sign_in_not_guessed(attempt)  # the check itself broke (database)
            raise
        sign_in_throttle.sign_in_succeeded(attempt)
        return data

    @staticmethod
    def throttled_error() -> ValidationError:
        # The same words whether or not an account has this address.
        return ValidationError(
            sign_in_throttle.REFUSED_MESSAGE.format(minutes=sign_in_throttle.lockout_minutes()),
            code="throttled",
        )

    @property
    def is_throttled(self) -> bool:
        return any(error.code == "throttled" for error in self.non_field_errors().as_data())


class SignInForm(ThrottledSignInMixin, AuthenticationForm):
    pass


class ConsoleSignInForm(ThrottledSignInMixin, AdminAuthenticationForm):
    pass


class InvitationForm(forms.Form):
    email = forms.EmailField(label="Email address")
    role = forms.ChoiceField(choices=Role.choices, initial=Role.VIEWER)


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        max_length=100, help_text="What uses it, e.g. 'ERP nightly sync'.", label="Token name"
    )
    role = forms.ChoiceField(
        choices=Role.choices,
        initial=Role.PLANNER,
        help_text="Viewer tokens read; planner tokens also write data.",
    )


class AcceptInvitationForm(forms.Form):
    full_name = forms.CharField(max_length=150, required=False, label="Your name")
    password = forms.CharField(widget=forms.PasswordInput, label="Choose a password")
    password_again = forms.CharField(widget=forms.PasswordInput, label="Password again")

    def clean(self):
        data = super().clean()
        if data.get("password") != data.get("password_again"):
            self.add_error("password_again", "The two passwords differ.")
        return data


class MerchantSettingsForm(forms.ModelForm):
    class Meta:
        model = Merchant
        fields = [
            "name",
            "timezone",
            "currency",
            "target_service_level",
            "review_period_days",
            "nightly_forecast_time",
        ]
        widgets = {"nightly_forecast_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}
        help_texts = {
            "nightly_forecast_time": "When the nightly forecast starts, in the store's timezone.",
            "target_service_level": "Between 0.5 and 0.999, e.g. 0.95 for 95%.",
            "review_period_days": "How often you place orders, in days.",
        }


def add_form_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: next to its field where it names one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)
