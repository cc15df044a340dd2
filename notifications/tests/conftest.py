import pytest

from users.models import Block, Follow, Mute


@pytest.fixture
def follow():
    def make(follower, following):
        return Follow.objects.create(follower=follower, following=following)

    return make


@pytest.fixture
def block():
    def make(blocker, blocked):
        return Block.objects.create(blocker=blocker, blocked=blocked)

    return make


@pytest.fixture
def mute():
    def make(muter, muted, **kw):
        return Mute.objects.create(muter=muter, muted=muted, **kw)

    return make
