"""Two merchants, each holding one object of every tenant-owned model.

The isolation suite uses this to try every URL of one merchant with the other's ids. A new
tenant-owned model must get a builder in BUILDERS (the suite fails until it does): in the
module of this package named after its app. The second merchant's objects get ids from
900,000 up, so no id of theirs is also an id of one of the first merchant's objects, and
their text carries a marker the suite looks for in responses.
"""

from __future__ import annotations

from django.test import TestCase

from accounts.models import Merchant, MerchantUserObjectPermission
from accounts.roles import Role
from accounts.tenancy import all_merchants_context, tenant_context, tenant_models
from tests import factories
from tests.world import accounts, forecasting, inventory, planning
from tests.world.registry import REGISTERED, Builder, World, builds, builds_from

__all__ = [
    "BUILDERS",
    "Builder",
    "StaffAndTwoWorldsTestCase",
    "TwoWorldsTestCase",
    "World",
    "build_world",
    "builds",
    "builds_from",
    "missing_builders",
    "snapshot",
    "two_worlds",
]
# The builder modules register themselves on import; the world is built module by module in
# this order (the catalogue first, as everything else points at it), each in its own order.
BUILDER_MODULES = [module.__name__ for module in (inventory, accounts, forecasting, planning)]
BUILDERS = dict(
    sorted(REGISTERED.items(), key=lambda item: BUILDER_MODULES.index(item[1].__module__))
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


def two_worlds(alpha: str = "Alpha", beta: str = "Beta") -> tuple[World, World]:
    """Alpha's world and Beta's (its ids from 900,000 up), the stores named ``alpha`` and
    ``beta``."""
    first = build_world(name=alpha, slug="alpha", marker="ALPHA")
    return first, build_world(name=beta, slug="beta", marker="BETA", id_base=900_000)


class TwoWorldsTestCase(TestCase):
    """``a`` and ``b``, the `two_worlds`, built once for the class."""

    @classmethod
    def setUpTestData(cls):
        cls.a, cls.b = two_worlds()


class StaffAndTwoWorldsTestCase(TwoWorldsTestCase):
    """The two worlds, and a member of Shelfcast's staff (``staff``) with the console."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.staff = factories.UserFactory(
            email="ops@shelfcast.test", is_staff=True, is_superuser=True
        )
