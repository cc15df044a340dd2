import threading
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection

from core.exceptions import NotFound, ValidationFailed
from users.models import Block, Follow, FollowRequest, Mute, User
from users.services import (
    block_create,
    block_delete,
    follow_create,
    follow_delete,
    follow_request_accept,
    follow_request_reject,
    follow_requests_accept_all,
    follower_remove,
    mute_create,
    mute_delete,
)
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def counts(u):
    u.refresh_from_db()
    return u.followers_count, u.following_count


def test_follow_public_account_creates_edge_and_counts(user, other_user):
    follow, created = follow_create(follower=user, following=other_user)
    assert created is True and isinstance(follow, Follow)
    assert counts(user) == (0, 1)
    assert counts(other_user) == (1, 0)
    again, created = follow_create(follower=user, following=other_user)
    assert created is False and again.pk == follow.pk
    assert counts(other_user) == (1, 0)


def test_follow_private_account_creates_request_then_accept(user, other_user):
    other_user.is_private = True
    other_user.save()
    req, created = follow_create(follower=user, following=other_user, hide_reposts=True)
    assert created and isinstance(req, FollowRequest)
    assert follow_create(follower=user, following=other_user) == (req, False)
    assert counts(other_user) == (0, 0)
    follow = follow_request_accept(request_obj=req, by=other_user)
    assert follow.hide_reposts is True
    assert not FollowRequest.objects.exists()
    assert counts(other_user) == (1, 0) and counts(user) == (0, 1)


def test_only_target_may_accept_or_reject(user, other_user, creator):
    other_user.is_private = True
    other_user.save()
    req, _ = follow_create(follower=user, following=other_user)
    with pytest.raises(NotFound):
        follow_request_accept(request_obj=req, by=creator)
    with pytest.raises(NotFound):
        follow_request_reject(request_obj=req, by=user)
    follow_request_reject(request_obj=req, by=other_user)
    assert not FollowRequest.objects.exists() and not Follow.objects.exists()
    with pytest.raises(NotFound):
        follow_request_accept(request_obj=req, by=other_user)


def test_self_follow_and_blocked_refused(user, other_user):
    with pytest.raises(ValidationFailed):
        follow_create(follower=user, following=user)
    block_create(blocker=other_user, blocked=user)
    with pytest.raises(NotFound):
        follow_create(follower=user, following=other_user)
    with pytest.raises(NotFound):
        follow_create(follower=other_user, following=user)


def test_follow_banned_account_is_not_found(user, other_user):
    User.objects.filter(pk=other_user.pk).update(status=User.Status.BANNED)
    with pytest.raises(NotFound):
        follow_create(follower=user, following=other_user)


def test_unfollow_and_withdraw(user, other_user, creator):
    follow_create(follower=user, following=other_user)
    assert follow_delete(follower=user, following=other_user) is True
    assert follow_delete(follower=user, following=other_user) is False
    assert counts(user) == (0, 0) and counts(other_user) == (0, 0)
    creator.is_private = True
    creator.save()
    follow_create(follower=user, following=creator)
    assert follow_delete(follower=user, following=creator) is True
    assert not FollowRequest.objects.exists()


def test_follower_remove(user, other_user):
    follow_create(follower=other_user, following=user)
    assert follower_remove(user=user, follower=other_user) is True
    assert follower_remove(user=user, follower=other_user) is False
    assert counts(user) == (0, 0) and counts(other_user) == (0, 0)


def test_block_removes_follows_and_requests_both_ways(user, other_user, creator):
    follow_create(follower=user, following=other_user)
    follow_create(follower=other_user, following=user)
    follow_create(follower=creator, following=user)
    block, created = block_create(blocker=user, blocked=other_user)
    assert created
    assert list(Follow.objects.values_list("follower__username", "following__username")) == [("cora", "ana")]
    assert counts(user) == (1, 0) and counts(other_user) == (0, 0)
    assert block_create(blocker=user, blocked=other_user) == (block, False)
    assert counts(user) == (1, 0)
    assert block_delete(blocker=user, blocked=other_user) is True
    assert block_delete(blocker=user, blocked=other_user) is False
    assert not Follow.objects.filter(follower=user).exists()


