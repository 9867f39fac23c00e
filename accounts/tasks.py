"""Celery tasks of accounts: thin, by id, dispatched on commit."""

from celery import shared_task

from accounts import notifications, services


@shared_task(name="accounts.send_invitation_email_task", soft_time_limit=60, time_limit=90)
def send_invitation_email_task(*, merchant_id: int, invitation_id: int, secret: str) -> None:
    notifications.send_invitation_email(
        merchant_id=merchant_id, invitation_id=invitation_id, secret=secret
    )


@shared_task(name="accounts.purge_idempotency_records_task", soft_time_limit=300, time_limit=360)
def purge_idempotency_records_task() -> int:
    return services.idempotency_records_purge()
