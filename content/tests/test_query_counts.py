"""List endpoints cost the same number of queries for 1 item as for 20 (no N+1)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from content.models import MediaImage, Post
from content.services.hashtags import post_hashtags_sync, video_hashtags_sync
from content.services.search_index import post_search_index, video_search_index
from content.services.trending import trending_recompute
from content.tests.factories import PostFactory, SubscriptionFactory, TierFactory, VideoFactory
from users.models import Follow
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _rich_post(author, viewer, n):
    """A post with images, a quote of another post and a repost of it: every relation a page renders."""
    quoted = PostFactory(author=UserFactory(), text=f"quoted {n}")
    post = PostFactory(author=author, text=f"#topic post {n}", quote_of=quoted, likes_count=n + 1)
    for i in range(2):
        MediaImage.objects.create(
            owner=author, post=post, position=i, image=f"x/{n}-{i}.jpg", thumbnail=f"x/{n}-{i}_t.jpg",
            width=10, height=10, size_bytes=100, format="jpeg",
        )  # fmt: skip
    post_hashtags_sync(post=post)
    post_search_index(post_id=post.pk)
    PostFactory(author=viewer, repost_of=post, text="")
    video = VideoFactory(author=author, title=f"topic video {n}", tags=["topic"], views_count=n + 1)
    video_hashtags_sync(video=video)
    video_search_index(video_id=video.pk)
    return post


def _count(client, url, params=None) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200, response.content
    body = response.json()
    items = body.get("results", body.get("posts"))
    return len(ctx.captured_queries), len(items)


URLS = [
    ("/api/v1/posts", {"limit": 100}),
    ("/api/v1/posts", {"author": "cora", "limit": 100}),
    ("/api/v1/videos", {"limit": 100}),
    ("/api/v1/videos/mine", {"limit": 100}),
    ("/api/v1/trending/posts", {"limit": 100}),
    ("/api/v1/trending/videos", {"limit": 100}),
    ("/api/v1/hashtags/topic/posts", {"limit": 100}),
    ("/api/v1/hashtags/topic/videos", {"limit": 100}),
    ("/api/v1/hashtags/topic", {}),
    ("/api/v1/search", {"q": "topic", "type": "posts", "limit": 100}),
    ("/api/v1/search", {"q": "topic", "type": "videos", "limit": 100}),
]


@pytest.mark.parametrize(("url", "params"), URLS)
def test_list_queries_do_not_grow_with_page_size(creator, user, client_for, url, params):
    # The viewer follows and subscribes, so every branch of the visibility rule is in play.
    Follow.objects.create(follower=user, following=creator)
    SubscriptionFactory(fan=user, tier=TierFactory(creator=creator))
    client = client_for(creator if "mine" in url else user)
    _rich_post(creator, user, 0)
    trending_recompute()
    one_queries, one_items = _count(client, url, params)
    for n in range(1, 20):
        _rich_post(creator, user, n)
    trending_recompute()
    many_queries, many_items = _count(client, url, params)
    assert one_items >= 1 and many_items >= 20 * one_items
    assert many_queries == one_queries, (
        f"{url}: {one_queries} queries for {one_items} items, {many_queries} for {many_items}"
    )
    assert Post.objects.count() >= 60
