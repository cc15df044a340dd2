"""Stream writes: create (with its ingest channel), edit, cancel, the status transition, start/end, keys.

The IVS call that creates a channel is a network call, so it runs before the transaction; if saving the
row then fails, the channel is deleted again so nothing leaks. Deleting channels after a stream is over
happens after commit in a task (retried), never inside the transaction.
"""

import hmac
import logging
import uuid

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.exceptions import Conflict, NotFound, PermissionDenied, ServiceUnavailable, ValidationFailed
from core.ids import uuid7
from livestream import ivs, realtime
from livestream.models import Stream, ViewerSession
from livestream.services.chat import chat_system_message_create
from livestream.stream_keys import stream_key_decrypt, stream_key_digest, stream_key_encrypt
from payments.models import Tier

logger = logging.getLogger("socialflow.livestream")

EDITABLE_FIELDS = ("title", "description", "category", "visibility", "min_tier", "scheduled_for", "latency", "record")
# Fields that shape the video channel: frozen once the stream went live.
PRE_LIVE_ONLY = ("scheduled_for", "latency", "record")


def _validate(stream: Stream) -> None:
    if stream.min_tier is not None:
        if stream.visibility != Stream.Visibility.SUBSCRIBERS:
            raise ValidationFailed(errors={"min_tier": ["Only subscribers-only streams have a minimum tier."]})
        if stream.min_tier.creator_id != stream.host_id:
            raise ValidationFailed(errors={"min_tier": ["Choose one of your own tiers."]})
    try:
        stream.full_clean(exclude=["pinned_message", "min_tier"])
    except Exception as exc:  # django ValidationError → our error shape
        raise ValidationFailed(errors=getattr(exc, "message_dict", {"__all__": [str(exc)]})) from exc


def _resolve_tier(min_tier) -> Tier | None:
    if min_tier is None or isinstance(min_tier, Tier):
        return min_tier
    tier = Tier.objects.filter(pk=min_tier).first()
    if tier is None:
        raise ValidationFailed(errors={"min_tier": ["Unknown tier."]})
    return tier


def stream_create(
    *,
    host,
    title: str,
    description: str = "",
    category: str = Stream.Category.OTHER,
    visibility: str = Stream.Visibility.PUBLIC,
    min_tier=None,
    scheduled_for=None,
    latency: str = Stream.Latency.LOW,
    record: bool = False,
    slow_mode_seconds: int = 0,
    followers_only_chat: bool = False,
    subscribers_only_chat: bool = False,
    min_account_age_minutes: int = 0,
    banned_words: list | None = None,
) -> tuple[Stream, str]:
    """Create a scheduled stream and its ingest channel; returns (stream, plain stream key) for the host."""
    if not host.is_email_verified:
        raise PermissionDenied("Verify your email address before going live.")
    if scheduled_for is not None and scheduled_for < timezone.now():
        raise ValidationFailed(errors={"scheduled_for": ["Schedule the stream in the future."]})
    stream = Stream(
        id=uuid7(),
        host=host,
        title=(title or "").strip(),
        description=description,
        category=category,
        visibility=visibility,
        min_tier=_resolve_tier(min_tier),
        scheduled_for=scheduled_for,
        latency=latency,
        record=record,
        slow_mode_seconds=slow_mode_seconds,
        followers_only_chat=followers_only_chat,
        subscribers_only_chat=subscribers_only_chat,
        min_account_age_minutes=min_account_age_minutes,
        banned_words=normalise_banned_words(banned_words or []),
        provider=Stream.Provider.SELF_HOSTED,
        ingest_endpoint="pending",
        playback_url="pending",
        stream_key_encrypted="pending",
    )
    _validate(stream)  # before the provider call: invalid input must not create a channel
    channel = ivs.channel_create(stream_id=stream.id, latency=latency)
    stream.provider = channel.provider
    stream.ivs_channel_arn = channel.channel_arn
    stream.ivs_stream_key_arn = channel.stream_key_arn
    stream.ingest_endpoint = channel.ingest_endpoint
    stream.playback_url = channel.playback_url
    stream.stream_key_encrypted = stream_key_encrypt(channel.stream_key)
    stream.stream_key_digest = stream_key_digest(channel.stream_key)
    try:
        with transaction.atomic():
            stream.save(force_insert=True)
    except Exception:
        if channel.channel_arn:
            ivs.channel_delete(channel_arn=channel.channel_arn)
        raise
    return stream, channel.stream_key


