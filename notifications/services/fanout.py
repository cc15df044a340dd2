"""Fan-out: one event (a creator goes live, publishes) written to every follower in keyset batches.

The job row remembers the last Follow edge done, so a crashed run resumes where it stopped; the partial
unique constraint on (recipient, fanout_key) makes a replayed batch insert nothing twice. The number of
queries per batch is fixed, whatever the batch size: it grows with batches, never with followers.
"""

import logging
import uuid

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from core.exceptions import ValidationFailed
from core.ids import uuid7
from notifications import preferences as prefs_rules
from notifications import realtime
from notifications.catalogue import Channel, spec_for
from notifications.models import FanoutJob, Notification, NotificationDelivery, NotificationSettings, PushDevice
from notifications.services.sending import _validated_type, delivery_plan, group_key_for
from notifications.targets import target_ref
from users import selectors as user_selectors
from users.models import Block, Mute

logger = logging.getLogger("socialflow.notifications")


@transaction.atomic
def notification_fanout(*, actor, type, target=None, data=None) -> FanoutJob:
    """Notify every follower of `actor` (after commit, in a Celery task). Idempotent per (type, target).

    Calling it again for the same actor, type and target returns the existing job and notifies nobody
    twice. Without a target every call is a new event.
    """
    type_ = _validated_type(type)
    ref = target_ref(target)
    fanout_key = f"{type_}:{actor.pk}:{ref.key}" if not ref.is_empty else f"{type_}:{actor.pk}:{uuid7()}"
    job, created = FanoutJob.objects.get_or_create(
        fanout_key=fanout_key,
        defaults={"actor": actor, "type": type_, "data": data or {}, **ref.as_fields()},
    )
    if created:
        from notifications.tasks import notification_fanout_task

        notification_fanout_task.delay_on_commit(str(job.id))
    return job


def _excluded_recipients(*, actor_id, recipient_ids, now) -> set:
    """Followers who block the actor, are blocked by them, or mute them: one query each."""
    blocked = Block.objects.filter(
        Q(blocker_id__in=recipient_ids, blocked_id=actor_id) | Q(blocker_id=actor_id, blocked_id__in=recipient_ids)
    ).values_list("blocker_id", "blocked_id")
    excluded = {uid for pair in blocked for uid in pair if uid != actor_id}
    excluded.update(
        Mute.objects.filter(muter_id__in=recipient_ids, muted_id=actor_id)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .values_list("muter_id", flat=True)
    )
    return excluded


class _Recipient:
    """The little of a follower the rules need (timezone for quiet hours), without loading the User."""

    __slots__ = ("pk", "timezone")

    def __init__(self, pk, tz):
        self.pk = pk
        self.timezone = tz


def _fanout_batch(job: FanoutJob, *, batch_size: int) -> int:
    """Process the next batch after job.cursor; returns the number of follow edges read."""
    from notifications.tasks import notification_deliveries_send_task

    now = timezone.now()
    spec = spec_for(job.type)
    edges = list(
        user_selectors.follower_ids_qs(user=job.actor)
        .filter(**({"id__gt": job.cursor} if job.cursor else {}))
        .values_list("id", "follower_id", "follower__timezone")[:batch_size]
    )
    if not edges:
        return 0
    recipient_ids = [follower_id for _, follower_id, _ in edges]
    excluded = _excluded_recipients(actor_id=job.actor_id, recipient_ids=recipient_ids, now=now)
    prefs_by_user = {p.user_id: p for p in NotificationSettings.objects.filter(user_id__in=recipient_ids)}
    # Most followers of a big account have no push device; skipping their push rows halves the writes.
    with_devices = set(
        PushDevice.objects.filter(user_id__in=recipient_ids, is_active=True).values_list("user_id", flat=True)
    )

    rows, plans = [], []
    for _, follower_id, tz in edges:
        if follower_id in excluded:
            continue
        prefs = prefs_by_user.get(follower_id)
        channels = prefs_rules.enabled_channels(prefs, job.type)
        if follower_id not in with_devices:
            channels = [c for c in channels if c != Channel.PUSH]
        if not channels:
            continue
        nid = uuid7()
        n = Notification(
            id=nid,
            recipient_id=follower_id,
            actor=job.actor,  # already loaded: serialising the realtime payload costs no query
            type=job.type,
            box=Notification.Box.INBOX if Channel.IN_APP in channels else Notification.Box.SILENT,
            target_app=job.target_app,
            target_kind=job.target_kind,
            target_id=job.target_id,
            target_snapshot=job.target_snapshot,
            data=job.data,
            fanout_key=job.fanout_key,
        )
        n.group_key = group_key_for(type_=job.type, ref=target_ref(None), notification_id=nid)
        if spec.groupable and spec.group_by_target and job.target_kind:
            n.group_key = f"{job.type}:{job.target_app}.{job.target_kind}:{job.target_id}"
        rows.append(n)
        plans.append((n, prefs, channels, _Recipient(follower_id, tz)))

    with transaction.atomic():
        Notification.objects.bulk_create(rows, ignore_conflicts=True)
        # ignore_conflicts hides which rows already existed (a replayed batch): ours are those whose
        # client-made ids made it in.
        inserted = set(Notification.objects.filter(id__in=[n.id for n in rows]).values_list("id", flat=True))
        deliveries = []
        for n, prefs, channels, recipient in plans:
            if n.id in inserted:
                deliveries.extend(
                    delivery_plan(notification=n, prefs=prefs, channels=channels, recipient=recipient, now=now)
                )
        NotificationDelivery.objects.bulk_create(deliveries, ignore_conflicts=True)
        due = [str(d.id) for d in deliveries if d.status == NotificationDelivery.Status.PENDING]
        if due:
            notification_deliveries_send_task.delay_on_commit(due)
        in_app = [n for n in rows if n.id in inserted and n.box == Notification.Box.INBOX]
        if in_app:
            counts = dict(
                Notification.objects.filter(recipient_id__in=[n.recipient_id for n in in_app])
                .inbox()
                .unread()
                .values("recipient_id")
                .annotate(c=Count("id"))
                .values_list("recipient_id", "c")
            )
            realtime.broadcast_fanout(in_app, unread_counts=counts)
        job.cursor = edges[-1][0]
        job.batches += 1
        job.created_count += len(inserted)
        job.save(update_fields=["cursor", "batches", "created_count", "updated_at"])
    return len(edges)


def fanout_job_run(*, job_id, batch_size: int | None = None) -> FanoutJob:
    """Run (or resume) a fan-out job to the end. Safe to run twice, even concurrently with itself."""
    batch_size = batch_size or settings.NOTIFICATION_FANOUT_BATCH
    job = FanoutJob.objects.select_related("actor").filter(pk=uuid.UUID(str(job_id))).first()
    if job is None:
        raise ValidationFailed("Unknown fan-out job.")
    while job.status == FanoutJob.Status.RUNNING:
        read = _fanout_batch(job, batch_size=batch_size)
        if read < batch_size:
            job.status = FanoutJob.Status.DONE
            job.finished_at = timezone.now()
            job.save(update_fields=["status", "finished_at", "updated_at"])
    logger.info("fan-out %s done: %s notifications in %s batches", job.fanout_key, job.created_count, job.batches)
    return job
