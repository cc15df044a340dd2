"""The visibility matrix: each visibility × {author, follower, subscriber, stranger, anonymous, blocked}."""

import datetime

import pytest
from django.utils import timezone

from content.models import Post, Video
from content.selectors import post_get_visible, post_visible_q, video_get_visible, video_visible_q
from content.tests.factories import PostFactory, SubscriptionFactory, TierFactory, VideoFactory
from core.exceptions import NotFound
from users.models import Block, Follow, User
from users.tests.factories import UserFactory

VIEWERS = ["author", "follower", "subscriber", "stranger", "anonymous", "blocked"]

# Who sees what: the product rule, written out.
POST_MATRIX = {
    "public": {"author", "follower", "subscriber", "stranger", "anonymous"},
    "followers": {"author", "follower"},
    "subscribers": {"author", "subscriber"},
    "private": {"author"},
}
VIDEO_MATRIX = {**POST_MATRIX, "unlisted": {"author"}}  # unlisted: never listed...
VIDEO_BY_LINK = {**POST_MATRIX, "unlisted": {"author", "follower", "subscriber", "stranger", "anonymous"}}


@pytest.fixture
def cast(db):
    author = UserFactory(username="author", role="creator")
    follower = UserFactory(username="follower")
    subscriber = UserFactory(username="subscriber")
    stranger = UserFactory(username="stranger")
    blocked = UserFactory(username="blocked")
    Follow.objects.create(follower=follower, following=author)
    Follow.objects.create(follower=blocked, following=author)  # a follow does not survive a block's effect
    SubscriptionFactory(fan=subscriber, tier=TierFactory(creator=author))
    SubscriptionFactory(fan=blocked, tier=TierFactory(creator=author))
    Block.objects.create(blocker=author, blocked=blocked)
    return {
        "author": author,
        "follower": follower,
        "subscriber": subscriber,
        "stranger": stranger,
        "anonymous": None,
        "blocked": blocked,
    }


@pytest.mark.parametrize("visibility", list(POST_MATRIX))
@pytest.mark.parametrize("who", VIEWERS)
def test_post_visibility_matrix(cast, visibility, who):
    post = PostFactory(author=cast["author"], visibility=visibility)
    viewer = cast[who]
    expected = who in POST_MATRIX[visibility]
    assert Post.objects.filter(post_visible_q(viewer)).filter(pk=post.pk).exists() is expected
    assert Post.objects.visible_to(viewer).filter(pk=post.pk).exists() is expected
    if expected:
        assert post_get_visible(viewer=viewer, id=post.pk) == post
    else:
        with pytest.raises(NotFound):
            post_get_visible(viewer=viewer, id=post.pk)


@pytest.mark.parametrize("visibility", list(VIDEO_MATRIX))
@pytest.mark.parametrize("who", VIEWERS)
def test_video_visibility_matrix(cast, visibility, who):
    video = VideoFactory(author=cast["author"], visibility=visibility)
    viewer = cast[who]
    listed = Video.objects.filter(video_visible_q(viewer)).filter(pk=video.pk).exists()
    assert listed is (who in VIDEO_MATRIX[visibility])
    by_link = who in VIDEO_BY_LINK[visibility]
    if by_link:
        assert video_get_visible(viewer=viewer, id=video.pk) == video
    else:
        with pytest.raises(NotFound):
            video_get_visible(viewer=viewer, id=video.pk)


def test_blocking_the_author_hides_too(cast):
    post = PostFactory(author=cast["author"])
    Block.objects.create(blocker=cast["stranger"], blocked=cast["author"])
    assert not Post.objects.visible_to(cast["stranger"]).filter(pk=post.pk).exists()


def test_min_tier_needs_that_price_or_more(cast):
    author, subscriber = cast["author"], cast["subscriber"]  # pays 500
    gold = TierFactory(creator=author, price_amount=1500)
    post = PostFactory(author=author, visibility="subscribers", min_tier=gold)
    assert not Post.objects.visible_to(subscriber).filter(pk=post.pk).exists()
    whale = UserFactory()
    SubscriptionFactory(fan=whale, tier=TierFactory(creator=author, price_amount=2000))
    assert Post.objects.visible_to(whale).filter(pk=post.pk).exists()


def test_lapsed_subscription_does_not_unlock(cast):
    lapsed = UserFactory()
    SubscriptionFactory(
        fan=lapsed, tier=TierFactory(creator=cast["author"]), paid_through=timezone.now() - datetime.timedelta(days=1)
    )
    post = PostFactory(author=cast["author"], visibility="subscribers")
    assert not Post.objects.visible_to(lapsed).filter(pk=post.pk).exists()


