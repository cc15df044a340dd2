import datetime

import pytest
from django.utils import timezone

from content.models import Hashtag, PostHashtag, PostVisibility, Video, VideoHashtag, VideoVisibility
from content.services.posts import post_delete, post_update, repost_create
from social import services
from social.tests.factories import PostFactory, SubscriptionFactory, TierFactory, UserFactory, VideoFactory
from users import services as graph

pytestmark = pytest.mark.django_db

FOLLOWING = "/api/v1/feed/following"


def repost(by, original):
    """Reposts are made by content's service (counters, notification), as the API would."""
    return repost_create(user=by, post_id=original.pk)[0]


def texts(response):
    out = []
    for item in response.data["results"]:
        out.append(item["post"]["text"] if item["kind"] == "post" else item["video"]["title"])
    return out


def reasons(response):
    return [item["reason"]["text"] for item in response.data["results"]]


@pytest.fixture
def ana_follows(user, follow):
    def make(*others, **kw):
        for other in others:
            follow(user, other, **kw)

    return make


def test_following_feed_contents_and_reasons(as_user, user, other_user, creator, ana_follows):
    ana_follows(creator, other_user)
    stranger = UserFactory(username="zed")
    PostFactory(author=stranger, text="stranger post")
    original = PostFactory(author=stranger, text="stranger original")
    PostFactory(author=creator, text="cora post")
    VideoFactory(author=creator, title="cora video")
    repost(other_user, original)
    PostFactory(author=user, text="my post")

    response = as_user.get(FOLLOWING)

    assert response.status_code == 200
    assert texts(response) == ["my post", "stranger original", "cora video", "cora post"]
    assert reasons(response) == ["your post", "reposted by @ben", "you follow @cora", "you follow @cora"]
    assert response.data["results"][1]["reposted_by"]["username"] == "ben"
    assert response.data["results"][1]["id"] != str(original.pk)  # the timeline row is the repost


def test_following_feed_leaves_out_what_the_viewer_must_not_see(as_user, user, other_user, creator, ana_follows):
    muted = UserFactory(username="loud")
    blocked = UserFactory(username="rude")
    ana_follows(creator, other_user, muted, blocked)
    graph.mute_create(muter=user, muted=muted)
    graph.block_create(blocker=blocked, blocked=user)

    PostFactory(author=creator, text="visible")
    PostFactory(author=muted, text="muted author")
    repost(other_user, PostFactory(author=muted, text="repost of muted"))
    PostFactory(author=blocked, text="blocked author")
    post_delete(post_id=PostFactory(author=creator, text="deleted").pk, actor=creator)
    PostFactory(
        author=creator, text="scheduled", published_at=None, scheduled_at=timezone.now() + datetime.timedelta(days=1)
    )
    PostFactory(author=creator, text="subscribers only", visibility=PostVisibility.SUBSCRIBERS)
    PostFactory(author=creator, text="private", visibility=PostVisibility.PRIVATE)
    turned_private = PostFactory(author=UserFactory(), text="original made followers-only")
    repost(other_user, turned_private)
    post_update(post_id=turned_private.pk, actor=turned_private.author, visibility=PostVisibility.FOLLOWERS)
    VideoFactory(author=creator, title="processing", status=Video.Status.PROCESSING)
    VideoFactory(author=creator, title="unlisted", visibility=VideoVisibility.UNLISTED)
    deleted_original = PostFactory(author=creator, text="deleted original")
    repost(other_user, deleted_original)
    post_delete(post_id=deleted_original.pk, actor=creator)

    assert texts(as_user.get(FOLLOWING)) == ["visible"]


def test_hidden_reposts_stay_out_but_the_accounts_own_posts_stay(as_user, user, other_user, creator, ana_follows):
    ana_follows(other_user, hide_reposts=True)
    PostFactory(author=other_user, text="ben's own")
    repost(other_user, PostFactory(author=creator, text="reposted by ben"))

    assert texts(as_user.get(FOLLOWING)) == ["ben's own"]


def test_followers_only_and_subscriber_posts_of_followed_accounts(as_user, user, creator, ana_follows):
    ana_follows(creator)
    PostFactory(author=creator, text="for followers", visibility=PostVisibility.FOLLOWERS)
    PostFactory(author=creator, text="for subscribers", visibility=PostVisibility.SUBSCRIBERS)
    SubscriptionFactory(fan=user, tier=TierFactory(creator=creator))

    assert texts(as_user.get(FOLLOWING)) == ["for subscribers", "for followers"]