def normalise_banned_words(words) -> list:
    if not isinstance(words, list | tuple):
        raise ValidationFailed(errors={"banned_words": ["Send a list of words."]})
    cleaned = sorted({str(w).strip().lower() for w in words if str(w).strip()})
    if len(cleaned) > 200 or any(len(w) > 50 for w in cleaned):
        raise ValidationFailed(errors={"banned_words": ["At most 200 words of up to 50 characters each."]})
    return cleaned


def _locked(stream_id) -> Stream:
    stream = Stream.objects.select_for_update().filter(pk=stream_id).first()
    if stream is None:
        raise NotFound("Stream not found.")
    return stream


@transaction.atomic
def stream_update(*, stream: Stream, actor, **changes) -> Stream:
    """Edit the stream's description and, before it goes live, its schedule and video settings."""
    stream = _locked(stream.pk)
    if stream.host_id != actor.pk:
        raise PermissionDenied("Only the host can edit this stream.")
    if stream.status in Stream.FINAL_STATUSES:
        raise Conflict("This stream is over and can no longer be edited.")
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationFailed(errors={f: ["This field cannot be changed here."] for f in sorted(unknown)})
    if stream.status != Stream.Status.SCHEDULED:
        frozen = [f for f in PRE_LIVE_ONLY if f in changes and changes[f] != getattr(stream, f)]
        if frozen:
            raise Conflict("The schedule, latency and recording cannot change once the stream is live.")
    if "min_tier" in changes:
        changes["min_tier"] = _resolve_tier(changes["min_tier"])
    if changes.get("scheduled_for") and changes["scheduled_for"] < timezone.now():
        raise ValidationFailed(errors={"scheduled_for": ["Schedule the stream in the future."]})
    if changes.get("visibility") and changes["visibility"] != Stream.Visibility.SUBSCRIBERS:
        changes.setdefault("min_tier", None)
    latency_changed = "latency" in changes and changes["latency"] != stream.latency
    if "title" in changes:
        changes["title"] = (changes["title"] or "").strip()
    for field, value in changes.items():
        setattr(stream, field, value)
    _validate(stream)
    stream.save()
    if latency_changed and stream.ivs_channel_arn:
        # Inside the transaction on purpose: if IVS refuses, the edit is rolled back and the two agree.
        ivs.channel_set_latency(channel_arn=stream.ivs_channel_arn, latency=stream.latency)
    return stream


def _transition(stream: Stream, to: str, *, at=None) -> bool:
    """Move the (locked) stream to `to`; False when it is already there (repeats are no-ops)."""
    if stream.status == to:
        return False
    if to not in Stream.TRANSITIONS[stream.status]:
        raise Conflict(f"A {stream.status} stream cannot become {to}.", code="invalid_transition")
    at = at or timezone.now()
    stream.status = to
    fields = ["status", "updated_at"]
    if to == Stream.Status.LIVE:
        stream.started_at = at
        fields.append("started_at")
    if to in Stream.FINAL_STATUSES:
        stream.ended_at = at
        stream.current_viewers = 0
        fields += ["ended_at", "current_viewers"]
    try:
        with transaction.atomic():
            stream.save(update_fields=fields)
    except IntegrityError as exc:
        raise Conflict("You already have a live stream; end it first.", code="already_live") from exc
    return True


@transaction.atomic
def stream_transition(*, stream_id, to: str, source: str = "host") -> Stream:
    """The one place a stream's status changes (host actions, IVS events, admin, cleanup tasks).

    Idempotent: asking for the status the stream already has changes nothing and sends nothing, so the
    host's `end` and IVS's "Stream End" event may arrive in either order.
    """
    stream = _locked(stream_id)
    if not _transition(stream, to):
        return stream
    realtime.broadcast_stream_status(stream)
    if to == Stream.Status.LIVE:
        chat_system_message_create(stream=stream, body=f"{stream.host.name} is live.", data={"event": "live"})
        _after_live(stream)
    elif to == Stream.Status.ENDED:
        _close_viewer_sessions(stream)
        stream.summary = _summary(stream)
        stream.save(update_fields=["summary", "updated_at"])
        chat_system_message_create(stream=stream, body="The stream has ended.", data={"event": "ended"})
        _after_end(stream)
    # A recorded IVS stream keeps its channel until IVS reports the recording finished.
    if to in Stream.FINAL_STATUSES and stream.ivs_channel_arn and not (to == Stream.Status.ENDED and stream.record):
        _channel_delete_after_commit(stream)
    logger.info("stream %s → %s (%s)", stream.pk, to, source)
    return stream


