"""notification_send: the one way any app tells one person something."""

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.exceptions import ValidationFailed
from core.ids import uuid7
from notifications import preferences as prefs_rules
from notifications import realtime
from notifications.catalogue import DELIVERY_CHANNELS, Channel, NotificationType, spec_for
from notifications.models import AcceptedSender, Notification, NotificationDelivery, NotificationSettings
from notifications.targets import TargetRef, target_ref
from users import selectors as user_selectors

logger = logging.getLogger("socialflow.notifications")


def group_key_for(*, type_: str, ref: TargetRef, notification_id) -> str:
    spec = spec_for(type_)
    if not spec.groupable:
        return f"{type_}:{notification_id}"
    if not spec.group_by_target or ref.is_empty:
        return f"{type_}:"
    return f"{type_}:{ref.key}"


def _validated_type(type_) -> str:
    try:
        return NotificationType(type_).value
    except ValueError:
        raise ValidationFailed(f"Unknown notification type {type_!r}.", errors={"type": ["Unknown type."]}) from None


def _is_duplicate(*, recipient, actor, type_: str, ref: TargetRef, now: dt.datetime) -> bool:
    window = settings.NOTIFICATION_DEDUPE_WINDOW
    return Notification.objects.filter(
        recipient=recipient,
        actor=actor,
        type=type_,
        target_app=ref.app,
        target_kind=ref.kind,
        target_id=ref.id,
        created_at__gte=now - window,
    ).exists()


def _box_for_stranger_policy(*, prefs, recipient, actor, now) -> str | None:
    """The box a social notification from `actor` lands in, or None to drop it."""
    policy = prefs_rules.stranger_policy(prefs)
    if policy == NotificationSettings.StrangerPolicy.ACCEPT:
        return Notification.Box.INBOX
    stranger = prefs_rules.is_stranger(
        prefs,
        actor=actor,
        recipient_follows_actor=user_selectors.is_following(follower=recipient, following=actor),
        accepted=AcceptedSender.objects.filter(user=recipient, actor=actor).exists(),
        now=now,
    )
    if not stranger:
        return Notification.Box.INBOX
    return None if policy == NotificationSettings.StrangerPolicy.DROP else Notification.Box.REQUEST


def unread_count_for(user_id) -> int:
    return Notification.objects.filter(recipient_id=user_id).inbox().unread().count()


@transaction.atomic
def notification_send(*, recipient, type, actor=None, target=None, data=None) -> Notification | None:
    """Notify `recipient` of an event of `type`, honouring their preferences. None: nothing was created.

    Dropped without a row: self-notifications, blocked or muted actors (either direction of a block),
    a repeat of the same actor/type/target within NOTIFICATION_DEDUPE_WINDOW (dedupe types only), every
    channel switched off, or a stranger under the "drop" policy. Under "filter" a stranger's notification
    lands in the requests box, with no push or email. Email and push are scheduled after commit, held
    until the user's quiet hours end.
    """
    type_ = _validated_type(type)
    spec = spec_for(type_)
    now = timezone.now()
    if actor is not None and actor.pk == recipient.pk:
        return None
    ref = target_ref(target)
    if actor is not None:
        if user_selectors.is_blocked_between(recipient, actor):
            return None
        if user_selectors.is_muting(muter=recipient, muted=actor):
            return None
        if spec.dedupe and _is_duplicate(recipient=recipient, actor=actor, type_=type_, ref=ref, now=now):
            return None

    prefs = NotificationSettings.objects.filter(user=recipient).first()
    channels = prefs_rules.enabled_channels(prefs, type_)
    if not channels:
        return None
    box = Notification.Box.INBOX
    if actor is not None and spec.social:
        box = _box_for_stranger_policy(prefs=prefs, recipient=recipient, actor=actor, now=now)
        if box is None:
            return None
    if box == Notification.Box.INBOX and Channel.IN_APP not in channels:
        box = Notification.Box.SILENT

    notification_id = uuid7()
    notification = Notification(
        id=notification_id,
        recipient=recipient,
        actor=actor,
        type=type_,
        box=box,
        data=data or {},
        group_key=group_key_for(type_=type_, ref=ref, notification_id=notification_id),
        **ref.as_fields(),
    )
    notification.full_clean()
    notification.save(force_insert=True)

    if box == Notification.Box.REQUEST:
        return notification
    if box == Notification.Box.INBOX:
        realtime.broadcast_notification(notification, unread_count=unread_count_for(recipient.pk))
    deliveries_schedule(notification=notification, prefs=prefs, channels=channels, now=now)
    return notification


def delivery_plan(*, notification, prefs, channels, recipient, now) -> list[NotificationDelivery]:
    """Unsaved delivery rows for the enabled email/push channels, held by quiet hours where they apply."""
    spec = spec_for(notification.type)
    quiet_end = None if spec.urgent else prefs_rules.quiet_hours_end(prefs, recipient, now)
    rows = []
    for channel in DELIVERY_CHANNELS:
        if channel not in channels:
            continue
        status = NotificationDelivery.Status.HELD if quiet_end else NotificationDelivery.Status.PENDING
        if channel == Channel.EMAIL and prefs is not None and prefs.email_digest and not spec.urgent:
            status = NotificationDelivery.Status.DIGESTED
        rows.append(
            NotificationDelivery(
                notification=notification,
                channel=channel,
                status=status,
                scheduled_for=quiet_end or now,
            )
        )
    return rows


def deliveries_schedule(*, notification, prefs, channels, now) -> list[NotificationDelivery]:
    from notifications.tasks import notification_delivery_send_task

    rows = delivery_plan(
        notification=notification, prefs=prefs, channels=channels, recipient=notification.recipient, now=now
    )
    NotificationDelivery.objects.bulk_create(rows)
    for row in rows:
        if row.status == NotificationDelivery.Status.PENDING:
            notification_delivery_send_task.delay_on_commit(str(row.id))
        elif row.status == NotificationDelivery.Status.HELD:
            # The eta wakes it when quiet hours end; the beat sweep (deliveries_release) is the safety net
            # should the broker lose a long-eta message. The task re-checks the schedule either way.
            notification_delivery_send_task.apply_async_on_commit(args=[str(row.id)], eta=row.scheduled_for)
    return rows
