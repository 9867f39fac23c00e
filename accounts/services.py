"""Writes for merchants, members, roles, API tokens and invitations."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext
from guardian.shortcuts import assign_perm, remove_perm

from accounts import secrets as token_secrets
from accounts.audit import security_event_record
from accounts.models import (
    ApiToken,
    IdempotencyRecord,
    Invitation,
    Membership,
    Merchant,
    SecurityEvent,
    User,
)
from accounts.roles import CODENAMES, ROLE_PERMISSIONS, Permission, Role
from accounts.tenancy import all_merchants_context
from core import dispatch

API_TOKEN_TOUCH_INTERVAL = dt.timedelta(minutes=1)


# -- merchants ---------------------------------------------------------------------------------
@transaction.atomic
def merchant_create(
    *,
    name: str,
    owner: User | None,
    slug: str | None = None,
    timezone_name: str = "UTC",
    currency: str = "GBP",
) -> Merchant:
    """A new store, with ``owner`` as its first owner; with none, its owner joins later by
    invitation (`accounts.onboarding`)."""
    slug = slug or _unique_slug(name)
    if Merchant.objects.filter(slug=slug).exists():
        raise ValidationError(
            {"slug": gettext("The address “%(slug)s” is taken.") % {"slug": slug}}
        )
    merchant = Merchant(name=name, slug=slug, timezone=timezone_name, currency=currency.upper())
    merchant.full_clean()
    merchant.save()
    if owner is not None:
        membership_set_role(merchant=merchant, user=owner, role=Role.OWNER, actor=None)
    return merchant


def _unique_slug(name: str) -> str:
    base = slugify(name)[:50] or "merchant"
    slug, counter = base, 2
    while Merchant.objects.filter(slug=slug).exists():
        slug, counter = f"{base}-{counter}", counter + 1
    return slug


# -- memberships and roles ---------------------------------------------------------------------
def _sync_object_permissions(*, merchant: Merchant, user: User, role: str | None) -> None:
    granted = ROLE_PERMISSIONS[Role(role)] if role else frozenset()
    for permission in Permission:
        codename = CODENAMES[permission]
        if permission in granted:
            assign_perm(codename, user, merchant)
        else:
            remove_perm(codename, user, merchant)


def _lock_members(merchant: Merchant) -> None:
    """Serialise role changes within a merchant (the merchant's row is the lock): two owners
    demoted at once from two doors would each see the other still an owner, and leave the
    merchant with none."""
    Merchant.objects.select_for_update().filter(pk=merchant.pk).values_list("pk").first()


def _require_other_owner(*, merchant: Merchant, user: User) -> None:
    other_owners = (
        Membership.objects.for_merchant(merchant)
        .filter(role=Role.OWNER)
        .exclude(user=user)
        .exists()
    )
    if not other_owners:
        raise ValidationError(gettext("A merchant must keep at least one owner."))


@transaction.atomic
def membership_set_role(
    *,
    merchant: Merchant,
    user: User,
    role: str,
    actor: User | None,
    ip_address: str | None = None,
) -> Membership:
    """Add ``user`` to ``merchant`` with ``role``, or change their role: the one way a role
    is set, from the portal, the console and invitations alike. Keeps guardian's object
    permissions in step with the role and records a member_added or role_changed event, all
    in one transaction."""
    role = Role(role)
    _lock_members(merchant)
    membership = (
        Membership.objects.for_merchant(merchant).select_for_update().filter(user=user).first()
    )
    member = {"user_id": user.pk, "email": user.email}
    if membership is None:
        membership = Membership.objects.create(merchant=merchant, user=user, role=role)
        security_event_record(
            merchant=merchant,
            kind=SecurityEvent.Kind.MEMBER_ADDED,
            actor=actor,
            ip_address=ip_address,
            details={**member, "role": role.value},
        )
    elif membership.role != role:
        if membership.role == Role.OWNER:
            _require_other_owner(merchant=merchant, user=user)
        previous = membership.role
        membership.role = role
        membership.save(update_fields=["role", "updated_at"])
        security_event_record(
            merchant=merchant,
            kind=SecurityEvent.Kind.ROLE_CHANGED,
            actor=actor,
            ip_address=ip_address,
            details={**member, "from": previous, "to": role.value},
        )
    _sync_object_permissions(merchant=merchant, user=user, role=role)
    return membership


@transaction.atomic
def membership_remove(
    *, merchant: Merchant, user: User, actor: User, ip_address: str | None = None
) -> None:
    """Take ``user`` out of ``merchant`` with their object permissions, and record it."""
    _lock_members(merchant)
    membership = Membership.objects.for_merchant(merchant).filter(user=user).first()
    if membership is None:
        return
    if membership.role == Role.OWNER:
        _require_other_owner(merchant=merchant, user=user)
    role = membership.role
    membership.delete()
    _sync_object_permissions(merchant=merchant, user=user, role=None)
    security_event_record(
        merchant=merchant,
        kind=SecurityEvent.Kind.MEMBER_REMOVED,
        actor=actor,
        ip_address=ip_address,
        details={"user_id": user.pk, "email": user.email, "role": role},
    )


# -- API tokens --------------------------------------------------------------------------------
@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # shown once, never stored


@transaction.atomic
def api_token_create(
    *, merchant: Merchant, name: str, role: str, actor: User, ip_address: str | None = None
) -> IssuedToken:
    name = name.strip()
    if not name:
        raise ValidationError(
            {"name": gettext("Give the token a name, e.g. the system that uses it.")}
        )
    if Membership.objects.for_merchant(merchant).filter(user=actor, role=Role.OWNER).count() == 0:
        raise PermissionDenied(gettext("Only owners create API tokens."))
    return api_token_issue(
        merchant=merchant, name=name, role=role, actor=actor, ip_address=ip_address
    )


def api_token_issue(
    *, merchant: Merchant, name: str, role: str, actor: User, ip_address: str | None
) -> IssuedToken:
    """A new token, its digest stored and its secret returned, audited; the caller has
    checked that ``actor`` may issue it (an owner, or platform staff onboarding the store)."""
    if ApiToken.objects.for_merchant(merchant).filter(name=name).exists():
        raise ValidationError(
            {"name": gettext("A token named “%(name)s” exists already.") % {"name": name}}
        )
    prefix, secret = token_secrets.new_api_token()
    token = ApiToken.objects.create(
        merchant=merchant,
        name=name,
        role=Role(role),
        prefix=prefix,
        digest=token_secrets.digest(secret),
        created_by=actor,
    )
    security_event_record(
        merchant=merchant,
        kind=SecurityEvent.Kind.TOKEN_CREATED,
        actor=actor,
        ip_address=ip_address,
        details=_token_details(token),
    )
    return IssuedToken(token=token, secret=secret)


def _token_details(token: ApiToken) -> dict[str, Any]:
    # The prefix only identifies the token (it is stored and shown in clear); never the secret.
    return {"token_id": token.pk, "name": token.name, "prefix": token.prefix, "role": token.role}


def _revoke(
    credential, kind: str, details: dict[str, Any], merchant: Merchant, actor: User, ip_address
) -> None:
    """Revoke an API token or an invitation now, and record it in its store's security log."""
    credential.revoked_at = timezone.now()
    credential.save(update_fields=["revoked_at"])
    security_event_record(
        merchant=merchant, kind=kind, actor=actor, ip_address=ip_address, details=details
    )


@transaction.atomic
def api_token_revoke(
    *, merchant: Merchant, token_id: int, actor: User, ip_address: str | None = None
) -> ApiToken:
    token = ApiToken.objects.for_merchant(merchant).select_for_update().get(pk=token_id)
    if token.revoked_at is None:
        details = _token_details(token)
        _revoke(token, SecurityEvent.Kind.TOKEN_REVOKED, details, merchant, actor, ip_address)
    return token


def api_token_touch(*, token: ApiToken) -> None:
    """Record use, at most once a minute per token, so reads don't write on every request."""
    now = timezone.now()
    if token.last_used_at and now - token.last_used_at < API_TOKEN_TOUCH_INTERVAL:
        return
    ApiToken.objects.for_merchant(token.merchant_id).filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now


# -- invitations -------------------------------------------------------------------------------
@dataclass(frozen=True)
class IssuedInvitation:
    invitation: Invitation
    secret: str


@transaction.atomic
def invitation_create(
    *, merchant: Merchant, email: str, role: str, actor: User, ip_address: str | None = None
) -> IssuedInvitation:
    """Invite ``email``; the email with the link is sent once the transaction commits."""
    email = User.objects.normalize_email(email).strip().lower()
    if not email:
        raise ValidationError({"email": gettext("Enter an email address.")})
    if Membership.objects.for_merchant(merchant).filter(user__email=email).exists():
        raise ValidationError(
            {"email": gettext("%(email)s is already a member.") % {"email": email}}
        )
    now = timezone.now()
    # A new invitation replaces any open one for the same address.
    Invitation.objects.for_merchant(merchant).filter(
        email=email, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now)
    secret = token_secrets.new_invitation_secret()
    invitation = Invitation.objects.create(
        merchant=merchant,
        email=email,
        role=Role(role),
        digest=token_secrets.digest(secret),
        invited_by=actor,
        expires_at=now + dt.timedelta(days=settings.INVITATION_MAX_AGE_DAYS),
    )
    security_event_record(
        merchant=merchant,
        kind=SecurityEvent.Kind.MEMBER_INVITED,
        actor=actor,
        ip_address=ip_address,
        details={"invitation_id": invitation.pk, "email": email, "role": invitation.role},
    )
    # the secret is in the message only (the row keeps its digest): with the broker away there
    # is nothing to send again later, so the email goes from this process
    dispatch.send_on_commit(
        "accounts.send_invitation_email_task",
        run_here_if_unavailable=True,
        merchant_id=merchant.pk,
        invitation_id=invitation.pk,
        secret=secret,
    )
    return IssuedInvitation(invitation=invitation, secret=secret)


@transaction.atomic
def invitation_accept(
    *,
    invitation: Invitation,
    user: User | None,
    password: str = "",
    full_name: str = "",
    ip_address: str | None = None,
) -> User:
    """Accept an open invitation, as a signed-in user with the invited address or by creating
    the account. Returns the member."""
    invitation = (
        Invitation.objects.for_merchant(invitation.merchant_id)
        .select_for_update()
        .get(pk=invitation.pk)
    )
    if not invitation.is_open:
        raise ValidationError(gettext("This invitation has expired or was already used."))
    if user is None:
        user = User.objects.filter(email=invitation.email).first()
        if user is not None:
            raise ValidationError(
                gettext("An account with this address exists: sign in to accept the invitation.")
            )
        candidate = User(email=invitation.email, full_name=full_name.strip())
        try:
            password_validation.validate_password(password, candidate)
        except ValidationError as error:
            raise ValidationError({"password": error.messages}) from error
        user = User.objects.create_user(
            email=invitation.email, password=password, full_name=full_name.strip()
        )
    elif user.email.lower() != invitation.email:
        raise ValidationError(
            gettext("This invitation is for %(email)s; you are signed in as %(email_2)s.")
            % {"email": invitation.email, "email_2": user.email}
        )
    membership_set_role(
        merchant=invitation.merchant,
        user=user,
        role=invitation.role,
        actor=user,
        ip_address=ip_address,
    )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return user


@transaction.atomic
def invitation_revoke(
    *, merchant: Merchant, invitation_id: int, actor: User, ip_address: str | None = None
) -> None:
    invitation = Invitation.objects.for_merchant(merchant).select_for_update().get(pk=invitation_id)
    if invitation.accepted_at is None and invitation.revoked_at is None:
        details = {"invitation_id": invitation.pk, "email": invitation.email}
        _revoke(
            invitation, SecurityEvent.Kind.INVITATION_REVOKED, details, merchant, actor, ip_address
        )


# -- people ------------------------------------------------------------------------------------
def user_set_language(*, user: User, language: str) -> User:
    """The person's portal language; blank returns to the browser's."""
    if language and language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": gettext("Choose one of the portal's languages.")})
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user


# -- housekeeping --------------------------------------------------------------------------------
def idempotency_records_purge(*, older_than: dt.timedelta | None = None) -> int:
    """Forget Idempotency-Keys older than the retention period; returns how many."""
    age = older_than or dt.timedelta(hours=settings.IDEMPOTENCY_KEY_RETENTION_HOURS)
    with transaction.atomic(), all_merchants_context():
        # Across merchants on purpose: one nightly sweep of expired keys.
        deleted, _ = (
            IdempotencyRecord.objects.unscoped()
            .filter(created_at__lt=timezone.now() - age)
            .delete()
        )
    return deleted
