"""Likes move the counts a cached post detail shows (content.selectors.details), at once."""

import pytest

from social import services
from social.tests.factories import PostFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_like_and_unlike_show_on_the_cached_detail(settings, client_for, django_capture_on_commit_callbacks):
    settings.CONTENT_DETAIL_CACHE_SECONDS = 60
    post, fan = PostFactory(), UserFactory()
    reader = client_for(UserFactory())
    url = f"/api/v1/posts/{post.pk}"
    assert reader.get(url).data["likes_count"] == 0
    with django_capture_on_commit_callbacks(execute=True):
        services.like_create(user=fan, target=post)
    assert reader.get(url).data["likes_count"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.like_delete(user=fan, target=post)
    assert reader.get(url).data["likes_count"] == 0
