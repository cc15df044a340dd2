"""Trending (formula and beat), hashtag pages and search, all through the visibility rule."""

import datetime

import pytest
from django.conf import settings
from django.utils import timezone

from content.models import Post
from content.services.posts import post_create
from content.services.trending import trending_recompute, trending_score
from content.tests.factories import PostFactory, VideoFactory
from users.models import Block
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("field", ["likes", "comments", "shares", "views"])
def test_score_grows_with_engagement(field):
    base = {"likes": 3, "comments": 2, "shares": 1, "views": 40, "age_hours": 5.0}
    lower = trending_score(**base)
    higher = trending_score(**{**base, field: base[field] + 10})
    assert higher > lower


def test_score_decays_with_age_and_matches_formula():
    scores = [trending_score(likes=10, comments=5, shares=2, views=100, age_hours=h) for h in (0, 1, 6, 24, 72)]
    assert scores == sorted(scores, reverse=True) and len(set(scores)) == 5
    assert trending_score(likes=10, comments=5, shares=2, views=100, age_hours=2) == pytest.approx(36 / 8)


def test_recompute_ranks_and_respects_visibility(client_for):
    now = timezone.now()
    hot = PostFactory(likes_count=50, published_at=now - datetime.timedelta(hours=1))
    warm = PostFactory(likes_count=50, published_at=now - datetime.timedelta(hours=20))
    private = PostFactory(likes_count=500, visibility="private", published_at=now)
    old = PostFactory(likes_count=900, published_at=now - datetime.timedelta(days=30), trending_score=99)
    video = VideoFactory(views_count=1000, published_at=now - datetime.timedelta(hours=2))
    result = trending_recompute(now=now)
    assert result["posts"] == 3 and result["videos"] == 1
    old.refresh_from_db()
    assert old.trending_score == 0
    body = client_for(None).get("/api/v1/trending/posts").json()
    assert [p["id"] for p in body["results"]] == [str(hot.pk), str(warm.pk)]
    assert str(private.pk) not in {p["id"] for p in body["results"]}
    assert [v["id"] for v in client_for(None).get("/api/v1/trending/videos").json()["results"]] == [str(video.pk)]


def test_hashtags_trending_and_page(user, other_user, client_for):
    post_create(author=user, text="a #Rust day")
    post_create(author=user, text="more #rust and #go")
    secret = post_create(author=user, text="hidden #rust", visibility="private")
    VideoFactory(author=user, tags=["rust"])  # factory skips the service: no link
    trending_recompute()
    tags = client_for(None).get("/api/v1/trending/hashtags").json()["results"]
    assert [t["name"] for t in tags] == ["rust", "go"]
    page = client_for(other_user).get("/api/v1/hashtags/Rust").json()
    assert page["hashtag"]["display_name"] == "Rust"
    assert str(secret.pk) not in {p["id"] for p in page["posts"]}
    assert len(page["posts"]) == 2
    listed = client_for(other_user).get("/api/v1/hashtags/rust/posts").json()["results"]
    assert len(listed) == 2
    assert client_for(None).get("/api/v1/hashtags/nope").status_code == 404


def test_search_posts_respects_visibility_blocks_and_deletion(user, other_user, client_for):
    visible = post_create(author=user, text="learning django search today")
    post_create(author=user, text="private django notes", visibility="private")
    gone = post_create(author=user, text="deleted django post")
    Post.objects.filter(pk=gone.pk).update(deleted_at=timezone.now())
    blocker = UserFactory()
    post_create(author=blocker, text="django from a blocker")
    Block.objects.create(blocker=blocker, blocked=other_user)
    results = client_for(other_user).get("/api/v1/search", {"q": "django", "type": "posts"}).json()["results"]
    assert [r["id"] for r in results] == [str(visible.pk)]


def test_search_videos_users_hashtags(user, client_for):
    from content.services.videos import video_update

    video = VideoFactory(author=user, title="Sourdough basics", tags=["bread"])
    video_update(video_id=video.pk, actor=user, description="Flour, water, salt #baking")
    VideoFactory(author=user, title="Sourdough secrets", visibility="unlisted")
    anonymous = client_for(None)
    assert [
        v["id"] for v in anonymous.get("/api/v1/search", {"q": "sourdough", "type": "videos"}).json()["results"]
    ] == [str(video.pk)]
    assert [u["username"] for u in anonymous.get("/api/v1/search", {"q": "an", "type": "users"}).json()["results"]] == [
        "ana"
    ]
    tags = anonymous.get("/api/v1/search", {"q": "#bak", "type": "hashtags"}).json()["results"]
    assert [t["name"] for t in tags] == ["baking"]
    assert anonymous.get("/api/v1/search", {"q": "x", "type": "nope"}).status_code == 400


@pytest.mark.postgres
@pytest.mark.skipif(not settings.USING_POSTGRES, reason="full-text search ranking needs PostgreSQL")
def test_postgres_ranking_weighs_title_over_description(user, client_for):
    from content.services.videos import video_update

    in_title = VideoFactory(author=user, title="Kayak rolling")
    in_description = VideoFactory(author=user, title="River day")
    video_update(video_id=in_title.pk, actor=user, description="on the lake")
    video_update(video_id=in_description.pk, actor=user, description="we tried kayak rolling")
    results = client_for(None).get("/api/v1/search", {"q": "kayak", "type": "videos"}).json()["results"]
    assert [r["id"] for r in results] == [str(in_title.pk), str(in_description.pk)]
    # websearch syntax: a phrase and an exclusion
    post_create(author=user, text="kayak rolling drills")
    post_create(author=user, text="kayak camping trip")
    found = client_for(None).get("/api/v1/search", {"q": '"kayak rolling" -camping', "type": "posts"}).json()
    assert [r["text"] for r in found["results"]] == ["kayak rolling drills"]
