"""The morning email digest: the open alerts of a store, emailed once per local day to its
owners and planners, each in the language they chose for the portal. It carries codes,
counts, states and SKU-level aggregates, and never anything about a customer."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, QuerySet, Sum
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.functional import lazy
from django.utils.translation import gettext, ngettext

from accounts.formatting import format_money
from accounts.models import Membership, Merchant
from accounts.roles import Role
from accounts.tenancy import tenant_context
from planning.models import Alert
from planning.notifications import alert_payload
from planning.preferences.services import planning_settings_locked

DIGEST_HOUR = 7  # local time of the morning digest
DIGEST_LINES = 25


def digest_send(*, merchant: Merchant, now: dt.datetime | None = None) -> int:
    """Email the open alerts to the merchant's owners and planners, once per local day after
    `DIGEST_HOUR`, the most money at risk first. Returns the number of emails sent. Marks the
    day as sent even when there is nothing to send; the emails leave once the transaction
    commits."""
    now = now or timezone.now()
    local = now.astimezone(zoneinfo.ZoneInfo(merchant.timezone))
    if local.hour < DIGEST_HOUR:
        return 0
    with transaction.atomic(), tenant_context(merchant):
        preferences = planning_settings_locked(merchant=merchant)
        if not preferences.digest_enabled or preferences.digest_sent_on == local.date():
            return 0
        open_alerts = Alert.objects.for_merchant(merchant).filter(state=Alert.State.OPEN)
        counts, at_risk = _open_alert_counts(open_alerts)
        preferences.digest_sent_on = local.date()
        preferences.save(update_fields=["digest_sent_on", "updated_at"])
        if not counts:
            return 0
        recipients = _recipients_by_language(merchant)
        if not recipients:
            return 0
        context = _digest_context(merchant, open_alerts, counts, at_risk)
        for language, emails in recipients.items():
            with translation.override(language):
                subject, body = _digest_email(merchant, context)
            transaction.on_commit(
                lambda subject=subject, body=body, emails=emails: send_mail(
                    subject, body, None, emails, fail_silently=False
                )
            )
    return 1


def _open_alert_counts(open_alerts: QuerySet[Alert]) -> tuple[dict[str, int], Decimal]:
    """The open alerts counted by kind, and the money they put at risk in all."""
    counts, at_risk = {}, Decimal("0")
    for row in open_alerts.values("kind").annotate(count=Count("pk"), money=Sum("money_at_risk")):
        counts[row["kind"]] = row["count"]
        at_risk += row["money"] or 0
    return counts, at_risk


def _recipients_by_language(merchant: Merchant) -> dict[str, list[str]]:
    """The emails of the store's active owners and planners, by the language each chose for
    the portal (the site's language where none is chosen)."""
    recipients: dict[str, list[str]] = {}
    for email, language in sorted(
        Membership.objects.for_merchant(merchant)
        .filter(role__in=[Role.OWNER, Role.PLANNER], user__is_active=True)
        .values_list("user__email", "user__language")
    ):
        if email:
            recipients.setdefault(language or settings.LANGUAGE_CODE, []).append(email)
    return recipients


def _digest_context(
    merchant: Merchant, open_alerts: QuerySet[Alert], counts: dict[str, int], at_risk: Decimal
) -> dict:
    """What the digest's template shows: the counts by kind and the `DIGEST_LINES` alerts with
    the most money at risk."""
    # The context is built once and rendered in each recipient's language: the words of each
    # line are lazy, put into that language as the template reads them.
    lines = [
        {
            **alert_payload(alert),
            "title": Alert.Kind(alert.kind).label,
            "money_basis": lazy(lambda alert=alert: alert.money_basis_text, str)(),
        }
        for alert in open_alerts.select_related("sku", "location").order_by(
            "-money_at_risk", "-opened_at", "-pk"
        )[:DIGEST_LINES]
    ]
    return {
        "merchant": merchant,
        "counts": [(Alert.Kind(kind).label, count) for kind, count in sorted(counts.items())],
        "total": sum(counts.values()),
        "at_risk": at_risk,
        "alerts": lines,
        "link": f"{settings.PORTAL_BASE_URL}/m/{merchant.slug}/planning/alerts/",
    }


def _digest_email(merchant: Merchant, context: dict) -> tuple[str, str]:
    """The subject and body of the digest in the active language."""
    body = render_to_string("planning/email/digest.txt", context)
    subject = ngettext(
        "%(store)s: %(count)d open alert",
        "%(store)s: %(count)d open alerts",
        context["total"],
    ) % {"store": merchant.name, "count": context["total"]}
    if context["at_risk"] > 0:
        subject += gettext(", %(money)s at risk") % {
            "money": format_money(context["at_risk"], merchant.currency)
        }
    return subject, body
