"""The planning API: reorder suggestions for the ERP to read and the decisions on them (edit
a quantity, approve, reject or defer in bulk), alerts and the actions on them, and the webhook
endpoints that receive the workflow's events, with their deliveries and a test event. Writes
need the plan permission; webhooks need manage."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.api.base import MerchantAPIView, MerchantModelViewSet, MerchantReadOnlyViewSet, caller
from accounts.roles import Permission
from planning import alerts, notifications, promotions, services, webhook_events, webhook_targets
from planning.api import filters as f
from planning.api import serializers as s
from planning.models import (
    Alert,
    PromotionPlan,
    ReorderSuggestion,
    WebhookDelivery,
    WebhookEndpoint,
)


def _validated(serializer_class, request) -> dict:
    """The request's body as ``serializer_class`` validates it; a 400 with its errors if not."""
    body = serializer_class(data=request.data)
    body.is_valid(raise_exception=True)
    return body.validated_data


class ReorderSuggestionViewSet(MerchantReadOnlyViewSet):
    queryset = ReorderSuggestion.objects.select_related("sku", "location", "supplier")
    serializer_class = s.ReorderSuggestionSerializer
    filterset_class = f.ReorderSuggestionFilterSet
    ordering_fields = ["id", "updated_at", "value"]
    ordering = "id"

    @extend_schema(request=s.QuantitySerializer, responses=s.ReorderSuggestionSerializer)
    def partial_update(self, request, *args, **kwargs):
        """Set the quantity to order (rounded up to whole packs, at least the MOQ)."""
        self.get_object()  # another merchant's or a missing suggestion: 404 before anything
        data = _validated(s.QuantitySerializer, request)
        try:
            suggestion = services.suggestion_quantity_set(
                merchant=self.merchant,
                pk=int(kwargs["pk"]),
                quantity=data["quantity"],
                **caller(request),
            )
        except ReorderSuggestion.DoesNotExist as error:
            raise Http404(gettext("No such suggestion.")) from error
        return Response(s.ReorderSuggestionSerializer(suggestion).data)

    @extend_schema(request=s.DecisionSerializer, responses={200: s.ApprovalSerializer})
    @action(detail=False, methods=["post"])
    def approve(self, request, *args, **kwargs):
        """Approve proposed suggestions; they go on draft purchase orders, one per supplier
        and location (``purchase-orders/``), whose numbers the answer lists."""
        data = _validated(s.DecisionSerializer, request)
        approval = services.suggestions_order(
            merchant=self.merchant, pks=data["ids"], **caller(request)
        )
        return Response(
            {
                "approved": approval.approved,
                "purchase_orders": [order.number for order in approval.purchase_orders],
            }
        )

    @extend_schema(request=s.DecisionSerializer, responses={200: dict})
    @action(detail=False, methods=["post"])
    def reject(self, request, *args, **kwargs):
        data = _validated(s.DecisionSerializer, request)
        count = services.suggestions_reject(
            merchant=self.merchant, pks=data["ids"], reason=data["reason"], **caller(request)
        )
        return Response({"rejected": count})

    @extend_schema(request=s.DeferSerializer, responses={200: s.DeferralSerializer})
    @action(detail=False, methods=["post"])
    def defer(self, request, *args, **kwargs):
        """Leave proposed suggestions off the orders page until a day (``until``, after the
        store's today; the night's re-plan keeps the deferral), or bring them back now
        (``until`` null). Each line's deferral is audited."""
        data = _validated(s.DeferSerializer, request)
        count = services.suggestions_defer(
            merchant=self.merchant, pks=data["ids"], until=data["until"], **caller(request)
        )
        return Response({"deferred": count})


class AlertViewSet(MerchantReadOnlyViewSet):
    """Alerts, the most money at risk first; filtered by `f.AlertFilterSet`. Acting on them
    (acknowledge, snooze, resolve) needs the plan permission. An alert's money at risk changes
    each night: a client that syncs every alert pages with ``ordering=id`` (or
    ``updated_since``), whose cursors stay stable."""

    queryset = Alert.objects.select_related("sku", "location", "supplier")
    serializer_class = s.AlertSerializer
    filterset_class = f.AlertFilterSet
    ordering_fields = ["id", "opened_at", "updated_at", "money_at_risk"]
    ordering = ("-money_at_risk", "-id")

    def _act(self, request, action_name: str, body_class) -> Response:
        data = _validated(body_class, request)
        count = alerts.alerts_act(
            merchant=self.merchant,
            pks=data["ids"],
            action=action_name,
            until=data.get("until"),
            actor=caller(request)["actor"],
        )
        return Response({"changed": count})

    @extend_schema(request=s.IdsSerializer, responses={200: dict})
    @action(detail=False, methods=["post"])
    def acknowledge(self, request, *args, **kwargs):
        return self._act(request, alerts.ACKNOWLEDGE, s.IdsSerializer)

    @extend_schema(request=s.AlertSnoozeSerializer, responses={200: dict})
    @action(detail=False, methods=["post"])
    def snooze(self, request, *args, **kwargs):
        return self._act(request, alerts.SNOOZE, s.AlertSnoozeSerializer)

    @extend_schema(request=s.IdsSerializer, responses={200: dict})
    @action(detail=False, methods=["post"])
    def resolve(self, request, *args, **kwargs):
        return self._act(request, alerts.RESOLVE, s.IdsSerializer)


