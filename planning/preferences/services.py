"""Writes of the store's planning settings: the stored row (created with the defaults the first
time it is asked for) and changes to it, validated field by field."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext

from accounts.errors import DomainError
from accounts.models import Merchant, User
from inventory.models import Supplier
from planning.models import DEFAULT_SERVICE_LEVELS, PlanningSettings


def planning_settings_stored(*, merchant: Merchant) -> PlanningSettings:
    """The merchant's stored settings, saved with the defaults when none were set yet."""
    settings, _created = PlanningSettings.objects.for_merchant(merchant).get_or_create(
        merchant=merchant
    )
    return settings


def planning_settings_locked(*, merchant: Merchant) -> PlanningSettings:
    """`planning_settings_stored`, locked for the rest of the transaction."""
    stored = planning_settings_stored(merchant=merchant)
    return PlanningSettings.objects.for_merchant(merchant).select_for_update().get(pk=stored.pk)


def _service_levels_cleaned(given, current: dict) -> dict:
    """The service levels with ``given`` (class -> fill rate in [0.5, 0.999]) applied."""
    if not isinstance(given, dict):
        raise DomainError(gettext("service_levels: an object of class to fill rate."))
    unknown = sorted(set(given) - set(DEFAULT_SERVICE_LEVELS))
    if unknown:
        raise DomainError(
            gettext("service_levels: unknown class %(values)s (AX to CZ).")
            % {"values": ", ".join(unknown)}
        )
    levels = {**current}
    for code, value in given.items():
        try:
            level = float(value)
        except (TypeError, ValueError) as error:
            raise DomainError(
                gettext("service_levels.%(code)s: not a number.") % {"code": code}
            ) from error
        if not 0.5 <= level <= 0.999:
            raise DomainError(
                gettext("service_levels.%(code)s: must be between 0.5 and 0.999.") % {"code": code}
            )
        levels[code] = level
    return levels


def _supplier_budgets_cleaned(merchant: Merchant, given) -> dict[str, str]:
    """Supplier id -> amount, as stored: blank amounts dropped, every supplier the store's."""
    if not isinstance(given, dict):
        raise DomainError(gettext("supplier_budgets: an object of supplier id to amount."))
    cleaned = {}
    try:
        for supplier, amount in given.items():
            if amount is None or amount == "":
                continue
            if Decimal(str(amount)) < 0:
                raise DomainError(
                    gettext("supplier_budgets.%(supplier)s: must not be negative.")
                    % {"supplier": supplier}
                )
            cleaned[str(int(supplier))] = str(Decimal(str(amount)))
    except (TypeError, ValueError, ArithmeticError) as error:
        raise DomainError(
            gettext("supplier_budgets: supplier ids and amounts are numbers.")
        ) from error
    own = Supplier.objects.for_merchant(merchant).filter(pk__in=[int(k) for k in cleaned])
    if own.count() != len(cleaned):
        raise DomainError(gettext("supplier_budgets: no such supplier."))
    return cleaned


def _service_policy_cleaned(given: str) -> str:
    if given not in PlanningSettings.ServicePolicy.values:
        raise DomainError(
            gettext("service_policy: one of %(values)s.")
            % {"values": ", ".join(PlanningSettings.ServicePolicy.values)}
        )
    return given


def _minimum_fill_rate_cleaned(merchant: Merchant, given) -> Decimal:
    """A fill rate in [0, 0.99], not above the store's target service level."""
    try:
        minimum = Decimal(str(given))
    except ArithmeticError as error:
        raise DomainError(gettext("minimum_fill_rate: not a number.")) from error
    if not Decimal("0") <= minimum <= Decimal("0.99"):
        raise DomainError(gettext("minimum_fill_rate: must be between 0 and 0.99."))
    if minimum > merchant.target_service_level:
        raise DomainError(
            gettext(
                "minimum_fill_rate: must not exceed the store's target service level "
                "(%(target_service_level)s)."
            )
            % {"target_service_level": format(merchant.target_service_level, ".3f")}
        )
    return minimum


def _decimal_cleaned(name: str, given) -> Decimal:
    try:
        return Decimal(str(given))
    except ArithmeticError as error:
        raise DomainError(gettext("%(name)s: not a number.") % {"name": name}) from error


def _budget_cleaned(budget, clear_budget: bool) -> Decimal | None:
    if budget is not None and Decimal(budget) < 0:
        raise DomainError(gettext("budget: must not be negative."))
    return None if clear_budget else Decimal(budget)


@transaction.atomic
def planning_settings_update(
    *,
    merchant: Merchant,
    actor: User | None,
    service_levels: dict | None = None,
    budget: Decimal | None = None,
    supplier_budgets: dict | None = None,
    overstock_days: int | None = None,
    stale_days: int | None = None,
    digest_enabled: bool | None = None,
    clear_budget: bool = False,
    service_policy: str | None = None,
    minimum_fill_rate: Decimal | float | None = None,
    default_lead_time_days: Decimal | float | None = None,
    default_lead_time_std_days: Decimal | float | None = None,
    alert_minimum_value: Decimal | float | None = None,
) -> PlanningSettings:
    """Change the store's planning settings (only what is given; ``clear_budget`` removes the
    total budget). Service levels are fill rates between 0.5 and 0.999 for the classes AX to
    CZ; supplier budgets name the store's own suppliers; the minimum fill rate (with one
    store-wide fill rate) lies between 0 and 0.99 and below the store's target."""
    settings = planning_settings_locked(merchant=merchant)
    if service_levels is not None:
        settings.service_levels = _service_levels_cleaned(service_levels, settings.service_levels)
    if budget is not None or clear_budget:
        settings.budget = _budget_cleaned(budget, clear_budget)
    if supplier_budgets is not None:
        settings.supplier_budgets = _supplier_budgets_cleaned(merchant, supplier_budgets)
    if service_policy is not None:
        settings.service_policy = _service_policy_cleaned(service_policy)
    if minimum_fill_rate is not None:
        settings.minimum_fill_rate = _minimum_fill_rate_cleaned(merchant, minimum_fill_rate)
    for name, value in (
        ("default_lead_time_days", default_lead_time_days),
        ("default_lead_time_std_days", default_lead_time_std_days),
        ("alert_minimum_value", alert_minimum_value),
    ):
        if value is not None:
            setattr(settings, name, _decimal_cleaned(name, value))
    for name, value in (
        ("overstock_days", overstock_days),
        ("stale_days", stale_days),
        ("digest_enabled", digest_enabled),
    ):
        if value is not None:
            setattr(settings, name, value)
    settings.full_clean()
    settings.save()
    return settings
