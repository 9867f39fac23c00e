"""Emails to members."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from accounts import secrets as token_secrets
from accounts.models import Invitation


def send_invitation_email(*, merchant_id: int, invitation_id: int, secret: str) -> None:
    """Email the invitee the link to join; nothing for an invitation that is not the
    merchant's, or no longer open."""
    invitation = (
        Invitation.objects.for_merchant(merchant_id)
        .select_related("merchant", "invited_by")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None:
        return
    # The link must be this invitation's own: with another's secret (a caller that mixed up
    # its arguments) the invitee would be handed a way into that invitation's merchant.
    if not invitation.is_open or not token_secrets.matches(secret, invitation.digest):
        return
    link = settings.PORTAL_BASE_URL.rstrip("/") + reverse(
        "invitation_accept", kwargs={"secret": secret}
    )
    context = {"invitation": invitation, "link": link}
    # The invitee has no account yet: the email speaks the language of whoever invited them.
    inviter = invitation.invited_by
    with translation.override((inviter.language if inviter else "") or settings.LANGUAGE_CODE):
        subject = gettext("You are invited to %(store)s on Shelfcast") % {
            "store": invitation.merchant.name
        }
        message = render_to_string("accounts/email/invitation.txt", context)
    send_mail(
        subject=subject,
        message=message,
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[invitation.email],
    )
