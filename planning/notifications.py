"""Telling merchants what happened: webhooks (signed, retried with backoff, each event sent
once per endpoint) and a morning email digest of the alerts. Both carry ids, codes, counts,
states and SKU-level aggregates, and never anything about a customer.

A webhook request is a JSON POST of ``{"event": <type>, "id": <event id>, "created_at":
<ISO 8601>, "data": {...}}`` (the types and what they say: `accounts.workflow_events`; the
data is at most `accounts.workflow_events.MAX_DATA_BYTES`) with the headers
``Shelfcast-Event`` (e.g. alert.opened), ``Shelfcast-Event-Id`` (the same on every retry of
one event, so a receiver can drop a repeat) and ``Shelfcast-Signature: t=<unix time>,v1=<hex
HMAC-SHA256 of "<t>.<body>" under the endpoint's secret>``. A receiver checks the signature
against the body exactly as received, and refuses a timestamp more than a few minutes old
(`signature_valid`). A try that is not answered 2xx is tried again after 30 s, 1 min, 2 min
... (doubling), `MAX_ATTEMPTS` tries in all, then the delivery is failed.

A webhook URL is the merchant's, so it must not become a way into the network Shelfcast runs
in. Each attempt looks its host up once, refuses it unless every address found is public
(`address_is_public`), and connects to one of exactly those addresses: the Host header and,
for https, the certificate check still use the URL's name, and nothing looks the name up
again, so a name that answers differently on a second lookup (DNS rebinding) reaches nothing
new. A redirect is never followed: a 3xx answer is a failed attempt."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import http.client
import ipaddress
import json
import secrets
import socket
import ssl
import time
import zoneinfo
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, Sum
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from accounts import dispatch, quotas
from accounts.errors import DomainError
from accounts.formatting import format_money
from accounts.models import Membership, Merchant
from accounts.roles import Role
from accounts.tenancy import all_merchants_context, tenant_context
from planning.models import Alert, PlanningSettings, WebhookDelivery, WebhookEndpoint
from planning.services import planning_settings
from planning.webhook_events import event_types_checked

MAX_ATTEMPTS = 8
FIRST_RETRY_SECONDS = 30  # then doubling: 30 s, 1 min, 2 min ... about an hour in all
TIMEOUT_SECONDS = 10
DIGEST_HOUR = 7  # local time of the morning digest
DIGEST_LINES = 25


# -- where webhooks may go ---------------------------------------------------------------------
# Addresses no webhook reaches, whatever name leads to them: IANA's special-purpose ranges and
# the cloud metadata services. Python's own `is_global` is asked too, but its lists change
# between versions and miss some of these (multicast, 6to4, NAT64, Azure's host endpoint).
BLOCKED_NETWORKS = tuple(
    ipaddress.ip_network(network)
    for network in (
        "0.0.0.0/8",  # "this network"
        "10.0.0.0/8",  # private
        "100.64.0.0/10",  # shared (carrier NAT); Alibaba Cloud's metadata is 100.100.100.200
        "127.0.0.0/8",  # loopback
        "169.254.0.0/16",  # link-local: instance metadata (169.254.169.254) of most clouds
        "172.16.0.0/12",  # private
        "192.0.0.0/24",  # IETF protocol assignments
        "192.0.2.0/24",  # documentation
        "192.88.99.0/24",  # 6to4 relays
        "192.168.0.0/16",  # private
        "198.18.0.0/15",  # benchmarking
        "198.51.100.0/24",  # documentation
        "203.0.113.0/24",  # documentation
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, and the broadcast address
        "168.63.129.16/32",  # Azure's host endpoint (metadata relay), on a public-looking address
        "::/8",  # unspecified, loopback, IPv4-compatible and NAT64 (64:ff9b::/96): IPv4 inside
        "100::/64",  # discard
        "2001::/23",  # IETF protocol assignments, Teredo (2001::/32) among them
        "2001:db8::/32",  # documentation
        "2002::/16",  # 6to4: leads to an IPv4 address
        "3fff::/20",  # documentation
        "5f00::/16",  # segment routing
        "fc00::/7",  # unique-local; AWS's metadata is fd00:ec2::254
        "fe80::/10",  # link-local
        "fec0::/10",  # site-local
        "ff00::/8",  # multicast
    )
)
IPV6_GLOBAL_UNICAST = ipaddress.ip_network("2000::/3")  # the only IPv6 space handed out


def address_is_public(address: str) -> bool:
    """Whether a webhook may connect to ``address`` (an IPv4 or IPv6 address as text)."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # the IPv4 address a connection to it reaches
    if ip.version == 6 and ip not in IPV6_GLOBAL_UNICAST:
        return False
    return ip.is_global and not any(ip in network for network in BLOCKED_NETWORKS)


@dataclass(frozen=True)
class WebhookTarget:
    """Where one attempt posts: the URL's parts, and the addresses its host had when looked up
    for this attempt, every one of them checked."""

    scheme: str
    host: str
    port: int
    path: str  # with its query
    addresses: tuple[str, ...]


