"""One place where errors become HTTP answers for the API: problem details (RFC 9457,
accounts/api/problems.py) for DRF's exceptions, the domain errors of the services, and
Django's own 400, 403, 404 and 500 answers under /api/."""

from __future__ import annotations

import json

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404, HttpResponse
from django.utils.translation import gettext
from django.views import defaults
from rest_framework import exceptions
from rest_framework.views import set_rollback

from accounts.api import problems
from accounts.api.parsers import RequestTooLarge
from accounts.errors import DomainError

API_PREFIX = "/api/"


def exception_handler(exc, context):
    """DRF's EXCEPTION_HANDLER: every error of an API view as a problem. Anything else (a bug)
    is left to Django, which logs it and answers with `server_error`."""
    request = context.get("request")
    if isinstance(exc, DomainError):
        set_rollback()  # an error answer leaves nothing of the request behind
        data = exc.response_data()
        detail = data.pop("detail", "") or str(exc)
        body = problems.problem(
            request, status=exc.status_code, slug=exc.problem_type, detail=detail, **data
        )
        return problems.ProblemResponse(
            body, status=exc.status_code, headers=getattr(exc, "headers", None)
        )
    if isinstance(exc, RequestDataTooBig):
        exc = RequestTooLarge(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(*exc.args)
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args)
    if not isinstance(exc, exceptions.APIException):
        return None
    set_rollback()
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))
    members = dict(getattr(exc, "extensions", None) or {})
    if isinstance(exc, exceptions.ValidationError):
        location = getattr(exc, "location", problems.BODY)
        members["errors"] = problems.errors_of(exc.detail, location=location)
        detail = problems.summary(members["errors"])
    else:
        detail = str(exc.detail)
    body = problems.problem(
        request, status=exc.status_code, slug=problems.slug_of(exc), detail=detail, **members
    )
    return problems.ProblemResponse(body, status=exc.status_code, headers=headers)


def _problem_response(request, status: int, detail: str = "") -> HttpResponse:
    body = problems.problem(request, status=status, detail=detail)
    return HttpResponse(json.dumps(body), status=status, content_type=problems.MEDIA_TYPE)


def bad_request(request, exception):
    """Django's 400 (a request it refused before any view: a disallowed host header, too
    many form fields): a problem under /api/, the portal's page elsewhere."""
    if request.path.startswith(API_PREFIX):
        return _problem_response(request, 400)
    return defaults.bad_request(request, exception)


def permission_denied(request, exception):
    if request.path.startswith(API_PREFIX):
        return _problem_response(request, 403)
    return defaults.permission_denied(request, exception)


def not_found(request, exception):
    """The project's 404 handler (config/urls.py): a URL under /api/ that matches no operation
    (an id with a dot, a misspelt resource) is answered with a problem like every API error,
    not with the portal's HTML page."""
    if request.path.startswith(API_PREFIX):
        return _problem_response(request, 404, gettext("No operation of the API has this path."))
    return defaults.page_not_found(request, exception)


def server_error(request):
    """Django's 500, after it has logged the exception (and rolled the request back)."""
    if request.path.startswith(API_PREFIX):
        return _problem_response(request, 500)
    return defaults.server_error(request)
