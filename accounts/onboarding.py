"""Onboarding: platform staff open a store for a new customer in one step."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext

from accounts.models import Merchant, User
from accounts.roles import Role
from accounts.services import (
    IssuedInvitation,
    IssuedToken,
    api_token_issue,
    invitation_create,
    merchant_create,
)
from core import dispatch

SAMPLE_DATA_TASK = "inventory.load_sample_data_task"
ONBOARDING_TOKEN_NAME = "ERP"  # the name of the API token a new store's ERP gets


@dataclass(frozen=True)
class OnboardedMerchant:
    merchant: Merchant
    invitation: IssuedInvitation
    token: IssuedToken  # its secret is shown once, to the staff member who onboarded
    sample_data_queued: bool


@transaction.atomic
def merchant_onboard(
    *,
    name: str,
    owner_email: str,
    actor: User,
    slug: str = "",
    timezone_name: str = "UTC",
    currency: str = "GBP",
    token_name: str = ONBOARDING_TOKEN_NAME,
    token_role: str = Role.PLANNER,
    load_sample_data: bool = False,
    ip_address: str | None = None,
) -> OnboardedMerchant:
    """Open a store for a new customer in one step: the merchant, an invitation for its owner
    (emailed once this commits; the owner becomes a member by accepting it), an API token
    for its ERP, and optionally the sample catalogue and sales loaded by a worker
    (`SAMPLE_DATA_TASK`, sent by name once this commits). All of it, or nothing."""
    if not actor.is_staff:
        raise PermissionDenied(gettext("Only platform staff onboard stores."))
    merchant = merchant_create(
        name=name.strip(),
        owner=None,
        slug=slug or None,
        timezone_name=timezone_name,
        currency=currency,
    )
    invitation = invitation_create(
        merchant=merchant, email=owner_email, role=Role.OWNER, actor=actor, ip_address=ip_address
    )
    token_name = token_name.strip() or ONBOARDING_TOKEN_NAME
    token = api_token_issue(
        merchant=merchant, name=token_name, role=token_role, actor=actor, ip_address=ip_address
    )
    if load_sample_data:
        dispatch.send_on_commit(SAMPLE_DATA_TASK, merchant_id=merchant.pk)
    return OnboardedMerchant(
        merchant=merchant,
        invitation=invitation,
        token=token,
        sample_data_queued=load_sample_data,
    )