def _channel_delete_after_commit(stream: Stream) -> None:
    from livestream.tasks import stream_channel_delete_task

    stream_channel_delete_task.delay_on_commit(str(stream.pk))


def _after_live(stream: Stream) -> None:
    from livestream.services import integrations

    integrations.notify_followers_live(stream)


def _after_end(stream: Stream) -> None:
    from livestream.services import integrations

    if stream.record:
        integrations.replay_create(stream)


def _close_viewer_sessions(stream: Stream) -> None:
    now = timezone.now()
    ViewerSession.objects.filter(stream=stream, left_at__isnull=True).update(left_at=now, last_seen_at=now)


def _summary(stream: Stream) -> dict:
    from livestream.selectors import stream_analytics

    numbers = stream_analytics(stream=stream)
    numbers.pop("current_viewers", None)
    numbers["status"] = stream.status
    return numbers


def _host_stream(stream: Stream, actor) -> None:
    if stream.host_id != actor.pk:
        raise PermissionDenied("Only the host can do this.")


def stream_start(*, stream: Stream, actor) -> Stream:
    _host_stream(stream, actor)
    if not actor.is_email_verified:
        raise PermissionDenied("Verify your email address before going live.")
    return stream_transition(stream_id=stream.pk, to=Stream.Status.LIVE, source="host")


def stream_end(*, stream: Stream, actor) -> Stream:
    _host_stream(stream, actor)
    stream.refresh_from_db(fields=["status"])
    if stream.status == Stream.Status.SCHEDULED:
        raise Conflict("This stream has not started; delete it to cancel.", code="invalid_transition")
    return stream_transition(stream_id=stream.pk, to=Stream.Status.ENDED, source="host")


def stream_cancel(*, stream: Stream, actor) -> Stream:
    """DELETE: only a scheduled stream may be withdrawn (a past stream's record stays)."""
    _host_stream(stream, actor)
    stream.refresh_from_db(fields=["status"])
    if stream.status != Stream.Status.SCHEDULED:
        raise Conflict("Only a scheduled stream can be deleted.", code="invalid_transition")
    return stream_transition(stream_id=stream.pk, to=Stream.Status.CANCELLED, source="host")


@transaction.atomic
def stream_rotate_key(*, stream: Stream, actor) -> tuple[Stream, str]:
    """A new stream key for the host; the old key stops working (a leaked key is the usual reason)."""
    _host_stream(stream, actor)
    stream = _locked(stream.pk)
    if stream.status in Stream.FINAL_STATUSES:
        raise Conflict("This stream is over.")
    value, arn = ivs.stream_key_rotate(
        provider=stream.provider, channel_arn=stream.ivs_channel_arn, stream_key_arn=stream.ivs_stream_key_arn
    )
    stream.stream_key_encrypted = stream_key_encrypt(value)
    stream.stream_key_digest = stream_key_digest(value)
    stream.ivs_stream_key_arn = arn
    stream.save(update_fields=["stream_key_encrypted", "stream_key_digest", "ivs_stream_key_arn", "updated_at"])
    return stream, value


def stream_key_reveal(*, stream: Stream, actor) -> str:
    """The plain stream key, for the host only."""
    _host_stream(stream, actor)
    return stream_key_decrypt(stream.stream_key_encrypted)


# --- IVS events (EventBridge → API destination → POST /api/v1/streams/webhooks/ivs) ----------------

IVS_EVENT_TO_STATUS = {"Stream Start": Stream.Status.LIVE, "Stream End": Stream.Status.ENDED}


def ivs_webhook_secret_matches(presented: str | None) -> bool:
    expected = settings.IVS_WEBHOOK_SECRET
    if not expected:
        raise ServiceUnavailable("IVS webhooks are not configured.", code="ivs_webhook_not_configured")
    return hmac.compare_digest((presented or "").encode(), expected.encode())


