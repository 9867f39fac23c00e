"""Telling merchants about alerts: webhooks (signed, retried with backoff, each event sent
once per endpoint) and a morning email digest. Both carry what the alert holds, SKU-level
aggregates, and never anything about a customer.

A webhook request is a JSON POST with the headers ``Shelfcast-Event`` (e.g. alert.opened),
``Shelfcast-Event-Id`` (the same on every retry of one event, so a receiver can drop a repeat)
and ``Shelfcast-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>" under the
endpoint's secret>``."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
import json
import secrets
import socket
import time
import urllib.error
import urllib.request
import uuid
import zoneinfo
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count
from django.template.loader import render_to_string
from django.utils import timezone

from accounts import dispatch
from accounts.errors import DomainError
from accounts.models import Membership, Merchant
from accounts.roles import Role
from accounts.tenancy import all_merchants_context, tenant_context
from planning.models import Alert, PlanningSettings, WebhookDelivery, WebhookEndpoint
from planning.services import planning_settings

MAX_ATTEMPTS = 8
FIRST_RETRY_SECONDS = 30  # then doubling: 30 s, 1 min, 2 min ... about an hour in all
TIMEOUT_SECONDS = 10
DIGEST_HOUR = 7  # local time of the morning digest
DIGEST_LINES = 25


# -- endpoints ---------------------------------------------------------------------------------
def check_url(url: str) -> None:
    """Webhooks go to the merchant's public servers: https, and (unless settings allow it, as
    in development) not to a loopback, private or link-local address, so an endpoint cannot
    reach into the network Shelfcast runs in."""
    parts = urlsplit(url)
    allow_private = getattr(settings, "WEBHOOK_ALLOW_PRIVATE_HOSTS", False)
    if parts.scheme != "https" and not (allow_private and parts.scheme == "http"):
        raise DomainError("A webhook URL must start with https://.")
    if not parts.hostname:
        raise DomainError("A webhook URL needs a host name.")
    if allow_private:
        return
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(parts.hostname, None)}
    except OSError as error:
        raise DomainError(f"The host {parts.hostname!r} cannot be resolved.") from error
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if not ip.is_global:
            raise DomainError(f"The host {parts.hostname!r} is not a public address.")


@transaction.atomic
def webhook_endpoint_create(
    *, merchant: Merchant, url: str, description: str = ""
) -> WebhookEndpoint:
    """A new endpoint with a fresh secret (shown to the merchant once, to verify signatures)."""
    check_url(url)
    if WebhookEndpoint.objects.for_merchant(merchant).filter(url=url).exists():
        raise DomainError("That URL already receives this store's webhooks.")
    return WebhookEndpoint.objects.create(
        merchant=merchant, url=url, description=description, secret=secrets.token_hex(32)
    )


@transaction.atomic
def webhook_endpoint_toggle(*, merchant: Merchant, pk: int) -> WebhookEndpoint:
    endpoint = WebhookEndpoint.objects.for_merchant(merchant).select_for_update().get(pk=pk)
    endpoint.is_active = not endpoint.is_active
    endpoint.save(update_fields=["is_active", "updated_at"])
    return endpoint


def sign(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def signature_valid(secret: str, header: str, body: bytes, tolerance: int = 300) -> bool:
    """What a receiver does with the signature header (used by the tests, and documented)."""
    fields = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(fields["t"])
    except (KeyError, ValueError):
        return False
    if abs(time.time() - timestamp) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, timestamp, body), header)


# -- events ------------------------------------------------------------------------------------
def alert_payload(alert: Alert) -> dict:
    return {
        "id": alert.pk,
        "kind": alert.kind,
        "title": alert.get_kind_display(),
        "state": alert.state,
        "sku": None if alert.sku is None else {"code": alert.sku.code, "name": alert.sku.name},
        "location": None if alert.location is None else alert.location.code,
        "details": alert.details,
        "opened_at": alert.opened_at.isoformat(),
    }


def alerts_announce(*, merchant_id: int, alert_ids: list[int]) -> int:
    """Queue an ``alert.opened`` event per new alert for every active endpoint, and send
    them. Runs after the transaction that opened the alerts has committed."""
    from planning import tasks

    merchant = Merchant.objects.get(pk=merchant_id)
    with transaction.atomic(), tenant_context(merchant):
        endpoints = list(WebhookEndpoint.objects.for_merchant(merchant).filter(is_active=True))
        if not endpoints:
            return 0
        alerts = Alert.objects.for_merchant(merchant).filter(pk__in=alert_ids)
        deliveries = [
            WebhookDelivery(
                merchant=merchant,
                endpoint=endpoint,
                event="alert.opened",
                event_id=uuid.uuid4(),
                payload=alert_payload(alert),
            )
            for alert in alerts.select_related("sku", "location")
            for endpoint in endpoints
        ]
        WebhookDelivery.objects.bulk_create(deliveries)
        ids = [delivery.pk for delivery in deliveries]
        for pk in ids:
            dispatch.send_on_commit(
                tasks.deliver_webhook_task, merchant_id=merchant_id, delivery_id=pk
            )
    return len(ids)


def webhook_deliver(*, merchant: Merchant, delivery_id: int) -> float | None:
    """Try a pending delivery once. Returns the seconds to wait before the next try, or None
    when it is done (delivered, or failed for good after `MAX_ATTEMPTS`)."""
    with transaction.atomic(), tenant_context(merchant):
        delivery = (
            WebhookDelivery.objects.for_merchant(merchant)
            .select_for_update(skip_locked=True)
            .select_related("endpoint")
            .filter(pk=delivery_id, status=WebhookDelivery.Status.PENDING)
            .first()
        )
        if delivery is None:  # delivered, given up, or another worker has it now
            return None
        body = json.dumps(
            {"event": delivery.event, "id": str(delivery.event_id), "data": delivery.payload},
            sort_keys=True,
        ).encode()
        # the URL is checked again now: its host may resolve elsewhere than at creation
        request = urllib.request.Request(  # noqa: S310 (https, or http where allowed)
            delivery.endpoint.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "User-Agent": "Shelfcast-Webhooks/1",
                "Shelfcast-Event": delivery.event,
                "Shelfcast-Event-Id": str(delivery.event_id),
                "Shelfcast-Signature": sign(delivery.endpoint.secret, int(time.time()), body),
            },
        )
        delivery.attempts += 1
        try:
            check_url(delivery.endpoint.url)
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 (checked URL)
                delivery.response_code = response.status
                delivery.last_error = ""
        except urllib.error.HTTPError as error:
            delivery.response_code, delivery.last_error = error.code, f"HTTP {error.code}"
        except DomainError as error:
            delivery.response_code, delivery.last_error = None, str(error)
        except (urllib.error.URLError, OSError) as error:
            delivery.response_code = None
            delivery.last_error = str(getattr(error, "reason", error))[:300]
        now = timezone.now()
        wait = None
        if delivery.response_code is not None and 200 <= delivery.response_code < 300:
            delivery.status, delivery.delivered_at, delivery.next_attempt_at = (
                WebhookDelivery.Status.DELIVERED, now, None,
            )  # fmt: skip
        elif delivery.attempts >= MAX_ATTEMPTS:
            delivery.status, delivery.next_attempt_at = WebhookDelivery.Status.FAILED, None
        else:
            wait = FIRST_RETRY_SECONDS * 2 ** (delivery.attempts - 1)
            delivery.next_attempt_at = now + dt.timedelta(seconds=wait)
        delivery.save()
        return wait


def due_deliveries() -> list[tuple[int, int]]:
    """(merchant id, delivery id) of pending deliveries whose retry time has passed: the sweep
    that resends them if the broker lost a delayed retry."""
    # across merchants on purpose: the sweep only collects ids, each try runs scoped
    with all_merchants_context():
        return list(
            WebhookDelivery.objects.unscoped()
            .filter(status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=timezone.now())
            .values_list("merchant_id", "pk")[:1000]
        )


def deliveries_stranded(*, queued_before: dt.datetime) -> list[tuple]:
    """The first try of each delivery created before ``queued_before`` and never tried: the
    broker was away or lost it (`accounts.dispatch`). Later tries are `due_deliveries`'."""
    from planning import tasks

    return dispatch.stranded(
        WebhookDelivery,
        tasks.deliver_webhook_task,
        "delivery_id",
        queued_before=queued_before,
        status=WebhookDelivery.Status.PENDING,
        attempts=0,
        next_attempt_at__isnull=True,
    )


