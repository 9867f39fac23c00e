"""The API's OpenAPI schema: drf-spectacular's, plus the error answers every API view can give.

Views document their successes and their own errors (an ingest's row errors, a busy store);
the answers that come from the base view, the parsers and DRF itself are the same everywhere,
so they are added here once: 400 for invalid input (a body, a query parameter, a header), 401
without a valid token, 403 for a role that lacks the permission, 404 for what is missing or
another merchant's, 413 and 415 for a body too large or of another type, 429 past the rate
limit; and on every write, the Idempotency-Key header and its 422 for a key reused with
another request. The API fuzzer (tests/fuzz/test_api_schema.py) fails on any answer the
schema does not describe.
"""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import permissions, serializers

from accounts.api import idempotency


class ErrorSerializer(serializers.Serializer):
    """An error answer: ``detail`` says what went wrong, or each invalid field (body field or
    query parameter) is a key with its problems."""

    detail = serializers.CharField(required=False, help_text="What went wrong.")


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


ANSWERS_OF_EVERY_VIEW = {
    "401": _error("No valid API token (or signed-in session)."),
    "403": _error("The caller's role does not allow this."),
    "404": _error("Not found, or another merchant's: the two are not told apart."),
    "429": _error("Past the rate limit; the Retry-After header says when to try again."),
}
INVALID_INPUT = _error("Invalid input: `detail`, or each invalid field named with its problem.")
IDEMPOTENCY_KEY = OpenApiParameter(
    idempotency.HEADER,
    str,
    OpenApiParameter.HEADER,
    description=(
        f"1 to {idempotency.MAX_KEY_LENGTH} characters (a UUID is a good choice): a retry with "
        "the same key and the same request gets the first answer again and writes nothing."
    ),
)
KEY_REUSED = _error("This Idempotency-Key was used for a different request.")
ANSWERS_OF_A_BODY = {
    "413": _error("The body is larger than the API accepts: send fewer rows per request."),
    "415": _error("The body is not of a media type this operation accepts."),
}


class ApiAutoSchema(AutoSchema):
    def _is_write(self) -> bool:
        return self.method not in permissions.SAFE_METHODS

    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        return [*parameters, IDEMPOTENCY_KEY] if self._is_write() else parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        errors = {**ANSWERS_OF_EVERY_VIEW, "400": INVALID_INPUT}
        if self._is_write():
            errors["422"] = KEY_REUSED
        if self.method in ("POST", "PUT", "PATCH") and self.get_request_serializer() is not None:
            errors.update(ANSWERS_OF_A_BODY)
        for code, answer in errors.items():
            if code not in responses:  # what a view documents itself comes first
                responses[code] = self._get_response_for_code(answer, code, direction=direction)
        return dict(sorted(responses.items()))
