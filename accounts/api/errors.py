"""One place where domain errors become HTTP answers for the API."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.views import defaults
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from accounts.api.parsers import RequestTooLarge, too_large_message
from accounts.errors import DomainError


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        set_rollback()  # an error answer leaves nothing of the request behind
        return Response(
            exc.response_data(), status=exc.status_code, headers=getattr(exc, "headers", None)
        )
    if isinstance(exc, RequestTooLarge | RequestDataTooBig):
        set_rollback()
        limit = getattr(exc, "limit", settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        return Response(
            {"detail": too_large_message(limit), "limit_bytes": limit},
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    return drf_exception_handler(exc, context)


def not_found(request, exception):
    """The project's 404 handler (config/urls.py): a URL under /api/ that matches no operation
    (an id with a dot, a misspelt resource) is answered in JSON like every API error, not with
    the portal's HTML page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)
