"""The media pipeline for one video: assemble → ffprobe → HLS ladder → stills → publish the output.

Safe to run again at any point (Celery redelivers with acks_late after a worker crash): each run
starts from the source file, writes into a scratch folder, and replaces the published output as a
whole; status moves only through video_transition under the row lock.
"""

import logging
import tempfile
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from content.media.probe import NotAVideo, probe
from content.media.store import store_for
from content.media.transcode import TranscodeFailed, build_hls, build_stills
from content.models import Video, VideoUploadPart
from content.services.counters import author_counters_refresh
from content.services.videos import video_transition

logger = logging.getLogger(__name__)


def _notify(video: Video, type_: str, data: dict | None = None) -> None:
    from notifications.services import notification_send

    notification_send(recipient=video.author, type=type_, target=video, data=data or {})


@transaction.atomic
def _start(video_id) -> Video | None:
    video = Video.objects.select_for_update().filter(pk=video_id).select_related("author").first()
    if video is None:
        return None  # deleted meanwhile: nothing to do
    if video.status == Video.Status.UPLOADED:
        return video_transition(
            video=video,
            to=Video.Status.PROCESSING,
            progress=0,
            failure_reason="",
            processing_attempts=video.processing_attempts + 1,
        )
    if video.status == Video.Status.PROCESSING:
        return video  # a retry, or a redelivery after a crash: do the work again
    return None  # ready, failed or still uploading: someone else finished or it is not ours to run


@transaction.atomic
def video_mark_failed(*, video_id, reason: str) -> Video | None:
    video = Video.objects.select_for_update().filter(pk=video_id).select_related("author").first()
    if video is None or video.status not in (Video.Status.PROCESSING, Video.Status.UPLOADED):
        return None
    video_transition(video=video, to=Video.Status.FAILED, failure_reason=reason[:500], progress=0)
    _notify(video, "video_failed", {"reason": video.failure_reason})
    return video


@transaction.atomic
def _finish_ready(video_id, *, renditions: list[str], prefix: str) -> Video | None:
    video = Video.objects.select_for_update().filter(pk=video_id).select_related("author").first()
    if video is None or video.status != Video.Status.PROCESSING:
        return None
    now = timezone.now()
    first_time = video.processed_at is None
    fields = {
        "progress": 100,
        "renditions": renditions,
        "hls_prefix": prefix,
        "thumbnail_key": f"{prefix}/thumbnail.jpg",
        "poster_key": f"{prefix}/poster.jpg",
        "processed_at": now,
    }
    if video.published_at is None and not (video.scheduled_at and video.scheduled_at > now):
        fields["published_at"] = now
    video_transition(video=video, to=Video.Status.READY, **fields)
    author_counters_refresh(user_id=video.author_id)
    if first_time:
        _notify(video, "video_ready")
        if "published_at" in fields:
            from content.services.publishing import video_announce

            video_announce(video=video)
    return video


def _progress(video_id, start: int, span: int):
    last = [-1]

    def report(fraction: float) -> None:
        value = start + int(span * fraction)
        if value >= last[0] + 5:  # a write per 5%, not per ffmpeg progress line
            last[0] = value
            Video.objects.filter(pk=video_id, status=Video.Status.PROCESSING).update(progress=min(value, 99))

    return report


def _assemble_local(video: Video) -> None:
    """Concatenate received parts into the source file (once; a rerun finds the source already there)."""
    store = store_for("local")
    if store.exists(video.source_key) and not store.path(f"uploads/{video.pk}").exists():
        return
    numbers = list(
        VideoUploadPart.objects.filter(video=video).order_by("part_number").values_list("part_number", flat=True)
    )
    if not numbers:
        if store.exists(video.source_key):
            return
        raise NotAVideo("The uploaded file is missing; upload it again.")
    tmp_key = f"{video.source_key}.assembling"
    store.assemble(str(video.pk), numbers, tmp_key)
    store.path(tmp_key).replace(store.path(video.source_key))
    VideoUploadPart.objects.filter(video=video).delete()


def video_process(*, video_id) -> Video | None:
    """Run the pipeline for a video in `uploaded` or `processing`; returns it when it ended `ready`."""
    video = _start(video_id)
    if video is None:
        return None
    store = store_for(video.storage)
    prefix = f"videos/{video.pk}/hls"
    try:
        with tempfile.TemporaryDirectory(prefix="sf-video-") as scratch:
            scratch_dir = Path(scratch)
            if video.storage == Video.Storage.LOCAL and video.source == Video.Source.UPLOAD:
                _assemble_local(video)
            source = store.local_copy(video.source_key, scratch_dir)
            info = probe(source)
            Video.objects.filter(pk=video.pk).update(
                duration_seconds=info.duration,
                width=info.width,
                height=info.height,
                video_codec=info.video_codec,
                audio_codec=info.audio_codec,
                size_bytes=info.size_bytes,
                progress=5,
            )
            out = scratch_dir / "hls"
            out.mkdir()
            renditions = build_hls(source, out, info, on_progress=_progress(video.pk, 5, 85))
            build_stills(source, out, info)
            Video.objects.filter(pk=video.pk, status=Video.Status.PROCESSING).update(progress=95)
            store.put_tree(out, prefix)
    except (NotAVideo, TranscodeFailed) as exc:
        logger.info("video %s failed processing: %s", video.pk, exc)
        video_mark_failed(video_id=video.pk, reason=str(exc))
        return None
    return _finish_ready(video.pk, renditions=renditions, prefix=prefix)


def video_files_delete(*, video_id) -> None:
    """Remove every stored file of a deleted video (source, parts, HLS output)."""
    video = Video.all_objects.filter(pk=video_id).first()
    if video is None or video.deleted_at is None:
        return
    store = store_for(video.storage)
    store.delete_prefix(f"videos/{video.pk}")
    if video.source_key and not video.source_key.startswith(f"videos/{video.pk}"):
        store.delete(video.source_key)
    if video.storage == Video.Storage.LOCAL:
        store.discard_parts(str(video.pk))
