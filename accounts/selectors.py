"""Reads for merchants, members and tokens."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone
from guardian.core import ObjectPermissionChecker

from accounts import secrets as token_secrets
from accounts.models import ApiToken, Invitation, Membership, Merchant, SupportAccess, User
from accounts.roles import CODENAMES


def memberships_for_user(*, user: User) -> QuerySet[Membership]:
    # Across merchants on purpose: the merchant switcher lists every merchant the user is in.
    return (
        Membership.objects.unscoped()
        .filter(user=user)
        .select_related("merchant")
        .order_by("merchant__name")
    )


def membership_for(*, user: User, merchant: Merchant) -> Membership | None:
    if not user.is_authenticated:
        return None
    return Membership.objects.for_merchant(merchant).filter(user=user).first()


def granted_permissions(*, user: User, merchant: Merchant) -> frozenset[str]:
    """The permissions (accounts.roles.Permission) the user holds on the merchant, read from
    guardian's object permissions in one go."""
    codenames = set(ObjectPermissionChecker(user).get_perms(merchant))
    return frozenset(
        permission for permission, codename in CODENAMES.items() if codename in codenames
    )


def merchant_by_slug(*, slug: str) -> Merchant | None:
    return Merchant.objects.filter(slug=slug).first()


def members_for_merchant(*, merchant: Merchant) -> QuerySet[Membership]:
    return Membership.objects.for_merchant(merchant).select_related("user").order_by("user__email")


def api_tokens_for_merchant(*, merchant: Merchant) -> QuerySet[ApiToken]:
    return ApiToken.objects.for_merchant(merchant).select_related("created_by")


def open_invitations_for_merchant(*, merchant: Merchant) -> QuerySet[Invitation]:
    return (
        Invitation.objects.for_merchant(merchant)
        .filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now())
        .select_related("invited_by")
    )


def api_token_authenticate(*, raw_token: str) -> ApiToken | None:
    """The active token matching ``raw_token``, or None."""
    prefix = token_secrets.split_api_token(raw_token)
    if prefix is None:
        return None
    # Across merchants on purpose: the token is what tells us the merchant.
    token = (
        ApiToken.objects.unscoped()
        .select_related("merchant")
        .filter(prefix=prefix, revoked_at__isnull=True)
        .first()
    )
    if token is None or not token_secrets.matches(raw_token, token.digest):
        return None
    return token


def invitation_by_secret(*, secret: str) -> Invitation | None:
    # Across merchants on purpose: the link is what tells us the merchant.
    return (
        Invitation.objects.unscoped()
        .select_related("merchant")
        .filter(digest=token_secrets.digest(secret))
        .first()
    )


def support_access_active(*, merchant: Merchant | int) -> SupportAccess | None:
    """The store's grant of support access in force now, if any."""
    return (
        SupportAccess.objects.for_merchant(merchant)
        .filter(revoked_at__isnull=True, expires_at__gt=timezone.now())
        .select_related("granted_by")
        .order_by("-expires_at")
        .first()
    )


def merchants_with_support_access(*, merchant_ids: list[int] | None = None) -> set[int]:
    """Which stores (of ``merchant_ids``, or of all) grant support access now."""
    # across merchants on purpose: the console asks for the stores of the rows it shows
    grants = SupportAccess.objects.unscoped().filter(
        revoked_at__isnull=True, expires_at__gt=timezone.now()
    )
    if merchant_ids is not None:
        grants = grants.filter(merchant_id__in=merchant_ids)
    return set(grants.values_list("merchant_id", flat=True))
