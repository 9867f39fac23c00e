"""factory_boy factories. Tenant-owned objects are created inside their merchant's tenant
context, so they pass PostgreSQL's row-level security checks like production writes do."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from accounts import services as account_services
from accounts.models import IdempotencyRecord, Merchant, User
from accounts.roles import Role
from accounts.tenancy import tenant_context
from forecasting import selectors as forecasting_selectors
from forecasting import services as forecasting_services
from forecasting.models import ForecastOverride, ForecastRun, ModelVersion, SeriesForecast
from inventory.models import (
    SKU,
    CalendarEvent,
    CalendarPreset,
    ImportJob,
    ImportMapping,
    Location,
    OrderLine,
    Promotion,
    PurchaseOrder,
    PurchaseOrderLine,
    SalesDay,
    StockLevel,
    Supplier,
    SupplierItem,
)
from planning.models import ReorderSuggestion

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    full_name = factory.Sequence(lambda n: f"User {n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MerchantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Merchant

    name = factory.Sequence(lambda n: f"Merchant {n}")
    slug = factory.Sequence(lambda n: f"merchant-{n}")
    currency = "GBP"


def merchants(*slugs: str) -> list[Merchant]:
    """A store for each of ``slugs``: a test across tenants acts in one and checks that the
    others are left as they were."""
    return [MerchantFactory(slug=slug) for slug in slugs]


def member(merchant: Merchant, role: str = Role.OWNER, user: User | None = None) -> User:
    """A user with ``role`` in ``merchant`` (object permissions assigned as in production)."""
    user = user or UserFactory()
    account_services.membership_set_role(merchant=merchant, user=user, role=role, actor=None)
    return user


def merchant_with(role: str = Role.OWNER, **fields) -> tuple[Merchant, User]:
    """A new merchant (``fields`` as for `MerchantFactory`) and a new member of it with ``role``:
    the store most tests act in, and who acts."""
    merchant = MerchantFactory(**fields)
    return merchant, member(merchant, role)


def issued_token(
    merchant: Merchant, *, role: str = Role.PLANNER, name: str = "ERP", actor: User | None = None
):
    """A new API token of ``merchant`` with ``role`` (its ``secret`` shown once), issued by
    ``actor`` (by default a new owner)."""
    actor = actor or member(merchant, Role.OWNER)
    return account_services.api_token_create(merchant=merchant, name=name, role=role, actor=actor)


def api_token_secret(merchant: Merchant, **token) -> str:
    """The secret of a new API token of ``merchant`` (``token`` as for `issued_token`)."""
    return issued_token(merchant, **token).secret


class TenantFactory(factory.django.DjangoModelFactory):
    """Creates the object as its merchant (row-level security checks the write)."""

    class Meta:
        abstract = True

    merchant = factory.SubFactory(MerchantFactory)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        with tenant_context(kwargs["merchant"]):
            return super()._create(model_class, *args, **kwargs)


def of_same_merchant(factory_class: type[TenantFactory]) -> factory.SubFactory:
    """A related object made by ``factory_class`` for the merchant of the object that needs it."""
    return factory.SubFactory(factory_class, merchant=factory.SelfAttribute("..merchant"))


class LocationFactory(TenantFactory):
    class Meta:
        model = Location

    code = factory.Sequence(lambda n: f"LOC{n}")
    name = factory.Sequence(lambda n: f"Location {n}")


class SupplierFactory(TenantFactory):
    class Meta:
        model = Supplier

    code = factory.Sequence(lambda n: f"SUP{n}")
    name = factory.Sequence(lambda n: f"Supplier {n}")


class SKUFactory(TenantFactory):
    class Meta:
        model = SKU

    code = factory.Sequence(lambda n: f"SKU{n:05d}")
    name = factory.Sequence(lambda n: f"Product {n}")
    category = "Gifts"
    unit_price = Decimal("4.95")
    unit_cost = Decimal("2.10")


class SeriesRowFactory(TenantFactory):
    """A row about one SKU at one location (a series), both of the row's merchant."""

    class Meta:
        abstract = True

    sku = of_same_merchant(SKUFactory)
    location = of_same_merchant(LocationFactory)


