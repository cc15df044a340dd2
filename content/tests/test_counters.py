import pytest

from content.services import post_counter_add, video_counter_add
from content.tests.factories import PostFactory, VideoFactory
from core.exceptions import ValidationFailed

pytestmark = pytest.mark.django_db


def test_counters_move_and_never_go_negative():
    post = PostFactory()
    assert post_counter_add(post_id=post.pk, field="likes_count", delta=2) == 1
    post_counter_add(post_id=post.pk, field="likes_count", delta=-5)
    post.refresh_from_db()
    assert post.likes_count == 0
    video = VideoFactory()
    video_counter_add(video_id=video.pk, field="comments_count", delta=3)
    video.refresh_from_db()
    assert video.comments_count == 3


def test_counter_fields_are_an_allow_list():
    post = PostFactory()
    with pytest.raises(ValidationFailed):
        post_counter_add(post_id=post.pk, field="trending_score", delta=1)
    with pytest.raises(ValidationFailed):
        video_counter_add(video_id=VideoFactory().pk, field="reposts_count", delta=1)
