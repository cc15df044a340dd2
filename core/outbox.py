"""The Celery task base class: a task whose publish fails is kept in the database, not lost.

`socialflow/celery.py` makes this every task's class. Services call `task.delay_on_commit(...)` after their
transaction committed; if the broker is unreachable at that moment, kombu's short retry policy (settings:
`CELERY_TASK_PUBLISH_RETRY_POLICY`, 2 s socket timeouts) gives up quickly and `apply_async` writes the
message to `core.models.OutboxTask` instead of raising into the request. The relay
(`core.services.outbox.outbox_relay`, run by beat every few seconds and by `manage.py outbox_relay`)
publishes the rows once the broker answers again.

Residual window, said plainly: the row is written *after* the business transaction committed (the task is
sent from `on_commit`), so a process killed between that commit and the publish/outbox write loses the
task. Closing that window needs the outbox row written inside the business transaction, which every
service would have to opt into; the periodic sweeps of the apps (webhook retry, held deliveries...) are
what recovers those tasks today.
"""

import datetime as dt
import logging

from celery.contrib.django.task import DjangoTask
from celery.utils import uuid
from django.utils import timezone
from kombu.exceptions import OperationalError

logger = logging.getLogger("socialflow.outbox")

# What a failed publish raises once kombu's retries are spent: Celery re-raises connection errors as
# kombu's OperationalError; OSError covers a socket error escaping before that wrapping.
PUBLISH_ERRORS = (OperationalError, OSError)

# The routing and timing options worth keeping; anything else (producer, connection, link callbacks) is
# process-local or not JSON and is dropped with a warning rather than stored half-way.
KEPT_OPTIONS = (
    "queue",
    "routing_key",
    "exchange",
    "priority",
    "eta",
    "expires",
    "time_limit",
    "soft_time_limit",
    "shadow",
    "headers",
)


def _jsonable_options(options: dict) -> dict:
    """The publish options as JSON: a countdown becomes an absolute eta now (the delay runs from the
    original request, not from whenever the relay gets to it); datetimes become ISO strings."""
    kept = {}
    options = dict(options)
    countdown = options.pop("countdown", None)
    if countdown is not None and options.get("eta") is None:
        options["eta"] = timezone.now() + dt.timedelta(seconds=float(countdown))
    for key in KEPT_OPTIONS:
        value = options.get(key)
        if value is None:
            continue
        if key == "queue" and not isinstance(value, str):
            value = value.name  # a kombu Queue
        if key == "exchange" and not isinstance(value, str):
            value = value.name
        if isinstance(value, dt.datetime):
            value = value.isoformat()
        kept[key] = value
    return kept


class OutboxTask(DjangoTask):
    """DjangoTask (delay_on_commit) whose `apply_async` falls back to the outbox when publishing fails."""

    def apply_async(self, args=None, kwargs=None, task_id=None, producer=None, link=None, link_error=None,
                    shadow=None, **options):  # fmt: skip
        if self.app.conf.task_always_eager:
            # Eager (tests, dev without Redis): runs in process, nothing is published, nothing to keep.
            return super().apply_async(args, kwargs, task_id, producer, link, link_error, shadow, **options)
        task_id = task_id or uuid()
        try:
            return super().apply_async(args, kwargs, task_id, producer, link, link_error, shadow, **options)
        except PUBLISH_ERRORS as exc:
            if self._is_beat_tick(args, kwargs):
                # A periodic run (the relay itself included) is not worth keeping: the next tick sends
                # it again, and a backlog of stale sweeps would only burst out after the outage.
                raise
            if link or link_error:
                logger.warning("task %s has callbacks the outbox cannot keep; they are dropped", self.name)
            if shadow:
                options["shadow"] = shadow
            outbox_store(name=self.name, task_id=task_id, args=args, kwargs=kwargs, options=options, error=exc)
            return self.AsyncResult(task_id)

    def _is_beat_tick(self, args, kwargs) -> bool:
        for entry in (self.app.conf.beat_schedule or {}).values():
            if (
                entry.get("task") == self.name
                and list(entry.get("args") or ()) == list(args or ())
                and dict(entry.get("kwargs") or {}) == dict(kwargs or {})
            ):
                return True
        return False


def outbox_store(*, name: str, task_id: str, args, kwargs, options: dict, error: Exception):
    """Keep a task that could not be published. Imported lazily: this module loads before the models."""
    from core.models import OutboxTask as OutboxRow

    row = OutboxRow.objects.create(
        task_id=task_id,
        name=name,
        args=list(args or ()),
        kwargs=dict(kwargs or {}),
        options=_jsonable_options(options),
        last_error=str(error)[:500],
    )
    logger.warning(
        "broker unreachable: task %s (%s) kept in the outbox for the relay",
        name,
        task_id,
        extra={"task_name": name, "task_id": task_id, "error": str(error)[:200]},
    )
    return row
