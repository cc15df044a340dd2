"""Livestream tasks: IVS channel cleanup (retried) and the presence housekeeping run by beat."""

from celery import shared_task

from core.exceptions import ServiceUnavailable
from livestream import services
from livestream.services import integrations


@shared_task(
    acks_late=True,
    bind=True,
    max_retries=8,
    autoretry_for=(ServiceUnavailable,),
    retry_backoff=True,
    retry_backoff_max=600,
)
def stream_channel_delete_task(self, stream_id: str) -> None:
    """Delete a finished stream's IVS channel; deleting an absent channel succeeds, so it may repeat."""
    services.stream_channel_cleanup(stream_id=stream_id)


@shared_task(acks_late=True, bind=True, max_retries=5, autoretry_for=(ServiceUnavailable,), retry_backoff=True)
def stream_replay_create_task(self, stream_id: str) -> str | None:
    """Make the replay video of an ended recorded stream; a repeat finds the replay and stops."""
    stream = integrations.stream_replay_create(stream_id=stream_id)
    return str(stream.replay_video_id) if stream is not None and stream.replay_video_id else None


@shared_task(acks_late=True)
def stream_viewer_counts_flush_task() -> int:
    return services.viewer_counts_flush()


@shared_task(acks_late=True)
def viewer_sessions_expire_task() -> int:
    return services.viewer_sessions_expire()
