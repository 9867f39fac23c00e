"""The planning API: reorder suggestions for the ERP to read, and the decisions on them
(edit a quantity, approve or reject in bulk). Writes need the plan permission."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import filters
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.api.base import MerchantReadOnlyViewSet
from accounts.models import ApiToken
from planning import services
from planning.api import serializers as s
from planning.models import ReorderSuggestion


def _caller(request) -> dict:
    """Who decides: a member, or an ERP through a token (recorded as the token, on behalf of
    the member who created it)."""
    if isinstance(request.auth, ApiToken):
        return {"actor": request.auth.created_by, "via": f"api-token:{request.auth.prefix}"}
    return {"actor": request.user, "via": "api"}


class ReorderSuggestionViewSet(MerchantReadOnlyViewSet):
    queryset = ReorderSuggestion.objects.select_related("sku", "location", "supplier")
    serializer_class = s.ReorderSuggestionSerializer
    filter_backends = [filters.OrderingFilter]
    ordering_fields = ["id", "updated_at", "value"]
    ordering = "id"

    def get_queryset(self):
        queryset = super().get_queryset()
        params = self.request.query_params
        if params.get("status"):
            queryset = queryset.filter(status=params["status"])
        if params.get("supplier"):
            queryset = queryset.filter(supplier__code=params["supplier"])
        if params.get("sku"):
            queryset = queryset.filter(sku__code=params["sku"])
        return queryset

    @extend_schema(request=s.QuantitySerializer, responses=s.ReorderSuggestionSerializer)
    def partial_update(self, request, *args, **kwargs):
        """Set the quantity to order (rounded up to whole packs, at least the MOQ)."""
        self.get_object()  # another merchant's or a missing suggestion: 404 before anything
        body = s.QuantitySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            suggestion = services.suggestion_quantity_set(
                merchant=self.merchant,
                pk=int(kwargs["pk"]),
                quantity=body.validated_data["quantity"],
                **_caller(request),
            )
        except ReorderSuggestion.DoesNotExist as error:
            raise Http404("No such suggestion.") from error
        return Response(s.ReorderSuggestionSerializer(suggestion).data)

    @extend_schema(request=s.DecisionSerializer, responses={200: dict})
    @action(detail=False, methods=["post"])
    def approve(self, request, *args, **kwargs):
        body = s.DecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        count = services.suggestions_approve(
            merchant=self.merchant, pks=body.validated_data["ids"], **_caller(request)
        )
        return Response({"approved": count})

    @extend_schema(request=s.DecisionSerializer, responses={200: dict})
    @action(detail=False, methods=["post"])
    def reject(self, request, *args, **kwargs):
        body = s.DecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        count = services.suggestions_reject(
            merchant=self.merchant,
            pks=body.validated_data["ids"],
            reason=body.validated_data["reason"],
            **_caller(request),
        )
        return Response({"rejected": count})
