"""Video reads: public lists, the owner's own list, and the owner's analytics."""

import datetime

from django.db.models import Sum
from django.utils import timezone

from content.models import Video, VideoDailyStat, VideoWatchSession
from content.selectors.visibility import video_visible_q
from core.exceptions import NotFound
from users.selectors import user_get_visible

RETENTION_SESSIONS = 1000  # the most recent sessions make the curve; enough for a stable shape


def video_list(*, viewer, author=None):
    qs = Video.objects.filter(video_visible_q(viewer))
    if author is not None:
        account = user_get_visible(viewer=viewer, lookup=author)
        if account is None:
            raise NotFound("No such account.")
        qs = qs.filter(author=account)
    return qs.select_related("author")


def video_list_mine(*, user, status=None):
    qs = Video.objects.filter(author=user).select_related("author")
    if status:
        qs = qs.filter(status=status)
    return qs


def video_get_owned(*, user, id) -> Video:
    """The user's own video (any status); NotFound for anyone else's."""
    from content.selectors.visibility import as_uuid

    pk = as_uuid(id)
    video = None if pk is None or user is None else Video.objects.filter(pk=pk, author_id=user.pk).first()
    if video is None:
        raise NotFound("No such video.")
    return video


def _retention(video: Video) -> list[float]:
    """Share of sessions that played each second of the video (index = second)."""
    if not video.duration_seconds:
        return []
    seconds = int(video.duration_seconds) + 1
    bitmaps = list(
        VideoWatchSession.objects.filter(video=video)
        .order_by("-created_at")
        .values_list("seconds_seen", flat=True)[:RETENTION_SESSIONS]
    )
    if not bitmaps:
        return [0.0] * seconds
    counts = [0] * seconds
    for raw in bitmaps:
        for index, byte in enumerate(bytes(raw or b"")):
            if not byte:
                continue
            base = index * 8
            for bit in range(8):
                if byte >> bit & 1 and base + bit < seconds:
                    counts[base + bit] += 1
    return [round(c / len(bitmaps), 4) for c in counts]


def video_analytics(*, video: Video, days: int = 28) -> dict:
    since = timezone.now().date() - datetime.timedelta(days=days - 1)
    stats = VideoDailyStat.objects.filter(video=video, day__gte=since)
    daily = {
        row["day"]: row
        for row in stats.values("day").annotate(views=Sum("views"), watch_seconds=Sum("watch_seconds")).order_by("day")
    }
    series = []
    for offset in range(days):
        day = since + datetime.timedelta(days=offset)
        row = daily.get(day, {})
        series.append(
            {"day": day, "views": row.get("views") or 0, "watch_seconds": round(row.get("watch_seconds") or 0, 1)}
        )
    countries = [
        {"country": row["country"] or None, "views": row["views"], "watch_seconds": round(row["watch_seconds"], 1)}
        for row in stats.values("country")
        .annotate(views=Sum("views"), watch_seconds=Sum("watch_seconds"))
        .order_by("-views", "country")
    ]
    sessions = VideoWatchSession.objects.filter(video=video)
    session_count = sessions.count()
    average_seconds = (video.watch_seconds_total / session_count) if session_count else 0.0
    average_percentage = (
        min(100.0, 100 * average_seconds / video.duration_seconds) if video.duration_seconds and session_count else 0.0
    )
    return {
        "views": video.views_count,
        "watch_seconds": round(video.watch_seconds_total, 1),
        "sessions": session_count,
        "average_view_seconds": round(average_seconds, 1),
        "average_percentage": round(average_percentage, 1),
        "daily": series,
        "countries": countries,
        "retention": _retention(video),
    }
