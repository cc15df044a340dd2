import pytest

from social.tests.factories import PostFactory, VideoFactory
from users import services as graph


@pytest.fixture
def follow():
    """`follow(a, b)`: a follows b through the users service (counters and all)."""

    def make(follower, following, **kw):
        edge, _ = graph.follow_create(follower=follower, following=following, **kw)
        return edge

    return make


@pytest.fixture
def post(creator):
    return PostFactory(author=creator, text="Sending the crux of #climbing today")


@pytest.fixture
def video(creator):
    return VideoFactory(author=creator, title="Bouldering basics")


@pytest.fixture
def as_user(client_for, user):
    return client_for(user)


@pytest.fixture
def as_other(client_for, other_user):
    return client_for(other_user)


@pytest.fixture
def as_creator(client_for, creator):
    return client_for(creator)
