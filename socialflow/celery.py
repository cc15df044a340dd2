"""Celery: JSON only, named queues (default, media, notify, payments, ads), routes in settings.

Celery's Django fix-up makes every task a DjangoTask, so `delay_on_commit()` is available and is what
services use: a task never starts before the row it reads has committed.
Tasks that are safe to run twice declare `acks_late=True` themselves (see `idempotent_task`); the rest
keep the default early ack, so a worker crash never replays a non-idempotent effect.
"""

import os

from celery import Celery
from kombu import Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socialflow.settings")

app = Celery("socialflow")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.task_queues = [Queue(name) for name in ("default", "media", "notify", "payments", "ads")]
app.autodiscover_tasks()


def idempotent_task(**options):
    """`@idempotent_task(...)`: a task whose effect happens once however often it runs, so it may be
    acknowledged late and redelivered after a worker crash."""
    options.setdefault("acks_late", True)
    options.setdefault("reject_on_worker_lost", True)
    return app.task(**options)
