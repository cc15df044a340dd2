"""Account counters other apps own the meaning of (posts, videos), and the graph counters' repair."""

from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Coalesce, Greatest

from users.models import Follow, User

CONTENT_COUNTERS = {"posts_count", "videos_count"}


def user_counter_add(*, user_id, field: str, delta: int) -> None:
    """Move a content counter by `delta` with F(); call it in the transaction that creates/removes
    what it counts. Never below zero (a repair recount fixes drift, a negative would fail the row)."""
    if field not in CONTENT_COUNTERS:
        raise ValueError(f"{field!r} is not a content counter of users.User")
    if delta:
        User.objects.filter(pk=user_id).update(**{field: Greatest(F(field) + delta, 0)})


def user_counter_set(*, user_id, field: str, value: int) -> None:
    """Set a content counter to a value its owning app just recounted (inside the same transaction)."""
    if field not in CONTENT_COUNTERS:
        raise ValueError(f"{field!r} is not a content counter of users.User")
    User.objects.filter(pk=user_id).update(**{field: max(int(value), 0)})


def user_graph_counters_repair(*, user_ids=None) -> int:
    """Recount followers/following from the edges (for a periodic repair job). Returns rows updated."""
    followers = Follow.objects.filter(following=OuterRef("pk")).values("following").annotate(n=Count("id")).values("n")
    following = Follow.objects.filter(follower=OuterRef("pk")).values("follower").annotate(n=Count("id")).values("n")
    qs = User.objects.all() if user_ids is None else User.objects.filter(pk__in=user_ids)
    return qs.update(
        followers_count=Coalesce(Subquery(followers), 0),
        following_count=Coalesce(Subquery(following), 0),
    )
