"""Builders of the world's members, tokens, invitations and security records."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from accounts import services as account_services
from accounts.models import (
    ApiToken,
    IdempotencyRecord,
    Invitation,
    Membership,
    SecurityEvent,
    SupportAccess,
)
from accounts.roles import Role
from tests import factories
from tests.world.registry import World, builds, builds_from, moved


@builds(Membership)
def _membership(world: World, ids: dict) -> Membership:
    user = factories.UserFactory(email=f"{world.marker.lower()}-planner@example.test")
    account_services.membership_set_role(
        merchant=world.merchant, user=user, role=Role.PLANNER, actor=None
    )
    membership = Membership.objects.for_merchant(world.merchant).get(user=user)
    return moved(Membership, world, membership, ids)


@builds(ApiToken)
def _api_token(world: World, ids: dict) -> ApiToken:
    issued = account_services.api_token_create(
        merchant=world.merchant, name=f"{world.marker} ERP", role=Role.OWNER, actor=world.owner
    )
    world.token_secret = issued.secret
    return moved(ApiToken, world, issued.token, ids)


@builds(Invitation)
def _invitation(world: World, ids: dict) -> Invitation:
    email = f"{world.marker.lower()}-invitee@example.test"
    issued = account_services.invitation_create(
        merchant=world.merchant, email=email, role=Role.VIEWER, actor=world.owner
    )
    return moved(Invitation, world, issued.invitation, ids)


@builds_from(IdempotencyRecord, factories.IdempotencyRecordFactory)
def _idempotency_record(world: World) -> dict:
    return {"key": f"{world.marker}-key"}


@builds_from(SupportAccess)
def _support_access(world: World) -> dict:
    # an ended grant: the world's stores give staff no leave to change their data
    started = timezone.now() - dt.timedelta(days=10)
    ended = started + dt.timedelta(days=1)
    return {"granted_by": world.owner, "created_at": started, "expires_at": ended}


@builds_from(SecurityEvent)
def _security_event(world: World) -> dict:
    return {
        "kind": SecurityEvent.Kind.ROLE_CHANGED,
        "actor": world.owner,
        "ip_address": "192.0.2.7",
        "details": {"note": world.marker},
    }
