"""Video writes: the upload session, metadata, deletion, and the one status transition service."""

import datetime
import math
import os
import shutil
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from content.media import playback
from content.media.store import default_kind, store_for
from content.models import Video, VideoUploadPart
from content.services.counters import author_counters_refresh
from content.services.hashtags import video_hashtags_sync
from content.services.search_index import video_search_index
from core.exceptions import Conflict, NotFound, PayloadTooLarge, ValidationFailed

S3_MAX_PARTS = 10_000
S3_MIN_PART = 5 * 1024 * 1024
_UPLOAD_SALT = "content.upload-part"

EDITABLE_FIELDS = (
    "title", "description", "tags", "category", "language", "visibility", "min_tier", "age_restricted",
    "comments_enabled", "comment_policy", "scheduled_at",
)  # fmt: skip


# -- the state machine -------------------------------------------------------------------------------
def video_transition(*, video: Video, to: str, **fields) -> Video:
    """Move `video` to status `to` (Video.TRANSITIONS), saving `fields` with it. Caller holds the row lock."""
    if to not in Video.TRANSITIONS.get(video.status, set()):
        raise Conflict(f"A video cannot go from {video.status} to {to}.")
    video.status = to
    for name, value in fields.items():
        setattr(video, name, value)
    video.save(update_fields=["status", "updated_at", *fields])
    return video


def _locked(video_id) -> Video:
    video = Video.objects.select_for_update().filter(pk=video_id).first()
    if video is None:
        raise NotFound("No such video.")
    return video


# -- metadata ------------------------------------------------------------------------------------------
def _clean_tags(tags) -> list[str]:
    if tags is None:
        return []
    if not isinstance(tags, list) or len(tags) > 30:
        raise ValidationFailed(errors={"tags": ["At most 30 tags."]})
    cleaned = []
    for tag in tags:
        tag = str(tag).strip().lstrip("#")
        if not tag or len(tag) > 50:
            raise ValidationFailed(errors={"tags": ["Each tag has 1–50 characters."]})
        if tag.lower() not in {t.lower() for t in cleaned}:
            cleaned.append(tag)
    return cleaned


def _check_audience(*, author, visibility, min_tier) -> None:
    if min_tier is not None:
        if visibility != Video.Visibility.SUBSCRIBERS:
            raise ValidationFailed(errors={"min_tier": ["Only subscriber videos have a minimum tier."]})
        if min_tier.creator_id != author.pk:
            raise ValidationFailed(errors={"min_tier": ["Not one of your tiers."]})


def _check_schedule(scheduled_at) -> None:
    if scheduled_at is not None and scheduled_at <= timezone.now():
        raise ValidationFailed(errors={"scheduled_at": ["Must be in the future."]})


# -- upload session ------------------------------------------------------------------------------------
def _part_size_for(size: int, kind: str) -> int:
    # S3 refuses parts under 5 MiB (except the last); the local store has no such floor.
    part = max(settings.VIDEO_UPLOAD_PART_BYTES, S3_MIN_PART if kind == "s3" else 1)
    if math.ceil(size / part) > S3_MAX_PARTS:
        part = math.ceil(size / S3_MAX_PARTS)
    return part


def expected_part_size(video: Video, part_number: int) -> int:
    if part_number < video.part_count:
        return video.part_size
    return video.size_bytes - video.part_size * (video.part_count - 1)


def part_signature(video_id, part_number: int, expires: int) -> str:
    return salted_hmac(_UPLOAD_SALT, f"{video_id}:{part_number}:{expires}", algorithm="sha256").hexdigest()


def part_signature_valid(video_id, part_number: int, expires, signature: str) -> bool:
    try:
        exp = int(expires)
    except (TypeError, ValueError):
        return False
    if exp < timezone.now().timestamp():
        return False
    return constant_time_compare(part_signature(video_id, part_number, exp), signature or "")


