"""A form field for a share that people think of in percent: the reader types 95 (or 95%), the
form hands on 0.95, as the models and services store it, and shows a stored 0.95 as 95 again.
Its range and its errors are in percent too ("Enter a percentage from 50% to 99.9%")."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

HUNDRED = Decimal(100)


def plain_decimal(number: Decimal) -> str:
    """95.50 -> "95.5", 100 -> "100": no exponent, no trailing zeros."""
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


class PercentField(forms.DecimalField):
    """``PercentField(minimum=Decimal("50"), maximum=Decimal("99.9"), decimal_places=1)``:
    bounds and places in percent; ``clean`` returns the fraction (Decimal)."""

    default_error_messages = {
        "out_of_range": _("Enter a percentage from %(minimum)s%% to %(maximum)s%%."),
    }

    def __init__(self, *, minimum: Decimal, maximum: Decimal, decimal_places: int, **kwargs):
        self.minimum, self.maximum = Decimal(minimum), Decimal(maximum)
        kwargs.setdefault("widget", forms.NumberInput(attrs={"inputmode": "decimal"}))
        super().__init__(decimal_places=decimal_places, **kwargs)
        self.widget.attrs.update(min=plain_decimal(self.minimum), max=plain_decimal(self.maximum))

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().removesuffix("%").strip()
        return super().to_python(value)

    def validate(self, value):
        super().validate(value)
        if value is not None and not self.minimum <= value <= self.maximum:
            raise ValidationError(
                self.error_messages["out_of_range"],
                code="out_of_range",
                params={
                    "minimum": plain_decimal(self.minimum),
                    "maximum": plain_decimal(self.maximum),
                },
            )

    def clean(self, value):
        percent = super().clean(value)
        return None if percent is None else percent / HUNDRED

    def prepare_value(self, value):
        # A stored fraction (the form's initial) shows in percent; what the reader typed
        # (a string, when the form comes back with errors) shows as typed.
        if isinstance(value, (Decimal, float, int)) and not isinstance(value, bool):
            return plain_decimal(Decimal(str(value)) * HUNDRED)
        return value
