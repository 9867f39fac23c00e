"""The request body parser of the API: JSON (fast, via orjson), with a size limit that answers
413 before the body is held in memory. Only the ingestion's bulk writes also take CSV, with the
ingestion's own limits (inventory/api/parsers.py)."""

from __future__ import annotations

import orjson
from django.conf import settings
from django.utils.translation import gettext
from rest_framework import exceptions, parsers

from core.uploads import describe_size


class RequestTooLarge(exceptions.APIException):
    status_code = 413
    default_code = "request_too_large"
    problem_type = "request-too-large"

    def __init__(self, limit: int):
        # The answer names the limit, in words and in bytes (a member of the problem,
        # accounts/api/errors.py), so a client can size its batches.
        self.limit = limit
        self.extensions = {"limit_bytes": limit}
        super().__init__(too_large_message(limit))


def too_large_message(limit: int) -> str:
    return f"The body is larger than {describe_size(limit)}: send fewer rows per request."


def read_limited(stream, request_meta) -> bytes:
    limit = settings.API_MAX_BODY_BYTES
    declared = request_meta.get("CONTENT_LENGTH") or 0
    try:
        declared = int(declared)
    except ValueError:
        declared = 0
    if declared > limit:
        raise RequestTooLarge(limit)
    body = stream.read(limit + 1) if stream is not None else b""
    if len(body) > limit:
        raise RequestTooLarge(limit)
    return body


def _keep(parser_context, body: bytes) -> bytes:
    # The raw bytes are kept on the request for the idempotency fingerprint.
    parser_context["request"].raw_body = body
    return body


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        request = parser_context["request"]
        body = _keep(parser_context, read_limited(stream, request.META))
        try:
            return orjson.loads(body)
        except orjson.JSONDecodeError as error:
            raise exceptions.ParseError(
                gettext("Malformed JSON: %(error)s") % {"error": error}
            ) from error
