"""Bulk actions on the orders page run as jobs: approving, rejecting, deferring or editing
every line a filter matches on a large store takes seconds, too long to hold a page."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from accounts.tenancy import TenantOwned
from forecasting.models import RunFields


class SuggestionBulkAction(RunFields, TenantOwned):
    """One decision on many lines (`planning.suggestions.bulk`): the lines chosen when it was
    asked for (``line_ids``), what to do with them (``decision`` and its ``parameters``), how
    far it has got (``lines_done`` of ``lines_total``) and what it did (``result``).

    ``request_key`` comes from the form the planner sent: the same form sent again (a
    retried POST, a double click) finds this job instead of queueing a second."""

    decision = models.CharField(max_length=16)
    parameters = models.JSONField(default=dict, blank=True)
    line_filter = models.JSONField(default=dict, blank=True, help_text="The page's filter.")
    line_ids = models.JSONField(default=list, blank=True)
    lines_total = models.PositiveIntegerField(default=0)
    lines_done = models.PositiveIntegerField(default=0)
    result = models.JSONField(default=dict, blank=True)
    request_key = models.CharField(max_length=64, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["merchant", "request_key"],
                condition=~models.Q(request_key=""),
                name="suggestionbulkaction_request_key",
            )
        ]
        indexes = [models.Index(fields=["merchant", "status"], name="suggestionbulk_status_idx")]

    def __str__(self) -> str:
        return f"Bulk {self.decision} {self.pk} ({self.status})"
