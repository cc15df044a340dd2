"""Calls into the apps below for stream lifecycle side effects (notifications, replay videos)."""

from livestream.models import Stream
from notifications.services import notification_fanout


def notify_followers_live(stream: Stream) -> None:
    """Followers get `stream_live` (fan-out runs after commit; idempotent per stream)."""
    notification_fanout(
        actor=stream.host,
        type="stream_live",
        target=stream,
        data={"stream_id": str(stream.pk), "title": stream.title},
    )


def replay_create(stream: Stream) -> None:
    """Placeholder until content exposes video_create_from_recording (filled in below)."""
