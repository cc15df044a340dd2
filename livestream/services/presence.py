"""Presence: one ViewerSession per watching socket, heartbeats, and the viewer count the room sees.

The count is recomputed from open sessions (not incremented) so a crashed daphne process cannot leave it
drifting: sessions without a heartbeat for LIVE_HEARTBEAT_TIMEOUT_SECONDS stop counting and are closed
by `viewer_sessions_expire`. Broadcasting is throttled per stream to one `viewer_count` event every
LIVE_VIEWER_COUNT_INTERVAL_SECONDS: the first change in a window goes out at once, later ones mark the
stream dirty and the periodic flush (or the next change after the window) sends the final number.
"""

from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from livestream import realtime
from livestream.models import Stream, ViewerSession
from livestream.services.streams import stream_viewer_count_set


def _cutoff():
    return timezone.now() - timedelta(seconds=settings.LIVE_HEARTBEAT_TIMEOUT_SECONDS)


def _open_sessions(stream_id):
    return ViewerSession.objects.filter(stream_id=stream_id, left_at__isnull=True, last_seen_at__gte=_cutoff())


def _recount(stream_id) -> tuple[int, int]:
    # Several sockets of one person (two tabs) are one viewer.
    current = _open_sessions(stream_id).values("viewer_key").distinct().count()
    return stream_viewer_count_set(stream_id=stream_id, current=current)


def _throttle_key(stream_id) -> str:
    return f"livestream:viewer-count:throttle:{stream_id}"


def _dirty_key(stream_id) -> str:
    return f"livestream:viewer-count:dirty:{stream_id}"


def viewer_count_changed(*, stream_id) -> None:
    interval = settings.LIVE_VIEWER_COUNT_INTERVAL_SECONDS
    if cache.add(_throttle_key(stream_id), 1, timeout=interval):
        cache.delete(_dirty_key(stream_id))
        current, peak = Stream.objects.filter(pk=stream_id).values_list("current_viewers", "peak_viewers").first() or (
            0,
            0,
        )
        realtime.send_viewer_count_now(stream_id=stream_id, current=current, peak=peak)
    else:
        cache.set(_dirty_key(stream_id), 1, timeout=interval * 10)


def viewer_join(*, stream_id, user=None, viewer_key: str) -> ViewerSession:
    """Open a session for a socket that joined the room; returns it (its id is the socket's handle)."""
    with transaction.atomic():
        session = ViewerSession.objects.create(
            stream_id=stream_id,
            user=user if user is not None and user.is_authenticated else None,
            viewer_key=viewer_key,
        )
        _recount(stream_id)
    viewer_count_changed(stream_id=stream_id)
    return session


def viewer_heartbeat(*, session_id) -> None:
    ViewerSession.objects.filter(pk=session_id, left_at__isnull=True).update(last_seen_at=timezone.now())


def viewer_identify(*, session_id, user, viewer_key: str) -> None:
    """A socket that signed in after joining: its session now belongs to the user."""
    ViewerSession.objects.filter(pk=session_id).update(user=user, viewer_key=viewer_key)


def viewer_leave(*, session_id) -> None:
    session = ViewerSession.objects.filter(pk=session_id, left_at__isnull=True).first()
    if session is None:
        return
    now = timezone.now()
    with transaction.atomic():
        ViewerSession.objects.filter(pk=session_id, left_at__isnull=True).update(left_at=now, last_seen_at=now)
        _recount(session.stream_id)
    viewer_count_changed(stream_id=session.stream_id)


def viewer_counts_flush() -> int:
    """Send the final count of streams whose last change fell inside a throttle window."""
    sent = 0
    for stream_id in Stream.objects.live().values_list("pk", flat=True):
        if cache.get(_dirty_key(stream_id)) and cache.add(
            _throttle_key(stream_id), 1, timeout=settings.LIVE_VIEWER_COUNT_INTERVAL_SECONDS
        ):
            cache.delete(_dirty_key(stream_id))
            current, peak = _recount(stream_id)
            realtime.send_viewer_count_now(stream_id=stream_id, current=current, peak=peak)
            sent += 1
    return sent


def viewer_sessions_expire() -> int:
    """Close sessions whose socket vanished without a disconnect (process crash, network loss)."""
    stale = ViewerSession.objects.filter(left_at__isnull=True, last_seen_at__lt=_cutoff())
    stream_ids = set(stale.values_list("stream_id", flat=True))
    closed = 0
    for stream_id in stream_ids:
        with transaction.atomic():
            closed += ViewerSession.objects.filter(
                stream_id=stream_id, left_at__isnull=True, last_seen_at__lt=_cutoff()
            ).update(left_at=F("last_seen_at"))
            _recount(stream_id)
        viewer_count_changed(stream_id=stream_id)
    return closed
