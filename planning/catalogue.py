"""The catalogue's filters that planning knows of: a SKU's service class and its open alerts.
The catalogue list (inventory) finds them through ``settings.SKU_LIST_FILTERS`` and applies
them without importing planning."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import Merchant
from planning.models import DEFAULT_SERVICE_LEVELS, Alert, SkuClass


@dataclass(frozen=True)
class SkuFilter:
    name: str  # the query parameter
    label: str
    choices: list[tuple[str, str]]  # (value, label); the empty value means "all"
    apply: Callable[[QuerySet, str], QuerySet]


ALERT_CHOICES = [
    ("any", _("Any open alert")),
    (Alert.Kind.STOCK_OUT, _("Stock-out expected")),
    (Alert.Kind.OVERSTOCK, Alert.Kind.OVERSTOCK.label),
    (Alert.Kind.ANOMALY, Alert.Kind.ANOMALY.label),
    (Alert.Kind.BIAS, Alert.Kind.BIAS.label),
    ("none", _("No open alert")),
]


def sku_filters(merchant: Merchant) -> list[SkuFilter]:
    def by_class(skus: QuerySet, value: str) -> QuerySet:
        return skus.filter(
            Exists(
                SkuClass.objects.for_merchant(merchant).filter(
                    sku=OuterRef("pk"), service_class=value
                )
            )
        )

    def by_alert(skus: QuerySet, value: str) -> QuerySet:
        open_alerts = Alert.objects.for_merchant(merchant).filter(
            sku=OuterRef("pk"), state=Alert.State.OPEN
        )
        if value == "none":
            return skus.exclude(Exists(open_alerts))
        if value != "any":
            open_alerts = open_alerts.filter(kind=value)
        return skus.filter(Exists(open_alerts))

    return [
        SkuFilter(
            "class",
            _("Class"),
            [(code, code) for code in DEFAULT_SERVICE_LEVELS],
            by_class,
        ),
        SkuFilter("alert", _("Alerts"), [(str(v), label) for v, label in ALERT_CHOICES], by_alert),
    ]
