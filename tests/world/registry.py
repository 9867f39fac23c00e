"""The world's builders, one a tenant-owned model, as each module of the package registers
them (tests/world/__init__.py puts them in the order the world is built)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models

from accounts.models import Merchant, User


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

REGISTERED: dict[type[models.Model], Builder] = {}


def builds(model: type[models.Model]):
    """Registers a builder that makes the world's ``model`` row itself, given the world and
    the reserved id (empty where the world reserves none)."""

    def register(function: Builder) -> Builder:
        REGISTERED[model] = function
        return function

    return register


def builds_from(model: type[models.Model], create: Callable | None = None):
    """Registers a function of the world that gives the fields of its ``model`` row; the row
    is made by ``create`` (a factory; the model's manager by default) with the world's
    merchant and the reserved id."""

    def register(fields: Callable[[World], dict]) -> Callable[[World], dict]:
        def build(world: World, ids: dict) -> models.Model:
            made = create or model.objects.create
            return made(merchant=world.merchant, **fields(world), **ids)

        build.__module__ = fields.__module__  # where the world's build order looks
        REGISTERED[model] = build
        return fields

    return register


def moved(model: type[models.Model], world: World, row: models.Model, ids: dict):
    """Moves a row that a service made to its reserved id (services take ids from the
    sequence)."""
    if not ids:
        return row
    model.objects.for_merchant(world.merchant).filter(pk=row.pk).update(**ids)
    return model.objects.for_merchant(world.merchant).get(**ids)


def audited(world: World, action, changes: dict, **subject) -> dict:
    """The fields of an audit row of ``subject``: ``action`` by the world's owner."""
    return {**subject, "action": action, "actor": world.owner, "changes": changes}