@pytest.mark.parametrize("who", ["follower", "stranger", "anonymous"])
def test_deleted_scheduled_suspended_hidden_from_others(cast, who):
    author, viewer = cast["author"], cast[who]
    deleted = PostFactory(author=author)
    deleted.soft_delete()
    PostFactory(author=author, published_at=None, scheduled_at=timezone.now() + datetime.timedelta(hours=1))
    shown = PostFactory(author=author)
    visible = set(Post.all_objects.filter(post_visible_q(viewer)).values_list("pk", flat=True))
    assert visible == {shown.pk}
    User.objects.filter(pk=author.pk).update(status=User.Status.SUSPENDED)
    assert not Post.objects.visible_to(viewer).exists()


def test_author_sees_own_scheduled_but_not_deleted(cast):
    author = cast["author"]
    deleted = PostFactory(author=author)
    deleted.soft_delete()
    scheduled = PostFactory(author=author, published_at=None)
    assert set(Post.all_objects.filter(post_visible_q(author)).values_list("pk", flat=True)) == {scheduled.pk}


@pytest.mark.parametrize("status", ["uploading", "processing", "failed"])
def test_unready_video_only_for_owner(cast, status):
    video = VideoFactory(author=cast["author"], status=status)
    assert not Video.objects.visible_to(cast["follower"]).filter(pk=video.pk).exists()
    assert Video.objects.visible_to(cast["author"]).filter(pk=video.pk).exists()


def test_age_restricted_video(cast):
    video = VideoFactory(author=cast["author"], age_restricted=True)
    assert not Video.objects.visible_to(None).filter(pk=video.pk).exists()
    minor = UserFactory(birth_date=timezone.now().date() - datetime.timedelta(days=365 * 15))
    assert not Video.objects.visible_to(minor).filter(pk=video.pk).exists()
    assert Video.objects.visible_to(cast["stranger"]).filter(pk=video.pk).exists()


def test_prefix_filters_through_a_relation(cast):
    public = PostFactory(author=cast["author"])
    private = PostFactory(author=cast["author"], visibility="private")
    quote = PostFactory(author=cast["stranger"], quote_of=public)
    quote_private = PostFactory(author=cast["stranger"], quote_of=private)
    through = Post.objects.filter(post_visible_q(cast["follower"], prefix="quote_of__"))
    assert set(through.values_list("pk", flat=True)) == {quote.pk}
    assert quote_private.pk not in set(through.values_list("pk", flat=True))


def test_malformed_id_is_not_found(cast):
    with pytest.raises(NotFound):
        post_get_visible(viewer=None, id="not-a-uuid")


@pytest.mark.parametrize("visibility", list(POST_MATRIX))
@pytest.mark.parametrize("who", VIEWERS)
def test_post_endpoints_matrix(cast, client_for, visibility, who):
    """Over the API a hidden post is a 404 everywhere, never a 403 that confirms it exists."""
    post = PostFactory(author=cast["author"], visibility=visibility)
    client = client_for(cast[who])
    expected = 200 if who in POST_MATRIX[visibility] else 404
    assert client.get(f"/api/v1/posts/{post.pk}").status_code == expected
    assert client.get(f"/api/v1/posts/{post.pk}/history").status_code == expected
    listed = {p["id"] for p in client.get("/api/v1/posts", {"author": "author"}).json().get("results", [])}
    assert (str(post.pk) in listed) is (expected == 200)


@pytest.mark.parametrize("visibility", list(VIDEO_MATRIX))
@pytest.mark.parametrize("who", VIEWERS)
def test_video_endpoints_matrix(cast, client_for, visibility, who):
    video = VideoFactory(author=cast["author"], visibility=visibility, hls_prefix="videos/x/hls")
    client = client_for(cast[who])
    expected = 200 if who in VIDEO_BY_LINK[visibility] else 404
    assert client.get(f"/api/v1/videos/{video.pk}").status_code == expected
    assert client.get(f"/api/v1/videos/{video.pk}/stream").status_code == expected
    listed = client.get("/api/v1/videos", {"author": "author"})
    ids = {v["id"] for v in listed.json().get("results", [])} if listed.status_code == 200 else set()
    assert (str(video.pk) in ids) is (who in VIDEO_MATRIX[visibility])


def test_private_account_public_items_are_for_followers(cast):
    author, follower, stranger = cast["author"], cast["follower"], cast["stranger"]
    User.objects.filter(pk=author.pk).update(is_private=True)
    post = PostFactory(author=author)
    video = VideoFactory(author=author, visibility="unlisted")
    assert Post.objects.visible_to(follower).filter(pk=post.pk).exists()
    assert not Post.objects.visible_to(stranger).filter(pk=post.pk).exists()
    assert not Post.objects.visible_to(None).filter(pk=post.pk).exists()
    assert video_get_visible(viewer=follower, id=video.pk) == video
    with pytest.raises(NotFound):
        video_get_visible(viewer=stranger, id=video.pk)
