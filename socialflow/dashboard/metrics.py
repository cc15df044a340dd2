"""Aggregates the overview shows, each read from the app that owns the numbers.

Only the signed-in creator's own rows are ever read: every function takes `creator` and filters on it.
Each returns plain values (ints, lists of (date, value)) so views and tests see concrete numbers.
"""

from django.db.models import Count
from django.db.models.functions import TruncDate

from socialflow.dashboard.periods import Period
from users.models import Follow


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
