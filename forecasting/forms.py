"""Portal forms of forecasting: a planner's override of a SKU's forecast."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from forecasting.models import ForecastOverride

ALL_LOCATIONS = ""
DEFAULT_DAYS = 28


class DateInput(forms.DateInput):
    input_type = "date"

    def format_value(self, value):
        return value.isoformat() if isinstance(value, dt.date) else value


class ForecastOverrideForm(forms.Form):
    """What the service needs to set an override; the store's rules (dates to come, a
    reason, the range of a percent) are the service's to check."""

    location = forms.ChoiceField(label=_("Location"), required=False)
    start_date = forms.DateField(label=_("From"), widget=DateInput)
    end_date = forms.DateField(label=_("To"), widget=DateInput)
    kind = forms.ChoiceField(
        label=_("Change"), choices=ForecastOverride.Kind.choices, widget=forms.RadioSelect
    )
    amount = forms.DecimalField(
        label=_("Amount"),
        max_digits=12,
        decimal_places=3,
        help_text=_("Units per day, or the change in percent (20 for 20% more, -30 for 30% less)."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What the model cannot know: a known event, a lost listing, a new channel."),
    )
    expires_on = forms.DateField(
        label=_("Expires on"),
        widget=DateInput,
        help_text=_("The last day it is in force; after it the model's forecast stands again."),
    )

    def __init__(self, *args, locations=(), today: dt.date, **kwargs):
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("start_date", today + dt.timedelta(days=1))
        initial.setdefault("end_date", today + dt.timedelta(days=DEFAULT_DAYS))
        initial.setdefault("expires_on", today + dt.timedelta(days=DEFAULT_DAYS))
        initial.setdefault("kind", ForecastOverride.Kind.PERCENT)
        super().__init__(*args, **kwargs)
        self.fields["location"].choices = [
            (ALL_LOCATIONS, _("All locations")),
            *((str(location.pk), location.code) for location in locations),
        ]

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "location_id": int(data["location"]) if data["location"] else None,
            "start_date": data["start_date"],
            "end_date": data["end_date"],
            "kind": data["kind"],
            "amount": Decimal(data["amount"]),
            "reason": data["reason"],
            "expires_on": data["expires_on"],
        }
