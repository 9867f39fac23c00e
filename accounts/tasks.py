"""Celery tasks of accounts: thin, by id, dispatched on commit."""

from celery import shared_task

from accounts import notifications


@shared_task(name="accounts.send_invitation_email_task", soft_time_limit=60, time_limit=90)
def send_invitation_email_task(*, invitation_id: int, secret: str) -> None:
    notifications.send_invitation_email(invitation_id=invitation_id, secret=secret)
