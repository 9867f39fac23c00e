"""Writes of alerts. Each forecast run opens, updates and closes the alerts of its series
(projected stock-out, overstock, demand anomaly, forecast bias); a periodic check does the
same for the merchant as a whole (stale data, a failed job). Merchants acknowledge, snooze
and resolve them.

Each alert carries the money at risk, worked out when its cause is found and stored with a
short basis, so that the inbox, the digest and the API can put the largest first:

- projected stock-out: the margin lost, expected units short over the days without stock
  (from the demand paths of the forecast the alert comes from) x (price - cost); at the price
  when no cost is known, which the basis says.
- overstock: the capital tied up, the units beyond the overstock limit x cost (the price when
  no cost is known, said so).
- forecast bias: what the miss costs over the next `STOCK_OUT_DAYS` if orders follow the
  forecast: its average daily miss x those days, valued at the margin when it forecasts too
  low (sales lost) and at cost when too high (stock bought for nothing).
- demand anomaly, stale data, failed job: not valued (0, no basis). A single day's surprise
  carries no money by itself, and the merchant-wide kinds make every other figure suspect.

Valued alerts worth less than the store's `alert_minimum_value` are not raised; an open one
whose value falls below it closes as if its cause had gone. Alerts that cannot be valued (no
price known, or a kind that is never valued) are always raised.

Alerts hold SKU-level aggregates only (units, money, dates, probabilities, counts of days),
never anything about a customer: they travel on into emails and webhooks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts.errors import DomainError
from accounts.models import Merchant, User
from core import workflow_events
from forecasting.models import ForecastRun
from planning import alert_causes
from planning.models import Alert
from planning.notifications import alert_payload
from planning.preferences.selectors import planning_settings

SERIES_KINDS = (Alert.Kind.STOCK_OUT, Alert.Kind.OVERSTOCK, Alert.Kind.ANOMALY, Alert.Kind.BIAS)
MERCHANT_KINDS = (Alert.Kind.STALE_DATA, Alert.Kind.FAILED_JOB)


@dataclass
class AlertCounts:
    opened: int = 0
    updated: int = 0
    resolved: int = 0
    opened_ids: list[int] = field(default_factory=list)
    below_minimum: int = 0  # causes found but worth less than the store's minimum


def _reconcile(
    merchant: Merchant,
    found: dict[alert_causes.Key, alert_causes.Cause],
    *,
    kinds: tuple[str, ...],
    today: dt.date,
    run: ForecastRun | None = None,
) -> AlertCounts:
    """Open an alert for each new cause, update those found again (an acknowledged or snoozed
    one keeps its state; a snooze that has ended opens again), resolve the unresolved alerts of
    ``kinds`` whose cause is gone. A valued cause worth less than the store's minimum counts
    as gone. New alerts are announced once the transaction commits."""
    now = timezone.now()
    minimum = planning_settings(merchant=merchant).alert_minimum_value
    counts = AlertCounts()
    for key in [key for key, cause in found.items() if cause.valued]:
        if found[key].money_at_risk < minimum:
            del found[key]
            counts.below_minimum += 1
    unresolved = {
        (alert.sku_id, alert.location_id, alert.kind): alert
        for alert in Alert.objects.for_merchant(merchant)
        .select_for_update()
        .filter(kind__in=kinds)
        .exclude(state=Alert.State.RESOLVED)
    }
    for key, cause in found.items():
        alert = unresolved.pop(key, None)
        if alert is None:
            alert = Alert.objects.create(
                merchant=merchant, sku_id=key[0], location_id=key[1], kind=key[2],
                forecast_run=run, details=cause.details, money_at_risk=cause.money_at_risk,
                money_basis=cause.money_basis, supplier_id=cause.supplier_id,
                money_basis_parameters=cause.money_basis_parameters,
            )  # fmt: skip
            counts.opened += 1
            counts.opened_ids.append(alert.pk)
            continue
        alert.details = cause.details
        alert.money_at_risk, alert.money_basis = cause.money_at_risk, cause.money_basis
        alert.money_basis_parameters = cause.money_basis_parameters
        alert.supplier_id = cause.supplier_id
        alert.forecast_run = run if run is not None else alert.forecast_run
        if alert.state == Alert.State.SNOOZED and (
            alert.snoozed_until is None or alert.snoozed_until <= today
        ):
            alert.state, alert.snoozed_until = Alert.State.OPEN, None
        alert.save()
        counts.updated += 1
    for alert in unresolved.values():  # the cause went away
        alert.state, alert.resolved_at = Alert.State.RESOLVED, now
        alert.save(update_fields=["state", "resolved_at", "updated_at"])
        counts.resolved += 1
    _alerts_emit(merchant, "alert.opened", counts.opened_ids)
    _alerts_emit(merchant, "alert.resolved", [alert.pk for alert in unresolved.values()])
    return counts


def _alerts_emit(merchant: Merchant, event_type: str, ids: list[int]) -> None:
    """An event per alert of ``ids`` once the transaction commits (webhooks)."""
    if not ids:
        return
    alerts = (
        Alert.objects.for_merchant(merchant)
        .filter(pk__in=ids)
        .select_related("sku", "location")
        .order_by("pk")
    )
    workflow_events.emit_many(
        merchant_id=merchant.pk,
        event_type=event_type,
        items=[alert_payload(alert) for alert in alerts],
    )


@transaction.atomic
def alerts_refresh(*, merchant: Merchant, run: ForecastRun) -> AlertCounts:
    """The alerts of the run's series: projected stock-out, overstock, demand anomaly and
    forecast bias."""
    today = run.history_end or timezone.localdate()
    economics = alert_causes.economics(merchant)
    found = alert_causes.stock_causes(merchant, run, today, economics)
    found.update(alert_causes.forecast_causes(merchant, run))
    first = today + dt.timedelta(days=1)
    valued = {
        key: alert_causes.valued(key, details, economics, first) for key, details in found.items()
    }
    return _reconcile(merchant, valued, kinds=SERIES_KINDS, today=today, run=run)


@transaction.atomic
def merchant_alerts_refresh(*, merchant: Merchant, now: dt.datetime | None = None) -> AlertCounts:
    """The merchant-wide alerts: stale data and failed jobs."""
    now = now or timezone.now()
    found = {
        key: alert_causes.Cause(details)
        for key, details in alert_causes.merchant_causes(merchant, now).items()
    }
    return _reconcile(merchant, found, kinds=MERCHANT_KINDS, today=now.date())


# -- the merchant's actions --------------------------------------------------------------------
ACKNOWLEDGE, SNOOZE, RESOLVE = "acknowledge", "snooze", "resolve"
ACTIONS = (ACKNOWLEDGE, SNOOZE, RESOLVE)


@transaction.atomic
def alerts_act(
    *,
    merchant: Merchant,
    pks: list[int],
    action: str,
    actor: User | None,
    until: dt.date | None = None,
) -> int:
    """Acknowledge, snooze (until a later day) or resolve unresolved alerts. A resolved
    alert whose cause is still there is opened anew by the next check."""
    if action not in ACTIONS:
        raise DomainError(
            gettext("Unknown action %(action)s: use %(values)s.")
            % {"action": repr(action), "values": ", ".join(ACTIONS)}
        )
    if action == SNOOZE and (until is None or until <= timezone.localdate()):
        raise DomainError(gettext("Snooze until a day after today."))
    now = timezone.now()
    changed = 0
    resolved: list[int] = []
    for alert in (
        Alert.objects.for_merchant(merchant)
        .select_for_update()
        .filter(pk__in=pks)
        .exclude(state=Alert.State.RESOLVED)
    ):
        alert.handled_by, alert.handled_at = actor, now
        alert.snoozed_until = until if action == SNOOZE else None
        if action == ACKNOWLEDGE:
            alert.state = Alert.State.ACKNOWLEDGED
        elif action == SNOOZE:
            alert.state = Alert.State.SNOOZED
        else:
            alert.state, alert.resolved_at = Alert.State.RESOLVED, now
            resolved.append(alert.pk)
        alert.save()
        changed += 1
    _alerts_emit(merchant, "alert.resolved", resolved)
    return changed
