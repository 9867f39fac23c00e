"""The API's OpenAPI schema: drf-spectacular's, plus the error answers every API view can give.

Views document their successes and their own errors (an ingest's row errors, a busy store);
the answers that come from the base view, the parsers and DRF itself are the same everywhere,
so they are added here once: 400 for invalid input (a body, a query parameter, a header), 401
without a valid token, 403 for a role that lacks the permission, 404 for what is missing or
another merchant's, 413 and 415 for a body too large or of another type, 429 past the rate
limit, 500; and on every write, the Idempotency-Key header and its 422 for a key reused with
another request. Every error answer, a view's own included, is a `ProblemDetails` object of
type application/problem+json (accounts/api/problems.py). The API fuzzer
(tests/fuzz/test_api_schema.py) fails on any answer the schema does not describe.
"""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import permissions, serializers

from accounts.api import idempotency, problems


class ProblemErrorSerializer(serializers.Serializer):
    """One problem of an invalid request."""

    # `in` is a keyword of Python: declared below.
    field = serializers.CharField(
        help_text="The invalid body field (`lines[0].sku`), query parameter or header; empty "
        "for the body or the batch as a whole."
    )
    pointer = serializers.CharField(
        required=False,
        help_text="In a JSON body (`in` body, no `row`): a JSON Pointer (RFC 6901) to the "
        "invalid value, e.g. `/lines/0/sku`.",
    )
    row = serializers.IntegerField(
        required=False,
        help_text="In a batch of rows (a bulk write): the row's 0-based index; -1 for the batch "
        "as a whole.",
    )
    value = serializers.JSONField(
        required=False, allow_null=True, help_text="In a batch of rows: the value refused."
    )
    detail = serializers.CharField(help_text="What is wrong with it.")
    code = serializers.CharField(help_text="A stable code of the problem, e.g. `required`.")

    def get_fields(self):
        fields = super().get_fields()
        return {
            "in": serializers.ChoiceField(
                choices=[problems.BODY, problems.QUERY, problems.HEADER],
                help_text="Where the invalid value is.",
            ),
            **fields,
        }


TYPES_DESCRIPTION = "; ".join(
    f"`{kind.slug}` ({kind.status})" for kind in problems.PROBLEM_TYPES.values()
)
_EXTENSION_FIELDS = {int: serializers.IntegerField, str: serializers.CharField}


class ProblemDetailsSerializer(serializers.Serializer):
    """An error answer: problem details (RFC 9457), as application/problem+json."""

    type = serializers.URLField(
        help_text="A URI naming the kind of problem; it ends in one of: "
        f"{TYPES_DESCRIPTION}. The URI answers with what the type means."
    )
    title = serializers.CharField(help_text="The type's summary, the same for each occurrence.")
    status = serializers.IntegerField(help_text="The HTTP status code.")
    detail = serializers.CharField(help_text="What went wrong this time.")
    instance = serializers.CharField(help_text="The path of the request that went wrong.")
    errors = ProblemErrorSerializer(
        many=True,
        required=False,
        help_text="Invalid input (type `validation-error`): every problem, each naming where "
        "it is.",
    )

    def get_fields(self):
        fields = super().get_fields()
        for name, kind, description in problems.EXTENSION_MEMBERS:
            fields[name] = _EXTENSION_FIELDS[kind](required=False, help_text=description)
        return fields


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ProblemDetailsSerializer, description=description)


ANSWERS_OF_EVERY_VIEW = {
    "401": _error("No valid API token (or signed-in session)."),
    "403": _error("The caller's role does not allow this."),
    "404": _error("Not found, or another merchant's: the two are not told apart."),
    "429": _error("Past the rate limit; the Retry-After header says when to try again."),
    "500": _error("An unexpected error; nothing was written."),
}
INVALID_INPUT = _error(
    "Invalid input: `errors` names each invalid body field, query parameter or header."
)
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

    def _get_response_for_code(
        self, serializer, status_code, media_types=None, direction="response"
    ):
        """An error answer, whatever a view says its body is, is a problem: the view's
        description is kept."""
        if str(status_code) >= "400":
            description = serializer.description if isinstance(serializer, OpenApiResponse) else ""
            serializer = OpenApiResponse(ProblemDetailsSerializer, description=description)
            media_types = [problems.MEDIA_TYPE]
        return super()._get_response_for_code(serializer, status_code, media_types, direction)
