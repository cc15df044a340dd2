"""A profile's posts_count and videos_count follow what the author has published."""

import pytest

from content.services.moderation import content_hide, content_unhide
from content.services.posts import post_create, post_delete, post_restore, repost_create
from content.services.videos import video_delete
from content.tests.factories import VideoFactory

pytestmark = pytest.mark.django_db


def counts(user):
    user.refresh_from_db(fields=["posts_count", "videos_count"])
    return user.posts_count, user.videos_count


def test_posts_count_follows_publish_delete_and_restore(user, other_user):
    first = post_create(author=user, text="one")
    post_create(author=user, text="two")
    assert counts(user) == (2, 0)
    post_delete(post_id=first.pk, actor=user)
    assert counts(user) == (1, 0)
    post_restore(post_id=first.pk)
    assert counts(user) == (2, 0)


def test_reposts_do_not_count_as_posts(user, other_user):
    original = post_create(author=other_user, text="worth sharing")
    repost_create(user=user, post_id=original.pk)
    assert counts(user) == (0, 0)
    assert counts(other_user) == (1, 0)


def test_videos_count_follows_hide_unhide_and_delete(user):
    video = VideoFactory(author=user)
    content_hide(kind="video", id=video.pk)  # a recount happens on each change
    assert counts(user) == (0, 0)
    content_unhide(kind="video", id=video.pk)
    assert counts(user) == (0, 1)
    video_delete(video_id=video.pk, actor=user)
    assert counts(user) == (0, 0)
