"""Webhook endpoints of a store and the log of what was delivered to them."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.tenancy import TenantOwned
from core.workflow_events import EVENT_TYPES


def every_event_type() -> list[str]:
    """What a new webhook endpoint subscribes to: every event of the workflow."""
    return list(EVENT_TYPES)


class WebhookEndpoint(TenantOwned):
    """A URL of the merchant's that receives the workflow's events as JSON, signed with
    HMAC-SHA256 of the body under the endpoint's secret (header ``Shelfcast-Signature``)."""

    url = models.URLField(max_length=500)
    secret = models.CharField(max_length=64, editable=False)
    is_active = models.BooleanField(default=True)
    event_types = models.JSONField(
        default=every_event_type,
        blank=True,
        help_text="The event types it receives (accounts.workflow_events.EVENT_TYPES).",
    )
    description = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["merchant", "url"], name="webhook_url_once")]

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(TenantOwned):
    """One event for one endpoint, tried until it is delivered or its attempts run out. The
    event id is sent with it, so a receiver can drop a delivery it already has."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(max_length=40)
    event_id = models.UUIDField()
    payload = models.JSONField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # Each attempt changes the delivery: an API client follows them with `updated_since`.
    updated_at = models.DateTimeField(auto_now=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "webhook deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["merchant", "endpoint", "event_id"], name="webhook_delivery_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.event} to {self.endpoint_id} ({self.status})"