def test_block_removes_pending_requests(user, other_user):
    other_user.is_private = True
    other_user.save()
    follow_create(follower=user, following=other_user)
    block_create(blocker=other_user, blocked=user)
    assert not FollowRequest.objects.exists()
    with pytest.raises(ValidationFailed):
        block_create(blocker=user, blocked=user)


def test_mute_with_and_without_duration(user, other_user):
    mute, created = mute_create(muter=user, muted=other_user, duration=timedelta(hours=1))
    assert created and mute.expires_at is not None
    mute, created = mute_create(muter=user, muted=other_user)
    assert not created and mute.expires_at is None
    assert Mute.objects.get().expires_at is None
    with pytest.raises(ValidationFailed):
        mute_create(muter=user, muted=user)
    with pytest.raises(ValidationFailed):
        mute_create(muter=user, muted=other_user, duration=timedelta(0))
    assert mute_delete(muter=user, muted=other_user) is True
    assert mute_delete(muter=user, muted=other_user) is False


def test_accept_all_when_turning_public(user, other_user, creator):
    creator.is_private = True
    creator.save()
    follow_create(follower=user, following=creator)
    follow_create(follower=other_user, following=creator)
    assert follow_requests_accept_all(user=creator) == 2
    assert counts(creator) == (2, 0)


@pytest.mark.postgres
@pytest.mark.skipif(not settings.USING_POSTGRES, reason="needs PostgreSQL row locks")
@pytest.mark.django_db(transaction=True)
def test_concurrent_follows_and_block_keep_counters_exact():
    target = UserFactory(username="target")
    fans = [UserFactory(username=f"fan{i}") for i in range(6)]
    errors = []
    barrier = threading.Barrier(len(fans) * 2)

    def work(fan):
        try:
            barrier.wait()
            follow_create(follower=fan, following=target)
            follow_create(follower=fan, following=target)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    def blocker(fan):
        try:
            barrier.wait()
            block_create(blocker=target, blocked=fan)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(f,)) for f in fans]
    threads += [threading.Thread(target=blocker, args=(f,)) for f in fans[:3]] + [
        threading.Thread(target=work, args=(f,)) for f in fans[3:]
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [e for e in errors if not isinstance(e, NotFound)] == []
    target.refresh_from_db()
    assert target.followers_count == Follow.objects.filter(following=target).count() == 3
    assert Block.objects.count() == 3
    for fan in fans:
        fan.refresh_from_db()
        assert fan.following_count == Follow.objects.filter(follower=fan).count()


def test_content_counters_and_graph_repair(user, other_user):
    from users.services import user_counter_add, user_graph_counters_repair

    user_counter_add(user_id=user.pk, field="posts_count", delta=2)
    user_counter_add(user_id=user.pk, field="posts_count", delta=-5)
    user_counter_add(user_id=user.pk, field="videos_count", delta=1)
    user.refresh_from_db()
    assert (user.posts_count, user.videos_count) == (0, 1)
    with pytest.raises(ValueError):
        user_counter_add(user_id=user.pk, field="followers_count", delta=1)
    follow_create(follower=user, following=other_user)
    User.objects.update(followers_count=9, following_count=9)
    assert user_graph_counters_repair() == 2
    assert counts(user) == (0, 1) and counts(other_user) == (1, 0)


def test_following_again_updates_the_hide_reposts_option(db):
    from users.services import follow_create
    from users.tests.factories import UserFactory

    fan, star = UserFactory(), UserFactory()
    edge, created = follow_create(follower=fan, following=star)
    assert created is True and edge.hide_reposts is False
    edge, created = follow_create(follower=fan, following=star, hide_reposts=True)
    assert created is False
    edge.refresh_from_db()
    assert edge.hide_reposts is True
    star.refresh_from_db()
    assert star.followers_count == 1
