"""The audit logs: security events of a merchant (members, roles, tokens, staff access) and
events of a person's account (signing in and out, passwords). Neither ever holds a secret."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from accounts.models import AccountEvent, Merchant, SecurityEvent, User
from accounts.tenancy import tenant_context

# Keys a detail may not have: the log names what changed, never a credential.
_SECRET_DETAIL = re.compile(r"pass|secret|digest|credential|cookie|session", re.I)


def _checked_details(details: dict[str, Any] | None) -> dict[str, Any]:
    details = dict(details or {})
    secret_like = sorted(key for key in details if _SECRET_DETAIL.search(key))
    if secret_like:
        raise ValueError(f"Security events never hold secrets: {', '.join(secret_like)}")
    return details


def security_event_record(
    *,
    merchant: Merchant,
    kind: str,
    actor: User | None,
    ip_address: str | None = None,
    details: dict[str, Any] | None = None,
) -> SecurityEvent:
    """Record a security-relevant change in ``merchant``, in the caller's transaction (an
    action that rolls back leaves no event). Written as the merchant: some callers (accepting
    an invitation) run before any tenant is set, and row-level security checks the insert."""
    with tenant_context(merchant):
        return SecurityEvent.objects.create(
            merchant=merchant,
            kind=SecurityEvent.Kind(kind),
            actor=actor if actor is not None and actor.pk else None,
            ip_address=ip_address,
            details=_checked_details(details),
        )


def account_event_record(
    *,
    kind: str,
    user: User | None = None,
    email: str = "",
    ip_address: str | None = None,
    details: dict[str, Any] | None = None,
) -> AccountEvent:
    """Record an event of a person's account (signing in and out, passwords)."""
    email = (email or (user.email if user is not None else "")).strip().lower()
    if "@" not in email:
        # What was typed into the email field is kept only when it is an address: people
        # sometimes type their password there.
        email = ""
    return AccountEvent.objects.create(
        kind=AccountEvent.Kind(kind),
        user=user if user is not None and user.pk else None,
        email=email[:254],
        ip_address=ip_address,
        details=_checked_details(details),
    )


def staff_access_record(
    *,
    merchants: dict[int, int],
    changed: bool,
    actor: User,
    model: str,
    object_id: str | None = None,
    fields: list[str] | None = None,
    ip_address: str | None = None,
) -> None:
    """Audit a staff member's look at (or change to) stores' data in the console: one event
    per store, naming the model, the object or how many rows were shown, and the fields
    changed. ``merchants`` maps each store's id to the rows of it shown."""
    kind = SecurityEvent.Kind.STAFF_CHANGED if changed else SecurityEvent.Kind.STAFF_VIEWED
    stores = Merchant.objects.in_bulk(list(merchants))
    for merchant_id, rows in merchants.items():
        details: dict[str, Any] = {"model": model}
        if object_id is not None:
            details["object_id"] = object_id
        else:
            details["rows"] = rows
        if fields:
            details["fields"] = fields
        security_event_record(
            merchant=stores[merchant_id],
            kind=kind,
            actor=actor,
            ip_address=ip_address,
            details=details,
        )


def staff_job_action_record(
    *,
    jobs: list[tuple[int, int]],
    model: str,
    action: str,
    reason: str,
    actor: User,
    ip_address: str | None = None,
) -> None:
    """Audit a staff member's retry or cancel of jobs in the console (`core.admin_jobs`):
    one event per job, (store id, job id) in ``jobs``, in its store's security log, naming
    the job (``model``, ``object_id``), the ``action`` and the ``reason`` given; the event's
    actor and time say who and when. One insert per store, in the caller's transaction."""
    by_store: dict[int, list[int]] = defaultdict(list)
    for merchant_id, job_id in jobs:
        by_store[merchant_id].append(job_id)
    stores = Merchant.objects.in_bulk(list(by_store))
    for merchant_id, job_ids in by_store.items():
        merchant = stores[merchant_id]
        with tenant_context(merchant):
            SecurityEvent.objects.bulk_create(
                [
                    SecurityEvent(
                        merchant=merchant,
                        kind=SecurityEvent.Kind.STAFF_CHANGED,
                        actor=actor,
                        ip_address=ip_address,
                        details=_checked_details(
                            {
                                "model": model,
                                "object_id": str(job_id),
                                "action": action,
                                "reason": reason,
                            }
                        ),
                    )
                    for job_id in job_ids
                ]
            )
