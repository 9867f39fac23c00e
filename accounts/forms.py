"""Portal forms of accounts."""

from decimal import Decimal

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts import audit, sign_in_throttle
from accounts.client_address import client_ip
from accounts.models import TIMEZONE_CHOICES, AccountEvent, Merchant
from accounts.percent_field import PercentField
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
                audit.account_event_record(
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
    email = forms.EmailField(label=_("Email address"))
    role = forms.ChoiceField(choices=Role.choices, initial=Role.VIEWER, label=_("Role"))


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices, label=_("Role"))


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        max_length=100, help_text=_("What uses it, e.g. 'ERP nightly sync'."), label=_("Token name")
    )
    role = forms.ChoiceField(
        choices=Role.choices,
        initial=Role.PLANNER,
        label=_("Role"),
        help_text=_("Viewer tokens read; planner tokens also write data."),
    )


class AcceptInvitationForm(forms.Form):
    full_name = forms.CharField(max_length=150, required=False, label=_("Your name"))
    password = forms.CharField(widget=forms.PasswordInput, label=_("Choose a password"))
    password_again = forms.CharField(widget=forms.PasswordInput, label=_("Password again"))

    def clean(self):
        data = super().clean()
        if data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("The two passwords differ."))
        return data


class MerchantSettingsForm(forms.ModelForm):
    """The store's own settings; its target service level is typed and shown in percent."""

    target_service_level = PercentField(
        minimum=Decimal("50"), maximum=Decimal("99.9"), decimal_places=2,
        label=_("Target service level (%)"),
        help_text=_("The share of demand to serve from stock, from 50% to 99.9%, e.g. 95."),
    )  # fmt: skip

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
        labels = {
            "name": _("Store name"),
            "timezone": _("Timezone"),
            "currency": _("Currency"),
            "review_period_days": _("Review period (days)"),
            "nightly_forecast_time": _("Nightly forecast time"),
        }
        help_texts = {
            "currency": _("ISO 4217 code, e.g. GBP, EUR, USD or CNY."),
            "nightly_forecast_time": _(
                "When the nightly forecast starts, in the store's timezone."
            ),
            "review_period_days": _("How often you place orders, in days."),
        }


def add_form_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: next to its field where it names one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


class OnboardMerchantForm(forms.Form):
    """The console's one form to open a store: the merchant, its owner's invitation, an API
    token and, if asked, the sample data."""

    name = forms.CharField(max_length=200, label=_("Store name"))
    slug = forms.SlugField(
        max_length=60,
        required=False,
        label=_("Address"),
        help_text=_("The store's part of the portal's URLs; left blank, made from the name."),
    )
    owner_email = forms.EmailField(label=_("Owner's email address"))
    timezone = forms.ChoiceField(choices=TIMEZONE_CHOICES, initial="UTC", label=_("Timezone"))
    currency = forms.CharField(max_length=3, min_length=3, initial="GBP", label=_("Currency"))
    token_name = forms.CharField(max_length=100, initial="ERP", label=_("API token name"))
    token_role = forms.ChoiceField(
        choices=[(Role.PLANNER, Role.PLANNER.label), (Role.VIEWER, Role.VIEWER.label)],
        initial=Role.PLANNER,
        label=_("API token role"),
    )
    load_sample_data = forms.BooleanField(
        required=False,
        label=_("Load the sample data"),
        help_text=_("The sample gift shop's catalogue, suppliers and sales, loaded by a worker."),
    )


class SupportAccessForm(forms.Form):
    days = forms.TypedChoiceField(
        coerce=int,
        choices=[(1, _("1 day")), (3, _("3 days")), (7, _("7 days")), (14, _("14 days"))],
        initial=1,
        label=_("For"),
    )
