"""Fields that several planning tables declare alike. Functions rather than an abstract base,
so that each field keeps its place among the model's own (forms, the console and the API list
fields in that order)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


def acted_by(help_text: str = "") -> models.ForeignKey:
    """The person who last decided or handled the row; the row outlives their account."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=help_text,
    )
