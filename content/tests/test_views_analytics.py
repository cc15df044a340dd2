"""View heartbeats: the qualification rule, de-duplication per 24 h, analytics for the owner."""

import datetime
from unittest import mock

import pytest
from django.utils import timezone

from content.models import Video
from content.tests.factories import VideoFactory
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

T0 = timezone.now()


def _at(seconds: float):
    """Stand in for the clock (the boundary heartbeats are measured against)."""
    return mock.patch("content.services.views._now", return_value=T0 + datetime.timedelta(seconds=seconds))


def _beat(client, video, session, position, watched, **headers):
    return client.post(
        f"/api/v1/videos/{video.pk}/views",
        {"session_id": session, "position": position, "watched_seconds": watched},
        format="json",
        **headers,
    )


def _watch(client, video, session, seconds, start=0.0, step=5.0, **headers):
    """Heartbeats every `step` seconds of real time while playing from `start`; the last answer, with
    `counted` true when any heartbeat of the run added a view."""
    elapsed, result, counted = 0.0, None, False
    while elapsed < seconds:
        elapsed += step
        with _at(start + elapsed):
            result = _beat(client, video, session, elapsed, step, **headers).json()
        counted = counted or result["counted"]
    return {**result, "counted": counted}


def test_view_counts_after_ten_seconds_once_per_day(client_for):
    video = VideoFactory(duration_seconds=120)
    viewer = client_for(UserFactory())
    with _at(0):
        assert _beat(viewer, video, "s1", 5, 5).json() == {"counted": False, "qualified": False, "watched_seconds": 5.0}
    with _at(5):
        assert _beat(viewer, video, "s1", 10, 5).json()["counted"] is True
    video.refresh_from_db()
    assert video.views_count == 1
    # Same viewer, a new session an hour later: no second view.
    assert _watch(viewer, video, "s2", 15, start=3600)["counted"] is False
    # A day later it counts again.
    assert _watch(viewer, video, "s3", 15, start=25 * 3600)["counted"] is True
    video.refresh_from_db()
    assert video.views_count == 2


def test_short_video_qualifies_at_thirty_percent(client_for):
    video = VideoFactory(duration_seconds=10)
    result = _watch(client_for(None), video, "anon-1", 3, step=3)
    assert result["counted"] is True


def test_claimed_watch_time_is_capped_by_the_clock(client_for):
    video = VideoFactory(duration_seconds=600)
    viewer = client_for(None)
    with _at(0):
        body = _beat(viewer, video, "bot", 100, 100).json()
    assert body == {"counted": False, "qualified": False, "watched_seconds": 5.0}


def test_anonymous_sessions_count_separately_and_author_never(client_for, creator):
    video = VideoFactory(author=creator, duration_seconds=60)
    anonymous = client_for(None)
    assert _watch(anonymous, video, "a", 12)["counted"] is True
    assert _watch(anonymous, video, "a", 12, start=100)["counted"] is False  # same session, same day
    assert _watch(anonymous, video, "b", 12)["counted"] is True
    assert _watch(client_for(creator), video, "own", 12)["counted"] is False
    video.refresh_from_db()
    assert video.views_count == 2


def test_hidden_video_heartbeat_is_404(client_for):
    video = VideoFactory(visibility="private")
    assert _beat(client_for(UserFactory()), video, "s", 1, 1).status_code == 404


def test_analytics_for_owner_only(client_for, creator, other_user):
    video = VideoFactory(author=creator, duration_seconds=20)
    _watch(client_for(None), video, "x", 20, HTTP_CF_IPCOUNTRY="DE")
    _watch(client_for(None), video, "y", 10, HTTP_CF_IPCOUNTRY="fr")
    _watch(client_for(None), video, "z", 5)
    assert client_for(other_user).get(f"/api/v1/videos/{video.pk}/analytics").status_code == 404
    body = client_for(creator).get(f"/api/v1/videos/{video.pk}/analytics", {"days": 7}).json()
    assert body["views"] == 2 and body["sessions"] == 3
    assert body["watch_seconds"] == 35.0
    assert body["average_view_seconds"] == pytest.approx(11.7)
    assert len(body["daily"]) == 7
    today = body["daily"][-1]
    assert today["day"] == T0.date().isoformat() and (today["views"], today["watch_seconds"]) == (2, 35.0)
    assert body["countries"][:2] == [
        {"country": "DE", "views": 1, "watch_seconds": 20.0},
        {"country": "FR", "views": 1, "watch_seconds": 10.0},
    ]
    retention = body["retention"]
    assert len(retention) == 21
    assert retention[2] == 1.0  # everyone saw second 2
    assert retention[8] == pytest.approx(0.6667, abs=1e-3)  # two of three sessions reached second 8
    assert retention[15] == pytest.approx(0.3333, abs=1e-3)
    assert Video.objects.get(pk=video.pk).views_count == 2
