"""Demo notifications: each creator hears about their fans, and everyone gets a settings row to try.

Idempotent: a creator who already has notifications is left alone.
"""

from notifications.models import Notification
from notifications.services import notification_send, notification_settings_update

STEPS = 2


def seed(ctx, step):
    creators, fans = ctx.get("creators", []), ctx.get("fans", [])
    for creator in creators:
        if Notification.objects.filter(recipient=creator).exists():
            continue
        for fan in fans:
            notification_send(recipient=creator, type="follow", actor=fan, target=fan)
        for fan in fans[:3]:
            notification_send(recipient=creator, type="like", actor=fan, target=creator)
        if fans:
            notification_send(recipient=creator, type="tip_received", actor=fans[0], data={"amount_display": "$5.00"})
        notification_send(recipient=creator, type="video_ready", data={"title": "Welcome video"})
    step("notifications")
    for fan in fans[:1]:
        notification_settings_update(user=fan, channels={"like": {"push": True}}, email_digest=True)
    step("notification settings")