# -- the morning digest ------------------------------------------------------------------------
def digest_send(*, merchant: Merchant, now: dt.datetime | None = None) -> int:
    """Email the open alerts to the merchant's owners and planners, once per local day after
    `DIGEST_HOUR`. Returns the number of emails sent."""
    now = now or timezone.now()
    local = now.astimezone(zoneinfo.ZoneInfo(merchant.timezone))
    if local.hour < DIGEST_HOUR:
        return 0
    with transaction.atomic(), tenant_context(merchant):
        preferences = planning_settings(merchant)
        preferences = (
            PlanningSettings.objects.for_merchant(merchant)
            .select_for_update()
            .get(pk=preferences.pk)
        )
        if not preferences.digest_enabled or preferences.digest_sent_on == local.date():
            return 0
        open_alerts = Alert.objects.for_merchant(merchant).filter(state=Alert.State.OPEN)
        counts = {
            row["kind"]: row["count"]
            for row in open_alerts.values("kind").annotate(count=Count("pk"))
        }
        preferences.digest_sent_on = local.date()
        preferences.save(update_fields=["digest_sent_on", "updated_at"])
        if not counts:
            return 0
        recipients = sorted(
            email
            for email in Membership.objects.for_merchant(merchant)
            .filter(role__in=[Role.OWNER, Role.PLANNER], user__is_active=True)
            .values_list("user__email", flat=True)
            if email
        )
        if not recipients:
            return 0
        lines = [
            alert_payload(alert)
            for alert in open_alerts.select_related("sku", "location").order_by(
                "kind", "-opened_at", "-pk"
            )[:DIGEST_LINES]
        ]
        context = {
            "merchant": merchant,
            "counts": [(Alert.Kind(kind).label, count) for kind, count in sorted(counts.items())],
            "total": sum(counts.values()),
            "alerts": lines,
            "link": f"{settings.PORTAL_BASE_URL}/m/{merchant.slug}/planning/alerts/",
        }
        body = render_to_string("planning/email/digest.txt", context)
        subject = f"{merchant.name}: {context['total']} open alert(s)"
        transaction.on_commit(
            lambda: send_mail(subject, body, None, recipients, fail_silently=False)
        )
    return 1
