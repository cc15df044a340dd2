"""The only module that sends notification events to websockets (after commit, per-user group)."""

import json

from django.core.serializers.json import DjangoJSONEncoder

from core.realtime import broadcast_on_commit


def user_group(user_id) -> str:
    return f"notifications.user.{str(user_id).replace('-', '')}"


def broadcast_notification(notification, *, unread_count: int) -> None:
    from notifications.api.serializers import NotificationOutputSerializer

    # Plain JSON types only: the Redis channel layer serialises events with msgpack.
    payload = json.loads(json.dumps(NotificationOutputSerializer(notification).data, cls=DjangoJSONEncoder))
    broadcast_on_commit(
        user_group(notification.recipient_id),
        {"type": "notification.created", "notification": payload, "unread_count": unread_count},
    )


def broadcast_unread_count(user_id, *, unread_count: int) -> None:
    broadcast_on_commit(user_group(user_id), {"type": "notification.unread_count", "unread_count": unread_count})
