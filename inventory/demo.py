"""The demo: a merchant built from a small sample of real sales, for a first look at the portal.

``demo_load`` creates "Demo Gift Shop" (slug ``demo``) from the bundled sample in
``inventory/sample_data/online_retail/`` (300 products of the UCI Online Retail data, a UK
online gift-ware shop, 2010-12-01 to 2011-12-09; origin, licence and selection in its
README.md), three members who sign in with email and ``DEMO_PASSWORD``, and "Second Shop"
(slug ``second-shop``, 20 of the same products) so that switching merchants can be shown.

The loaded data, what of it is real and what is made up: `inventory.sample_load`.

Side effects: creates users, merchants, memberships with their object permissions and the
merchants' catalogue, all in one transaction. With ``reset=True`` it first deletes the demo
merchants (every row of theirs cascades) and the demo users.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO

from django.db import transaction

from accounts.models import Membership, Merchant, User
from accounts.roles import Role
from accounts.services import membership_set_role, merchant_create
from accounts.tenancy import all_merchants_context, tenant_context
from inventory import partitions
from inventory.models import SKU, SalesDay, StockLevel, Supplier, SupplierItem
from inventory.sample_catalogue import Sample, read_sample
from inventory.sample_load import sample_products_load

DEMO_PASSWORD = "shelfcast-demo"  # a demo: printed by load_demo, never used for real data
DEMO_SLUG = "demo"
SECOND_SLUG = "second-shop"
DEMO_SLUGS = (DEMO_SLUG, SECOND_SLUG)
DEMO_TIMEZONE = "Europe/London"
DEMO_CURRENCY = "GBP"
OWNER_EMAIL = "owner@demo.shelfcast.local"
PLANNER_EMAIL = "planner@demo.shelfcast.local"
VIEWER_EMAIL = "viewer@demo.shelfcast.local"
DEMO_USERS = (
    (OWNER_EMAIL, "Demo Owner", Role.OWNER),
    (PLANNER_EMAIL, "Demo Planner", Role.PLANNER),
    (VIEWER_EMAIL, "Demo Viewer", Role.VIEWER),
)
DEMO_EMAILS = tuple(email for email, _, _ in DEMO_USERS)
SECOND_SHOP_SKU_COUNT = 20


# -- the result ----------------------------------------------------------------------------
@dataclass(frozen=True)
class MerchantCounts:
    slug: str
    name: str
    skus: int
    suppliers: int
    supplier_items: int
    sales_days: int
    stock_levels: int


@dataclass(frozen=True)
class DemoResult:
    created: bool  # False: the demo existed and was left as it was
    merchants: tuple[MerchantCounts, ...]
    emails: tuple[str, ...]
    password: str
    seconds: float


def _counts(merchant: Merchant) -> MerchantCounts:
    with tenant_context(merchant):
        return MerchantCounts(
            slug=merchant.slug,
            name=merchant.name,
            skus=SKU.objects.for_merchant(merchant).count(),
            suppliers=Supplier.objects.for_merchant(merchant).count(),
            supplier_items=SupplierItem.objects.for_merchant(merchant).count(),
            sales_days=SalesDay.objects.for_merchant(merchant).count(),
            stock_levels=StockLevel.objects.for_merchant(merchant).count(),
        )


# -- the service -----------------------------------------------------------------------------
def demo_load(*, reset: bool = False, stdout: TextIO | None = None) -> DemoResult:
    """Build the demo merchants and users, unless the demo exists already (then report it).

    ``reset=True`` deletes the demo merchants and users first and builds them again.
    """
    started = time.perf_counter()

    def say(message: str) -> None:
        if stdout is not None:
            stdout.write(message + "\n")

    with transaction.atomic():
        existing = Merchant.objects.filter(slug=DEMO_SLUG).first()
        if existing is not None and not reset:
            say(f"The demo merchant '{DEMO_SLUG}' exists already; use --reset to rebuild it.")
            merchants = Merchant.objects.filter(slug__in=DEMO_SLUGS).order_by("pk")
            counts = tuple(_counts(merchant) for merchant in merchants)
            return _result(created=False, merchants=counts, started=started)
        deleted = _delete_demo()
        if deleted:
            say(f"Deleted the previous demo: {', '.join(deleted)}.")
        counts = _build_demo(say)

    # The sample's history is years old: its months get partitions of their own (PostgreSQL).
    report = partitions.ensure_sales_partitions()
    if report.created:
        say(f"Sales partitioned by month: {len(report.created)} months.")
    return _result(created=True, merchants=counts, started=started)


def _result(*, created: bool, merchants: tuple[MerchantCounts, ...], started: float) -> DemoResult:
    return DemoResult(
        created=created,
        merchants=merchants,
        emails=DEMO_EMAILS,
        password=DEMO_PASSWORD,
        seconds=time.perf_counter() - started,
    )


def _build_demo(say: Callable[[str], None]) -> tuple[MerchantCounts, ...]:
    """The demo users; the demo merchant, which they are all members of, with the whole
    sample; the second shop, its owner's only, with a few of the sample's products."""
    sample = read_sample()
    users = {
        email: User.objects.create_user(email=email, password=DEMO_PASSWORD, full_name=name)
        for email, name, _ in DEMO_USERS
    }
    owner = users[OWNER_EMAIL]
    demo = _demo_merchant(
        name="Demo Gift Shop",
        slug=DEMO_SLUG,
        owner=owner,
        members=[(users[email], role) for email, _, role in DEMO_USERS if role != Role.OWNER],
        sample=sample,
        products=sample.products,
        say=say,
    )
    second = _demo_merchant(
        name="Second Shop",
        slug=SECOND_SLUG,
        owner=owner,
        members=[],
        sample=sample,
        products=_second_shop_products(sample),
        say=say,
    )
    return (_counts(demo), _counts(second))


def _demo_merchant(
    *,
    name: str,
    slug: str,
    owner: User,
    members: list[tuple[User, str]],
    sample: Sample,
    products: list[dict[str, str]],
    say: Callable[[str], None],
) -> Merchant:
    """One demo merchant: created, its members given their roles, then its data loaded."""
    merchant = merchant_create(
        name=name, owner=owner, slug=slug, timezone_name=DEMO_TIMEZONE, currency=DEMO_CURRENCY
    )
    for user, role in members:
        membership_set_role(merchant=merchant, user=user, role=role, actor=None)
    sample_products_load(merchant=merchant, sample=sample, products=products)
    say(f"Loaded {merchant.name} ({len(products)} SKUs).")
    return merchant


def sample_data_load(*, merchant: Merchant) -> bool:
    """Load the sample's catalogue, suppliers, sales and stock into a store onboarded with
    it (`accounts.onboarding.merchant_onboard`); False, loading nothing, when the store has a
    catalogue already (the task ran before, or the store imported its own)."""
    with transaction.atomic(), tenant_context(merchant):
        if SKU.objects.for_merchant(merchant).exists():
            return False
        sample = read_sample()
        sample_products_load(merchant=merchant, sample=sample, products=sample.products)
    partitions.ensure_sales_partitions()  # the sample's months get partitions of their own
    return True


def _second_shop_products(sample: Sample) -> list[dict[str, str]]:
    """Every k-th regular product by code: a handful with steady sales."""
    regular = [row for row in sample.products if row["series"] == "regular"]
    step = max(len(regular) // SECOND_SHOP_SKU_COUNT, 1)
    return regular[::step][:SECOND_SHOP_SKU_COUNT]


def _delete_demo() -> list[str]:
    """Delete the demo merchants (their rows cascade) and the demo users; returns what went.

    A merchant holding a demo slug counts as the demo's only if a demo user is its member, so
    a real merchant that happens to be called "Second Shop" is never deleted (building the
    demo then stops at the taken slug instead).
    """
    # A sweep across merchants by design: the demo's merchants are found by slug and member.
    demo_merchant_ids = set(
        Membership.objects.unscoped()
        .filter(merchant__slug__in=DEMO_SLUGS, user__email__in=DEMO_EMAILS)
        .values_list("merchant_id", flat=True)
    )
    merchants = list(Merchant.objects.filter(pk__in=demo_merchant_ids).order_by("pk"))
    with all_merchants_context():
        for merchant in merchants:
            merchant.delete()
    # guardian's object permissions on a merchant have a real foreign key and cascade with it.
    users = list(User.objects.filter(email__in=DEMO_EMAILS).values_list("email", flat=True))
    User.objects.filter(email__in=DEMO_EMAILS).delete()
    return [merchant.slug for merchant in merchants] + sorted(users)
