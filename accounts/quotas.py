"""Per-merchant quotas on what one store may hold at once, so that no store fills a resource
the others share: its open imports (IMPORT_MAX_OPEN_JOBS, inventory/ingest/imports.py) and
its webhook endpoints (WEBHOOK_MAX_ENDPOINTS, planning/notifications.py).

A quota is counted and taken under a lock on the merchant's row, held until the transaction
ends, so two requests of one store at once cannot both take its last place. The limits on
rates and sizes (requests a minute, rows a batch, series a forecast) are enforced where that
work happens; docs/security.md lists them all."""

from __future__ import annotations

from typing import Any

from accounts.errors import DomainError
from accounts.models import Merchant


class QuotaExceeded(DomainError):
    """A 400 naming the quota reached and its limit; the message says what to do."""

    problem_type = "quota-exceeded"

    def __init__(self, message: str, *, quota: str, limit: int):
        self.quota = quota
        self.limit = limit
        super().__init__(message)

    def response_data(self) -> dict[str, Any]:
        return {"detail": str(self), "quota": self.quota, "limit": self.limit}


def hold(merchant: Merchant) -> None:
    """Until the transaction ends, hold the merchant's row: another quota check of the same
    store waits here until this one's count includes what it added (PostgreSQL; SQLite
    serialises writers)."""
    Merchant.objects.select_for_update().filter(pk=merchant.pk).values_list("pk").first()
