"""What a user does with their own notifications: read, read all, delete, and the requests list."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from notifications import realtime, selectors
from notifications.models import AcceptedSender, Notification


def _push_unread_count(user) -> int:
    count = selectors.unread_count(viewer=user)
    realtime.broadcast_unread_count(user.pk, unread_count=count)
    return count


@transaction.atomic
def notification_mark_read(*, viewer, notification_id) -> Notification:
    notification = selectors.notification_get(viewer=viewer, notification_id=notification_id)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at", "updated_at"])
        _push_unread_count(viewer)
    return notification


@transaction.atomic
def notification_mark_all_read(*, viewer, group_key: str | None = None) -> tuple[int, int]:
    """Mark every unread inbox notification read (or only one group's); returns (marked, unread left)."""
    qs = Notification.objects.filter(recipient=viewer).inbox().unread()
    if group_key:
        qs = qs.filter(group_key=group_key)
    now = timezone.now()
    marked = qs.update(read_at=now, updated_at=now)
    return marked, _push_unread_count(viewer) if marked else selectors.unread_count(viewer=viewer)


@transaction.atomic
def notification_delete(*, viewer, notification_id) -> None:
    notification = selectors.notification_get(viewer=viewer, notification_id=notification_id)
    was_unread = notification.read_at is None
    notification.delete()
    if was_unread:
        _push_unread_count(viewer)


@transaction.atomic
def notification_request_accept(*, viewer, notification_id) -> Notification:
    """Move a filtered notification into the inbox and let its actor through from now on."""
    notification = selectors.notification_get(
        viewer=viewer, notification_id=notification_id, box=Notification.Box.REQUEST
    )
    notification.box = Notification.Box.INBOX
    notification.save(update_fields=["box", "updated_at"])
    if notification.actor_id:
        try:
            with transaction.atomic():
                AcceptedSender.objects.create(user=viewer, actor_id=notification.actor_id)
        except IntegrityError:
            pass  # already accepted (a second request from the same person)
        # Their other waiting requests come along: accepting a person, not one message.
        Notification.objects.filter(
            recipient=viewer, box=Notification.Box.REQUEST, actor_id=notification.actor_id
        ).update(box=Notification.Box.INBOX, updated_at=timezone.now())
    realtime.broadcast_notification(notification, unread_count=selectors.unread_count(viewer=viewer))
    return notification


@transaction.atomic
def notification_request_dismiss(*, viewer, notification_id) -> None:
    notification = selectors.notification_get(
        viewer=viewer, notification_id=notification_id, box=Notification.Box.REQUEST
    )
    notification.delete()
