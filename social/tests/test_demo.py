import pytest

from social import demo
from social.models import Comment, Like, Save
from social.tests.factories import PostFactory, UserFactory, VideoFactory

pytestmark = pytest.mark.django_db


def test_demo_seed_is_idempotent():
    creators = [UserFactory(role="creator") for _ in range(2)]
    fans = [UserFactory() for _ in range(3)]
    for c in creators:
        PostFactory.create_batch(2, author=c)
        VideoFactory(author=c)
    ctx = {"creators": creators, "fans": fans}

    demo.seed(ctx, lambda label: None)
    counts = (Like.objects.count(), Save.objects.count(), Comment.objects.count())
    demo.seed(ctx, lambda label: None)

    assert counts[0] > 0 and counts[2] > 0
    assert (Like.objects.count(), Save.objects.count(), Comment.objects.count()) == counts
