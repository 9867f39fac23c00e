"""What the plan's orders were expected to leave short beside what they did: the record the
plan's calibration learns from (`planning.calibration`)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from accounts.tenancy import TenantOwned


class ShortfallRecord(TenantOwned):
    """One review's plan: per series, the position it was planned from, the order chosen
    (nothing where no order was needed), the units that order was expected to leave short
    (before calibration), the lead time it was planned on and the forecast's mean daily
    demand. Once the review period after a series' order arrived has passed, the series is
    judged: per service class, its units expected short, the units the order would have left
    short against the demand that came and the units demanded in the period are added to the
    record's sums, and its columns are dropped; the record is settled when the slowest
    order's period has passed. It keeps the fill rates the orders were planned for: the scale
    is learnt from the reviews planned as the plan is set today, the others counting only as
    its prior."""

    made_on = models.DateField(help_text="The day the orders were planned for.")
    settles_on = models.DateField(
        help_text="The first day after the review period that follows the slowest arrival."
    )
    review_days = models.PositiveSmallIntegerField()
    service_policy = models.CharField(
        max_length=16,
        blank=True,
        default="",
        help_text="How the fill rate was set when the orders were planned: for the store as a "
        "whole or per class (blank: kept before the plan recorded it).",
    )
    targets = models.JSONField(
        default=dict,
        blank=True,
        help_text="Service class -> the fill rate its series were planned for (the store's "
        "target under every class where one target served the whole store).",
    )
    series = models.JSONField(
        default=dict, blank=True, help_text="Column -> one value per series, until settled."
    )
    expected = models.JSONField(
        default=dict, blank=True, help_text="Service class -> units expected short."
    )
    actual = models.JSONField(
        default=dict, blank=True, help_text="Service class -> units the orders left short."
    )
    demanded = models.JSONField(
        default=dict,
        blank=True,
        help_text="Service class -> units demanded in the review periods the orders protected "
        "(empty: settled before the plan kept it).",
    )
    settled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-made_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["merchant", "made_on"], name="shortfall_record_unique")
        ]

    def __str__(self) -> str:
        return f"Shortfall record of {self.made_on}"
