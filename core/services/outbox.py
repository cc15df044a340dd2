"""The outbox relay: publish the tasks `core.outbox.OutboxTask` kept while the broker was unreachable.

At least once, never lost: a row is deleted in the same transaction that locked it, *after* its publish
succeeded. A relay killed between the publish and that commit leaves the row, and the next relay sends it
again — so a kept task may arrive twice, never zero times. Two relays never send the same row at the same
time: each locks one row at a time with SELECT ... FOR UPDATE SKIP LOCKED and skips rows another holds.
"""

import datetime as dt
import logging
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F

from core.models import OutboxTask
from core.outbox import PUBLISH_ERRORS

logger = logging.getLogger("socialflow.outbox")


@dataclass
class RelayResult:
    sent: int = 0
    left: int = 0
    broker_down: bool = False


def _options_for_publish(options: dict) -> dict:
    out = dict(options)
    for key in ("eta", "expires"):
        if isinstance(out.get(key), str):
            out[key] = dt.datetime.fromisoformat(out[key])
    return out


def _publish(row: OutboxTask) -> None:
    from celery import current_app

    # send_task goes straight to the broker (not through OutboxTask.apply_async), so a failure here raises
    # instead of writing a second row; task routes apply as they would have at the original call.
    current_app.send_task(
        row.name, args=row.args, kwargs=row.kwargs, task_id=row.task_id, **_options_for_publish(row.options)
    )


def outbox_relay(*, limit: int = 1000) -> RelayResult:
    """Publish up to `limit` kept tasks, oldest first; stop at the first failed publish (the broker is
    still down: trying the other rows now would only wait out the same timeout again)."""
    result = RelayResult()
    for _ in range(limit):
        with transaction.atomic():
            row = OutboxTask.objects.select_for_update(skip_locked=True).order_by("created_at", "id").first()
            if row is None:
                break
            try:
                _publish(row)
            except PUBLISH_ERRORS as exc:
                OutboxTask.objects.filter(pk=row.pk).update(attempts=F("attempts") + 1, last_error=str(exc)[:500])
                result.broker_down = True
                break
            row.delete()
            result.sent += 1
    result.left = OutboxTask.objects.count()
    if result.sent or result.broker_down:
        logger.info(
            "outbox relay: %s sent, %s left%s",
            result.sent,
            result.left,
            " (broker still unreachable)" if result.broker_down else "",
        )
    return result
