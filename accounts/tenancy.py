"""Tenant scoping: the `TenantOwned` base, its fail-closed manager and the database tenant.

Two locks keep one merchant's rows away from another:

1. The ORM lock. Every tenant-owned model inherits `TenantOwned`. Its default manager refuses
   to run a query that is not pinned to one merchant: a query must say
   ``.for_merchant(merchant)`` (or filter on ``merchant`` itself), or come through a related
   manager of an object that was already loaded that way. A deliberate sweep across merchants
   says ``.unscoped()`` next to a comment saying why.
2. The database lock. On PostgreSQL every tenant table has a row-level security policy keyed
   on the transaction-local setting ``shelfcast.merchant_id``. `tenant_context` sets it for the
   duration of a block (the base portal view and API viewset do so for each request), and the
   application connects as a role that does not own the tables, so a query that escaped the
   ORM lock still sees nothing of another merchant. The block itself is `core.database_tenant`.
"""

from __future__ import annotations

from django.apps import apps
from django.db import models
from django.utils import timezone

# The database lock, in core so that core's job machinery can open its blocks; named here too,
# as this module is where every app finds tenant scoping.
from core.database_tenant import (
    ALL_MERCHANTS_DB_SETTING,
    UnscopedQueryError,
    all_merchants_context,
    merchant_pk,
    tenant_context,
)

__all__ = [
    "ALL_MERCHANTS_DB_SETTING",
    "TenantManager",
    "TenantOwned",
    "TenantQuerySet",
    "UnscopedQueryError",
    "all_merchants_context",
    "merchant_pk",
    "tenant_context",
    "tenant_models",
]

# Lookups that pin a query to exactly one merchant.
_SCOPING_LOOKUPS = frozenset(
    {
        "merchant",
        "merchant_id",
        "merchant__pk",
        "merchant__id",
        "merchant__exact",
        "merchant_id__exact",
        "merchant__pk__exact",
        "merchant__id__exact",
    }
)


class TenantQuerySet(models.QuerySet):
    """A queryset that must be pinned to one merchant before it touches the database."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._merchant_scoped = False

    def _clone(self):
        clone = super()._clone()
        clone._merchant_scoped = self._merchant_scoped
        return clone

    # -- scoping ------------------------------------------------------------------------------
    def for_merchant(self, merchant: models.Model | int) -> TenantQuerySet:
        return self.filter(merchant_id=merchant_pk(merchant))

    def unscoped(self) -> TenantQuerySet:
        """Every merchant's rows. Callers say in a comment why they need a cross-tenant sweep."""
        clone = self._chain()
        clone._merchant_scoped = True
        return clone

    def filter(self, *args, **kwargs):
        clone = super().filter(*args, **kwargs)
        if any(key in _SCOPING_LOOKUPS and value is not None for key, value in kwargs.items()):
            clone._merchant_scoped = True
        return clone

    @property
    def is_merchant_scoped(self) -> bool:
        # A related manager (``sku.sales_days``) carries the instance it hangs off: that instance
        # was itself loaded through a scoped query, and the relation pins the merchant.
        return self._merchant_scoped or "instance" in self._hints

    def _require_scope(self) -> None:
        if not self.is_merchant_scoped:
            raise UnscopedQueryError(
                f"{self.model.__name__} queries must be scoped: use "
                f"{self.model.__name__}.objects.for_merchant(merchant), or .unscoped() for a "
                "deliberate cross-merchant sweep."
            )

    # -- every way a queryset reaches the database ---------------------------------------------
    def _fetch_all(self):
        if self._result_cache is None:
            self._require_scope()
        super()._fetch_all()

    def iterator(self, *args, **kwargs):
        self._require_scope()
        return super().iterator(*args, **kwargs)

    def count(self):
        if self._result_cache is None:
            self._require_scope()
        return super().count()

    def exists(self):
        if self._result_cache is None:
            self._require_scope()
        return super().exists()

    def aggregate(self, *args, **kwargs):
        self._require_scope()
        return super().aggregate(*args, **kwargs)

    def update(self, **kwargs):
        self._require_scope()
        return super().update(**kwargs)

    def _update(self, values):
        self._require_scope()
        return super()._update(values)

    def delete(self):
        self._require_scope()
        return super().delete()

    def explain(self, *args, **kwargs):
        self._require_scope()
        return super().explain(*args, **kwargs)


class TenantManager(models.Manager.from_queryset(TenantQuerySet)):
    """The fail-closed default manager of every tenant-owned model."""


class TenantOwned(models.Model):
    """Base of every model that belongs to one merchant.

    ``row_level_security`` says whether the table carries the PostgreSQL policy. Only the
    tenancy registry in accounts (memberships, tokens, invitations), which must be read before
    the merchant is known, sets it to False.
    """

    merchant = models.ForeignKey(
        "accounts.Merchant", on_delete=models.CASCADE, related_name="+", db_index=True
    )

    objects = TenantManager()

    row_level_security = True

    class Meta:
        abstract = True
        # No base_manager_name: Django's plain base manager serves related-object access and
        # cascading deletes, which start from an object that was already loaded in scope.


class AuditEvent(TenantOwned):
    """Base of an audit trail's rows: who did it (``actor``), by which way (``via``: portal,
    API, a token), what changed and when. A subclass adds what it audits and its actions."""

    actor = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    via = models.CharField(max_length=80, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta(TenantOwned.Meta):
        abstract = True
        ordering = ["-created_at", "-id"]

    #: the ForeignKey to the audited object, named by each subclass
    subject_field = ""

    @classmethod
    def record(cls, subject, action: str, *, actor, via: str, changes: dict):
        """Keep one step of ``subject``'s history, in the merchant that owns it."""
        return cls.objects.create(
            merchant_id=subject.merchant_id,
            action=action,
            actor=actor,
            via=via,
            changes=changes,
            **{cls.subject_field: subject},
        )


def tenant_models() -> list[type[TenantOwned]]:
    return [
        model
        for model in apps.get_models()
        if issubclass(model, TenantOwned) and not model._meta.proxy
    ]
