"""Telling merchants what happened by webhook: signed, retried with backoff, each event sent
once per endpoint. A webhook carries ids, codes, counts, states and SKU-level aggregates, and
never anything about a customer (the morning email digest of the alerts: `planning.digest`).

A webhook request is a JSON POST of ``{"event": <type>, "id": <event id>, "created_at":
<ISO 8601>, "data": {...}}`` (the types and what they say: `core.workflow_events`; the
data is at most `core.workflow_events.MAX_DATA_BYTES`) with the headers
``Shelfcast-Event`` (e.g. alert.opened), ``Shelfcast-Event-Id`` (the same on every retry of
one event, so a receiver can drop a repeat) and ``Shelfcast-Signature: t=<unix time>,v1=<hex
HMAC-SHA256 of "<t>.<body>" under the endpoint's secret>``. A receiver checks the signature
against the body exactly as received, and refuses a timestamp more than a few minutes old
(`signature_valid`). A try that is not answered 2xx is tried again after 30 s, 1 min, 2 min
... (doubling), `MAX_ATTEMPTS` tries in all, then the delivery is failed. Each try goes only
to a public address of the URL's host, looked up for that try (`planning.webhook_targets`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import http.client
import json
import secrets
import time

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts import quotas
from accounts.errors import DomainError
from accounts.models import Merchant
from accounts.tenancy import all_merchants_context, tenant_context
from core import dispatch
from planning.models import Alert, WebhookDelivery, WebhookEndpoint
from planning.webhook_events import event_types_checked
from planning.webhook_targets import check_url, post, webhook_target

MAX_ATTEMPTS = 8
FIRST_RETRY_SECONDS = 30  # then doubling: 30 s, 1 min, 2 min ... about an hour in all


@transaction.atomic
def webhook_endpoint_create(
    *,
    merchant: Merchant,
    url: str,
    description: str = "",
    event_types: list[str] | None = None,
) -> WebhookEndpoint:
    """A new endpoint with a fresh secret (shown to the merchant once, to verify signatures),
    receiving ``event_types`` (None: every type). A store has at most WEBHOOK_MAX_ENDPOINTS
    (on or off), counted under its row lock."""
    check_url(url)
    chosen = {} if event_types is None else {"event_types": event_types_checked(event_types)}
    quotas.hold(merchant)
    endpoints = WebhookEndpoint.objects.for_merchant(merchant)
    if endpoints.filter(url=url).exists():
        raise DomainError(gettext("That URL already receives this store's webhooks."))
    count, limit = endpoints.count(), settings.WEBHOOK_MAX_ENDPOINTS
    if count >= limit:
        raise quotas.QuotaExceeded(
            gettext(
                "This store has %(count)s webhook endpoints and may have at most "
                "%(limit)s: delete one it no longer needs (DELETE "
                "/api/v1/webhook-endpoints/<id>/), then add this one."
            )
            % {"count": count, "limit": limit},
            quota="webhook_endpoints",
            limit=limit,
        )
    return WebhookEndpoint.objects.create(
        merchant=merchant,
        url=url,
        description=description,
        secret=secrets.token_hex(32),
        **chosen,
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
        "money_at_risk": f"{alert.money_at_risk:.2f}",
        "money_basis": alert.money_basis,
        "details": alert.details,
        "opened_at": alert.opened_at.isoformat(),
        "resolved_at": alert.resolved_at.isoformat() if alert.resolved_at else None,
    }


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
        body, headers = _signed_request(delivery)
        delivery.attempts += 1
        _attempt(delivery, body, headers)
        wait = _after_attempt(delivery, timezone.now())
        delivery.save()
        return wait


def _signed_request(delivery: WebhookDelivery) -> tuple[bytes, dict[str, str]]:
    """The body and headers of one try, signed now under the endpoint's secret."""
    body = json.dumps(
        {
            "event": delivery.event,
            "id": str(delivery.event_id),
            "created_at": delivery.created_at.isoformat(),
            "data": delivery.payload,
        },
        sort_keys=True,
    ).encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Shelfcast-Webhooks/1",
        "Shelfcast-Event": delivery.event,
        "Shelfcast-Event-Id": str(delivery.event_id),
        "Shelfcast-Signature": sign(delivery.endpoint.secret, int(time.time()), body),
    }
    return body, headers


def _attempt(delivery: WebhookDelivery, body: bytes, headers: dict[str, str]) -> None:
    """Post once; the answer's code and what went wrong, if anything, go on ``delivery``
    (unsaved)."""
    try:
        # looked up and checked again on every attempt: the host may resolve elsewhere
        # than at creation, and the connection goes where this check looked
        target = webhook_target(delivery.endpoint.url)
        status = post(target, body, headers)
    except DomainError as error:
        delivery.response_code, delivery.last_error = None, str(error)[:300]
    except (OSError, http.client.HTTPException) as error:
        delivery.response_code, delivery.last_error = None, (str(error) or repr(error))[:300]
    else:
        delivery.response_code = status
        if 200 <= status < 300:
            delivery.last_error = ""
        elif 300 <= status < 400:
            delivery.last_error = f"HTTP {status}: redirects are not followed"
        else:
            delivery.last_error = f"HTTP {status}"


def _after_attempt(delivery: WebhookDelivery, now: dt.datetime) -> float | None:
    """The delivery's state after a try (unsaved): delivered on a 2xx answer, failed after
    `MAX_ATTEMPTS`, else pending with its next try after the backoff, whose seconds are
    returned."""
    if delivery.response_code is not None and 200 <= delivery.response_code < 300:
        delivery.status, delivery.delivered_at, delivery.next_attempt_at = (
            WebhookDelivery.Status.DELIVERED, now, None,
        )  # fmt: skip
        return None
    if delivery.attempts >= MAX_ATTEMPTS:
        delivery.status, delivery.next_attempt_at = WebhookDelivery.Status.FAILED, None
        return None
    wait = FIRST_RETRY_SECONDS * 2 ** (delivery.attempts - 1)
    delivery.next_attempt_at = now + dt.timedelta(seconds=wait)
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
    broker was away or lost it (`core.dispatch`). Later tries are `due_deliveries`'."""

    return dispatch.stranded(
        WebhookDelivery,
        "planning.deliver_webhook_task",
        "delivery_id",
        queued_before=queued_before,
        status=WebhookDelivery.Status.PENDING,
        attempts=0,
        next_attempt_at__isnull=True,
    )
