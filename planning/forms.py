"""Portal forms of planning: the store's planning settings."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.percent_field import PercentField, plain_decimal
from planning.models import DEFAULT_SERVICE_LEVELS, PlanningSettings

CLASSES = list(DEFAULT_SERVICE_LEVELS)


class PlanningSettingsForm(forms.Form):
    """How fill rates are set (store-wide or per class), budgets (total and per supplier), alert
    limits, digest. Fill rates are typed and shown in percent and handed on as fractions."""

    service_policy = forms.ChoiceField(
        choices=PlanningSettings.ServicePolicy.choices,
        widget=forms.RadioSelect,
        label=_("How fill rates are set"),
    )
    minimum_fill_rate = PercentField(
        minimum=Decimal("0"), maximum=Decimal("99"), decimal_places=1,
        label=_("Minimum fill rate of any SKU (%)"),
        help_text=_(
            "With one store-wide fill rate: no SKU is held below this. From 0% to 99%, and "
            "not above the store's target service level."
        ),
    )  # fmt: skip
    default_lead_time_days = forms.DecimalField(
        min_value=Decimal("0"), max_value=Decimal("365"), decimal_places=2,
        label=_("Default lead time (days)"),  # its section says which SKUs it serves
    )  # fmt: skip
    default_lead_time_std_days = forms.DecimalField(
        min_value=Decimal("0"), max_value=Decimal("365"), decimal_places=2,
        label=_("Its spread (days, standard deviation)"),
    )  # fmt: skip
    budget = forms.DecimalField(
        required=False, min_value=Decimal("0"), decimal_places=2, max_digits=14,
        label=_("Purchasing budget per review"),
        help_text=_("The most to spend on one review's orders; empty for no limit."),
    )  # fmt: skip
    overstock_days = forms.IntegerField(
        min_value=7, max_value=3650, label=_("Overstock above (days of cover)")
    )
    stale_days = forms.IntegerField(
        min_value=1, max_value=365, label=_("Stale data after (days without new data)")
    )
    alert_minimum_value = forms.DecimalField(
        min_value=Decimal("0"), decimal_places=2, max_digits=14,
        label=_("Raise alerts worth at least"),
        help_text=_(
            "Stock-outs, overstock and forecast bias putting less money than this at risk "
            "raise no alert; 0 raises them all. Stale data and failed jobs always alert."
        ),
    )  # fmt: skip
    digest_enabled = forms.BooleanField(
        required=False, label=_("Email owners and planners a morning digest of open alerts")
    )

    def __init__(self, *args, suppliers=(), target_service_level=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.suppliers = list(suppliers)
        #: the store's target (a fraction), above which no minimum may be set
        self.target_service_level = target_service_level
        for code in CLASSES:
            self.fields[f"level_{code}"] = PercentField(
                minimum=Decimal("50"), maximum=Decimal("99.9"), decimal_places=1,
                label=f"{code}",
                help_text=_("Fill-rate target of class %(class)s") % {"class": code},
            )  # fmt: skip
        for supplier in self.suppliers:
            self.fields[f"supplier_{supplier.pk}"] = forms.DecimalField(
                required=False, min_value=Decimal("0"), decimal_places=2, max_digits=14,
                label=f"{supplier.name} ({supplier.code})",
            )  # fmt: skip

    @classmethod
    def initial_from(cls, settings) -> dict:
        initial = {
            "service_policy": settings.service_policy,
            "minimum_fill_rate": settings.minimum_fill_rate,
            "default_lead_time_days": settings.default_lead_time_days,
            "default_lead_time_std_days": settings.default_lead_time_std_days,
            "budget": settings.budget,
            "overstock_days": settings.overstock_days,
            "stale_days": settings.stale_days,
            "alert_minimum_value": settings.alert_minimum_value.quantize(Decimal("0.01")),
            "digest_enabled": settings.digest_enabled,
        }
        for code in CLASSES:
            initial[f"level_{code}"] = settings.service_levels.get(
                code, DEFAULT_SERVICE_LEVELS[code]
            )
        for supplier, amount in settings.supplier_budgets.items():
            initial[f"supplier_{supplier}"] = amount
        return initial

    def clean_minimum_fill_rate(self):
        # The service refuses it too (for the API); here the error is in percent, by its field.
        minimum = self.cleaned_data["minimum_fill_rate"]
        target = self.target_service_level
        if target is not None and minimum is not None and minimum > target:
            raise forms.ValidationError(
                _("Not above the store's target service level, %(target)s%%."),
                code="above_target",
                params={"target": plain_decimal(Decimal(target) * 100)},
            )
        return minimum

    def level_fields(self):
        return [self[f"level_{code}"] for code in CLASSES]

    def supplier_fields(self):
        return [self[f"supplier_{supplier.pk}"] for supplier in self.suppliers]

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "service_policy": data["service_policy"],
            "minimum_fill_rate": data["minimum_fill_rate"],
            "default_lead_time_days": data["default_lead_time_days"],
            "default_lead_time_std_days": data["default_lead_time_std_days"],
            "service_levels": {code: float(data[f"level_{code}"]) for code in CLASSES},
            "budget": data["budget"],
            "supplier_budgets": {
                supplier.pk: data[f"supplier_{supplier.pk}"]
                for supplier in self.suppliers
                if data.get(f"supplier_{supplier.pk}") is not None
            },
            "overstock_days": data["overstock_days"],
            "stale_days": data["stale_days"],
            "alert_minimum_value": data["alert_minimum_value"],
            "digest_enabled": data["digest_enabled"],
        }
