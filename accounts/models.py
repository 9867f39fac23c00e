"""Merchants (the tenants), their members and roles, API tokens and invitations."""

from __future__ import annotations

import datetime as dt
import secrets
import zoneinfo
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from accounts.roles import Role
from accounts.tenancy import TenantOwned

TIMEZONE_CHOICES = sorted((name, name) for name in zoneinfo.available_timezones())


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields) -> User:
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, email: str) -> User:
        # Email addresses are compared without case: people type them both ways.
        return self.get(email__iexact=email)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields) -> User:
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person. Signs in with an email address; belongs to merchants through memberships."""

    username = None
    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(max_length=150, blank=True)
    # The portal's language for this person; blank follows the browser's Accept-Language.
    language = models.CharField(max_length=10, blank=True, default="", choices=settings.LANGUAGES)
    first_name = None
    last_name = None

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


def new_customer_key() -> str:
    return secrets.token_hex(32)


class Merchant(models.Model):
    """The tenant: one shop or company. Everything else hangs off a merchant."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True)
    timezone = models.CharField(max_length=64, choices=TIMEZONE_CHOICES, default="UTC")
    currency = models.CharField(max_length=3, default="GBP", help_text="ISO 4217 code")
    target_service_level = models.DecimalField(
        max_digits=5,
        decimal_places=4,
        default=Decimal("0.95"),
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("0.999"))],
        help_text="Default probability of not running out during a replenishment cycle.",
    )
    review_period_days = models.PositiveSmallIntegerField(
        default=7, validators=[MinValueValidator(1), MaxValueValidator(90)]
    )
    nightly_forecast_time = models.TimeField(
        default=dt.time(2, 0), help_text="Local time (in the store's timezone) of the nightly run."
    )
    # Keys the HMAC that pseudonymises customer ids on arrival. Never shown or logged.
    customer_key = models.CharField(max_length=64, default=new_customer_key, editable=False)
    created_at = models.DateTimeField(default=now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        permissions = [
            ("plan_merchant", "Can plan for the merchant"),
            ("manage_merchant", "Can manage the merchant's members, tokens and settings"),
        ]

    def __str__(self) -> str:
        return self.name


class MerchantUserObjectPermission(UserObjectPermissionBase):
    """guardian's object permissions on a merchant, with a real foreign key: they are found by
    an index and deleted with the merchant."""

    content_object = models.ForeignKey(Merchant, on_delete=models.CASCADE)


class MerchantGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Merchant, on_delete=models.CASCADE)


class Membership(TenantOwned):
    """A user's role in one merchant. Read before the merchant is known (the merchant
    switcher), so it is scoped by the ORM but carries no row-level security policy."""

    row_level_security = False

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.VIEWER)
    created_at = models.DateTimeField(default=now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["merchant", "user"], name="membership_unique_user")
        ]
        indexes = [models.Index(fields=["user", "merchant"], name="membership_user_idx")]

    def __str__(self) -> str:
        return f"{self.user} ({self.role})"


class ApiToken(TenantOwned):
    """A secret an ERP uses to call the API for one merchant with one role.

    Only a SHA-256 digest of the secret is stored; the secret is shown once at creation.
    Looked up by its prefix before the merchant is known, hence no row-level security.
    """

    row_level_security = False

    name = models.CharField(max_length=100)
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.PLANNER)
    prefix = models.CharField(max_length=16, unique=True, editable=False)
    digest = models.CharField(max_length=64, editable=False)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=now, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["merchant", "name"], name="apitoken_unique_name")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class Invitation(TenantOwned):
    """An owner's invitation for an email address to join a merchant with a role.

    Opened from a link before the invitee has an account, hence no row-level security.
    """

    row_level_security = False

    email = models.EmailField()
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.VIEWER)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=now, editable=False)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["merchant", "email"], name="invitation_email_idx")]

    def __str__(self) -> str:
        return f"{self.email} → {self.merchant_id} ({self.role})"

    @property
    def is_open(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )


