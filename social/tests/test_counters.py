import datetime

import pytest
from django.utils import timezone

from content.models import Post
from social import services
from social.models import Comment
from social.tasks import engagement_counters_repair_task
from social.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_repair_fixes_drifted_counters_and_leaves_exact_ones(user, other_user, post, video):
    services.like_create(user=user, target=post)
    services.like_create(user=other_user, target=post)
    services.save_create(user=user, target=video)
    parent = services.comment_create(author=user, target=post, text="a")
    services.comment_create(author=other_user, target=post, text="b", parent=parent)
    services.like_create(user=other_user, target=parent)
    # Simulate drift (a manual SQL fix gone wrong).
    Post.objects.filter(pk=post.pk).update(likes_count=7, comments_count=0)
    Comment.objects.filter(pk=parent.pk).update(like_count=0, reply_count=3)

    fixed = services.engagement_counters_repair(since=timezone.now() - datetime.timedelta(hours=1))

    post.refresh_from_db()
    parent.refresh_from_db()
    video.refresh_from_db()
    assert (post.likes_count, post.comments_count) == (2, 2)
    assert (parent.like_count, parent.reply_count) == (1, 1)
    assert video.saves_count == 1
    assert fixed == {"post": 1, "video": 0, "comment": 1}
    assert engagement_counters_repair_task.delay().get() == {"post": 0, "video": 0, "comment": 0}


def test_deleted_comments_do_not_count(user, post):
    comment = services.comment_create(author=user, target=post, text="gone soon")
    services.comment_delete(comment=comment, by=user, target=post)
    services.like_create(user=UserFactory(), target=post)

    services.engagement_counters_repair(since=timezone.now() - datetime.timedelta(hours=1))

    post.refresh_from_db()
    assert post.comments_count == 0