def upload_part_urls(video: Video, part_numbers) -> list[dict]:
    """Where the client PUTs each part: presigned S3 URLs, or our own signed part endpoint."""
    ttl = settings.VIDEO_UPLOAD_URL_TTL
    if video.storage == Video.Storage.S3:
        store = store_for("s3")
        return [
            {"part_number": n, "url": store.presign_part(video.source_key, video.upload_id, n, ttl)}
            for n in part_numbers
        ]
    expires = int(timezone.now().timestamp()) + ttl
    from django.urls import reverse

    return [
        {
            "part_number": n,
            "url": reverse("content-video-upload-part", kwargs={"video_id": video.pk, "part_number": n})
            + f"?exp={expires}&sig={part_signature(video.pk, n, expires)}",
        }
        for n in part_numbers
    ]


@transaction.atomic
def video_create(
    *,
    author,
    filename: str,
    size: int,
    content_type: str,
    title: str,
    description: str = "",
    tags=None,
    category: str = "",
    language: str = "",
    visibility: str = Video.Visibility.PUBLIC,
    min_tier=None,
    age_restricted: bool = False,
    comments_enabled: bool = True,
    comment_policy: str = Video.CommentPolicy.EVERYONE,
    scheduled_at=None,
) -> Video:
    """Start an upload: the video row in `uploading` and its multipart session (S3 or local)."""
    if not content_type.lower().startswith("video/"):
        raise ValidationFailed(errors={"content_type": ["Only video files (video/*) can be uploaded."]})
    if size <= 0 or size > settings.VIDEO_MAX_UPLOAD_BYTES:
        raise PayloadTooLarge(
            f"Videos are limited to {settings.VIDEO_MAX_UPLOAD_BYTES} bytes.",
            errors={"size": [f"Must be between 1 and {settings.VIDEO_MAX_UPLOAD_BYTES} bytes."]},
        )
    _check_audience(author=author, visibility=visibility, min_tier=min_tier)
    _check_schedule(scheduled_at)
    kind = default_kind()
    part_size = _part_size_for(size, kind)
    video = Video(
        author=author,
        title=title,
        description=description,
        tags=_clean_tags(tags),
        category=category,
        language=language,
        visibility=visibility,
        min_tier=min_tier,
        age_restricted=age_restricted,
        comments_enabled=comments_enabled,
        comment_policy=comment_policy,
        scheduled_at=scheduled_at,
        filename=os.path.basename(filename)[:255],
        content_type=content_type,
        size_bytes=size,
        part_size=part_size,
        part_count=math.ceil(size / part_size),
        storage=kind,
    )
    video.source_key = f"videos/{video.pk}/source"
    video.full_clean()
    if video.storage == Video.Storage.S3:
        video.upload_id = store_for("s3").create_multipart(video.source_key, content_type)
    video.save()
    video_hashtags_sync(video=video)
    video_search_index(video_id=video.pk)
    return video


def video_upload_part_receive(*, video_id, part_number: int, stream) -> VideoUploadPart:
    """Stream one part to disk (local store). The request body is never held in memory.

    No transaction around the write: a long upload must not hold a database connection or lock;
    the part row is written after the bytes are safely on disk.
    """
    video = Video.objects.filter(pk=video_id).first()
    if video is None or video.storage != Video.Storage.LOCAL:
        raise NotFound("No such upload.")
    if video.status != Video.Status.UPLOADING:
        raise Conflict("This upload is already complete or cancelled.")
    if not 1 <= part_number <= video.part_count:
        raise ValidationFailed(errors={"part_number": [f"Parts are numbered 1 to {video.part_count}."]})
    expected = expected_part_size(video, part_number)
    store = store_for("local")
    try:
        size, etag = store.write_part(str(video.pk), part_number, stream, limit=expected)
    except OverflowError as exc:
        raise PayloadTooLarge(f"Part {part_number} must be exactly {expected} bytes.") from exc
    if size != expected:
        store.part_path(str(video.pk), part_number).unlink(missing_ok=True)
        raise ValidationFailed(
            f"Part {part_number} must be exactly {expected} bytes; received {size}.",
            errors={"body": [f"Expected {expected} bytes."]},
        )
    part, _ = VideoUploadPart.objects.update_or_create(
        video=video, part_number=part_number, defaults={"size_bytes": size, "etag": etag}
    )
    return part


def video_upload_received_parts(*, video: Video) -> list[dict]:
    if video.storage == Video.Storage.S3:
        if video.status != Video.Status.UPLOADING:
            return []
        return store_for("s3").list_parts(video.source_key, video.upload_id)
    return [
        {"part_number": p.part_number, "etag": p.etag, "size": p.size_bytes}
        for p in VideoUploadPart.objects.filter(video=video).order_by("part_number")
    ]


