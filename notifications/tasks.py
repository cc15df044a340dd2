"""Celery tasks of the notifications app (queue "notify"): they take ids and call one service."""

import datetime as dt

from celery import shared_task

from notifications import services
from notifications.services import delivery as delivery_services

EMAIL_MAX_RETRIES = 5


@shared_task(acks_late=True, reject_on_worker_lost=True)
def notification_fanout_task(job_id: str) -> int:
    """Idempotent (unique fan-out key per recipient, cursor on the job), so a redelivery is harmless."""
    return services.fanout_job_run(job_id=job_id).created_count


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=delivery_services.EMAIL_TRANSIENT_ERRORS,
    retry_backoff=30,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=EMAIL_MAX_RETRIES,
)
def notification_delivery_send_task(self, delivery_id: str, now: str | None = None) -> str | None:
    """Send one email/push delivery. Claimed atomically, so running twice sends once; email errors that
    may pass are retried with exponential backoff (30 s, 60 s, ... up to an hour), then marked failed."""
    when = dt.datetime.fromisoformat(now) if now else None
    return delivery_services.delivery_send(
        delivery_id=delivery_id, now=when, final_attempt=self.request.retries >= EMAIL_MAX_RETRIES
    )


@shared_task(acks_late=True, reject_on_worker_lost=True)
def notification_deliveries_send_task(delivery_ids: list[str]) -> int:
    """A fan-out batch's deliveries: each queued as its own task so one slow provider holds up no one."""
    for delivery_id in delivery_ids:
        notification_delivery_send_task.delay(delivery_id)
    return len(delivery_ids)


@shared_task
def notification_deliveries_release_task() -> int:
    """Beat, every minute: release email/push held by quiet hours that have ended."""
    return delivery_services.deliveries_release()


@shared_task(acks_late=True, reject_on_worker_lost=True)
def notification_digest_send_task(user_id: str) -> bool:
    return delivery_services.digest_send(user_id=user_id)


@shared_task
def notification_digest_send_all_task() -> int:
    """Beat, hourly: queue the digest of every user whose last one is more than a day old."""
    user_ids = delivery_services.digest_due_user_ids()
    for user_id in user_ids:
        notification_digest_send_task.delay(str(user_id))
    return len(user_ids)
