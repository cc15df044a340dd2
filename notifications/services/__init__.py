"""Every write of the notifications app. Other apps call `notification_send` and `notification_fanout`."""

from notifications.services.fanout import fanout_job_run, notification_fanout
from notifications.services.sending import notification_send, unread_count_for

__all__ = ["fanout_job_run", "notification_fanout", "notification_send", "unread_count_for"]