@transaction.atomic
def video_upload_complete(*, video_id, parts: list[dict]) -> Video:
    """Check every part arrived with the ETag the client holds, assemble (S3: CompleteMultipartUpload),
    and queue processing. Local parts are concatenated by the media worker, not in this request."""
    from content.tasks import video_process_task

    video = _locked(video_id)
    if video.status != Video.Status.UPLOADING:
        raise Conflict("This upload is already complete or cancelled.")
    received = {p["part_number"]: p for p in video_upload_received_parts(video=video)}
    expected = range(1, video.part_count + 1)
    missing = [n for n in expected if n not in received]
    if missing:
        raise ValidationFailed(
            f"Missing parts: {', '.join(map(str, missing))}.",
            errors={"parts": [f"Part {n} has not been uploaded." for n in missing]},
        )
    claimed = {int(p["part_number"]): str(p["etag"]).strip('"') for p in parts}
    unlisted = [n for n in expected if n not in claimed]
    wrong = [n for n in expected if n in claimed and claimed[n] != received[n]["etag"]]
    if unlisted or wrong:
        errors = [f"Part {n} is missing from the list." for n in unlisted]
        errors += [f"Part {n} has a different ETag than the one received." for n in wrong]
        raise ValidationFailed(
            f"Parts do not match: {', '.join(map(str, unlisted + wrong))}.", errors={"parts": errors}
        )
    if video.storage == Video.Storage.S3:
        store = store_for("s3")
        store.complete_multipart(video.source_key, video.upload_id, [received[n] for n in expected])
        size = store.size(video.source_key)
    else:
        size = sum(p["size"] for p in received.values())
    video_transition(video=video, to=Video.Status.UPLOADED, size_bytes=size, uploaded_at=timezone.now())
    video_process_task.delay_on_commit(str(video.pk))
    return video


@transaction.atomic
def video_upload_abort(*, video_id) -> None:
    """Cancel an unfinished upload: parts are discarded and the video goes away (soft-deleted, failed)."""
    video = _locked(video_id)
    if video.status != Video.Status.UPLOADING:
        raise Conflict("Only an unfinished upload can be cancelled.")
    if video.storage == Video.Storage.S3:
        store_for("s3").abort_multipart(video.source_key, video.upload_id)
    else:
        store_for("local").discard_parts(str(video.pk))
    VideoUploadPart.objects.filter(video=video).delete()
    video_transition(video=video, to=Video.Status.FAILED, failure_reason="Upload cancelled.")
    video.soft_delete()


# -- recordings (livestream replays) -------------------------------------------------------------------
@transaction.atomic
def video_create_from_recording(
    *,
    owner,
    title: str,
    source_path_or_key: str,
    description: str = "",
    visibility: str = Video.Visibility.PUBLIC,
    min_tier=None,
    tags=None,
    storage: str | None = None,
) -> Video:
    """A replay of a live stream: a video in `processing`, its pipeline queued after commit.

    `source_path_or_key` is a local file path (copied into the media folder, so the caller may delete
    its own copy) or, with `storage="s3"` (the default when a bucket is configured and the path is not a
    local file), the key of an object already in the bucket.
    """
    from content.tasks import video_process_task

    _check_audience(author=owner, visibility=visibility, min_tier=min_tier)
    local = Path(source_path_or_key)
    kind = storage or ("local" if local.is_file() else default_kind())
    video = Video(
        author=owner,
        title=title[:200],
        description=description,
        tags=_clean_tags(tags),
        visibility=visibility,
        min_tier=min_tier,
        source=Video.Source.RECORDING,
        status=Video.Status.PROCESSING,
        processing_attempts=1,
        storage=kind,
        filename=local.name[:255],
        content_type="video/mp4",
        uploaded_at=timezone.now(),
    )
    if kind == Video.Storage.LOCAL:
        if not local.is_file():
            raise ValidationFailed(errors={"source_path_or_key": ["No such file."]})
        video.source_key = f"videos/{video.pk}/source"
        dest = store_for("local").path(video.source_key)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(local, dest)
        video.size_bytes = dest.stat().st_size
    else:
        video.source_key = source_path_or_key
        video.size_bytes = store_for("s3").size(source_path_or_key)
    video.full_clean()
    video.save()
    video_hashtags_sync(video=video)
    video_search_index(video_id=video.pk)
    video_process_task.delay_on_commit(str(video.pk))
    return video


