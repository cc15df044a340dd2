"""Celery tasks of the social app: take plain arguments, call one service."""

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from social.services.counters import engagement_counters_repair


@shared_task(acks_late=True, name="social.tasks.engagement_counters_repair_task")
def engagement_counters_repair_task(window_hours: int = 2) -> dict:
    """Idempotent (recounting twice changes nothing), so it may be redelivered after a worker crash."""
    return engagement_counters_repair(since=timezone.now() - timedelta(hours=window_hours))
