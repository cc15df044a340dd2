"""Aggregates the overview shows, each read from the app that owns the numbers.

Only the signed-in creator's own rows are ever read: every function takes `creator` and filters on it.
Each returns plain values (ints, lists of (date, value)) so views and tests see concrete numbers.
"""

from django.db.models import Count, Sum
from django.db.models.functions import TruncDate

from content.models import VideoDailyStat
from payments.selectors import earnings_for_creator
from socialflow.dashboard.periods import Period
from users.models import Follow

TOP_CONTENT = 5
EARNING_SOURCES = {
    "subscription": "Subscriptions",
    "tip": "Tips",
    "stream_donation": "Live donations",
    "ad_revenue_share": "Ad revenue",
}


def followers_series(*, creator, period: Period) -> dict:
    """Current followers and the followers curve over the period.

    The graph keeps follow edges, not unfollow events, so the curve is "today's followers by the day they
    followed": the count at the end of day d is today's total minus the edges created after d.
    """
    total = creator.followers_count
    new_by_day = dict(
        Follow.objects.filter(following=creator, created_at__gte=period.start)
        .annotate(day=TruncDate("created_at"))
        .values("day")
        .annotate(n=Count("id"))
        .values_list("day", "n")
    )
    gained = sum(new_by_day.values())
    running = total - gained
    curve = []
    for day in period.dates:
        running += new_by_day.get(day, 0)
        curve.append((day, running))
    return {"total": total, "gained": gained, "curve": curve}


def _video_stats(creator, period: Period):
    # Qualified views and watch time as the content app aggregates them (VideoDailyStat, per day and
    # country); deleted videos keep their history, the views really happened.
    return VideoDailyStat.objects.filter(video__author=creator, day__gte=period.first_day, day__lte=period.last_day)


def views_series(*, creator, period: Period) -> dict:
    """Qualified views and watch time (seconds) per day across the creator's videos."""
    rows = (
        _video_stats(creator, period)
        .values("day")
        .annotate(views=Sum("views"), watch=Sum("watch_seconds"))
        .values_list("day", "views", "watch")
    )
    views_by_day = {day: views for day, views, _ in rows}
    watch_by_day = {day: watch or 0 for day, _, watch in rows}
    return {
        "views": sum(views_by_day.values()),
        "watch_seconds": round(sum(watch_by_day.values()), 1),
        "views_per_day": period.fill(views_by_day),
        "watch_hours_per_day": [(d, round(v / 3600, 2)) for d, v in period.fill(watch_by_day)],
    }


def top_videos(*, creator, period: Period) -> list[dict]:
    """The creator's videos with the most qualified views in the period (one query)."""
    rows = (
        _video_stats(creator, period)
        .values("video_id", "video__title")
        .annotate(views=Sum("views"), watch=Sum("watch_seconds"))
        .order_by("-views", "-watch", "video_id")[:TOP_CONTENT]
    )
    return [
        {"id": r["video_id"], "title": r["video__title"], "views": r["views"], "watch_seconds": round(r["watch"] or 0)}
        for r in rows
    ]


def earnings_summary(*, creator, period: Period, currency: str) -> dict:
    """Net earnings in the period (the creator's share after fees, refunds, disputes), by day and by source."""
    by_day = {
        row["date"]: row["amount"]
        for row in earnings_for_creator(
            creator=creator, date_from=period.first_day, date_to=period.last_day, group_by="day", currency=currency
        )
    }
    by_source = {
        row["source"]: row["amount"]
        for row in earnings_for_creator(
            creator=creator, date_from=period.first_day, date_to=period.last_day, group_by="source", currency=currency
        )
    }
    sources = [(label, by_source.get(key, 0)) for key, label in EARNING_SOURCES.items()]
    return {
        "total": sum(by_day.values()),
        "currency": currency,
        "by_day": period.fill(by_day),
        "by_source": sources,
    }