def test_viewer_state_on_items(as_user, user, other_user, creator, ana_follows):
    ana_follows(creator, other_user)
    liked = PostFactory(author=creator, text="liked")
    saved_video = VideoFactory(author=creator, title="saved")
    reposted = PostFactory(author=creator, text="reposted")
    services.like_create(user=user, target=liked)
    services.save_create(user=user, target=saved_video)
    repost(user, reposted)
    repost(other_user, liked)

    items = {
        (i["post"] or i["video"])["id"]: (i["reason"]["type"], i["viewer"])
        for i in as_user.get(FOLLOWING).data["results"]
    }

    assert items[str(liked.pk)] == ("repost", {"liked": True, "saved": False, "reposted": False})
    assert items[str(saved_video.pk)] == ("following", {"liked": False, "saved": True, "reposted": False})
    assert items[str(reposted.pk)] == ("own_repost", {"liked": False, "saved": False, "reposted": True})


def test_the_same_original_appears_once_per_page(as_user, other_user, creator, ana_follows):
    ana_follows(creator, other_user)
    original = PostFactory(author=creator, text="popular")
    repost(other_user, original)

    assert texts(as_user.get(FOLLOWING)) == ["popular"]


def test_cursor_pages_are_disjoint_and_complete(as_user, creator, ana_follows):
    ana_follows(creator)
    for i in range(7):
        if i % 2:
            VideoFactory(author=creator, title=f"item {i}")
        else:
            PostFactory(author=creator, text=f"item {i}")

    seen, url = [], FOLLOWING + "?limit=3"
    while url:
        response = as_user.get(url)
        seen += texts(response)
        url = response.data["next"]

    assert seen == [f"item {i}" for i in reversed(range(7))]


def test_items_published_in_the_same_instant_page_by_id(as_user, creator, ana_follows):
    ana_follows(creator)
    moment = timezone.now() - datetime.timedelta(minutes=1)
    for i in range(4):
        PostFactory(author=creator, text=f"same {i}", published_at=moment)

    first = as_user.get(FOLLOWING + "?limit=2")
    second = as_user.get(first.data["next"])

    assert texts(first) + texts(second) == ["same 3", "same 2", "same 1", "same 0"]


def test_invalid_cursor_is_400(as_user):
    assert as_user.get(FOLLOWING + "?cursor=garbage").status_code == 400


def test_following_feed_needs_auth(api_client):
    assert api_client.get(FOLLOWING).status_code == 401


def _fill_following(viewer, n):
    authors = [UserFactory() for _ in range(3)]
    for a in authors:
        graph.follow_create(follower=viewer, following=a)
    for i in range(n):
        a = authors[i % 3]
        kind = i % 3
        if kind == 0:
            PostFactory(author=a, text=f"p{i}")
        elif kind == 1:
            VideoFactory(author=a, title=f"v{i}")
        else:
            repost(a, PostFactory(author=UserFactory(), text=f"r{i}"))


@pytest.mark.parametrize("path", ["following", "latest", "trending"])
def test_feed_query_count_is_fixed_and_small(client_for, django_assert_max_num_queries, path):
    viewer = UserFactory()
    client = client_for(viewer)
    _fill_following(viewer, 3)
    PostFactory.create_batch(2, trending_score=1.0, text="t")
    VideoFactory.create_batch(1, trending_score=2.0)
    with django_assert_max_num_queries(8) as small:
        response = client.get(f"/api/v1/feed/{path}")
    small_count = len(response.data["results"])
    _fill_following(viewer, 30)
    PostFactory.create_batch(15, trending_score=1.0, text="t")
    VideoFactory.create_batch(15, trending_score=2.0)
    with django_assert_max_num_queries(8) as large:
        response = client.get(f"/api/v1/feed/{path}")

    assert len(response.data["results"]) == 20 > small_count >= 1
    assert len(small.captured_queries) == len(large.captured_queries)


def test_feed_query_count_equal_at_1_and_20_items(client_for, creator, django_assert_max_num_queries):
    viewer = UserFactory()
    client = client_for(viewer)
    graph.follow_create(follower=viewer, following=creator)
    VideoFactory(author=creator)
    PostFactory(author=creator)  # the newest, so the one-item page holds a post (its images are one query)
    with django_assert_max_num_queries(8) as one:
        assert len(client.get(FOLLOWING + "?limit=1").data["results"]) == 1
    for _ in range(20):
        VideoFactory(author=creator)
        PostFactory(author=creator)
    with django_assert_max_num_queries(8) as twenty:
        response = client.get(FOLLOWING + "?limit=20")
    kinds = {i["kind"] for i in response.data["results"]}
    assert len(response.data["results"]) == 20 and kinds == {"post", "video"}
    # The viewer's subscriptions (content's rule, once for posts and once for videos), posts, videos, images.
    assert len(one.captured_queries) == len(twenty.captured_queries) == 5


