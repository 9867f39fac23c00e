"""The workflow's events on their way to the store's webhooks: each event becomes one
delivery per active endpoint subscribed to its type, and each delivery is sent by
`planning.deliver_webhook_task` once it is committed (`planning.notifications` signs, posts
and retries it). Also what a merchant changes about an endpoint's events: which types it
receives, and a test event sent on request.

Every endpoint of one event gets the event's one id, on every try, so a receiver that hears
it twice (a retry after a lost answer) can drop the repeat."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.errors import DomainError
from accounts.models import Merchant
from accounts.tenancy import tenant_context
from core import dispatch
from core.workflow_events import EVENT_TYPES, TEST_EVENT, Event
from planning.models import WebhookDelivery, WebhookEndpoint

DELIVER_TASK = "planning.deliver_webhook_task"


def events_record(events: list[Event]) -> int:
    """The receiver of the workflow's events (settings.WORKFLOW_EVENT_RECEIVERS): a delivery
    per event and active endpoint that subscribes to its type, each sent once committed.
    Returns how many deliveries were queued."""
    by_merchant: dict[int, list[Event]] = defaultdict(list)
    for event in events:
        by_merchant[event.merchant_id].append(event)
    queued = 0
    for merchant_id, own in by_merchant.items():
        merchant = Merchant.objects.get(pk=merchant_id)
        with transaction.atomic(), tenant_context(merchant):
            endpoints = list(WebhookEndpoint.objects.for_merchant(merchant).filter(is_active=True))
            deliveries = [
                WebhookDelivery(
                    merchant=merchant,
                    endpoint=endpoint,
                    event=event.type,
                    event_id=event.id,
                    payload=event.data,
                    created_at=event.created_at,
                )
                for event in own
                for endpoint in endpoints
                if event.type in endpoint.event_types
            ]
            WebhookDelivery.objects.bulk_create(deliveries)
            for delivery in deliveries:
                dispatch.send_on_commit(
                    DELIVER_TASK, merchant_id=merchant_id, delivery_id=delivery.pk
                )
        queued += len(deliveries)
    return queued


def event_types_checked(event_types: Iterable[str]) -> list[str]:
    """The event types, each once, in the order of `EVENT_TYPES`; DomainError naming any
    that does not exist."""
    wanted = set(event_types)
    unknown = sorted(wanted - set(EVENT_TYPES))
    if unknown:
        raise DomainError(
            _("Unknown event type(s): %(unknown)s. The types are: %(types)s.")
            % {"unknown": ", ".join(unknown), "types": ", ".join(EVENT_TYPES)}
        )
    return [event_type for event_type in EVENT_TYPES if event_type in wanted]


@transaction.atomic
def webhook_endpoint_events_set(
    *, merchant: Merchant, pk: int, event_types: Iterable[str]
) -> WebhookEndpoint:
    """Choose the event types the endpoint receives (none: it receives nothing but test
    events). Raises WebhookEndpoint.DoesNotExist for another merchant's endpoint."""
    endpoint = WebhookEndpoint.objects.for_merchant(merchant).select_for_update().get(pk=pk)
    endpoint.event_types = event_types_checked(event_types)
    endpoint.save(update_fields=["event_types", "updated_at"])
    return endpoint


@transaction.atomic
def webhook_endpoint_test(*, merchant: Merchant, pk: int) -> WebhookDelivery:
    """Send the endpoint a ``webhook.test`` event now (whatever it subscribes to, on or off),
    signed and retried like any other, so the merchant can check the receiving end and its
    signature check. Raises WebhookEndpoint.DoesNotExist for another merchant's endpoint."""
    endpoint = WebhookEndpoint.objects.for_merchant(merchant).get(pk=pk)
    delivery = WebhookDelivery.objects.create(
        merchant=merchant,
        endpoint=endpoint,
        event=TEST_EVENT,
        event_id=uuid.uuid4(),
        payload={
            "message": "A test event from Shelfcast.",
            "endpoint": endpoint.pk,
            "sent_at": timezone.now().isoformat(),
        },
    )
    dispatch.send_on_commit(DELIVER_TASK, merchant_id=merchant.pk, delivery_id=delivery.pk)
    return delivery
