"""Base models every domain app builds on: time-ordered UUID keys, timestamps, soft delete."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from core.ids import uuid7


class BaseModel(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class SoftDeleteQuerySet(models.QuerySet):
    def alive(self):
        return self.filter(deleted_at__isnull=True)

    def deleted(self):
        return self.filter(deleted_at__isnull=False)


class AliveManager(models.Manager.from_queryset(SoftDeleteQuerySet)):
    """Default manager of soft-deletable models: deleted rows do not exist for ordinary code."""

    def get_queryset(self):
        return super().get_queryset().filter(deleted_at__isnull=True)


class AllObjectsManager(models.Manager.from_queryset(SoftDeleteQuerySet)):
    """Sees deleted rows too: for moderation, restore and the admin."""


class SoftDeleteModel(BaseModel):
    """User content is hidden, never destroyed, so moderators can review and restore it.

    `soft_delete`/`restore` only flip the column; services decide who may call them and what else
    changes (counters, notifications) in the same transaction.
    """

    deleted_at = models.DateTimeField(null=True, blank=True, db_index=True)

    objects = AliveManager()
    all_objects = AllObjectsManager()

    class Meta:
        abstract = True
        base_manager_name = "all_objects"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    def soft_delete(self, *, at=None) -> None:
        self.deleted_at = at or timezone.now()
        self.save(update_fields=["deleted_at", "updated_at"])

    def restore(self) -> None:
        self.deleted_at = None
        self.save(update_fields=["deleted_at", "updated_at"])


class IdempotencyRecord(models.Model):
    """The first response to a POST carrying an Idempotency-Key, replayed to repeats for 24 hours."""

    class State(models.TextChoices):
        IN_PROGRESS = "in_progress"
        DONE = "done"

    id = models.BigAutoField(primary_key=True)
    scope = models.CharField(max_length=64, help_text="The caller: a user id, or 'anon'.")
    key = models.CharField(max_length=255)
    request_fingerprint = models.CharField(max_length=64)
    state = models.CharField(max_length=16, choices=State.choices, default=State.IN_PROGRESS)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="idempotency_scope_key_unique")]

    def __str__(self):
        return f"{self.scope}:{self.key} ({self.state})"


class AuditLogEntry(models.Model):
    """Append-only record of a staff or system action: who did what to which object, when and why.

    Domain-free on purpose: the target is an opaque (app, kind, id) reference plus a text snapshot, so
    the entry survives the target's deletion and the kernel needs no foreign keys into domain apps.
    """

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_entries"
    )
    action = models.CharField(max_length=64, db_index=True)
    target_app = models.CharField(max_length=64, blank=True)
    target_kind = models.CharField(max_length=64, blank=True)
    target_id = models.CharField(max_length=64, blank=True, db_index=True)
    target_repr = models.CharField(max_length=255, blank=True)
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "audit log entry"
        verbose_name_plural = "audit log"

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.target_kind}:{self.target_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("Audit log entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Audit log entries are append-only.")


class OutboxTask(models.Model):
    """A Celery task whose publish failed (broker unreachable), kept until the relay publishes it.

    Written by `core.outbox.OutboxTask.apply_async` instead of losing the task; read and deleted by
    `core.services.outbox.outbox_relay` once the broker answers. The row is the task message in a form the
    relay can send again: name, JSON arguments, the routing options that were asked for, and the task id
    the caller already received (so a result lookup or a revoke by id still means the same task).
    """

    id = models.BigAutoField(primary_key=True)
    task_id = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=255)
    args = models.JSONField(default=list, blank=True)
    kwargs = models.JSONField(default=dict, blank=True)
    options = models.JSONField(default=dict, blank=True, help_text="queue, routing_key, eta, expires, priority...")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    attempts = models.PositiveIntegerField(default=0, help_text="Relay publishes that failed so far.")
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "outbox task"

    def __str__(self):
        return f"{self.name} ({self.task_id})"
