"""Cross-merchant alert statistics for platform staff: counts per merchant under a pseudonym
(a keyed hash of its id), so staff see where alerts pile up without seeing whose store it is,
its SKUs or its figures."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from accounts.tenancy import all_merchants_context
from planning.models import Alert

WINDOW_DAYS = 7


def pseudonym(merchant_id: int) -> str:
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"merchant:{merchant_id}".encode(), hashlib.sha256
    )
    return f"store-{digest.hexdigest()[:8]}"


@dataclass
class MerchantAlerts:
    pseudonym: str
    open_by_kind: dict[str, int] = field(default_factory=dict)
    opened_recently: int = 0
    resolved_recently: int = 0
    hours_to_resolve: float | None = None

    @property
    def open_total(self) -> int:
        return sum(self.open_by_kind.values())


def alert_statistics(now: dt.datetime | None = None) -> list[MerchantAlerts]:
    """Per merchant (pseudonymised, most open alerts first): open alerts per kind, alerts
    opened and resolved in the last `WINDOW_DAYS`, and the median hours to resolve those."""
    now = now or timezone.now()
    since = now - dt.timedelta(days=WINDOW_DAYS)
    rows: dict[int, MerchantAlerts] = {}
    durations: dict[int, list[float]] = defaultdict(list)
    # platform staff's view across merchants: only counts and durations leave this query
    with all_merchants_context():
        alerts = Alert.objects.unscoped().filter(
            ~Q(state=Alert.State.RESOLVED) | Q(resolved_at__gte=since) | Q(opened_at__gte=since)
        )
        for merchant_id, kind, state, opened_at, resolved_at in alerts.values_list(
            "merchant_id", "kind", "state", "opened_at", "resolved_at"
        ):
            row = rows.setdefault(merchant_id, MerchantAlerts(pseudonym(merchant_id)))
            if state != Alert.State.RESOLVED:
                row.open_by_kind[kind] = row.open_by_kind.get(kind, 0) + 1
            if opened_at >= since:
                row.opened_recently += 1
            if resolved_at is not None and resolved_at >= since:
                row.resolved_recently += 1
                durations[merchant_id].append((resolved_at - opened_at).total_seconds() / 3600)
    for merchant_id, hours in durations.items():
        rows[merchant_id].hours_to_resolve = round(statistics.median(hours), 1)
    return sorted(rows.values(), key=lambda row: (-row.open_total, row.pseudonym))
