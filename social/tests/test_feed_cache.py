"""The following feed's page cache: repeats cost one query, and every write that changes a page ends it.

Writes run inside `django_capture_on_commit_callbacks(execute=True)`: invalidation happens after commit,
as in production, and test transactions never commit on their own.
"""

import datetime

import pytest
from django.utils import timezone

from content.services.posts import post_delete
from social import services
from social.tests.factories import PostFactory, UserFactory
from users import services as graph
from users.services.status import user_suspend

pytestmark = pytest.mark.django_db

FOLLOWING = "/api/v1/feed/following"


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.FEED_PAGE_CACHE_SECONDS = 60


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed(): ...` runs the block's after-commit callbacks (and theirs) at its end."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def setup(client_for, committed):
    viewer, author = UserFactory(), UserFactory()
    with committed():
        graph.follow_create(follower=viewer, following=author)
        first = PostFactory(author=author, text="first")
    return viewer, author, first, client_for(viewer)


def texts(response):
    return [item["post"]["text"] for item in response.data["results"] if item["kind"] == "post"]


# client_for() authenticates without a token, so these counts hold no session query.
def test_a_repeated_read_is_served_from_the_cache_without_queries(setup, django_assert_num_queries):
    viewer, author, first, client = setup
    assert texts(client.get(FOLLOWING)) == ["first"]
    with django_assert_num_queries(0):
        response = client.get(FOLLOWING)
    assert texts(response) == ["first"]
    assert response.data["results"][0]["reason"]["text"] == f"you follow @{author.username}"


def test_pages_are_cached_per_viewer_and_per_cursor_and_limit(setup, client_for, committed):
    viewer, author, first, client = setup
    with committed():
        PostFactory(author=author, text="second")
    assert texts(client.get(FOLLOWING)) == ["second", "first"]
    assert texts(client.get(FOLLOWING + "?limit=1")) == ["second"]
    stranger = client_for(UserFactory())
    assert texts(stranger.get(FOLLOWING)) == []  # never another viewer's cached page


def test_a_new_post_by_a_followed_account_ends_the_cached_page(setup, committed):
    viewer, author, first, client = setup
    client.get(FOLLOWING)
    with committed():
        PostFactory(author=author, text="second")
    assert texts(client.get(FOLLOWING)) == ["second", "first"]


def test_an_unrelated_post_keeps_the_cached_page(setup, committed, django_assert_num_queries):
    viewer, author, first, client = setup
    client.get(FOLLOWING)
    with committed():
        PostFactory(text="someone else")
    with django_assert_num_queries(0):
        assert texts(client.get(FOLLOWING)) == ["first"]


def test_the_viewers_like_shows_on_the_next_read(setup, committed):
    viewer, author, first, client = setup
    assert client.get(FOLLOWING).data["results"][0]["viewer"]["liked"] is False
    with committed():
        services.like_create(user=viewer, target=first)
    assert client.get(FOLLOWING).data["results"][0]["viewer"]["liked"] is True
    with committed():
        services.like_delete(user=viewer, target=first)
    assert client.get(FOLLOWING).data["results"][0]["viewer"]["liked"] is False


def test_the_viewers_save_shows_on_the_next_read(setup, committed):
    viewer, author, first, client = setup
    client.get(FOLLOWING)
    with committed():
        services.save_create(user=viewer, target=first)
    assert client.get(FOLLOWING).data["results"][0]["viewer"]["saved"] is True


def test_deleting_the_post_removes_it_from_the_cached_page(setup, committed):
    viewer, author, first, client = setup
    client.get(FOLLOWING)
    with committed():
        post_delete(post_id=first.pk, actor=author)
    assert texts(client.get(FOLLOWING)) == []


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda viewer, author: graph.follow_delete(follower=viewer, following=author), id="unfollow"),
        pytest.param(lambda viewer, author: graph.mute_create(muter=viewer, muted=author), id="mute"),
        pytest.param(lambda viewer, author: graph.block_create(blocker=viewer, blocked=author), id="viewer-blocks"),
        pytest.param(lambda viewer, author: graph.block_create(blocker=author, blocked=viewer), id="author-blocks"),
        pytest.param(
            lambda viewer, author: user_suspend(
                user=author, by=None, until=timezone.now() + datetime.timedelta(days=1), reason="spam"
            ),
            id="author-suspended",
        ),
    ],
)
def test_relationship_and_account_changes_end_the_cached_page(setup, committed, change):
    viewer, author, first, client = setup
    assert texts(client.get(FOLLOWING)) == ["first"]
    with committed():
        change(viewer, author)
    assert texts(client.get(FOLLOWING)) == []


def test_with_the_cache_off_every_read_builds_the_page(setup, settings, django_assert_num_queries):
    settings.FEED_PAGE_CACHE_SECONDS = 0
    viewer, author, first, client = setup
    client.get(FOLLOWING)
    with django_assert_num_queries(5):  # subscriptions x2, posts, videos, images
        assert texts(client.get(FOLLOWING)) == ["first"]
