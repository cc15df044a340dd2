"""Kernel tasks: the outbox relay, run by beat (CELERY_BEAT_SCHEDULE["core-outbox-relay"]), and the retry of
cache epoch bumps that failed (core.epoch_cache)."""

from celery import shared_task

from core.epoch_cache import epochs_bump
from core.services.outbox import outbox_relay


@shared_task(name="core.tasks.outbox_relay_task", ignore_result=True)
def outbox_relay_task() -> int:
    """Publish tasks kept while the broker was down. Safe to overlap with itself (rows are locked with
    SKIP LOCKED) and to run twice; it is an ordinary early-ack task: a lost run is redone by the next tick."""
    return outbox_relay().sent


@shared_task(
    name="core.tasks.epochs_bump_task",
    ignore_result=True,
    acks_late=True,
    autoretry_for=(Exception,),
    retry_backoff=2,
    retry_backoff_max=60,
    max_retries=60,
)
def epochs_bump_task(namespace: str, owner_ids: list[str], seconds: int) -> None:
    """A bump that failed when its write committed, retried until the cache answers (about an hour of
    attempts). Idempotent: a new epoch twice is still a new epoch."""
    epochs_bump(namespace, owner_ids, seconds=seconds, retry_later=False)
