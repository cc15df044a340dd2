import pytest
from django.conf import settings
from django.db import IntegrityError, transaction

from content.models import Post, PostVisibility
from notifications.models import Notification
from social import services
from social.models import Comment, Like
from social.tests.concurrency import run_in_threads
from social.tests.factories import PostFactory, UserFactory
from users import services as graph

pytestmark = pytest.mark.django_db


def test_like_post_counts_once_and_notifies(as_user, user, post):
    first = as_user.post(f"/api/v1/posts/{post.pk}/like")
    again = as_user.post(f"/api/v1/posts/{post.pk}/like")

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.data == {"liked": True, "likes_count": 1}
    assert Like.objects.filter(user=user, post=post).count() == 1
    assert Notification.objects.filter(recipient=post.author, actor=user, type="like").count() == 1


def test_unlike_is_idempotent_and_counts(as_user, post):
    as_user.post(f"/api/v1/posts/{post.pk}/like")

    first = as_user.delete(f"/api/v1/posts/{post.pk}/like")
    again = as_user.delete(f"/api/v1/posts/{post.pk}/like")

    assert first.data == {"liked": False, "likes_count": 0}
    assert again.status_code == 200
    post.refresh_from_db()
    assert post.likes_count == 0


def test_like_video_and_comment(as_user, as_other, user, video):
    comment = services.comment_create(author=video.author, target=video, text="Welcome!")

    assert as_user.post(f"/api/v1/videos/{video.pk}/like").status_code == 201
    assert as_other.post(f"/api/v1/comments/{comment.pk}/like").data == {"liked": True, "likes_count": 1}
    video.refresh_from_db()
    comment.refresh_from_db()
    assert (video.likes_count, comment.like_count) == (1, 1)


def test_likes_of_several_people_group_into_one_notification_group(user, other_user, post):
    services.like_create(user=user, target=post)
    services.like_create(user=other_user, target=post)

    keys = set(Notification.objects.filter(recipient=post.author, type="like").values_list("group_key", flat=True))
    assert len(keys) == 1


def test_like_invisible_post_is_404(as_other, creator):
    private = PostFactory(author=creator, visibility=PostVisibility.FOLLOWERS)

    assert as_other.post(f"/api/v1/posts/{private.pk}/like").status_code == 404
    assert as_other.get(f"/api/v1/posts/{private.pk}/likes").status_code == 404
    assert not Like.objects.exists()


def test_blocked_user_cannot_like(as_user, user, post):
    graph.block_create(blocker=post.author, blocked=user)

    assert as_user.post(f"/api/v1/posts/{post.pk}/like").status_code == 404


def test_like_needs_auth(api_client, post):
    assert api_client.post(f"/api/v1/posts/{post.pk}/like").status_code == 401


def test_likes_list_hides_blocked_likers(as_other, user, other_user, post):
    dan = UserFactory(username="dan3")
    for u in (user, dan):
        services.like_create(user=u, target=post)
    graph.block_create(blocker=other_user, blocked=dan)

    results = as_other.get(f"/api/v1/posts/{post.pk}/likes").data["results"]

    assert [r["user"]["username"] for r in results] == ["ana"]


def test_likes_list_query_count_is_flat(client_for, post, django_assert_max_num_queries):
    client = client_for(UserFactory())
    services.like_create(user=UserFactory(), target=post)
    with django_assert_max_num_queries(5) as one:
        assert len(client.get(f"/api/v1/posts/{post.pk}/likes").data["results"]) == 1
    for _ in range(19):
        services.like_create(user=UserFactory(), target=post)
    with django_assert_max_num_queries(5) as twenty:
        assert len(client.get(f"/api/v1/posts/{post.pk}/likes").data["results"]) == 20
    assert len(one.captured_queries) == len(twenty.captured_queries)


def test_database_refuses_a_like_with_two_targets(user, post, video):
    with pytest.raises(IntegrityError), transaction.atomic():
        Like.objects.create(user=user, post=post, video=video)


def test_database_refuses_a_like_with_no_target(user):
    with pytest.raises(IntegrityError), transaction.atomic():
        Like.objects.create(user=user)


def test_database_refuses_a_second_like_of_the_same_post(user, post):
    Like.objects.create(user=user, post=post)
    with pytest.raises(IntegrityError), transaction.atomic():
        Like.objects.create(user=user, post=post)


@pytest.mark.postgres
@pytest.mark.skipif(not settings.USING_POSTGRES, reason="needs PostgreSQL row locking")
@pytest.mark.django_db(transaction=True)
def test_concurrent_likes_keep_counters_exact():
    post = PostFactory()
    users = [UserFactory() for _ in range(12)]
    comment = services.comment_create(author=users[0], target=post, text="first")

    run_in_threads(12, lambda i: services.like_create(user=users[i], target=post))
    run_in_threads(12, lambda i: services.like_create(user=users[i], target=comment))
    # The same person double-tapping from several devices at once: still one like.
    run_in_threads(6, lambda i: services.like_create(user=users[0], target=Post.objects.get(pk=post.pk)))

    assert Post.objects.get(pk=post.pk).likes_count == 12 == Like.objects.filter(post=post).count()
    assert Comment.objects.get(pk=comment.pk).like_count == 12

    run_in_threads(12, lambda i: services.like_delete(user=users[i % 6], target=post))

    assert Post.objects.get(pk=post.pk).likes_count == 6 == Like.objects.filter(post=post).count()


def test_liking_a_repost_likes_the_original(as_user, other_user, post):
    from content.services.posts import repost_create

    repost, _ = repost_create(user=other_user, post_id=post.pk)

    assert as_user.post(f"/api/v1/posts/{repost.pk}/like").data == {"liked": True, "likes_count": 1}
    post.refresh_from_db()
    assert post.likes_count == 1
    assert Like.objects.get().post_id == post.pk
