"""Celery: JSON only, named queues (default, media, notify, payments, ads), routes in settings.

Every task is a `core.outbox.OutboxTask`, a subclass of Celery's DjangoTask, so `delay_on_commit()` is
available and is what services use: a task never starts before the row it reads has committed.
A publish that fails (broker unreachable) lands in the outbox (`core.outbox`), relayed once it is back.
Tasks that are safe to run twice declare `acks_late=True` themselves (see `idempotent_task`); the rest
keep the default early ack, so a worker crash never replays a non-idempotent effect.
"""

import os

from celery import Celery
from kombu import Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socialflow.settings")

# Every task is a core.outbox.OutboxTask (a DjangoTask): a publish that fails because the broker is down
# is kept in the database and sent by the outbox relay, instead of being lost or failing the request.
app = Celery("socialflow", task_cls="core.outbox:OutboxTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.task_queues = [Queue(name) for name in ("default", "media", "notify", "payments", "ads")]
app.autodiscover_tasks()


def idempotent_task(**options):
    """`@idempotent_task(...)`: a task whose effect happens once however often it runs, so it may be
    acknowledged late and redelivered after a worker crash."""
    options.setdefault("acks_late", True)
    options.setdefault("reject_on_worker_lost", True)
    return app.task(**options)
