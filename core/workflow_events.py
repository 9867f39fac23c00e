"""Events of a store's workflow (a forecast run finished, an import finished, suggestions
created, a purchase order changed state, an alert opened or resolved), passed on to whoever
listens: planning sends them to the store's webhooks (`planning.webhook_events`).

The apps that emit sit below the one that delivers (core <- accounts <- inventory <-
forecasting <- planning), so emitting goes through this module and never imports the
listener: a service calls `emit` inside its transaction, and once that transaction commits
(never when it rolls back) each receiver named in settings.WORKFLOW_EVENT_RECEIVERS gets the
events, by dotted path, as the dispatch sweep finds its sources (`core.dispatch`). A
receiver's failure is logged and leaves the committed work, and the other receivers, alone.

An event's data is what a receiver outside Shelfcast may see: ids, codes, counts, states,
dates and money, never anything about a customer. It is bounded: data larger than
`MAX_DATA_BYTES` once serialised loses its nested members and says ``"truncated": true``.
Each event has its own id (a UUID), the same on every retry of its delivery, so a receiver
can drop a repeat."""

from __future__ import annotations

import datetime as dt
import json
import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

# The event types a webhook endpoint can subscribe to, with what each says.
EVENT_TYPES: dict[str, str] = {
    "forecast_run.finished": _("A forecast run finished (succeeded or failed)"),
    "import.finished": _("An import finished (loaded or refused), with its row counts"),
    "suggestion.created": _("A planning run created reorder suggestions (one event a run)"),
    "purchase_order.created": _("A purchase order was drafted"),
    "purchase_order.sent": _("A purchase order was sent"),
    "purchase_order.partly_received": _("Part of a purchase order arrived"),
    "purchase_order.received": _("A purchase order arrived in full"),
    "purchase_order.cancelled": _("A purchase order was cancelled"),
    "alert.opened": _("An alert opened"),
    "alert.resolved": _("An alert was resolved"),
}
# Sent only when the merchant asks for it (the portal's and the API's test button), to one
# endpoint, whatever it subscribes to.
TEST_EVENT = "webhook.test"
MAX_DATA_BYTES = 16 * 1024


@dataclass(frozen=True)
class Event:
    id: uuid.UUID
    type: str
    merchant_id: int
    data: dict
    created_at: dt.datetime


def encoded(data: dict) -> str:
    """``data`` as the JSON it is sent as (decimals and dates as text)."""
    return json.dumps(data, cls=DjangoJSONEncoder, sort_keys=True, separators=(",", ":"))


def bounded(data: dict) -> dict:
    """``data`` as plain JSON values, at most `MAX_DATA_BYTES` serialised: beyond that only
    its top-level scalars stay (long strings cut), with ``"truncated": true``."""
    text = encoded(data)
    if len(text.encode()) <= MAX_DATA_BYTES:
        return json.loads(text)
    kept = {
        key: value[:200] if isinstance(value, str) else value
        for key, value in json.loads(text).items()
        if not isinstance(value, dict | list)
    }
    kept["truncated"] = True
    if len(encoded(kept).encode()) > MAX_DATA_BYTES:
        return {"truncated": True}
    return kept


def emit(*, merchant_id: int, event_type: str, data: dict) -> Event:
    """Announce one event of the merchant once the current transaction commits. By the
    merchant's id, as a task is sent (`core.dispatch`): a service that holds a row of
    the merchant's need not load the merchant for it."""
    return emit_many(merchant_id=merchant_id, event_type=event_type, items=[data])[0]


def emit_many(*, merchant_id: int, event_type: str, items: Iterable[dict]) -> list[Event]:
    """Announce an event per item of ``items`` (all of one type), handed to the receivers
    together once the current transaction commits (at once outside one); nothing on a
    rollback."""
    if event_type not in EVENT_TYPES and event_type != TEST_EVENT:
        raise ValueError(f"Unknown event type {event_type!r}.")
    now = timezone.now()
    events = [Event(uuid.uuid4(), event_type, merchant_id, bounded(data), now) for data in items]
    if events:
        transaction.on_commit(partial(_hand_over, events))
    return events


def _hand_over(events: list[Event]) -> None:
    for path in settings.WORKFLOW_EVENT_RECEIVERS:
        try:
            import_string(path)(events)
        except Exception:  # one receiver's trouble must not reach the committed request
            logger.exception(
                "receiver %s failed on %s %s event(s) of merchant %s",
                path, len(events), events[0].type, events[0].merchant_id,
            )  # fmt: skip