def test_latest_is_public_and_open_to_anonymous(api_client, as_user, user, other_user, creator, follow):
    follow(user, creator)
    PostFactory(author=creator, text="public")
    PostFactory(author=creator, text="followers", visibility=PostVisibility.FOLLOWERS)
    repost(other_user, PostFactory(author=other_user, text="ben public"))
    VideoFactory(author=creator, title="public video")
    VideoFactory(author=creator, title="unlisted", visibility=VideoVisibility.UNLISTED)

    anonymous = api_client.get("/api/v1/feed/latest")
    signed_in = as_user.get("/api/v1/feed/latest")

    assert texts(anonymous) == ["public video", "ben public", "public"]
    assert reasons(signed_in) == ["you follow @cora", "new from @ben", "you follow @cora"]


def test_latest_leaves_out_muted_and_blocked(as_user, user, other_user, creator):
    PostFactory(author=other_user, text="muted")
    PostFactory(author=creator, text="blocked")
    PostFactory(author=UserFactory(), text="fine")
    graph.mute_create(muter=user, muted=other_user)
    graph.block_create(blocker=creator, blocked=user)

    assert texts(as_user.get("/api/v1/feed/latest")) == ["fine"]


def test_trending_orders_by_score_and_names_the_hashtag(api_client, creator):
    climbing = Hashtag.objects.create(name="climbing", display_name="Climbing", trending_score=5)
    cooking = Hashtag.objects.create(name="cooking", display_name="cooking", trending_score=1)
    hot = PostFactory(author=creator, text="hot #climbing #cooking", trending_score=9)
    PostHashtag.objects.create(post=hot, hashtag=climbing)
    PostHashtag.objects.create(post=hot, hashtag=cooking)
    warm = VideoFactory(author=creator, title="warm", trending_score=4)
    VideoHashtag.objects.create(video=warm, hashtag=cooking)
    PostFactory(author=creator, text="cold", trending_score=0)
    PostFactory(author=creator, text="lukewarm", trending_score=2)
    PostFactory(author=creator, text="hidden", trending_score=50, visibility=PostVisibility.FOLLOWERS)

    response = api_client.get("/api/v1/feed/trending")

    assert texts(response) == ["hot #climbing #cooking", "warm", "lukewarm"]
    assert reasons(response) == ["trending in #Climbing", "trending in #cooking", "trending"]


def test_trending_pages_by_score(api_client, creator):
    for score in (5, 4, 3, 2, 1):
        PostFactory(author=creator, text=f"s{score}", trending_score=score)

    first = api_client.get("/api/v1/feed/trending?limit=2")
    second = api_client.get(first.data["next"])
    third = api_client.get(second.data["next"])

    assert texts(first) + texts(second) + texts(third) == ["s5", "s4", "s3", "s2", "s1"]
    assert third.data["next"] is None


def fake_promoted(*, viewer, feed, count):
    return [{"kind": "promoted", "id": f"ad-{i}", "feed": feed} for i in range(count)]


def test_promoted_items_are_inserted_at_the_configured_rate(settings, api_client, creator):
    settings.FEED_PROMOTED_EVERY = 2
    settings.SOCIAL_FEED_PROMOTED_PROVIDER = "social.tests.test_feeds.fake_promoted"
    for i in range(5):
        PostFactory(author=creator, text=f"p{i}")

    results = api_client.get("/api/v1/feed/latest").data["results"]

    assert [r["kind"] for r in results] == ["post", "post", "promoted", "post", "post", "promoted", "post"]
    assert results[2]["reason"] == {"type": "promoted", "text": "promoted", "user": None}


def test_no_promoted_items_by_default(api_client, creator):
    for i in range(5):
        PostFactory(author=creator, text=f"p{i}")

    assert {r["kind"] for r in api_client.get("/api/v1/feed/latest").data["results"]} == {"post"}


def test_feed_rendering_matches_the_documented_serializers(as_user, user, other_user, creator, ana_follows):
    """The hand-written rendering (for speed) and FeedItemSerializer (for the schema) agree."""
    from social.api.serializers import FeedItemSerializer
    from social.feeds import feed_following

    ana_follows(creator, other_user)
    repost(other_user, PostFactory(author=creator, text="reposted"))
    VideoFactory(author=creator, title="video")
    PostFactory(author=user, text="mine")

    rendered = as_user.get(FOLLOWING).data["results"]
    documented = FeedItemSerializer(feed_following(viewer=user).items, many=True).data

    assert [dict(d) for d in documented] == rendered


def failing_promoted(*, viewer, feed, count):
    raise RuntimeError("ads are down")


def test_a_failing_promoted_provider_does_not_break_the_feed(settings, api_client, creator):
    settings.FEED_PROMOTED_EVERY = 2
    settings.SOCIAL_FEED_PROMOTED_PROVIDER = "social.tests.test_feeds.failing_promoted"
    for i in range(3):
        PostFactory(author=creator, text=f"p{i}")

    response = api_client.get("/api/v1/feed/latest")

    assert response.status_code == 200
    assert texts(response) == ["p2", "p1", "p0"]
