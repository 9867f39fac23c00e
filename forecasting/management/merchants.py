"""Which merchants a management command acts on."""

from __future__ import annotations

from django.core.management.base import CommandError
from django.db.models import QuerySet

from accounts.models import Merchant


def by_slugs(slugs: list[str]) -> QuerySet[Merchant]:
    """The merchants with these slugs (every merchant when none is given), by slug; a slug
    that names no merchant is an error."""
    merchants = Merchant.objects.order_by("slug")
    if not slugs:
        return merchants
    merchants = merchants.filter(slug__in=slugs)
    missing = set(slugs) - set(merchants.values_list("slug", flat=True))
    if missing:
        raise CommandError(f"No such merchant: {', '.join(sorted(missing))}")
    return merchants
