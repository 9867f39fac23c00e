"""Two stores for the task isolation suite (test_task_jobs.py, test_task_sweeps.py).

Both hold the same SKU and location codes (a lookup by code that forgot the merchant would
cross), a different number of SKUs (a count that took in the other store shows) and a marker
in their text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
from django.test import TestCase, override_settings

from accounts.models import Merchant, User
from accounts.roles import Role
from accounts.tenancy import TenantOwned, all_merchants_context, tenant_context, tenant_models
from forecasting.models import (
    ForecastChunk,
    ForecastRun,
    SeriesForecast,
)
from forecasting.quantiles import LEVELS
from forecasting.selection import TRANSFORMER
from inventory.models import (
    SKU,
    Location,
    SalesDay,
)
from planning.models import WebhookEndpoint
from tests import factories
from tests.http_receiver import Receiver
from tests.isolation.task_catalogue import all_tasks
from tests.world import snapshot

START = dt.date(2024, 1, 1)
HISTORY_DAYS = 90  # fine-tuning needs 84 days; a 14-day policy replay 14 + 56
LAST_DAY = START + dt.timedelta(days=HISTORY_DAYS - 1)
ACCURACY_WINDOW = 28
MISSING_ID = 2_000_000_000  # an id no row has
IMPORTED_DAY = dt.date(2024, 6, 1)
SALES_CSV = b"sku,location,date,units\nMUG,SHOP,2024-06-01,5\nJUG,SHOP,2024-06-01,2\n"


@dataclass
class Store:
    merchant: Merchant
    owner: User
    marker: str
    location: Location
    skus: list[SKU]
    endpoint: WebhookEndpoint
    scored_run: ForecastRun  # the run before the last four weeks, which accuracy measures

    @property
    def sku_ids(self) -> set[int]:
        return {sku.pk for sku in self.skus}

    @property
    def hook_path(self) -> str:
        return f"/hook/{self.merchant.slug}"


def build_store(*, name: str, slug: str, marker: str, codes: tuple[str, ...], hooks: str) -> Store:
    """A store with `HISTORY_DAYS` of sales of each SKU at one location, nothing in stock (so
    planning suggests orders), a webhook endpoint, and a run of four weeks ago with forecasts
    of the last four weeks (so accuracy has something to measure)."""
    merchant = factories.MerchantFactory(name=name, slug=slug)
    owner = factories.member(
        merchant, Role.OWNER, user=factories.UserFactory(email=f"owner@{slug}.example.test")
    )
    location = factories.LocationFactory(merchant=merchant, code="SHOP", name=f"{marker} shop")
    supplier = factories.SupplierFactory(merchant=merchant, code="SUP", name=f"{marker} supply")
    skus = []
    for code in codes:
        sku = factories.SKUFactory(
            merchant=merchant,
            code=code,
            name=f"{marker} {code.lower()}",
            description=f"Only {marker} sells this",
        )
        factories.SupplierItemFactory(merchant=merchant, supplier=supplier, sku=sku)
        factories.StockLevelFactory(merchant=merchant, sku=sku, location=location, on_hand=0)
        skus.append(sku)
    window_start = LAST_DAY - dt.timedelta(days=ACCURACY_WINDOW - 1)
    # Noisy weekly demand: an exactly periodic series would leave seasonal naive no error to
    # scale by, and the scores that divide by it undefined.
    units = np.random.default_rng(len(codes)).poisson(
        3 + np.arange(len(codes))[:, None] + np.arange(HISTORY_DAYS)[None, :] % 7
    )
    with tenant_context(merchant):
        SalesDay.objects.bulk_create(
            SalesDay(
                merchant=merchant, sku=sku, location=location,
                date=START + dt.timedelta(days=day),
                units=Decimal(int(sold)), revenue=Decimal(5 * int(sold)),
            )
            for sku, row in zip(skus, units, strict=True)
            for day, sold in enumerate(row)
        )  # fmt: skip
        endpoint = WebhookEndpoint.objects.create(
            merchant=merchant, url=f"{hooks}/{slug}", secret="0" * 64, description=marker
        )
        scored_run = ForecastRun.objects.create(
            merchant=merchant,
            status=ForecastRun.Status.SUCCEEDED,
            horizon=ACCURACY_WINDOW,
            history_end=window_start - dt.timedelta(days=1),
            finished_at=dt.datetime.combine(window_start, dt.time(3), tzinfo=dt.UTC),
            message=marker,
        )
        SeriesForecast.objects.bulk_create(
            SeriesForecast(
                merchant=merchant,
                run=scored_run,
                sku=sku,
                location=location,
                first_date=window_start,
                model=TRANSFORMER,
                quantiles=SeriesForecast.pack(np.full((len(LEVELS), ACCURACY_WINDOW), 4.0)),
            )
            for sku in skus
        )
    return Store(merchant, owner, marker, location, skus, endpoint, scored_run)


def foreign_references() -> list[str]:
    """Rows of one merchant that point at a row of another: through a foreign key between
    tenant-owned models, or a forecast chunk's list of SKU ids."""
    found = []
    # Across merchants on purpose: the check compares each row's merchant with its targets'.
    with all_merchants_context():
        for model in tenant_models():
            for field in model._meta.concrete_fields:
                target = field.related_model if field.many_to_one or field.one_to_one else None
                if target is None or not issubclass(target, TenantOwned):
                    continue
                rows = (
                    model.objects.unscoped()
                    .filter(**{f"{field.name}__isnull": False})
                    .values_list("pk", "merchant", f"{field.name}__merchant")
                )
                found += [
                    f"{model._meta.label} {pk}.{field.name}"
                    for pk, own, theirs in rows
                    if own != theirs
                ]
        for pk, own, sku_ids in ForecastChunk.objects.unscoped().values_list(
            "pk", "merchant", "sku_ids"
        ):
            owners = (
                SKU.objects.unscoped().filter(pk__in=sku_ids).values_list("merchant", flat=True)
            )
            if set(owners) - {own}:
                found.append(f"forecasting.ForecastChunk {pk}.sku_ids")
    return found