class SupplierItemFactory(TenantFactory):
    class Meta:
        model = SupplierItem

    supplier = of_same_merchant(SupplierFactory)
    sku = of_same_merchant(SKUFactory)
    lead_time_mean_days = Decimal("10")
    lead_time_std_days = Decimal("2")
    moq = Decimal("12")
    pack_size = Decimal("6")
    unit_cost = Decimal("2.00")


class StockLevelFactory(SeriesRowFactory):
    class Meta:
        model = StockLevel

    on_hand = Decimal("40")
    as_of = factory.LazyFunction(timezone.now)


class SalesDayFactory(SeriesRowFactory):
    class Meta:
        model = SalesDay

    date = factory.Sequence(lambda n: dt.date(2024, 1, 1) + dt.timedelta(days=n))
    units = Decimal("3")
    revenue = Decimal("14.85")
    average_price = Decimal("4.95")


class PromotionFactory(TenantFactory):
    class Meta:
        model = Promotion

    code = factory.Sequence(lambda n: f"PROMO{n}")
    name = factory.Sequence(lambda n: f"Promotion {n}")
    sku = of_same_merchant(SKUFactory)
    start_date = dt.date(2024, 3, 1)
    end_date = dt.date(2024, 3, 14)
    discount_percent = Decimal("20")


class CalendarEventFactory(TenantFactory):
    class Meta:
        model = CalendarEvent

    code = factory.Sequence(lambda n: f"EVENT{n}")
    name = factory.Sequence(lambda n: f"Event {n}")
    start_date = dt.date(2024, 12, 24)
    end_date = dt.date(2024, 12, 26)


class CalendarPresetFactory(TenantFactory):
    class Meta:
        model = CalendarPreset

    country = "GB"
    public_holidays = True
    festivals = factory.LazyFunction(lambda: ["black_friday"])


class PurchaseOrderFactory(TenantFactory):
    class Meta:
        model = PurchaseOrder

    number = factory.Sequence(lambda n: f"PO-{n:05d}")
    supplier = of_same_merchant(SupplierFactory)
    location = of_same_merchant(LocationFactory)
    expected_arrival = dt.date(2024, 4, 1)


class PurchaseOrderLineFactory(TenantFactory):
    class Meta:
        model = PurchaseOrderLine

    purchase_order = of_same_merchant(PurchaseOrderFactory)
    sku = of_same_merchant(SKUFactory)
    quantity_ordered = Decimal("24")
    unit_cost = Decimal("2.00")


class OrderLineFactory(SeriesRowFactory):
    class Meta:
        model = OrderLine

    order_id = factory.Sequence(lambda n: f"ORD{n}")
    ordered_at = factory.LazyFunction(timezone.now)
    date = factory.LazyAttribute(lambda line: line.ordered_at.date())
    quantity = Decimal("2")
    unit_price = Decimal("4.95")


class ImportJobFactory(TenantFactory):
    class Meta:
        model = ImportJob

    resource = "sales"
    file = factory.django.FileField(filename="sales.csv", data=b"sku,location,date,units\n")
    original_name = "sales.csv"


class ImportMappingFactory(TenantFactory):
    class Meta:
        model = ImportMapping

    resource = "sales"
    header = ["Item", "Depot", "Day", "Sold"]
    header_key = factory.Sequence(lambda n: f"{n:064x}")
    mapping = {"Item": "sku", "Depot": "location", "Day": "date", "Sold": "units"}


class IdempotencyRecordFactory(TenantFactory):
    class Meta:
        model = IdempotencyRecord

    key = factory.Sequence(lambda n: f"key-{n}")
    fingerprint = "0" * 64
    status_code = 200
    body = b"{}"


class ModelVersionFactory(TenantFactory):
    """A fine-tuned model version, serving unless ``status`` says otherwise."""

    class Meta:
        model = ModelVersion

    status = ModelVersion.Status.ACTIVE
    mode = "lora"
    artifact = factory.Sequence(lambda n: f"models/v{n}.safetensors")