# -- owner actions ---------------------------------------------------------------------------------------
@transaction.atomic
def video_update(*, video_id, actor, **changes) -> Video:
    video = _locked(video_id)
    if video.author_id != actor.pk:
        raise NotFound("No such video.")
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationFailed(errors={name: ["Cannot be changed."] for name in unknown})
    if "tags" in changes:
        changes["tags"] = _clean_tags(changes["tags"])
    if "scheduled_at" in changes and changes["scheduled_at"] != video.scheduled_at:
        if video.published_at is not None and video.published_at <= timezone.now():
            raise ValidationFailed(errors={"scheduled_at": ["The video is already published."]})
        _check_schedule(changes["scheduled_at"])
    for name, value in changes.items():
        setattr(video, name, value)
    _check_audience(author=actor, visibility=video.visibility, min_tier=video.min_tier)
    if video.status == Video.Status.READY and video.published_at is None and not _is_future(video.scheduled_at):
        video.published_at = timezone.now()
    video.full_clean()
    video.save()
    if "tags" in changes or "description" in changes:
        video_hashtags_sync(video=video)
    video_search_index(video_id=video.pk)
    return video


def _is_future(when) -> bool:
    return when is not None and when > timezone.now()


@transaction.atomic
def video_delete(*, video_id, actor) -> None:
    """Soft-delete; the stored files are removed by a task after commit (the row stays for moderation)."""
    from content.tasks import video_files_delete_task

    video = _locked(video_id)
    if video.author_id != actor.pk and not getattr(actor, "is_moderator", False):
        raise NotFound("No such video.")
    if video.status == Video.Status.UPLOADING and video.storage == Video.Storage.S3 and video.upload_id:
        store_for("s3").abort_multipart(video.source_key, video.upload_id)
    video.soft_delete()
    video_hashtags_sync(video=video, removing=True)
    author_counters_refresh(user_id=video.author_id)
    video_files_delete_task.delay_on_commit(str(video.pk))


@transaction.atomic
def video_retry(*, video_id, actor=None) -> Video:
    """Process a failed video again (owner) or any processed one (staff, `actor=None` from the admin)."""
    from content.tasks import video_process_task

    video = _locked(video_id)
    if actor is not None and video.author_id != actor.pk:
        raise NotFound("No such video.")
    if video.uploaded_at is None:
        raise Conflict("The upload never completed; upload the file again.")
    allowed = {Video.Status.FAILED} if actor is not None else {Video.Status.FAILED, Video.Status.READY}
    if video.status not in allowed:
        raise Conflict(f"A {video.status} video cannot be retried.")
    video_transition(
        video=video,
        to=Video.Status.PROCESSING,
        progress=0,
        failure_reason="",
        processing_attempts=video.processing_attempts + 1,
    )
    video_process_task.delay_on_commit(str(video.pk))
    return video


def playback_master_url(*, video: Video) -> tuple[str, int]:
    """(signed URL path of the master playlist, expiry as a Unix time) for a viewer already allowed."""
    if video.status != Video.Status.READY:
        raise Conflict("The video is not ready to play yet.")
    expires = playback.expiry()
    return playback.master_url(video, expires), expires


STALE_UPLOAD_AGE = datetime.timedelta(days=7)


def video_uploads_expire(*, now=None) -> int:
    """Abort uploads left unfinished for STALE_UPLOAD_AGE (beat): S3 multipart uploads keep their parts
    (and their cost) until aborted, local parts fill the disk. Each in its own locked transaction."""
    cutoff = (now or timezone.now()) - STALE_UPLOAD_AGE
    stale = Video.objects.filter(status=Video.Status.UPLOADING, created_at__lt=cutoff).values_list("pk", flat=True)
    expired = 0
    for video_id in list(stale[:500]):
        try:
            video_upload_abort(video_id=video_id)
            expired += 1
        except Conflict:
            continue  # completed meanwhile
    return expired
