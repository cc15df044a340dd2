"""Celery tasks of the content app (routed to the `media` queue). They take ids and call one service."""

import logging

from botocore.exceptions import BotoCoreError, ClientError
from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

logger = logging.getLogger(__name__)

TRANSIENT = (OSError, BotoCoreError, ClientError)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=3)
def video_process_task(self, video_id: str) -> None:
    """Idempotent: re-running after a crash redoes the work and replaces the output as a whole."""
    from content.services.processing import video_mark_failed, video_process

    try:
        video_process(video_id=video_id)
    except TRANSIENT as exc:
        if self.request.retries < self.max_retries and not self.request.is_eager:
            raise self.retry(exc=exc, countdown=30 * 2**self.request.retries) from exc
        logger.exception("video %s processing failed after retries", video_id)
        video_mark_failed(video_id=video_id, reason="Processing failed because of a storage error. Try again later.")
    except SoftTimeLimitExceeded:
        # The time limit (CELERY_TASK_ANNOTATIONS) stops a run that would never end; without this the
        # video would stay "processing" forever. build_hls has already killed its ffmpeg.
        logger.warning("video %s processing hit the soft time limit", video_id)
        video_mark_failed(video_id=video_id, reason="Processing took too long and was stopped.")


@shared_task(acks_late=True, reject_on_worker_lost=True, autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5)
def video_files_delete_task(video_id: str) -> None:
    from content.services.processing import video_files_delete

    video_files_delete(video_id=video_id)


@shared_task(acks_late=True)
def content_publish_due_task() -> int:
    """Beat: publish posts and videos whose scheduled time has come."""
    from content.services.publishing import scheduled_publish_due

    return scheduled_publish_due()


@shared_task(acks_late=True)
def trending_recompute_task() -> dict:
    """Beat: recompute trending scores of recent posts, videos and hashtags."""
    from content.services.trending import trending_recompute

    return trending_recompute()


@shared_task(acks_late=True)
def media_orphans_sweep_task() -> int:
    """Beat: delete images uploaded but never attached to a post within a day."""
    from content.services.media_images import media_orphans_sweep

    return media_orphans_sweep()


@shared_task(acks_late=True)
def video_uploads_expire_task() -> int:
    """Beat: abort uploads left unfinished for a week (frees S3 multipart parts and local disk)."""
    from content.services.videos import video_uploads_expire

    return video_uploads_expire()
