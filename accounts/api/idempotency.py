"""Idempotent writes: a write that carries an ``Idempotency-Key`` header is answered once;
a retry with the same key and the same request gets the first answer again and writes
nothing; the same key with a different request is refused with 422.

The record is inserted before the work runs, in the same transaction: a concurrent retry
waits on the unique key until the first request commits, then replays its answer. A request
that fails (an error answer, or a crash) rolls its record back with its writes, so a retry
runs again from scratch.
"""

from __future__ import annotations

import hashlib

from django.db import IntegrityError, transaction
from django.http import HttpResponse
from rest_framework import exceptions, status

from accounts.api.problems import HEADER as HEADER_LOCATION
from accounts.api.problems import InvalidParameter
from accounts.control_characters import CONTROL_CHARACTERS
from accounts.models import IdempotencyRecord, Merchant

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255


class KeyReused(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = (
        "This Idempotency-Key was used for a different request. Use a new key for new data."
    )
    default_code = "idempotency_key_reused"
    problem_type = "idempotency-key-reused"


def fingerprint(*, method: str, path: str, body: bytes) -> str:
    digest = hashlib.sha256()
    for part in (method.encode(), path.encode(), body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def replay(record: IdempotencyRecord) -> HttpResponse:
    response = HttpResponse(
        bytes(record.body), status=record.status_code, content_type=record.content_type
    )
    response["Idempotent-Replayed"] = "true"
    return response


def run_once(*, merchant: Merchant, key: str, fingerprint_: str, handler):
    """Run ``handler`` (returning a response) unless ``key`` was seen: then replay or refuse."""
    # A control character (a NUL above all: PostgreSQL refuses it in text) is never part of
    # a key a client means to send again.
    if not key or len(key) > MAX_KEY_LENGTH or CONTROL_CHARACTERS.search(key):
        raise InvalidParameter(
            {
                HEADER: f"must be 1 to {MAX_KEY_LENGTH} characters and no control characters "
                "(a UUID is a good choice)"
            },
            location=HEADER_LOCATION,
        )
    try:
        with transaction.atomic():
            record = IdempotencyRecord.objects.create(
                merchant=merchant, key=key, fingerprint=fingerprint_, status_code=0, body=b""
            )
    except IntegrityError:
        record = IdempotencyRecord.objects.for_merchant(merchant).get(key=key)
        if record.fingerprint != fingerprint_:
            raise KeyReused() from None
        return replay(record)
    response = handler()
    if hasattr(response, "render") and not getattr(response, "is_rendered", True):
        response.render()
    if status.is_success(response.status_code):
        record.status_code = response.status_code
        record.body = response.content
        record.content_type = response.get("Content-Type", "application/json")
        record.save(update_fields=["status_code", "body", "content_type"])
    return response
