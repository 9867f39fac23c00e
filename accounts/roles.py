"""Roles inside a merchant and the django-guardian object permissions they grant.

A Membership's role is the source of truth; the service that sets it keeps the object
permissions on the Merchant in step. Views ask for a permission, never for a role.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    PLANNER = "planner", _("Planner")
    VIEWER = "viewer", _("Viewer")


class Permission(models.TextChoices):
    VIEW = "view", _("View the catalogue, forecasts and decisions")
    PLAN = "plan", _("Plan: approve orders, acknowledge alerts, upload data")
    MANAGE = "manage", _("Manage members, API tokens and settings")


# codename on accounts.Merchant for each permission
CODENAMES = {
    Permission.VIEW: "view_merchant",
    Permission.PLAN: "plan_merchant",
    Permission.MANAGE: "manage_merchant",
}

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.VIEWER: frozenset({Permission.VIEW}),
    Role.PLANNER: frozenset({Permission.VIEW, Permission.PLAN}),
    Role.OWNER: frozenset({Permission.VIEW, Permission.PLAN, Permission.MANAGE}),
}


def perm_name(permission: str) -> str:
    """The full permission name guardian checks, e.g. ``accounts.plan_merchant``."""
    return f"accounts.{CODENAMES[Permission(permission)]}"


def role_grants(role: str, permission: str) -> bool:
    return Permission(permission) in ROLE_PERMISSIONS[Role(role)]
