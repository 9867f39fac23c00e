"""Portal forms of inventory."""

from django import forms
from django.conf import settings
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.formatting import current_locale
from core.uploads import describe_size
from inventory import calendar_dates
from inventory.ingest.import_uploads import IMPORTABLE


def resource_choices() -> list[tuple[str, str]]:
    # The resources' labels are English in messages; here they are read in the reader's language.
    return [("", gettext("Choose…"))] + [
        (name, capfirst(gettext(resource.label))) for name, resource in IMPORTABLE.items()
    ]


def file_too_large_message() -> str:
    return _("The file is larger than %(size)s: split it, or gzip it.") % {
        "size": describe_size(settings.IMPORT_MAX_FILE_BYTES)
    }


class ImportUploadForm(forms.Form):
    resource = forms.ChoiceField(
        choices=resource_choices,
        label=_("The file contains"),
        required=False,
        help_text=_(
            "Not needed for an order export of Shopify, WooCommerce or Amazon Seller "
            "Central: those are recognised from their columns."
        ),
    )
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "UTF-8 CSV (or Amazon's tab-separated report) with a header line; a .gz of "
            "one is fine too."
        ),
    )

    def __init__(self, *args, file_too_large: bool = False, **kwargs):
        """``file_too_large``: the upload handler dropped the file while it streamed in
        (core/uploads.py), so the field is empty and its error is the size."""
        super().__init__(*args, **kwargs)
        self.file_too_large = file_too_large

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_FILE_BYTES:
            raise forms.ValidationError(file_too_large_message(), code="too_large")
        return upload

    def clean(self):
        data = super().clean()
        if self.file_too_large:
            self.errors.pop("file", None)  # "required": the file was dropped for its size
            self.add_error("file", forms.ValidationError(file_too_large_message(), "too_large"))
        return data

    @property
    def refused_for_size(self) -> bool:
        return any(error.code == "too_large" for error in self.errors.as_data().get("file", []))


EVERY_LOCATION = ""


def _country_choices() -> list[tuple[str, str]]:
    """Every country with public holidays, by its name in the reader's language (CLDR's, where
    it has one), in that name's order."""
    territories = current_locale().territories
    named = [(code, territories.get(code, name)) for code, name in calendar_dates.countries()]
    return [("", _("Choose…")), *sorted(named, key=lambda choice: choice[1])]


class CalendarDefaultsForm(forms.Form):
    """One click: a country's public holidays and usual festivals, for every location."""

    country = forms.ChoiceField(choices=_country_choices, label=_("Country"))


class CalendarPresetForm(forms.Form):
    """Which built-in calendars one location (or every location) follows."""

    location = forms.ChoiceField(label=_("For"))
    country = forms.ChoiceField(choices=_country_choices, required=False, label=_("Country"))
    subdivision = forms.CharField(
        label=_("Region"),
        required=False,
        max_length=16,
        help_text=_(
            "A state or region code for its own holidays (BY for Bavaria, SCT for "
            "Scotland); empty for national holidays only."
        ),
    )
    public_holidays = forms.BooleanField(required=False, initial=True, label=_("Public holidays"))
    festivals = forms.MultipleChoiceField(
        choices=calendar_dates.FESTIVALS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Shopping festivals"),
    )
    prime_day_dates = forms.CharField(
        label=_("Prime Day dates"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One Prime Day a line, its first and last date: 2025-07-08 2025-07-11."),
    )

    def __init__(self, *args, locations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].choices = [
            (EVERY_LOCATION, _("Every location")),
            *((str(location.pk), str(location)) for location in locations),
        ]

    def clean_prime_day_dates(self) -> list[list[str]]:
        spans = []
        for number, line in enumerate(self.cleaned_data["prime_day_dates"].splitlines(), 1):
            dates = line.replace(" to ", " ").split()
            if not dates:
                continue
            if len(dates) != 2:
                raise forms.ValidationError(
                    _("Line %(number)d: give a first and a last date.") % {"number": number}
                )
            spans.append(dates)
        return spans

    @staticmethod
    def prime_day_text(spans: list) -> str:
        return "\n".join(f"{start} {end}" for start, end in spans)
