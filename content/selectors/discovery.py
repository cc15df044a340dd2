"""Trending lists, hashtag pages and search. All of them go through the visibility rule."""

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import ExpressionWrapper, F, FloatField, Q, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Greatest, Ln, Power

from content.models import Hashtag, Post, Video
from content.selectors.posts import with_related
from content.selectors.visibility import _is_anonymous, post_visible_q, video_visible_q
from content.services.search_index import CONFIG
from core.exceptions import NotFound, ValidationFailed
from users.models import Block, User


def trending_posts(*, viewer):
    qs = Post.objects.filter(post_visible_q(viewer), repost_of__isnull=True, trending_score__gt=0)
    return with_related(qs).order_by("-trending_score", "-id")


def trending_videos(*, viewer):
    qs = Video.objects.filter(video_visible_q(viewer), trending_score__gt=0)
    return qs.select_related("author").order_by("-trending_score", "-id")


def trending_hashtags():
    return Hashtag.objects.filter(trending_score__gt=0).order_by("-trending_score", "name")


def hashtag_get(*, name: str) -> Hashtag:
    tag = Hashtag.objects.filter(name=name.lstrip("#").lower()).first()
    if tag is None:
        raise NotFound("No such hashtag.")
    return tag


def hashtag_posts(*, viewer, hashtag: Hashtag):
    qs = Post.objects.filter(post_visible_q(viewer), hashtag_links__hashtag=hashtag)
    return with_related(qs)


def hashtag_videos(*, viewer, hashtag: Hashtag):
    return Video.objects.filter(video_visible_q(viewer), hashtag_links__hashtag=hashtag).select_related("author")


# -- search -----------------------------------------------------------------------------------------
SEARCH_TYPES = ("posts", "videos", "users", "hashtags")


def _terms(q: str) -> list[str]:
    return [t for t in q.split() if t][:8]


def _blend(rank, engagement, table: str):
    """rank × (1 + ln(1 + engagement) / 5) / sqrt(1 + age_days / 30): relevance first, then buzz and freshness."""
    # bandit: a constant expression over a table name chosen by the code, no request input.
    age_days = RawSQL(f"EXTRACT(EPOCH FROM (now() - {table}.published_at)) / 86400.0", [])  # noqa: S611  # nosec B611
    return ExpressionWrapper(
        rank
        * (Value(1.0) + Ln(Value(1.0) + engagement) / Value(5.0))
        / Power(Value(1.0) + Greatest(age_days, Value(0.0)) / Value(30.0), Value(0.5)),
        output_field=FloatField(),
    )


def _newest_matches(model, query):
    """The newest SEARCH_MAX_CANDIDATES matching ids: ranking is computed on those only.

    A common word matches a large share of a big table, and ranking every match costs seconds (3 s for
    a word in a quarter of 1M posts, docs/benchmarks.md). Bounding the candidates keeps a search at a
    few milliseconds; relevance then orders the newest matches, which is what "blended with recency"
    asks for anyway. PostgreSQL picks the GIN index for rare words and a backwards id scan for common ones.
    """
    limit = getattr(settings, "SEARCH_MAX_CANDIDATES", 2000)
    return model.objects.filter(search_vector=query).order_by("-id").values("pk")[:limit]


def search_posts(*, viewer, q: str):
    qs = Post.objects.filter(post_visible_q(viewer), repost_of__isnull=True)
    if settings.USING_POSTGRES:
        query = SearchQuery(q, config=CONFIG, search_type="websearch")
        engagement = F("likes_count") + 2 * F("comments_count") + 3 * F("reposts_count") + F("views_count") / 10
        qs = (
            qs.filter(pk__in=_newest_matches(Post, query))
            .annotate(rank=SearchRank(F("search_vector"), query))
            .annotate(score=_blend(F("rank"), engagement, "content_post"))
            .order_by("-score", "-id")
        )
    else:
        for term in _terms(q):
            qs = qs.filter(text__icontains=term)
        qs = qs.order_by("-likes_count", "-id")
    return with_related(qs)


def search_videos(*, viewer, q: str):
    qs = Video.objects.filter(video_visible_q(viewer))
    if settings.USING_POSTGRES:
        query = SearchQuery(q, config=CONFIG, search_type="websearch")
        engagement = F("likes_count") + 2 * F("comments_count") + F("views_count") / 10
        qs = (
            qs.filter(pk__in=_newest_matches(Video, query))
            .annotate(rank=SearchRank(F("search_vector"), query))
            .annotate(score=_blend(F("rank"), engagement, "content_video"))
            .order_by("-score", "-id")
        )
    else:
        for term in _terms(q):
            qs = qs.filter(Q(title__icontains=term) | Q(description__icontains=term) | Q(tags__icontains=term))
        qs = qs.order_by("-views_count", "-id")
    return qs.select_related("author")


def search_users(*, viewer, q: str):
    term = q.strip().lstrip("@")
    qs = User.objects.visible().filter(Q(username__icontains=term) | Q(display_name__icontains=term))
    if not _is_anonymous(viewer):
        qs = qs.exclude(pk__in=Block.objects.filter(blocker_id=viewer.pk).values("blocked_id")).exclude(
            pk__in=Block.objects.filter(blocked_id=viewer.pk).values("blocker_id")
        )
    return qs.order_by("-followers_count", "username")


def search_hashtags(*, q: str):
    term = q.strip().lstrip("#").lower()
    return Hashtag.objects.filter(name__startswith=term).order_by("-posts_count", "-videos_count", "name")


def search(*, viewer, q: str, type: str):
    q = (q or "").strip()
    if not 1 <= len(q) <= 200:
        raise ValidationFailed(errors={"q": ["Search for 1 to 200 characters."]})
    if type == "posts":
        return search_posts(viewer=viewer, q=q)
    if type == "videos":
        return search_videos(viewer=viewer, q=q)
    if type == "users":
        return search_users(viewer=viewer, q=q)
    if type == "hashtags":
        return search_hashtags(q=q)
    raise ValidationFailed(errors={"type": [f"One of: {', '.join(SEARCH_TYPES)}."]})
