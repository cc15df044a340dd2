"""Every write of the notifications app. Other apps call `notification_send` and `notification_fanout`."""

from notifications.services.delivery import deliveries_release, delivery_send, digest_send
from notifications.services.devices import push_device_register, push_device_unregister
from notifications.services.fanout import fanout_job_run, notification_fanout
from notifications.services.inbox import (
    notification_delete,
    notification_mark_all_read,
    notification_mark_read,
    notification_request_accept,
    notification_request_dismiss,
)
from notifications.services.preferences import (
    notification_settings_get,
    notification_settings_update,
    notification_unsubscribe,
)
from notifications.services.sending import notification_send, unread_count_for

__all__ = [
    "deliveries_release",
    "delivery_send",
    "digest_send",
    "fanout_job_run",
    "notification_delete",
    "notification_fanout",
    "notification_mark_all_read",
    "notification_mark_read",
    "notification_request_accept",
    "notification_request_dismiss",
    "notification_send",
    "notification_settings_get",
    "notification_settings_update",
    "notification_unsubscribe",
    "push_device_register",
    "push_device_unregister",
    "unread_count_for",
]
