"""Kernel tasks: the outbox relay, run by beat (CELERY_BEAT_SCHEDULE["core-outbox-relay"])."""

from celery import shared_task

from core.services.outbox import outbox_relay


@shared_task(name="core.tasks.outbox_relay_task", ignore_result=True)
def outbox_relay_task() -> int:
    """Publish tasks kept while the broker was down. Safe to overlap with itself (rows are locked with
    SKIP LOCKED) and to run twice; it is an ordinary early-ack task: a lost run is redone by the next tick."""
    return outbox_relay().sent
