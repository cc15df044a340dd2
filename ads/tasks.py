"""Celery tasks of the ads app: ids in, one service call, idempotent."""

from celery import shared_task

from ads.services.campaigns import campaigns_roll_status
from ads.services.ledger import advertiser_pause_for_balance


@shared_task(acks_late=True, name="ads.tasks.ads_campaigns_roll_status_task")
def ads_campaigns_roll_status_task() -> int:
    """Beat, every minute: complete campaigns whose end date has passed."""
    return campaigns_roll_status()


@shared_task(acks_late=True, name="ads.tasks.ads_pause_advertiser_for_balance_task")
def ads_pause_advertiser_for_balance_task(advertiser_id: str) -> int:
    return advertiser_pause_for_balance(advertiser_id=advertiser_id)