def webhook_target(url: str) -> WebhookTarget:
    """Check ``url`` and look its host up, once: https, a host name, and (unless settings
    allow it, as in development and tests) every address of the host public, so an endpoint
    cannot reach into the network Shelfcast runs in. Raises DomainError saying what is
    wrong."""
    parts = urlsplit(url)
    allow_private = getattr(settings, "WEBHOOK_ALLOW_PRIVATE_HOSTS", False)
    if parts.scheme != "https" and not (allow_private and parts.scheme == "http"):
        raise DomainError(gettext("A webhook URL must start with https://."))
    host = parts.hostname
    if not host:
        raise DomainError(gettext("A webhook URL needs a host name."))
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as error:
        raise DomainError(gettext("The webhook URL's port is not a valid port number.")) from error
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise DomainError(
            gettext("The host %(host)s cannot be resolved.") % {"host": repr(host)}
        ) from error
    addresses = tuple(dict.fromkeys(str(info[4][0]) for info in found))
    if not addresses:
        raise DomainError(gettext("The host %(host)s cannot be resolved.") % {"host": repr(host)})
    if not allow_private and not all(address_is_public(address) for address in addresses):
        raise DomainError(
            gettext(
                "The host %(host)s is not a public address: webhooks go to servers on "
                "the internet, never to private, loopback, link-local, multicast or "
                "cloud metadata addresses."
            )
            % {"host": repr(host)}
        )
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return WebhookTarget(parts.scheme, host, port, path, addresses)


def check_url(url: str) -> None:
    """Raise DomainError unless ``url`` may receive webhooks now (see `webhook_target`)."""
    webhook_target(url)


def _connect_pinned(addresses: tuple[str, ...], port: int, timeout: float) -> socket.socket:
    """A connection to the first of the checked ``addresses`` that answers; the host name is
    never looked up here."""
    error: OSError = OSError("no address to connect to")
    for address in addresses:
        try:
            return socket.create_connection((address, port), timeout)
        except OSError as failure:
            error = failure
    raise error


class PinnedHTTPConnection(http.client.HTTPConnection):
    """HTTP to the addresses checked for this attempt; the Host header names the URL's host."""

    def __init__(self, target: WebhookTarget, *, timeout: float):
        super().__init__(target.host, target.port, timeout=timeout)
        self.addresses = target.addresses

    def connect(self):
        self.sock = _connect_pinned(self.addresses, self.port, self.timeout)


class PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to the addresses checked for this attempt; the TLS server name, and the name the
    certificate must carry, are the URL's host (verified against the system's CAs)."""

    def __init__(self, target: WebhookTarget, *, timeout: float):
        super().__init__(
            target.host, target.port, timeout=timeout, context=ssl.create_default_context()
        )
        self.addresses = target.addresses

    def connect(self):
        sock = _connect_pinned(self.addresses, self.port, self.timeout)
        try:
            self.sock = self._context.wrap_socket(sock, server_hostname=self.host)
        except BaseException:
            sock.close()
            raise


def _post(target: WebhookTarget, body: bytes, headers: dict[str, str]) -> int:
    """POST ``body`` to the target's checked addresses; returns the status code, never
    following a redirect."""
    connection_class = PinnedHTTPSConnection if target.scheme == "https" else PinnedHTTPConnection
    connection = connection_class(target, timeout=TIMEOUT_SECONDS)
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        return connection.getresponse().status
    finally:
        connection.close()


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
        delivery.attempts += 1
        try:
            # looked up and checked again on every attempt: the host may resolve elsewhere
            # than at creation, and the connection goes where this check looked
            target = webhook_target(delivery.endpoint.url)
            status = _post(target, body, headers)
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

    return dispatch.stranded(
        WebhookDelivery,
        "planning.deliver_webhook_task",
        "delivery_id",
        queued_before=queued_before,
        status=WebhookDelivery.Status.PENDING,
        attempts=0,
        next_attempt_at__isnull=True,
    )


# -- the morning digest ------------------------------------------------------------------------
def digest_send(*, merchant: Merchant, now: dt.datetime | None = None) -> int:
    """Email the open alerts to the merchant's owners and planners, once per local day after
    `DIGEST_HOUR`, the most money at risk first. Returns the number of emails sent."""
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
        counts, at_risk = {}, Decimal("0")
        for row in open_alerts.values("kind").annotate(
            count=Count("pk"), money=Sum("money_at_risk")
        ):
            counts[row["kind"]] = row["count"]
            at_risk += row["money"] or 0
        preferences.digest_sent_on = local.date()
        preferences.save(update_fields=["digest_sent_on", "updated_at"])
        if not counts:
            return 0
        # Each member reads the digest in the language they chose for the portal.
        recipients: dict[str, list[str]] = {}
        for email, language in sorted(
            Membership.objects.for_merchant(merchant)
            .filter(role__in=[Role.OWNER, Role.PLANNER], user__is_active=True)
            .values_list("user__email", "user__language")
        ):
            if email:
                recipients.setdefault(language or settings.LANGUAGE_CODE, []).append(email)
        if not recipients:
            return 0
        lines = [
            alert_payload(alert)
            for alert in open_alerts.select_related("sku", "location").order_by(
                "-money_at_risk", "-opened_at", "-pk"
            )[:DIGEST_LINES]
        ]
        context = {
            "merchant": merchant,
            "counts": [(Alert.Kind(kind).label, count) for kind, count in sorted(counts.items())],
            "total": sum(counts.values()),
            "at_risk": at_risk,
            "alerts": lines,
            "link": f"{settings.PORTAL_BASE_URL}/m/{merchant.slug}/planning/alerts/",
        }
        for language, emails in recipients.items():
            with translation.override(language):
                body = render_to_string("planning/email/digest.txt", context)
                subject = ngettext(
                    "%(store)s: %(count)d open alert",
                    "%(store)s: %(count)d open alerts",
                    context["total"],
                ) % {"store": merchant.name, "count": context["total"]}
                if at_risk > 0:
                    subject += gettext(", %(money)s at risk") % {
                        "money": format_money(at_risk, merchant.currency)
                    }
            transaction.on_commit(
                lambda subject=subject, body=body, emails=emails: send_mail(
                    subject, body, None, emails, fail_silently=False
                )
            )
    return 1
