"""Two merchants, each holding one object of every tenant-owned model.

The isolation suite uses this to try every URL of one merchant with the other's ids. A new
tenant-owned model must get a builder in BUILDERS (the suite fails until it does). The
second merchant's objects get ids from 900,000 up, so no id of theirs is also an id of one
of the first merchant's objects, and their text carries a marker the suite looks for in
responses.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
from django.db import models
from django.utils import timezone

from accounts import services as account_services
from accounts.models import (
    ApiToken,
    IdempotencyRecord,
    Invitation,
    Membership,
    Merchant,
    SecurityEvent,
    SupportAccess,
    User,
)
from accounts.roles import Role
from accounts.tenancy import all_merchants_context, tenant_context, tenant_models
from forecasting.models import (
    ForecastChunk,
    ForecastOverride,
    ForecastOverrideEvent,
    ForecastRun,
    ModelVersion,
    SeriesForecast,
    SkuEmbedding,
    TrainingRun,
)
from forecasting.quantiles import LEVELS
from inventory.models import (
    SKU,
    CalendarEvent,
    CalendarPreset,
    CatalogueState,
    ImportJob,
    ImportMapping,
    Location,
    OrderLine,
    Promotion,
    PurchaseOrder,
    PurchaseOrderEvent,
    PurchaseOrderLine,
    SalesDay,
    SkuSummary,
    StockLevel,
    Supplier,
    SupplierItem,
)
from planning.models import (
    Alert,
    Decision,
    PlanningSettings,
    PolicyReplay,
    PromotionPlan,
    ReorderSuggestion,
    SkuClass,
    WebhookDelivery,
    WebhookEndpoint,
)
from tests import factories


@dataclass
class World:
    merchant: Merchant
    owner: User
    marker: str
    objects: dict[type[models.Model], models.Model] = field(default_factory=dict)
    token_secret: str = ""

    def ids(self) -> list[int]:
        return sorted(obj.pk for obj in self.objects.values())


Builder = Callable[[World, dict], models.Model]

BUILDERS: dict[type[models.Model], Builder] = {}


def builds(model: type[models.Model]):
    def register(function: Builder) -> Builder:
        BUILDERS[model] = function
        return function

    return register


@builds(Location)
def _location(world: World, ids: dict) -> Location:
    return factories.LocationFactory(
        merchant=world.merchant, code=f"{world.marker}-LOC", name=f"{world.marker} depot", **ids
    )


@builds(Supplier)
def _supplier(world: World, ids: dict) -> Supplier:
    return factories.SupplierFactory(
        merchant=world.merchant, code=f"{world.marker}-SUP", name=f"{world.marker} supplies", **ids
    )


@builds(SKU)
def _sku(world: World, ids: dict) -> SKU:
    return factories.SKUFactory(
        merchant=world.merchant,
        code=f"{world.marker}-SKU",
        name=f"{world.marker} teapot",
        description=f"Only {world.marker} sells this",
        **ids,
    )


@builds(SupplierItem)
def _supplier_item(world: World, ids: dict) -> SupplierItem:
    return factories.SupplierItemFactory(
        merchant=world.merchant,
        supplier=world.objects[Supplier],
        sku=world.objects[SKU],
        supplier_code=f"{world.marker}-SI",
        **ids,
    )


@builds(StockLevel)
def _stock_level(world: World, ids: dict) -> StockLevel:
    return factories.StockLevelFactory(
        merchant=world.merchant,
        sku=world.objects[SKU],
        location=world.objects[Location],
        on_hand=Decimal("777"),
        **ids,
    )


@builds(SalesDay)
def _sales_day(world: World, ids: dict) -> SalesDay:
    return factories.SalesDayFactory(
        merchant=world.merchant,
        sku=world.objects[SKU],
        location=world.objects[Location],
        date=dt.date(2024, 5, 1),
        units=Decimal("5"),
        **ids,
    )


@builds(Promotion)
def _promotion(world: World, ids: dict) -> Promotion:
    return factories.PromotionFactory(
        merchant=world.merchant,
        code=f"{world.marker}-PROMO",
        name=f"{world.marker} spring sale",
        sku=world.objects[SKU],
        **ids,
    )


@builds(CalendarEvent)
def _calendar_event(world: World, ids: dict) -> CalendarEvent:
    return factories.CalendarEventFactory(
        merchant=world.merchant,
        code=f"{world.marker}-EVENT",
        name=f"{world.marker} holiday",
        location=world.objects[Location],
        **ids,
    )


@builds(CalendarPreset)
def _calendar_preset(world: World, ids: dict) -> CalendarPreset:
    return factories.CalendarPresetFactory(
        merchant=world.merchant, location=world.objects[Location], country="DE", **ids
    )


@builds(PurchaseOrder)
def _purchase_order(world: World, ids: dict) -> PurchaseOrder:
    return factories.PurchaseOrderFactory(
        merchant=world.merchant,
        number=f"{world.marker}-PO",
        supplier=world.objects[Supplier],
        location=world.objects[Location],
        **ids,
    )


@builds(PurchaseOrderLine)
def _purchase_order_line(world: World, ids: dict) -> PurchaseOrderLine:
    return factories.PurchaseOrderLineFactory(
        merchant=world.merchant,
        purchase_order=world.objects[PurchaseOrder],
        sku=world.objects[SKU],
        **ids,
    )


@builds(PurchaseOrderEvent)
def _purchase_order_event(world: World, ids: dict) -> PurchaseOrderEvent:
    with tenant_context(world.merchant):
        return PurchaseOrderEvent.objects.create(
            merchant=world.merchant,
            purchase_order=world.objects[PurchaseOrder],
            action=PurchaseOrderEvent.Action.SENT,
            actor=world.owner,
            changes={"note": world.marker},
            **ids,
        )


@builds(Membership)
def _membership(world: World, ids: dict) -> Membership:
    user = factories.UserFactory(email=f"{world.marker.lower()}-planner@example.test")
    account_services.membership_set_role(
        merchant=world.merchant, user=user, role=Role.PLANNER, actor=None
    )
    membership = Membership.objects.for_merchant(world.merchant).get(user=user)
    if ids:
        # Move the row to its reserved id (the service picks ids from the sequence).
        Membership.objects.for_merchant(world.merchant).filter(pk=membership.pk).update(**ids)
        membership = Membership.objects.for_merchant(world.merchant).get(**ids)
    return membership


@builds(ApiToken)
def _api_token(world: World, ids: dict) -> ApiToken:
    issued = account_services.api_token_create(
        merchant=world.merchant, name=f"{world.marker} ERP", role=Role.OWNER, actor=world.owner
    )
    world.token_secret = issued.secret
    token = issued.token
    if ids:
        ApiToken.objects.for_merchant(world.merchant).filter(pk=token.pk).update(**ids)
        token = ApiToken.objects.for_merchant(world.merchant).get(**ids)
    return token


@builds(Invitation)
def _invitation(world: World, ids: dict) -> Invitation:
    issued = account_services.invitation_create(
        merchant=world.merchant,
        email=f"{world.marker.lower()}-invitee@example.test",
        role=Role.VIEWER,
        actor=world.owner,
    )
    invitation = issued.invitation
    if ids:
        Invitation.objects.for_merchant(world.merchant).filter(pk=invitation.pk).update(**ids)
        invitation = Invitation.objects.for_merchant(world.merchant).get(**ids)
    return invitation


@builds(OrderLine)
def _order_line(world: World, ids: dict) -> OrderLine:
    return factories.OrderLineFactory(
        merchant=world.merchant,
        order_id=f"{world.marker}-ORDER",
        sku=world.objects[SKU],
        location=world.objects[Location],
        **ids,
    )


@builds(ImportJob)
def _import_job(world: World, ids: dict) -> ImportJob:
    return factories.ImportJobFactory(
        merchant=world.merchant, original_name=f"{world.marker}-sales.csv", **ids
    )


@builds(ImportMapping)
def _import_mapping(world: World, ids: dict) -> ImportMapping:
    return factories.ImportMappingFactory(
        merchant=world.merchant, header=[f"{world.marker}-Item", "Day", "Sold"], **ids
    )


@builds(IdempotencyRecord)
def _idempotency_record(world: World, ids: dict) -> IdempotencyRecord:
    return factories.IdempotencyRecordFactory(
        merchant=world.merchant, key=f"{world.marker}-key", **ids
    )


@builds(SupportAccess)
def _support_access(world: World, ids: dict) -> SupportAccess:
    # an ended grant: the world's stores give staff no leave to change their data
    started = timezone.now() - dt.timedelta(days=10)
    return SupportAccess.objects.create(
        merchant=world.merchant,
        granted_by=world.owner,
        created_at=started,
        expires_at=started + dt.timedelta(days=1),
        **ids,
    )


@builds(SecurityEvent)
def _security_event(world: World, ids: dict) -> SecurityEvent:
    return SecurityEvent.objects.create(
        merchant=world.merchant,
        kind=SecurityEvent.Kind.ROLE_CHANGED,
        actor=world.owner,
        ip_address="192.0.2.7",
        details={"note": world.marker},
        **ids,
    )


@builds(ForecastRun)
def _forecast_run(world: World, ids: dict) -> ForecastRun:
    return ForecastRun.objects.create(
        merchant=world.merchant, status=ForecastRun.Status.SUCCEEDED, message=world.marker, **ids
    )


@builds(ForecastChunk)
def _forecast_chunk(world: World, ids: dict) -> ForecastChunk:
    return ForecastChunk.objects.create(
        merchant=world.merchant, run=world.objects[ForecastRun], number=0,
        sku_ids=[world.objects[SKU].pk], message=world.marker, **ids,
    )  # fmt: skip


@builds(SeriesForecast)
def _series_forecast(world: World, ids: dict) -> SeriesForecast:
    return SeriesForecast.objects.create(
        merchant=world.merchant,
        run=world.objects[ForecastRun],
        sku=world.objects[SKU],
        location=world.objects[Location],
        first_date=dt.date(2024, 5, 2),
        model=f"{world.marker}-model",
        quantiles=SeriesForecast.pack(np.ones((len(LEVELS), 3))),
        **ids,
    )


@builds(ModelVersion)
def _model_version(world: World, ids: dict) -> ModelVersion:
    return ModelVersion.objects.create(
        merchant=world.merchant,
        status=ModelVersion.Status.ACTIVE,
        mode="full",
        artifact=f"models/{world.marker}.safetensors",
        reason=world.marker,
        metrics={"version": {"WQL": 0.5, "MASE": 0.9}},
        **ids,
    )


@builds(TrainingRun)
def _training_run(world: World, ids: dict) -> TrainingRun:
    return TrainingRun.objects.create(
        merchant=world.merchant,
        status=TrainingRun.Status.SUCCEEDED,
        version=world.objects[ModelVersion],
        steps=10,
        steps_done=10,
        message=world.marker,
        **ids,
    )


@builds(SkuEmbedding)
def _sku_embedding(world: World, ids: dict) -> SkuEmbedding:
    return SkuEmbedding.objects.create(
        merchant=world.merchant,
        sku=world.objects[SKU],
        digest=world.marker[:32],
        vector=np.ones(4, dtype="<f4").tobytes(),
        **ids,
    )


@builds(ForecastOverride)
def _forecast_override(world: World, ids: dict) -> ForecastOverride:
    return ForecastOverride.objects.create(
        merchant=world.merchant,
        sku=world.objects[SKU],
        location=world.objects[Location],
        start_date=dt.date(2024, 5, 2),
        end_date=dt.date(2024, 5, 4),
        kind=ForecastOverride.Kind.PERCENT,
        amount=Decimal("20"),
        reason=f"{world.marker} fair",
        expires_on=dt.date(2024, 5, 4),
        created_by=world.owner,
        **ids,
    )


@builds(ForecastOverrideEvent)
def _forecast_override_event(world: World, ids: dict) -> ForecastOverrideEvent:
    return ForecastOverrideEvent.objects.create(
        merchant=world.merchant,
        override=world.objects[ForecastOverride],
        action=ForecastOverrideEvent.Action.CREATED,
        actor=world.owner,
        changes={"reason": [None, world.marker]},
        **ids,
    )


@builds(SkuSummary)
def _sku_summary(world: World, ids: dict) -> SkuSummary:
    return SkuSummary.objects.create(
        merchant=world.merchant, sku=world.objects[SKU], units_28d=Decimal("5"), **ids
    )


@builds(CatalogueState)
def _catalogue_state(world: World, ids: dict) -> CatalogueState:
    return CatalogueState.objects.create(merchant=world.merchant, **ids)


@builds(SkuClass)
def _sku_class(world: World, ids: dict) -> SkuClass:
    return SkuClass.objects.create(
        merchant=world.merchant, sku=world.objects[SKU], service_class="AX", **ids
    )


@builds(PlanningSettings)
def _planning_settings(world: World, ids: dict) -> PlanningSettings:
    return PlanningSettings.objects.create(merchant=world.merchant, budget=Decimal("999"), **ids)


@builds(ReorderSuggestion)
def _reorder_suggestion(world: World, ids: dict) -> ReorderSuggestion:
    return factories.reorder_suggestion(
        world.merchant,
        world.objects[ForecastRun],
        world.objects[SKU],
        world.objects[Location],
        world.objects[Supplier],
        reason=world.marker,
        **ids,
    )


@builds(Decision)
def _decision(world: World, ids: dict) -> Decision:
    return Decision.objects.create(
        merchant=world.merchant,
        suggestion=world.objects[ReorderSuggestion],
        action=Decision.Action.EDITED,
        actor=world.owner,
        changes={"note": world.marker},
        **ids,
    )


@builds(Alert)
def _alert(world: World, ids: dict) -> Alert:
    return Alert.objects.create(
        merchant=world.merchant,
        kind=Alert.Kind.STOCK_OUT,
        sku=world.objects[SKU],
        location=world.objects[Location],
        forecast_run=world.objects[ForecastRun],
        details={"note": world.marker},
        **ids,
    )


@builds(PromotionPlan)
def _promotion_plan(world: World, ids: dict) -> PromotionPlan:
    day = dt.date(2024, 7, 1)
    figures = {
        name: Decimal("1")
        for name in (
            "on_hand", "keep", "uplift", "elasticity", "expected_units", "expected_revenue",
            "expected_margin", "expected_stock_left", "baseline_units", "baseline_revenue",
            "baseline_margin", "baseline_stock_left", "discount_percent",
        )
    }  # fmt: skip
    return PromotionPlan.objects.create(
        merchant=world.merchant,
        forecast_run=world.objects[ForecastRun],
        sku=world.objects[SKU],
        location=world.objects[Location],
        start_date=day,
        end_date=day + dt.timedelta(days=13),
        target_date=day + dt.timedelta(days=55),
        estimate_source=world.marker,
        **figures,
        **ids,
    )


@builds(PolicyReplay)
def _policy_replay(world: World, ids: dict) -> PolicyReplay:
    return PolicyReplay.objects.create(
        merchant=world.merchant,
        status=PolicyReplay.Status.SUCCEEDED,
        message=world.marker,
        figures={"min_max": {"fill_rate": 0.5, "note": world.marker}},
        **ids,
    )


@builds(WebhookEndpoint)
def _webhook_endpoint(world: World, ids: dict) -> WebhookEndpoint:
    return WebhookEndpoint.objects.create(
        merchant=world.merchant,
        url=f"https://hooks.example.com/{world.marker.lower()}",
        secret="0" * 64,
        description=world.marker,
        **ids,
    )


@builds(WebhookDelivery)
def _webhook_delivery(world: World, ids: dict) -> WebhookDelivery:
    return WebhookDelivery.objects.create(
        merchant=world.merchant,
        endpoint=world.objects[WebhookEndpoint],
        event="alert.opened",
        event_id=uuid.uuid4(),
        payload={"note": world.marker},
        **ids,
    )


def missing_builders() -> list[str]:
    return sorted(model._meta.label for model in tenant_models() if model not in BUILDERS)


def build_world(*, name: str, slug: str, marker: str, id_base: int | None = None) -> World:
    merchant = factories.MerchantFactory(name=name, slug=slug)
    owner = factories.member(merchant, Role.OWNER)
    world = World(merchant=merchant, owner=owner, marker=marker)
    with tenant_context(merchant):
        for index, (model, builder) in enumerate(BUILDERS.items()):
            ids = {"id": id_base + index} if id_base is not None else {}
            world.objects[model] = builder(world, ids)
    return world


def snapshot(merchant: Merchant) -> dict[str, list]:
    """Every row the merchant owns, and its own row, to compare before and after requests."""
    from accounts.models import MerchantUserObjectPermission

    with all_merchants_context():
        state: dict[str, list] = {
            "merchant": list(Merchant.objects.filter(pk=merchant.pk).values()),
            "permissions": sorted(
                MerchantUserObjectPermission.objects.filter(content_object=merchant).values_list(
                    "user_id", "permission__codename"
                )
            ),
        }
        for model in tenant_models():
            state[model._meta.label] = list(
                model.objects.for_merchant(merchant).order_by("pk").values()
            )
    return state