def stream_ivs_event_apply(*, event: dict) -> Stream | None:
    """Apply an IVS "Stream State Change" or "Recording State Change" event; unknown channels are ignored."""
    resources = event.get("resources") or []
    detail = event.get("detail") or {}
    arn = resources[0] if resources else ""
    stream = Stream.objects.filter(ivs_channel_arn=arn).exclude(ivs_channel_arn="").first() if arn else None
    if stream is None:
        return None
    name = detail.get("event_name", "")
    to = IVS_EVENT_TO_STATUS.get(name)
    if to == Stream.Status.LIVE and stream.status != Stream.Status.SCHEDULED:
        return stream  # a reconnect during a live stream, or a late event for a finished one
    if to == Stream.Status.ENDED and stream.status != Stream.Status.LIVE:
        return stream
    if to is not None:
        return stream_transition(stream_id=stream.pk, to=to, source="ivs")
    if detail.get("recording_status") == "Recording End" and detail.get("recording_s3_key_prefix"):
        bucket = detail.get("recording_s3_bucket_name", "")
        with transaction.atomic():
            locked = _locked(stream.pk)
            locked.recording_s3_prefix = f"s3://{bucket}/{detail['recording_s3_key_prefix']}"
            locked.save(update_fields=["recording_s3_prefix", "updated_at"])
            if locked.status == Stream.Status.ENDED and locked.record:
                from livestream.services import integrations

                integrations.replay_create(locked)
                _channel_delete_after_commit(locked)
        return locked
    return stream


# --- self-hosted ingest callbacks (nginx-rtmp on_publish / on_publish_done) ---------------------------


def rtmp_callback_secret_matches(presented: str | None) -> bool:
    expected = settings.LIVE_RTMP_CALLBACK_SECRET
    if not expected:
        raise ServiceUnavailable("RTMP callbacks are not configured.", code="rtmp_callback_not_configured")
    return hmac.compare_digest((presented or "").encode(), expected.encode())


def stream_rtmp_publish(*, key: str) -> Stream | None:
    """The ingest server asks whether `key` may publish: the stream goes live, or None (refuse).

    The caller answers with a redirect to the stream id, so HLS segments and recordings are named by
    id (matching the playback URL) and the key never appears in a URL or file name.
    """
    if not key:
        return None
    stream = (
        Stream.objects.filter(stream_key_digest=stream_key_digest(key), provider=Stream.Provider.SELF_HOSTED)
        .exclude(status__in=Stream.FINAL_STATUSES)
        .first()
    )
    if stream is None:
        return None
    if stream.status == Stream.Status.SCHEDULED:
        try:
            stream = stream_transition(stream_id=stream.pk, to=Stream.Status.LIVE, source="rtmp")
        except Conflict:
            return None  # the host is live with another stream
    return stream


def stream_rtmp_publish_done(*, name: str) -> Stream | None:
    """The broadcaster disconnected (`name` is the stream id after the publish redirect): end the stream."""
    try:
        lookup = {"pk": uuid.UUID(str(name))}
    except ValueError:  # no redirect happened: the name is still the key
        lookup = {"stream_key_digest": stream_key_digest(str(name))}
    stream = Stream.objects.filter(**lookup, provider=Stream.Provider.SELF_HOSTED).first()
    if stream is None or stream.status != Stream.Status.LIVE:
        return stream
    return stream_transition(stream_id=stream.pk, to=Stream.Status.ENDED, source="rtmp")


@transaction.atomic
def stream_viewer_count_set(*, stream_id, current: int) -> tuple[int, int]:
    """Store the current viewer count and raise the peak if needed; returns (current, peak)."""
    Stream.objects.filter(pk=stream_id).update(current_viewers=current)
    Stream.objects.filter(pk=stream_id, peak_viewers__lt=current).update(peak_viewers=current)
    row = Stream.objects.filter(pk=stream_id).values_list("current_viewers", "peak_viewers").first()
    return row or (0, 0)


def stream_channel_cleanup(*, stream_id) -> None:
    """Delete a finished stream's IVS channel (idempotent; run by a retried task after commit)."""
    stream = Stream.objects.filter(pk=stream_id).first()
    if stream is None or stream.status not in Stream.FINAL_STATUSES or not stream.ivs_channel_arn:
        return
    # The arn stays on the row: late IVS events (recording end) must still find their stream.
    ivs.channel_delete(channel_arn=stream.ivs_channel_arn)
