from django.http import Http404, JsonResponse
from django.utils.translation import gettext
from django.views.decorators.http import require_safe
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from accounts.api.base import MerchantAPIView
from accounts.api.problems import PROBLEM_TYPES, type_uri
from accounts.models import ApiToken


@require_safe
def problem_type(request, slug: str):
    """What a problem ``type`` of the API's error answers means: the URI a client finds in
    ``type`` answers with this, so the types document themselves."""
    kind = PROBLEM_TYPES.get(slug)
    if kind is None:
        raise Http404(gettext("No such problem type."))
    return JsonResponse(
        {
            "type": type_uri(request, slug),
            "title": kind.title,
            "status": kind.status,
            "description": kind.description,
        }
    )


class WhoAmIView(MerchantAPIView):
    """Which merchant and role this caller acts as; an ERP's connection check."""

    @extend_schema(
        summary="Which merchant and role this caller acts as",
        responses=inline_serializer(
            "WhoAmI",
            {"merchant": serializers.DictField(), "caller": serializers.DictField()},
        ),
    )
    def get(self, request):
        if isinstance(request.auth, ApiToken):
            caller = {"kind": "api_token", "name": request.auth.name, "role": request.auth.role}
        else:
            caller = {"kind": "user", "email": request.user.email}
        return Response(
            {
                "merchant": {
                    "slug": self.merchant.slug,
                    "name": self.merchant.name,
                    "currency": self.merchant.currency,
                    "timezone": self.merchant.timezone,
                },
                "caller": caller,
            }
        )