class WebhookEndpointViewSet(MerchantModelViewSet):
    """The store's webhook endpoints (manage permission). The signing secret is in the answer
    to the create only."""

    queryset = WebhookEndpoint.objects.all()
    serializer_class = s.WebhookEndpointSerializer
    read_permission = Permission.MANAGE
    write_permission = Permission.MANAGE

    @extend_schema(responses={201: s.WebhookEndpointCreatedSerializer})
    def create(self, request, *args, **kwargs):
        data = _validated(s.WebhookEndpointSerializer, request)
        endpoint = notifications.webhook_endpoint_create(
            merchant=self.merchant,
            url=data["url"],
            description=data.get("description", ""),
            event_types=data.get("event_types"),
        )
        return Response(s.WebhookEndpointCreatedSerializer(endpoint).data, status=201)

    @extend_schema(request=None, responses={202: s.WebhookDeliverySerializer})
    @action(detail=True, methods=["post"])
    def test(self, request, *args, **kwargs):
        """Send the endpoint a signed `webhook.test` event now (whatever it subscribes to);
        its delivery is in the answer and in `webhook-deliveries`."""
        try:
            delivery = webhook_events.webhook_endpoint_test(
                merchant=self.merchant, pk=int(kwargs["pk"])
            )
        except (ValueError, WebhookEndpoint.DoesNotExist) as error:
            raise Http404(gettext("No such webhook endpoint.")) from error
        return Response(s.WebhookDeliverySerializer(delivery).data, status=202)

    def perform_update(self, serializer):
        if "url" in serializer.validated_data:
            webhook_targets.check_url(serializer.validated_data["url"])
        serializer.save()


class WebhookDeliveryViewSet(MerchantReadOnlyViewSet):
    """What was sent to the store's endpoints, newest first (manage permission)."""

    queryset = WebhookDelivery.objects.all()
    serializer_class = s.WebhookDeliverySerializer
    filterset_class = f.WebhookDeliveryFilterSet
    read_permission = Permission.MANAGE
    ordering = "-id"

    def get_queryset(self):
        return super().get_queryset().order_by("-id")


class PromotionPlanViewSet(MerchantReadOnlyViewSet):
    """Promotion plans for overstocked SKUs, newest first; filtered by
    `f.PromotionPlanFilterSet`. Accepting one creates its promotion; dismissing says no (plan
    permission)."""

    queryset = PromotionPlan.objects.select_related("sku", "location")
    serializer_class = s.PromotionPlanSerializer
    filterset_class = f.PromotionPlanFilterSet
    ordering = "-id"

    def get_queryset(self):
        return super().get_queryset().order_by("-id")

    @extend_schema(request=None, responses=s.PromotionPlanSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, *args, **kwargs):
        self.get_object()  # another merchant's or a missing plan: 404 before anything
        plan = promotions.promotion_plan_accept(
            merchant=self.merchant, pk=int(kwargs["pk"]), actor=caller(request)["actor"]
        )
        return Response(s.PromotionPlanSerializer(plan).data)

    @extend_schema(request=s.IdsSerializer, responses={200: dict})
    @action(detail=False, methods=["post"])
    def dismiss(self, request, *args, **kwargs):
        data = _validated(s.IdsSerializer, request)
        count = promotions.promotion_plans_dismiss(
            merchant=self.merchant, pks=data["ids"], actor=caller(request)["actor"]
        )
        return Response({"dismissed": count})


class PlanningSettingsView(MerchantAPIView):
    """The store's planning settings: read by members, changed by owners (manage). A PATCH
    changes what it names; ``"budget": null`` removes the total budget; ``supplier_budgets``
    (supplier id -> amount) replaces them all."""

    write_permission = Permission.MANAGE

    @extend_schema(responses=s.PlanningSettingsSerializer)
    def get(self, request, *args, **kwargs):
        return Response(
            s.PlanningSettingsSerializer(
                services.planning_settings_stored(merchant=self.merchant)
            ).data
        )

    @extend_schema(request=s.PlanningSettingsSerializer, responses=s.PlanningSettingsSerializer)
    def patch(self, request, *args, **kwargs):
        body = s.PlanningSettingsSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        values = dict(body.validated_data)
        clear_budget = "budget" in values and values["budget"] is None
        settings = services.planning_settings_update(
            merchant=self.merchant,
            actor=caller(request)["actor"],
            clear_budget=clear_budget,
            **values,
        )
        return Response(s.PlanningSettingsSerializer(settings).data)
