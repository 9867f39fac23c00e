"""Policy replays, and the service health the console keeps on the same run fields."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from accounts.tenancy import TenantOwned
from forecasting.models import RunFields


class PolicyReplay(RunFields, TenantOwned):
    """A replay of the store's recent history under our ordering policy, the same policy with
    seasonal-naive forecasts and an ERP's min/max (`planning.replays.replay`): the proof, on the
    store's own data, of what the suggestions would have done."""

    days = models.PositiveSmallIntegerField(default=84, help_text="Days replayed.")
    warm_up_days = models.PositiveSmallIntegerField(default=28)
    review_days = models.PositiveSmallIntegerField(default=7)
    series_count = models.PositiveIntegerField(default=0)
    reviews_done = models.PositiveSmallIntegerField(default=0)
    reviews_total = models.PositiveSmallIntegerField(default=0)
    figures = models.JSONField(default=dict, blank=True, help_text="Policy -> its outcome.")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Policy replay {self.pk} ({self.status})"


class ServiceHealth(PolicyReplay):
    """The console's cross-merchant health page (queues, jobs, merchants pseudonymised); a
    proxy only so that the page has its place in the console (planning.admin)."""

    class Meta:
        proxy = True
        verbose_name = "service health"
        verbose_name_plural = "service health"
