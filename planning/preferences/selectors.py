"""Reads of the store's planning settings: the one way every planning step reads them."""

from __future__ import annotations

from accounts.models import Merchant
from planning.models import PlanningSettings


def planning_settings(*, merchant: Merchant) -> PlanningSettings:
    """The merchant's settings, or the defaults (unsaved) when none were set yet."""
    found = PlanningSettings.objects.for_merchant(merchant).first()
    return found if found is not None else PlanningSettings(merchant=merchant)
