"""Presence: sessions, recounted viewers, throttled broadcasts, stale sockets, watch time, summary."""

from datetime import timedelta

import pytest
from django.utils import timezone

from livestream import services
from livestream.models import Stream, ViewerSession
from livestream.selectors import stream_analytics

pytestmark = pytest.mark.django_db


def test_counts_peak_unique_and_watch_time(live_stream, user, other_user):
    a = services.viewer_join(stream_id=live_stream.pk, user=user, viewer_key=f"u:{user.pk}")
    services.viewer_join(stream_id=live_stream.pk, user=user, viewer_key=f"u:{user.pk}")  # second tab
    b = services.viewer_join(stream_id=live_stream.pk, user=None, viewer_key="a:browser-1")
    stream = Stream.objects.get(pk=live_stream.pk)
    assert (stream.current_viewers, stream.peak_viewers) == (2, 2)
    ViewerSession.objects.filter(pk=a.pk).update(joined_at=timezone.now() - timedelta(minutes=10))
    services.viewer_leave(session_id=b.pk)
    services.viewer_leave(session_id=b.pk)  # a repeated disconnect changes nothing
    stream.refresh_from_db()
    assert (stream.current_viewers, stream.peak_viewers) == (1, 2)
    numbers = stream_analytics(stream=stream)
    assert numbers["unique_viewers"] == 2 and numbers["signed_in_viewers"] == 1 and numbers["sessions"] == 3
    assert 590 <= numbers["watch_seconds_total"] <= 610


def test_stale_sessions_expire_and_stop_counting(live_stream, user, settings):
    session = services.viewer_join(stream_id=live_stream.pk, user=user, viewer_key=f"u:{user.pk}")
    last_seen = timezone.now() - timedelta(seconds=settings.LIVE_HEARTBEAT_TIMEOUT_SECONDS + 5)
    ViewerSession.objects.filter(pk=session.pk).update(last_seen_at=last_seen)
    assert services.viewer_sessions_expire() == 1
    session.refresh_from_db()
    assert session.left_at == last_seen  # watch time ends at the last heartbeat, not at the sweep
    assert Stream.objects.get(pk=live_stream.pk).current_viewers == 0


def test_heartbeat_keeps_a_session_counted(live_stream, user, settings):
    session = services.viewer_join(stream_id=live_stream.pk, user=user, viewer_key=f"u:{user.pk}")
    ViewerSession.objects.filter(pk=session.pk).update(last_seen_at=timezone.now() - timedelta(seconds=80))
    services.viewer_heartbeat(session_id=session.pk)
    assert services.viewer_sessions_expire() == 0


def test_viewer_count_broadcast_is_throttled_then_flushed(live_stream, user, other_user, monkeypatch, settings):
    sent = []
    monkeypatch.setattr(
        "livestream.realtime.send_viewer_count_now", lambda **kw: sent.append((kw["current"], kw["peak"]))
    )
    services.viewer_join(stream_id=live_stream.pk, user=user, viewer_key=f"u:{user.pk}")
    services.viewer_join(stream_id=live_stream.pk, user=other_user, viewer_key=f"u:{other_user.pk}")
    assert sent == [(1, 1)]  # the second change falls inside the window
    from django.core.cache import cache

    cache.delete(f"livestream:viewer-count:throttle:{live_stream.pk}")  # the window passes
    assert services.viewer_counts_flush() == 1
    assert sent == [(1, 1), (2, 2)]
    assert services.viewer_counts_flush() == 0  # nothing new


def test_end_closes_sessions_and_writes_summary(live_stream, creator, user):
    services.viewer_join(stream_id=live_stream.pk, user=user, viewer_key=f"u:{user.pk}")
    services.chat_message_send(stream_id=live_stream.pk, user=user, body="gg")
    stream = services.stream_end(stream=live_stream, actor=creator)
    assert not ViewerSession.objects.filter(stream=stream, left_at__isnull=True).exists()
    assert stream.current_viewers == 0
    assert stream.summary["peak_viewers"] == 1 and stream.summary["unique_viewers"] == 1
    assert stream.summary["chat_messages"] == 1 and stream.summary["status"] == "ended"
