"""Post and video detail reads from the cache (content.selectors.details): a repeat costs no query, every
write that changes what a detail shows or who may see it ends the entry, and one viewer's answer never
reaches another.

Writes run inside `committed()`: the epochs are bumped after commit, as in production, and test
transactions never commit on their own. Each invalidation test reads first, so the entry is cached.
"""

import datetime
from unittest import mock

import pytest
from django.core.cache import cache
from django.utils import timezone

from content.services.counters import post_counter_add
from content.services.posts import post_create, post_delete, post_update, repost_create
from content.services.videos import video_update
from content.tests.factories import PostFactory, SubscriptionFactory, TierFactory, VideoFactory
from users import services as graph
from users.services.status import user_suspend
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def detail_cache(settings):
    settings.CONTENT_DETAIL_CACHE_SECONDS = 60


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed(): ...` runs the block's after-commit callbacks (and theirs) at its end."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def people(db):
    """An author, a follower of theirs, a stranger, and nobody signed in."""
    author, follower, stranger = UserFactory(), UserFactory(), UserFactory()
    graph.follow_create(follower=follower, following=author)
    return {"author": author, "follower": follower, "stranger": stranger, "anonymous": None}


@pytest.fixture
def get(people, client_for):
    """`get(who, item)` reads the post's or video's detail as one of `people`."""
    clients = {name: client_for(user) for name, user in people.items()}

    def read(who, item):
        kind = "videos" if hasattr(item, "title") else "posts"
        return clients[who].get(f"/api/v1/{kind}/{item.pk}")

    return read


def status(get, item, *who):
    return [get(name, item).status_code for name in who]


# -- served from the cache ----------------------------------------------------------------------------
# client_for() authenticates without a token: a signed-in repeat holds no session query either.
@pytest.mark.parametrize("who", ["anonymous", "stranger"])
def test_a_repeated_post_read_is_served_without_queries(get, who, django_assert_num_queries):
    post = PostFactory(text="hello")
    first = get(who, post)
    with django_assert_num_queries(0):
        again = get(who, post)
    assert again.status_code == 200 and again.data == first.data
    assert again.data["text"] == "hello" and again.data["reposted"] is False and "scheduled_at" not in again.data


@pytest.mark.parametrize(("who", "queries"), [("anonymous", 0), ("stranger", 0), ("author", 1)])
def test_a_repeated_video_read_is_served_from_the_cache(people, get, who, queries, django_assert_num_queries):
    video = VideoFactory(author=people["author"], title="clip")
    first = get(who, video)
    with django_assert_num_queries(queries):  # the owner's representation is built from the row
        again = get(who, video)
    assert again.status_code == 200 and again.data == first.data and again.data["title"] == "clip"


def test_an_unrelated_write_keeps_the_entry(people, get, committed, django_assert_num_queries):
    post, other = PostFactory(text="kept"), PostFactory()
    get("stranger", post)
    with committed():
        post_counter_add(post_id=other.pk, field="likes_count", delta=1)
        post_update(post_id=other.pk, actor=other.author, text="changed")
    with django_assert_num_queries(0):
        assert get("stranger", post).data["text"] == "kept"


# -- what the post shows --------------------------------------------------------------------------------
def test_an_edit_shows_on_the_next_read(people, get, committed):
    post = PostFactory(author=people["author"], text="before")
    assert get("anonymous", post).data["text"] == "before"
    with committed():
        post_update(post_id=post.pk, actor=people["author"], text="after")
    data = get("anonymous", post).data
    assert data["text"] == "after" and data["edited_at"] is not None


def test_a_deleted_post_is_not_found(people, get, committed):
    post = PostFactory(author=people["author"])
    assert status(get, post, "anonymous", "stranger") == [200, 200]
    with committed():
        post_delete(post_id=post.pk, actor=people["author"])
    assert status(get, post, "anonymous", "stranger", "author") == [404, 404, 404]


def test_a_suspended_authors_post_is_not_found_for_others(people, get, committed):
    post = PostFactory(author=people["author"])
    assert status(get, post, "anonymous", "follower") == [200, 200]
    with committed():
        until = timezone.now() + datetime.timedelta(days=1)
        user_suspend(user=people["author"], by=None, until=until, reason="spam")
    assert status(get, post, "anonymous", "follower", "stranger") == [404, 404, 404]


def test_a_renamed_author_shows_on_the_card(people, get, committed):
    post = PostFactory(author=people["author"])
    assert get("anonymous", post).data["author"]["username"] == people["author"].username
    with committed():
        graph.user_profile_update(user=people["author"], data={"username": "renamed", "display_name": "Re Named"})
    author = get("anonymous", post).data["author"]
    assert (author["username"], author["display_name"]) == ("renamed", "Re Named")


def test_an_author_going_private_keeps_only_followers(people, get, committed):
    post = PostFactory(author=people["author"])
    assert status(get, post, "anonymous", "stranger", "follower") == [200, 200, 200]
    with committed():
        graph.user_profile_update(user=people["author"], data={"is_private": True})
    assert status(get, post, "anonymous", "stranger", "follower") == [404, 404, 200]
    assert get("follower", post).data["author"]["is_private"] is True


def test_a_like_shows_in_the_count(people, get, committed):
    """Through the counter service social's like calls (content may not import social)."""
    post = PostFactory()
    assert get("anonymous", post).data["likes_count"] == 0
    with committed():
        post_counter_add(post_id=post.pk, field="likes_count", delta=1)
    assert get("anonymous", post).data["likes_count"] == 1


def test_the_viewers_repost_shows_as_reposted_for_them_only(people, get, committed):
    post = PostFactory()
    assert get("stranger", post).data["reposted"] is False
    with committed():
        repost_create(user=people["stranger"], post_id=post.pk)
    mine, theirs = get("stranger", post).data, get("follower", post).data
    assert (mine["reposted"], mine["reposts_count"]) == (True, 1)
    assert (theirs["reposted"], theirs["reposts_count"]) == (False, 1)


def test_a_deleted_quoted_post_leaves_the_quote_unavailable(people, get, committed):
    quoted = PostFactory(author=people["author"], text="original")
    quoting = post_create(author=people["stranger"], text="look", quote_of_id=quoted.pk)
    data = get("anonymous", quoting).data
    assert (data["quote_of"]["text"], data["quote_unavailable"]) == ("original", False)
    with committed():
        post_delete(post_id=quoted.pk, actor=people["author"])
    data = get("anonymous", quoting).data
    assert (data["text"], data["quote_of"], data["quote_unavailable"]) == ("look", None, True)


def test_an_edit_of_the_reposted_original_shows_in_the_repost(people, get, committed):
    original = PostFactory(author=people["author"], text="v1")
    repost, _ = repost_create(user=people["stranger"], post_id=original.pk)
    assert get("anonymous", repost).data["repost_of"]["text"] == "v1"
    with committed():
        post_update(post_id=original.pk, actor=people["author"], text="v2")
    assert get("anonymous", repost).data["repost_of"]["text"] == "v2"


@pytest.mark.parametrize(
    "hide",
    [
        pytest.param(lambda author, post: post_delete(post_id=post.pk, actor=author), id="deleted"),
        pytest.param(
            lambda author, post: post_update(post_id=post.pk, actor=author, visibility="private"), id="private"
        ),
    ],
)
def test_a_repost_of_a_hidden_original_is_not_found(people, get, committed, hide):
    original = PostFactory(author=people["author"])
    repost, _ = repost_create(user=people["stranger"], post_id=original.pk)
    assert status(get, repost, "anonymous", "follower") == [200, 200]
    with committed():
        hide(people["author"], original)
    assert status(get, repost, "anonymous", "follower") == [404, 404]


def test_only_the_author_sees_scheduled_at(people, get, committed):
    past = timezone.now() - datetime.timedelta(hours=1)
    published = PostFactory(author=people["author"], scheduled_at=past, published_at=past)
    assert get("author", published).data["scheduled_at"] is not None  # the author reads (and caches) first
    assert "scheduled_at" not in get("follower", published).data
    assert "scheduled_at" not in get("anonymous", published).data
    later = timezone.now() + datetime.timedelta(hours=1)
    with committed():
        scheduled = post_create(author=people["author"], text="soon", scheduled_at=later)
    assert get("author", scheduled).data["scheduled_at"] is not None
    assert status(get, scheduled, "anonymous", "follower") == [404, 404]


# -- who may see it -------------------------------------------------------------------------------------
def test_following_the_author_opens_a_followers_post(people, get, committed):
    post = PostFactory(author=people["author"], visibility="followers")
    assert status(get, post, "stranger") == [404]
    with committed():
        graph.follow_create(follower=people["stranger"], following=people["author"])
    assert status(get, post, "stranger") == [200]


def test_a_followers_post_seen_by_a_follower_stays_hidden_from_others(people, get):
    post = PostFactory(author=people["author"], visibility="followers", text="inner")
    assert get("follower", post).data["text"] == "inner"
    assert status(get, post, "stranger", "anonymous", "follower") == [404, 404, 200]


@pytest.mark.parametrize("blocker", ["author", "stranger"])
def test_a_block_either_way_hides_the_post(people, get, committed, blocker):
    # The stranger follows nobody: no follow removed with the block ends their facts, only the block.
    post = PostFactory(author=people["author"])
    assert status(get, post, "stranger") == [200]
    other = "stranger" if blocker == "author" else "author"
    with committed():
        graph.block_create(blocker=people[blocker], blocked=people[other])
    assert status(get, post, "stranger", "follower") == [404, 200]


def test_subscribing_opens_a_subscribers_post(people, get, committed):
    post = PostFactory(author=people["author"], visibility="subscribers")
    assert status(get, post, "stranger") == [404]
    with committed():
        SubscriptionFactory(fan=people["stranger"], tier=TierFactory(creator=people["author"]))
    assert status(get, post, "stranger", "follower") == [200, 404]


def test_a_subscription_that_runs_out_closes_the_post_again(people, get):
    post = PostFactory(author=people["author"], visibility="subscribers")
    ends = timezone.now() + datetime.timedelta(hours=1)
    SubscriptionFactory(fan=people["stranger"], tier=TierFactory(creator=people["author"]), paid_through=ends)
    assert status(get, post, "stranger") == [200]
    with mock.patch("django.utils.timezone.now", return_value=ends - datetime.timedelta(seconds=1)):
        assert status(get, post, "stranger") == [200]
    with mock.patch("django.utils.timezone.now", return_value=ends + datetime.timedelta(seconds=1)):
        assert status(get, post, "stranger") == [404]  # no write announced it: the facts' own end did


def test_raising_the_minimum_tiers_price_above_the_fans_closes_the_post(people, get, committed):
    paid, minimum = TierFactory(creator=people["author"]), TierFactory(creator=people["author"])
    post = PostFactory(author=people["author"], visibility="subscribers", min_tier=minimum)
    SubscriptionFactory(fan=people["stranger"], tier=paid)
    assert status(get, post, "stranger") == [200]  # 500 paid, 500 asked
    with committed():
        minimum.price_amount = 1000
        minimum.save()
    assert status(get, post, "stranger") == [404]


def test_lowering_the_fans_tier_below_the_minimum_closes_the_post(people, get, committed):
    paid, minimum = TierFactory(creator=people["author"]), TierFactory(creator=people["author"])
    post = PostFactory(author=people["author"], visibility="subscribers", min_tier=minimum)
    SubscriptionFactory(fan=people["stranger"], tier=paid)
    assert status(get, post, "stranger") == [200]
    with committed():
        paid.price_amount = 100
        paid.save()
    assert status(get, post, "stranger") == [404]


# -- videos ---------------------------------------------------------------------------------------------
def test_a_video_edit_shows_on_the_next_read(people, get, committed):
    video = VideoFactory(author=people["author"], title="old")
    assert get("anonymous", video).data["title"] == "old"
    with committed():
        video_update(video_id=video.pk, actor=people["author"], title="new")
    assert get("anonymous", video).data["title"] == "new"


def test_a_video_made_private_is_for_its_owner_only(people, get, committed):
    video = VideoFactory(author=people["author"])
    assert status(get, video, "anonymous", "follower") == [200, 200]
    assert "processing_attempts" not in get("follower", video).data
    with committed():
        video_update(video_id=video.pk, actor=people["author"], visibility="private")
    assert status(get, video, "anonymous", "follower", "stranger") == [404, 404, 404]
    owner = get("author", video).data
    assert owner["visibility"] == "private" and "processing_attempts" in owner and "scheduled_at" in owner


# -- the cache unreachable ------------------------------------------------------------------------------
def test_reads_answer_from_the_database_when_the_cache_is_down(people, get, committed):
    post = PostFactory(author=people["author"], text="before", visibility="followers")
    video = VideoFactory(author=people["author"], title="clip")
    get("follower", post)
    with mock.patch.object(cache, "get_many", side_effect=ConnectionError("cache down")):
        assert get("follower", post).data["text"] == "before"
        assert status(get, post, "stranger", "anonymous") == [404, 404]
        assert get("anonymous", video).data["title"] == "clip"
        with committed():
            post_update(post_id=post.pk, actor=people["author"], text="after")
        assert get("follower", post).data["text"] == "after"
    assert get("follower", post).data["text"] == "after"  # and after the outage