def scoped(model, store: Store):
    return model.objects.for_merchant(store.merchant)


def fetch(model, store: Store, pk: int):
    with tenant_context(store.merchant):
        return scoped(model, store).get(pk=pk)


# One training step on small batches, one explanation a night: the suite asks whose data the
# work reads and writes, not how good it is (tests/forecasting/ covers that).
@override_settings(
    FINE_TUNE_BATCH_SIZE=4, FINE_TUNE_STEPS=1, FINE_TUNE_MODE="full", PLANNING_EXPLAIN_LIMIT=1
)
class TwoStoresTestCase(TestCase):
    """Alpha and Beta, built once; a webhook receiver both stores' endpoints post to."""

    @classmethod
    def setUpClass(cls):
        cls.receiver = Receiver()
        cls.addClassCleanup(cls.receiver.close)
        super().setUpClass()

    @classmethod
    def setUpTestData(cls):
        hooks = cls.receiver.url
        cls.a = build_store(
            name="Alpha Goods", slug="alpha", marker="ALPHAMARK", codes=("MUG", "JUG"), hooks=hooks
        )
        cls.b = build_store(
            name="Beta Hidden Traders",
            slug="beta",
            marker="BETAMARK",
            codes=("MUG", "JUG", "BOWL"),
            hooks=hooks,
        )

    def setUp(self):
        self.tasks = {registered.name: registered for registered in all_tasks()}
        self.receiver.received.clear()

    def stores(self) -> tuple[Store, Store]:
        return self.a, self.b

    def assertNothingOfTheOther(self, text: str, store: Store, other: Store) -> None:
        self.assertIn(store.marker, text)
        self.assertNotIn(other.marker, text)
        self.assertNotIn(other.merchant.name, text)

    def assertUnchanged(self, store: Store, before: dict, context: str) -> None:
        """The store's rows are as in ``before`` (a `snapshot`); names the models that are not."""
        after = snapshot(store.merchant)
        changed = sorted(label for label in before if after.get(label) != before[label])
        self.assertEqual(changed, [], f"{context}: these of {store.merchant.slug} changed")