def created(model_class, merchant: Merchant, /, **fields):
    """A row of ``model_class`` for ``merchant``, created as the merchant (row-level security
    checks the write)."""
    with tenant_context(merchant):
        return model_class.objects.create(merchant=merchant, **fields)


def succeeded_run(merchant: Merchant, **fields) -> ForecastRun:
    """A forecast run that succeeded: what suggestions, alerts and pages hang off."""
    return created(ForecastRun, merchant, status=ForecastRun.Status.SUCCEEDED, **fields)


def series_forecast(
    merchant: Merchant, run: ForecastRun, sku: SKU, location: Location, quantiles, **fields
) -> SeriesForecast:
    """The stored forecast of ``run`` for one series: ``quantiles`` (levels x days) packed as
    the worker stores them, by the transformer unless ``fields`` names another model."""
    fields.setdefault("model", "transformer")
    return created(
        SeriesForecast, merchant, run=run, sku=sku, location=location,
        quantiles=SeriesForecast.pack(quantiles), **fields,
    )  # fmt: skip


def forecast_override(merchant: Merchant, *, actor: User, sku: SKU, **fields) -> ForecastOverride:
    """An override set through the service (validated and audited as the portal's): ``sku``'s
    forecast at every location 25% up for the two weeks from the merchant's today, unless
    ``fields`` say otherwise."""
    today = forecasting_selectors.merchant_today(merchant)
    values = {
        "sku_id": sku.pk,
        "location_id": None,
        "start_date": today,
        "end_date": today + dt.timedelta(days=13),
        "kind": "percent",
        "amount": Decimal("25"),
        "reason": "Trade fair in town",
        "expires_on": today + dt.timedelta(days=13),
        **fields,
    }
    return forecasting_services.forecast_override_create(merchant=merchant, actor=actor, **values)


def sales_days(merchant: Merchant, *, skus, locations, dates, units, **fields) -> list[SalesDay]:
    """A day of sales for each SKU at each location on each of ``dates``, written in one
    statement; ``units`` is a number, or a function of the date."""
    units_on = units if callable(units) else (lambda date: units)
    with tenant_context(merchant):
        return SalesDay.objects.bulk_create(
            SalesDay(merchant=merchant, sku=sku, location=location, date=date,
                     units=units_on(date), **fields)
            for sku in skus
            for location in locations
            for date in dates
        )  # fmt: skip


def suggestions_for_new_skus(
    merchant: Merchant, run: ForecastRun, location: Location, suppliers: dict[str, Supplier]
) -> list[ReorderSuggestion]:
    """A proposed suggestion (as `reorder_suggestion` makes it) for a new SKU of each code in
    ``suppliers``, from the supplier the code maps to."""
    return [
        reorder_suggestion(
            merchant, run, SKUFactory(merchant=merchant, code=code), location, supplier
        )
        for code, supplier in suppliers.items()
    ]


def reorder_suggestion(
    merchant, run, sku, location, supplier, quantity="24", **extra
) -> ReorderSuggestion:
    """A proposed suggestion with plain numbers (packs of 12, MOQ 24, unit cost 2)."""
    numbers = {
        name: Decimal("1")
        for name in (
            "on_hand", "on_order", "lead_time_days", "lead_demand", "cycle_demand",
            "safety_stock", "reorder_point", "order_up_to", "needed", "value",
        )
    }  # fmt: skip
    return created(
        ReorderSuggestion,
        merchant,
        forecast_run=run,
        sku=sku,
        location=location,
        supplier=supplier,
        service_class="AX",
        target_fill_rate=Decimal("0.95"),
        expected_fill_rate=Decimal("0.96"),
        pack_size=Decimal("12"),
        moq=Decimal("24"),
        suggested_quantity=Decimal(quantity),
        quantity=Decimal(quantity),
        unit_cost=Decimal("2"),
        **numbers,
        **extra,
    )
