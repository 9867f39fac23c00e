"""Portal forms of accounts."""

from django import forms
from django.core.exceptions import ValidationError

from accounts.models import Merchant
from accounts.roles import Role


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
