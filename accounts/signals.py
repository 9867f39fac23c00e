"""Account events from Django's authentication signals.

Signing in, signing out and failing to sign in are framework events that Django announces by
signal from every way in (the portal's form, the console's, accepting an invitation, a test
client's force_login); receiving them is the one place that sees them all. No business logic
runs here: each receiver records one AccountEvent. The failed sign-in's credentials arrive
with the password already masked by Django; only the email address typed is kept.
"""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from accounts import audit
from accounts.client_address import client_ip
from accounts.models import AccountEvent


@receiver(user_logged_in, dispatch_uid="accounts-sign-in-event")
def record_sign_in(sender, request, user, **kwargs) -> None:
    audit.account_event_record(
        kind=AccountEvent.Kind.SIGN_IN, user=user, ip_address=client_ip(request)
    )


@receiver(user_logged_out, dispatch_uid="accounts-sign-out-event")
def record_sign_out(sender, request, user, **kwargs) -> None:
    if user is None:
        return  # signing out while signed out
    audit.account_event_record(
        kind=AccountEvent.Kind.SIGN_OUT, user=user, ip_address=client_ip(request)
    )


@receiver(user_login_failed, dispatch_uid="accounts-sign-in-failed-event")
def record_sign_in_failure(sender, credentials, request=None, **kwargs) -> None:
    audit.account_event_record(
        kind=AccountEvent.Kind.SIGN_IN_FAILED,
        email=str(credentials.get("username") or credentials.get("email") or ""),
        ip_address=client_ip(request),
    )
