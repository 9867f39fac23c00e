"""Support access: a store's time-boxed grant that lets platform staff change its data in the
console, and its end."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import security_event_record
from accounts.models import Merchant, SecurityEvent, SupportAccess, User
from accounts.tenancy import tenant_context

SUPPORT_ACCESS_MAX_DAYS = 14


@transaction.atomic
def support_access_grant(
    *, merchant: Merchant, days: int, actor: User, ip_address: str | None = None
) -> SupportAccess:
    """Let platform staff change the store's data in the console for ``days`` days. An
    active grant is replaced (its end moves), so there is one at a time."""
    if not 1 <= days <= SUPPORT_ACCESS_MAX_DAYS:
        raise ValidationError(
            {"days": _("Grant between 1 and %(days)s days.") % {"days": SUPPORT_ACCESS_MAX_DAYS}}
        )
    now = timezone.now()
    with tenant_context(merchant):
        _support_access_end(merchant=merchant, actor=actor, now=now)
        grant = SupportAccess.objects.create(
            merchant=merchant,
            granted_by=actor,
            created_at=now,
            expires_at=now + dt.timedelta(days=days),
        )
    security_event_record(
        merchant=merchant,
        kind=SecurityEvent.Kind.SUPPORT_ACCESS_GRANTED,
        actor=actor,
        ip_address=ip_address,
        details={"grant_id": grant.pk, "expires_at": grant.expires_at.isoformat()},
    )
    return grant


@transaction.atomic
def support_access_revoke(*, merchant: Merchant, actor: User, ip_address: str | None = None) -> int:
    """End the store's active grant now; returns how many ended (0 or 1)."""
    with tenant_context(merchant):
        ended = _support_access_end(merchant=merchant, actor=actor, now=timezone.now())
    if ended:
        security_event_record(
            merchant=merchant,
            kind=SecurityEvent.Kind.SUPPORT_ACCESS_REVOKED,
            actor=actor,
            ip_address=ip_address,
        )
    return ended


def _support_access_end(*, merchant: Merchant, actor: User, now: dt.datetime) -> int:
    return (
        SupportAccess.objects.for_merchant(merchant)
        .filter(revoked_at__isnull=True, expires_at__gt=now)
        .update(revoked_at=now, revoked_by=actor)
    )
