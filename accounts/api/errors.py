"""One place where domain errors become HTTP answers for the API."""

from __future__ import annotations

from django.core.exceptions import RequestDataTooBig
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from accounts.errors import DomainError


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        set_rollback()  # an error answer leaves nothing of the request behind
        return Response(exc.response_data(), status=exc.status_code)
    if isinstance(exc, RequestDataTooBig):
        set_rollback()
        return Response(
            {"detail": "The body is too large: send fewer rows per request."},
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    return drf_exception_handler(exc, context)
