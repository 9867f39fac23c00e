"""The API's one error format: RFC 9457 problem details (``application/problem+json``).

Every error answer of the API, whatever raised it (a serializer, a filter, the parsers, the
base view, a domain error of a service, Django's 404 and 500), is an object with

- ``type``: a URI naming the kind of problem (`PROBLEM_TYPES`; it answers with the type's
  description), the member clients should switch on;
- ``title``: the type's short summary, the same for every occurrence;
- ``status``: the HTTP status code;
- ``detail``: what went wrong this time, in words;
- ``instance``: the path of the request that went wrong;

and, for invalid input, ``errors``: one entry per problem, each naming where it is (``in``:
body, query or header; ``field``, ``pointer`` into a JSON body, ``row`` of a batch) with its
``detail`` and a ``code``. Some types add members of their own (`EXTENSION_MEMBERS`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, renderers
from rest_framework.response import Response
from rest_framework.settings import api_settings

MEDIA_TYPE = "application/problem+json"


@dataclass(frozen=True)
class ProblemType:
    slug: str
    status: int
    # Lazy: read in the language of the request that is answered.
    title: str
    description: str


PROBLEM_TYPES = {
    problem.slug: problem
    for problem in [
        ProblemType(
            "validation-error",
            400,
            _("The request is not valid"),
            _(
                "A body field, a query parameter or a header is invalid, or rows of a batch are "
                "(nothing of the batch was written): `errors` lists every problem."
            ),
        ),
        ProblemType(
            "malformed-request",
            400,
            _("The body cannot be read"),
            _("The body is not well-formed JSON or CSV; `detail` says where."),
        ),
        ProblemType(
            "request-refused",
            400,
            _("The request cannot be carried out"),
            _(
                "The request is well-formed but the store's data or rules do not allow it; "
                "`detail` says why."
            ),
        ),
        ProblemType(
            "quota-exceeded",
            400,
            _("A quota of the store is used up"),
            _("The store holds as many of something as it may (`quota`, `limit`)."),
        ),
        ProblemType(
            "not-authenticated",
            401,
            _("Authentication is required"),
            _("No valid API token (or signed-in session) came with the request."),
        ),
        ProblemType(
            "permission-denied",
            403,
            _("The caller's role does not allow this"),
            _("The token's or member's role lacks the permission this operation needs."),
        ),
        ProblemType(
            "not-found",
            404,
            _("Not found"),
            _("Nothing is here, or it is another store's: the two are not told apart."),
        ),
        ProblemType(
            "method-not-allowed",
            405,
            _("Method not allowed"),
            _("This path does not take this HTTP method; the Allow header lists those it does."),
        ),
        ProblemType(
            "not-acceptable",
            406,
            _("Not acceptable"),
            _("The answer cannot be given in a media type the Accept header allows."),
        ),
        ProblemType(
            "conflict",
            409,
            _("The request conflicts with a concurrent change"),
            _(
                "Something the request refers to changed while it ran; nothing was written. "
                "Send it again."
            ),
        ),
        ProblemType(
            "request-too-large",
            413,
            _("The body is too large"),
            _("The body is larger than the API accepts (`limit_bytes`): send fewer rows."),
        ),
        ProblemType(
            "unsupported-media-type",
            415,
            _("Unsupported media type"),
            _("The body is not of a media type this operation reads."),
        ),
        ProblemType(
            "idempotency-key-reused",
            422,
            _("The Idempotency-Key was used for another request"),
            _("A retry must repeat the first request exactly; use a new key for new data."),
        ),
        ProblemType(
            "rate-limited",
            429,
            _("Too many requests"),
            _(
                "A rate limit is used up (`policy`, `limit` requests per `window_seconds`); "
                "try again after the Retry-After header's seconds."
            ),
        ),
        ProblemType(
            "server-error",
            500,
            _("Internal server error"),
            _("Something went wrong on Shelfcast's side; nothing was written."),
        ),
        ProblemType(
            "store-busy",
            503,
            _("The store is busy"),
            _(
                "An import of the store is running; nothing was written. Send the same request "
                "again (same Idempotency-Key) after the Retry-After header's seconds."
            ),
        ),
    ]
}

# The members a problem type adds to the standard ones, as (name, type, description).
EXTENSION_MEMBERS = [
    ("error_count", int, "validation-error of a batch: how many problems in all."),
    ("limit_bytes", int, "request-too-large: the largest body accepted, in bytes."),
    ("policy", str, "rate-limited: the limit used up, `merchant` or `caller`."),
    ("limit", int, "rate-limited: requests per window; quota-exceeded: the quota's size."),
    ("window_seconds", int, "rate-limited: the length of the limit's window."),
    ("retry_after_seconds", int, "rate-limited, store-busy: when to try again."),
    ("quota", str, "quota-exceeded: which quota (e.g. `webhook_endpoints`)."),
]

# Where an invalid value is (an entry's ``in``), as in OpenAPI's parameter locations.
BODY, QUERY, HEADER = "body", "query", "header"

# The exceptions of DRF and of this API, by the problem type they are.
_TYPES_OF_EXCEPTIONS: list[tuple[type[exceptions.APIException], str]] = [
    (exceptions.ValidationError, "validation-error"),
    (exceptions.ParseError, "malformed-request"),
    (exceptions.NotAuthenticated, "not-authenticated"),
    (exceptions.AuthenticationFailed, "not-authenticated"),
    (exceptions.PermissionDenied, "permission-denied"),
    (exceptions.NotFound, "not-found"),
    (exceptions.MethodNotAllowed, "method-not-allowed"),
    (exceptions.NotAcceptable, "not-acceptable"),
    (exceptions.UnsupportedMediaType, "unsupported-media-type"),
    (exceptions.Throttled, "rate-limited"),
]
_TYPES_OF_STATUSES = {problem.status: problem.slug for problem in PROBLEM_TYPES.values()}
# A status of several types: the one an exception of no known class is.
_TYPES_OF_STATUSES[400] = "request-refused"


class InvalidParameter(exceptions.ValidationError):
    """Invalid query parameters (or headers): each entry of the answer's ``errors`` names
    its parameter, ``in`` query (or header), where a plain ValidationError names body fields."""

    def __init__(self, errors: dict[str, Any], *, location: str = QUERY):
        self.location = location
        super().__init__(errors)


class ProblemJSONRenderer(renderers.JSONRenderer):
    media_type = MEDIA_TYPE


class ProblemResponse(Response):
    """A problem is rendered as problem+json whatever the request's Accept header preferred
    (HTML of the browsable API included): RFC 9110 lets an error answer ignore it."""

    @property
    def rendered_content(self):
        self.accepted_renderer = ProblemJSONRenderer()
        self.accepted_media_type = MEDIA_TYPE
        self.renderer_context = getattr(self, "renderer_context", None) or {}
        return super().rendered_content


def type_uri(request, slug: str) -> str:
    path = reverse("api_problem_type", kwargs={"slug": slug})
    return request.build_absolute_uri(path) if request is not None else path


def problem(
    request, *, status: int, slug: str | None = None, detail: str = "", **members: Any
) -> dict[str, Any]:
    """The body of a problem answer to ``request``: its type (by ``slug``, else by
    ``status``), the standard members and ``members`` (extensions)."""
    slug = slug if slug in PROBLEM_TYPES else _TYPES_OF_STATUSES.get(status, "request-refused")
    kind = PROBLEM_TYPES[slug]
    return {
        "type": type_uri(request, slug),
        "title": str(kind.title),
        "status": status,
        "detail": str(detail or kind.description),
        "instance": request.path if request is not None else "",
        **members,
    }


def slug_of(exc: exceptions.APIException) -> str:
    slug = getattr(exc, "problem_type", None)
    if slug in PROBLEM_TYPES:
        return slug
    for exception_class, exception_slug in _TYPES_OF_EXCEPTIONS:
        if isinstance(exc, exception_class):
            return exception_slug
    return _TYPES_OF_STATUSES.get(exc.status_code, "request-refused")


def errors_of(detail: Any, *, location: str = BODY) -> list[dict[str, Any]]:
    """A ValidationError's ``detail`` (nested dicts and lists of messages) as the flat list
    of a problem's ``errors``: each message with the field it belongs to, written as a client
    would (``lines[0].sku``) and, in a body, as a JSON Pointer (``/lines/0/sku``)."""
    found: list[dict[str, Any]] = []

    def walk(value: Any, path: list[str | int]) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(inner, path if key == api_settings.NON_FIELD_ERRORS_KEY else [*path, key])
        elif isinstance(value, list):
            if all(isinstance(item, str) for item in value):
                for item in value:
                    walk(item, path)
            else:  # one entry per item of a list (many=True): the index is part of the path
                for index, item in enumerate(value):
                    walk(item, [*path, index])
        else:
            entry = {"in": location, "field": _field_name(path)}
            if location == BODY:
                entry["pointer"] = "".join(f"/{_escape(str(part))}" for part in path)
            entry["detail"] = str(value)
            entry["code"] = getattr(value, "code", None) or "invalid"
            found.append(entry)

    walk(detail, [])
    return found


def _field_name(path: list[str | int]) -> str:
    name = ""
    for part in path:
        if isinstance(part, int):
            name += f"[{part}]"
        else:
            name += f".{part}" if name else str(part)
    return name


def _escape(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")


def summary(errors: list[dict[str, Any]]) -> str:
    """A validation problem's ``detail``: the one problem, or how many there are."""
    if len(errors) == 1:
        (error,) = errors
        return f"{error['field']}: {error['detail']}" if error["field"] else error["detail"]
    return gettext("%(count)d problems in the request; `errors` lists them.") % {
        "count": len(errors)
    }
