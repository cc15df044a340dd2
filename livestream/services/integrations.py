"""Calls into the apps below for stream lifecycle side effects: the live notification, the replay video."""

import logging
import tempfile
from pathlib import Path

from django.db import transaction

from content.services import video_create_from_recording
from livestream import recordings
from livestream.models import Stream
from notifications.services import notification_fanout

logger = logging.getLogger("socialflow.livestream")


def notify_followers_live(stream: Stream) -> None:
    """Followers get `stream_live` (fan-out runs after commit; idempotent per stream)."""
    notification_fanout(
        actor=stream.host,
        type="stream_live",
        target=stream,
        data={"stream_id": str(stream.pk), "title": stream.title},
    )


def replay_create(stream: Stream) -> None:
    """Queue the replay after commit: fetching and remuxing a recording is slow work for a worker."""
    from livestream.tasks import stream_replay_create_task

    stream_replay_create_task.delay_on_commit(str(stream.pk))


def stream_replay_create(*, stream_id) -> Stream | None:
    """Turn an ended, recorded stream's recording into a content video (processing → ready); idempotent.

    Returns None while there is nothing to do yet: IVS has not reported the recording, or the
    self-hosted recording file is missing (logged; the host can upload the file as a video instead).
    """
    stream = Stream.objects.select_related("host", "min_tier").filter(pk=stream_id).first()
    if stream is None or not stream.record or stream.status != Stream.Status.ENDED or stream.replay_video_id:
        return None
    with tempfile.TemporaryDirectory(prefix="sf-replay-") as scratch:
        if stream.provider == Stream.Provider.IVS:
            if not stream.recording_s3_prefix:
                return None
            source = recordings.ivs_recording_fetch(s3_uri=stream.recording_s3_prefix, workdir=Path(scratch))
        else:
            source = recordings.self_hosted_recording(stream_id=stream.pk)
            if source is None:
                logger.warning("no recording found for stream %s", stream.pk)
                return None
        with transaction.atomic():
            locked = Stream.objects.select_for_update().get(pk=stream.pk)
            if locked.replay_video_id:
                return locked
            video = video_create_from_recording(
                owner=stream.host,
                title=f"{stream.title} (replay)",
                source_path_or_key=str(source),
                description=stream.description,
                visibility=stream.visibility,
                min_tier=stream.min_tier,
                storage="local",
            )
            locked.replay_video = video
            locked.save(update_fields=["replay_video", "updated_at"])
    return locked
