"""Celery tasks of the social app: take plain arguments, call one service."""

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from social.services.counters import engagement_counters_repair


@shared_task(acks_late=True, name="social.tasks.engagement_counters_repair_task")
def engagement_counters_repair_task(window_hours: int = 2) -> dict:
    """Idempotent (recounting twice changes nothing), so it may be redelivered after a worker crash."""
    return engagement_counters_repair(since=timezone.now() - timedelta(hours=window_hours))


@shared_task(acks_late=True, name="social.tasks.feed_followers_epochs_bump_task")
def feed_followers_epochs_bump_task(author_id: str) -> int:
    """End the cached following-feed pages of an author's followers. Idempotent (a new epoch twice is
    still a new epoch); the number of followers reached."""
    from social.feeds.invalidation import followers_epochs_bump

    return followers_epochs_bump(author_id=author_id)
