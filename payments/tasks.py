"""Payments tasks (queue `payments`): webhook processing, payout transfers, releasing held earnings.

All of them are safe to run twice (keyed ledger entries, status checks under row locks), so they ack
late and are redelivered after a worker crash.
"""

import datetime as dt
import logging

from celery import shared_task
from django.utils import timezone

from core.exceptions import ServiceUnavailable
from payments import ledger
from payments.models import WebhookEvent

logger = logging.getLogger("socialflow.payments")


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(Exception,),
    retry_backoff=5,
    retry_backoff_max=600,
    max_retries=8,
)
def webhook_event_process_task(event_id: str) -> str:
    from payments.services.webhooks import webhook_event_process

    return webhook_event_process(event_id=event_id)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def webhook_events_retry_task() -> int:
    """Pick up events whose task was lost or exhausted its retries (older than five minutes)."""
    cutoff = timezone.now() - dt.timedelta(minutes=5)
    ids = list(
        WebhookEvent.objects.filter(
            status__in=[WebhookEvent.Status.RECEIVED, WebhookEvent.Status.FAILED],
            updated_at__lt=cutoff,
            attempts__lt=20,
        ).values_list("pk", flat=True)[:500]
    )
    for event_id in ids:
        webhook_event_process_task.delay(str(event_id))
    return len(ids)


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(ServiceUnavailable,),
    retry_backoff=10,
    max_retries=10,
)
def payout_execute_task(payout_id: str) -> str:
    from payments.services.payouts import payout_execute

    return payout_execute(payout_id=payout_id).status


@shared_task(acks_late=True, reject_on_worker_lost=True)
def earnings_release_task() -> int:
    return ledger.ledger_release_matured()