class IdempotencyRecord(TenantOwned):
    """The first answer to a write that carried an ``Idempotency-Key``, replayed to retries.

    Kept at least 24 hours (a nightly task removes older ones)."""

    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of method, path and body.")
    status_code = models.PositiveSmallIntegerField()
    body = models.BinaryField()
    content_type = models.CharField(max_length=100, default="application/json")
    created_at = models.DateTimeField(default=now, editable=False, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["merchant", "key"], name="idempotency_unique_key")
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.status_code})"


class SecurityEvent(TenantOwned):
    """A security-relevant change inside one merchant: API tokens, invitations, members and
    their roles. The merchant's owners and platform staff answer "who did this, and when".

    Tenant-owned like every other merchant table (fail-closed manager, row-level security).
    Events of a person's account that belong to no merchant (sign-ins, failed sign-ins for an
    address that may not exist, password changes) are `AccountEvent`, a table of its own:
    a nullable merchant here would put rows outside every tenant policy into a tenant table.
    ``details`` holds names, roles and ids, never a secret (`audit.security_event_record`
    refuses keys that look like one).
    """

    class Kind(models.TextChoices):
        TOKEN_CREATED = "token_created", _("API token created")
        TOKEN_REVOKED = "token_revoked", _("API token revoked")
        MEMBER_INVITED = "member_invited", _("Member invited")
        INVITATION_REVOKED = "invitation_revoked", _("Invitation withdrawn")
        MEMBER_ADDED = "member_added", _("Member added")
        ROLE_CHANGED = "role_changed", _("Role changed")
        MEMBER_REMOVED = "member_removed", _("Member removed")
        SUPPORT_ACCESS_GRANTED = "support_access_granted", _("Support access granted")
        SUPPORT_ACCESS_REVOKED = "support_access_revoked", _("Support access withdrawn")
        STAFF_VIEWED = "staff_viewed", _("Platform staff viewed store data")
        STAFF_CHANGED = "staff_changed", _("Platform staff changed store data")

    kind = models.CharField(max_length=32, choices=Kind.choices)
    actor = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=now, editable=False)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["merchant", "created_at"], name="securityevent_merchant_idx")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.created_at:%Y-%m-%d %H:%M})"


class SupportAccess(TenantOwned):
    """A store's leave for platform staff to change its data in the console, until
    ``expires_at`` or until an owner withdraws it. Without one, staff read the store's data
    and change nothing; with or without, each staff view and change is a `SecurityEvent` of
    the store (`accounts.admin_site`)."""

    granted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=now, editable=False)
    expires_at = models.DateTimeField()
    revoked_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["merchant", "expires_at"], name="supportaccess_expiry_idx")]

    def __str__(self) -> str:
        return f"support access to {self.merchant_id} until {self.expires_at:%Y-%m-%d %H:%M}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class AccountEvent(models.Model):
    """A security event of a person's account, outside any merchant: signing in and out,
    failed sign-ins (the address may not even exist), a sign-in locked after repeated
    failures, password changes and reset requests.

    Not tenant-owned: a user is not a tenant's row (a person may belong to several merchants)
    and a failed sign-in has no merchant at all. Only platform staff read it, in the console.
    """

    class Kind(models.TextChoices):
        SIGN_IN = "sign_in", _("Signed in")
        SIGN_IN_FAILED = "sign_in_failed", _("Sign-in failed")
        SIGN_IN_LOCKED = "sign_in_locked", _("Sign-in locked after repeated failures")
        SIGN_OUT = "sign_out", _("Signed out")
        PASSWORD_CHANGED = "password_changed", _("Password changed")
        PASSWORD_RESET_REQUESTED = "password_reset_requested", _("Password reset requested")

    kind = models.CharField(max_length=32, choices=Kind.choices)
    user = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The address typed, kept for failures where no user matches it.
    email = models.CharField(max_length=254, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=now, editable=False, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["email", "created_at"], name="accountevent_email_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.email} ({self.created_at:%Y-%m-%d %H:%M})"
