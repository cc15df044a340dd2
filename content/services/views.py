"""Video views creators can trust: heartbeats, the qualification rule, and per-day aggregates.

A heartbeat {session_id, position, watched_seconds} credits at most the wall-clock time that really
passed since the session started (plus a few seconds of slack), so a script cannot claim an hour in one
request. A session qualifies after min(10 s, 30% of the video) watched; it adds a view only if the same
signed-in viewer (any session) or the same anonymous session has not added one to this video in the last
24 hours, and never for the video's own author.
"""

import datetime
import hashlib

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from content.detail_cache import video_changed
from content.models import Video, VideoDailyStat, VideoWatchSession
from core.exceptions import ValidationFailed

QUALIFY_SECONDS = 10.0
QUALIFY_FRACTION = 0.3
VIEW_WINDOW = datetime.timedelta(hours=24)
CLOCK_SLACK_SECONDS = 5.0  # network jitter between a client's timer and ours
MAX_HEARTBEAT_SECONDS = 120.0
# Before processing has measured a video its duration is unknown; the watched-seconds bitmap grows
# with the position, so the position is capped (a 1e308 position was a 500, a 1e9 one a 125 MB bitmap).
MAX_POSITION_SECONDS = 24 * 3600.0


def _now():
    """The clock heartbeats are measured against (tests stand in for it here)."""
    return timezone.now()


def qualify_threshold(duration: float | None) -> float:
    if not duration:
        return QUALIFY_SECONDS
    return min(QUALIFY_SECONDS, QUALIFY_FRACTION * duration)


def _mark_seen(bitmap: bytes, start: float, end: float, duration: float | None) -> bytes:
    last = int(duration) if duration else int(end)
    first_s, last_s = max(0, int(start)), min(int(end), last)
    if last_s < first_s:
        return bitmap
    data = bytearray(bitmap)
    needed = last_s // 8 + 1
    if len(data) < needed:
        data.extend(b"\0" * (needed - len(data)))
    for second in range(first_s, last_s + 1):
        data[second // 8] |= 1 << (second % 8)
    return bytes(data)


def _session(video: Video, viewer, session_id: str, now, country: str) -> VideoWatchSession:
    # The stored key must fit the 64-character column whatever the client's session id (≤ 40) is:
    # signed-in viewers are keyed by a digest of (user, session), anonymous ones by their session id.
    if viewer is not None:
        key = "u:" + hashlib.sha256(f"{viewer.pk}:{session_id}".encode()).hexdigest()[:62]
    else:
        key = f"a:{session_id}"
    session = VideoWatchSession.objects.select_for_update().filter(video=video, session_id=key).first()
    if session is not None:
        return session
    try:
        with transaction.atomic():
            return VideoWatchSession.objects.create(
                video=video, viewer=viewer, session_id=key, last_heartbeat_at=now, country=country, created_at=now
            )
    except IntegrityError:
        return VideoWatchSession.objects.select_for_update().get(video=video, session_id=key)


def _already_counted(session: VideoWatchSession, viewer, now) -> bool:
    since = now - VIEW_WINDOW
    if viewer is None:
        return session.counted and session.qualified_at is not None and session.qualified_at >= since
    return VideoWatchSession.objects.filter(
        video_id=session.video_id, viewer=viewer, counted=True, qualified_at__gte=since
    ).exists()


def _bump_daily(video_id, day, country: str, *, views: int = 0, watch_seconds: float = 0.0) -> None:
    stat, _ = VideoDailyStat.objects.get_or_create(video_id=video_id, day=day, country=country)
    VideoDailyStat.objects.filter(pk=stat.pk).update(
        views=F("views") + views, watch_seconds=F("watch_seconds") + watch_seconds
    )


@transaction.atomic
def video_view_heartbeat(
    *, video: Video, viewer, session_id: str, position: float, watched_seconds: float, country: str = ""
) -> dict:
    """Record a playback heartbeat; returns {"counted": bool, "qualified": bool, "watched_seconds": float}."""
    viewer = viewer if viewer is not None and getattr(viewer, "is_authenticated", False) else None
    if not session_id or len(session_id) > 40:
        raise ValidationFailed(errors={"session_id": ["1–40 characters."]})
    if position < 0 or watched_seconds < 0 or watched_seconds > MAX_HEARTBEAT_SECONDS:
        raise ValidationFailed(errors={"watched_seconds": [f"Between 0 and {MAX_HEARTBEAT_SECONDS:g}."]})
    if position > MAX_POSITION_SECONDS:
        raise ValidationFailed(errors={"position": [f"At most {MAX_POSITION_SECONDS:g} seconds."]})
    duration = video.duration_seconds
    if duration:
        position = min(position, duration)
    country = (country or "").upper()[:2] if (country or "").isalpha() else ""
    now = _now()
    session = _session(video, viewer, session_id, now, country)
    if session.counted and session.qualified_at and session.qualified_at < now - VIEW_WINDOW:
        # The same anonymous session a day later: a new viewing that may count again.
        session.watched_seconds, session.qualified_at, session.counted = 0.0, None, False
        session.created_at = now
    allowance = (now - session.created_at).total_seconds() + CLOCK_SLACK_SECONDS - session.watched_seconds
    credited = max(0.0, min(watched_seconds, allowance))
    session.seconds_seen = _mark_seen(bytes(session.seconds_seen or b""), position - credited, position, duration)
    session.watched_seconds += credited
    session.max_position = max(session.max_position, position)
    session.last_heartbeat_at = now
    counted = False
    if session.qualified_at is None and session.watched_seconds >= qualify_threshold(duration):
        if viewer is None or viewer.pk != video.author_id:
            counted = not _already_counted(session, viewer, now)
        session.qualified_at = now
        session.counted = counted
    session.save()
    if credited or counted:
        Video.objects.filter(pk=video.pk).update(
            watch_seconds_total=F("watch_seconds_total") + credited, views_count=F("views_count") + int(counted)
        )
        _bump_daily(video.pk, now.date(), session.country, views=int(counted), watch_seconds=credited)
        if counted:
            video_changed(video.pk)  # views_count shows on the cached detail (an update() sends no signal)
    return {
        "counted": counted,
        "qualified": session.qualified_at is not None,
        "watched_seconds": session.watched_seconds,
    }
