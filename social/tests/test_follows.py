import pytest
from django.conf import settings

from notifications.models import Notification
from users import services as graph
from users.models import Follow, FollowRequest
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def url(user, what):
    return f"/api/v1/users/{user.pk}/{what}"


def test_follow_public_account_creates_follow_counts_and_notifies(as_user, user, creator):
    response = as_user.post(url(creator, "follow"), {}, format="json")

    assert response.status_code == 201
    assert response.data["status"] == "following"
    assert response.data["relationship"]["following"] is True
    creator.refresh_from_db()
    user.refresh_from_db()
    assert (creator.followers_count, user.following_count) == (1, 1)
    assert Notification.objects.filter(recipient=creator, actor=user, type="follow").count() == 1


def test_follow_again_is_idempotent(as_user, user, creator):
    as_user.post(url(creator, "follow"), {}, format="json")
    response = as_user.post(url(creator, "follow"), {}, format="json")

    assert response.status_code == 200
    creator.refresh_from_db()
    assert creator.followers_count == 1
    assert Notification.objects.filter(recipient=creator, type="follow").count() == 1


def test_follow_with_hide_reposts_is_stored(as_user, user, creator):
    as_user.post(url(creator, "follow"), {"hide_reposts": True}, format="json")

    assert Follow.objects.get(follower=user, following=creator).hide_reposts is True
    assert as_user.get(url(creator, "relationship")).data["hiding_reposts"] is True


def test_cannot_follow_self(as_user, user):
    response = as_user.post(url(user, "follow"), {}, format="json")

    assert response.status_code == 400
    assert not Follow.objects.exists()


def test_follow_requires_authentication(api_client, creator):
    assert api_client.post(url(creator, "follow"), {}, format="json").status_code == 401


def test_private_account_gets_a_request_then_accepts(as_user, user, client_for):
    private = UserFactory(username="priv", is_private=True)

    response = as_user.post(url(private, "follow"), {}, format="json")

    assert response.status_code == 201
    assert response.data["status"] == "requested"
    assert response.data["relationship"]["requested"] is True
    assert not Follow.objects.exists()
    assert Notification.objects.filter(recipient=private, type="follow_request").count() == 1

    as_private = client_for(private)
    listing = as_private.get("/api/v1/follow-requests")
    assert [r["requester"]["username"] for r in listing.data["results"]] == ["ana"]
    request_id = listing.data["results"][0]["id"]

    accepted = as_private.post(f"/api/v1/follow-requests/{request_id}/accept")

    assert accepted.status_code == 200
    assert accepted.data["followed_by"] is True
    assert Follow.objects.filter(follower=user, following=private).exists()
    private.refresh_from_db()
    assert private.followers_count == 1
    assert Notification.objects.filter(recipient=user, actor=private, type="follow_accepted").count() == 1


def test_reject_request_removes_it_quietly(as_user, user, client_for):
    private = UserFactory(username="priv", is_private=True)
    as_user.post(url(private, "follow"), {}, format="json")
    request_obj = FollowRequest.objects.get()

    response = client_for(private).post(f"/api/v1/follow-requests/{request_obj.pk}/reject")

    assert response.status_code == 204
    assert not FollowRequest.objects.exists()
    assert not Follow.objects.exists()
    assert not Notification.objects.filter(recipient=user).exists()


def test_someone_elses_follow_request_is_404(as_user, as_other, user):
    private = UserFactory(username="priv", is_private=True)
    as_user.post(url(private, "follow"), {}, format="json")
    request_obj = FollowRequest.objects.get()

    assert as_other.post(f"/api/v1/follow-requests/{request_obj.pk}/accept").status_code == 404
    assert as_user.post(f"/api/v1/follow-requests/{request_obj.pk}/accept").status_code == 404
    assert as_other.get("/api/v1/follow-requests").data["results"] == []
    assert FollowRequest.objects.count() == 1


def test_unfollow_and_withdraw(as_user, user, creator, follow):
    follow(user, creator)

    response = as_user.delete(url(creator, "follow"))

    assert response.status_code == 200
    assert response.data["following"] is False
    creator.refresh_from_db()
    assert creator.followers_count == 0
    assert as_user.delete(url(creator, "follow")).status_code == 200  # idempotent


def test_remove_follower(as_creator, user, creator, follow):
    follow(user, creator)

    response = as_creator.delete(url(user, "follower"))

    assert response.status_code == 200
    assert response.data["followed_by"] is False
    assert not Follow.objects.exists()


def test_blocked_account_is_404_for_follow_and_relationship(as_user, user, creator):
    graph.block_create(blocker=creator, blocked=user)

    assert as_user.post(url(creator, "follow"), {}, format="json").status_code == 404
    assert as_user.get(url(creator, "relationship")).status_code == 404
    assert as_user.get(url(creator, "followers")).status_code == 404


def test_relationship_fields(as_user, user, creator, follow):
    follow(user, creator)
    follow(creator, user)
    graph.mute_create(muter=user, muted=creator)

    data = as_user.get(url(creator, "relationship")).data

    assert data == {
        "id": str(creator.pk),
        "following": True,
        "followed_by": True,
        "requested": False,
        "requested_by": False,
        "blocking": False,
        "blocked_by": False,
        "muting": True,
        "hiding_reposts": False,
    }


def test_followers_and_following_lists_hide_blocked_accounts(as_other, user, other_user, creator, follow):
    follow(user, creator)
    dan = UserFactory(username="dan2")
    follow(dan, creator)
    follow(creator, dan)
    graph.block_create(blocker=other_user, blocked=dan)

    followers = as_other.get(url(creator, "followers")).data["results"]
    following = as_other.get(url(creator, "following")).data["results"]

    assert [f["user"]["username"] for f in followers] == ["ana"]
    assert following == []


def test_private_account_lists_are_for_followers_only(client_for, user, other_user, follow):
    private = UserFactory(username="priv", is_private=True)
    graph.follow_request_accept(request_obj=graph.follow_create(follower=user, following=private)[0], by=private)

    assert client_for(user).get(url(private, "followers")).status_code == 200
    assert client_for(other_user).get(url(private, "followers")).status_code == 404
    assert client_for(None).get(url(private, "following")).status_code == 404


def test_followers_list_query_count_is_flat(client_for, creator, follow, django_assert_max_num_queries):
    viewer = UserFactory()
    client = client_for(viewer)
    follow(UserFactory(), creator)
    with django_assert_max_num_queries(3) as one:
        assert len(client.get(url(creator, "followers")).data["results"]) == 1
    for _ in range(19):
        follow(UserFactory(), creator)
    with django_assert_max_num_queries(3) as twenty:
        assert len(client.get(url(creator, "followers")).data["results"]) == 20
    assert len(one.captured_queries) == len(twenty.captured_queries)


def test_me_and_usernames_address_accounts(as_user, user, creator, follow):
    follow(creator, user)

    assert [f["user"]["username"] for f in as_user.get("/api/v1/users/me/followers").data["results"]] == ["cora"]
    assert as_user.post("/api/v1/users/cora/follow", {}, format="json").status_code == 201


@pytest.mark.postgres
@pytest.mark.skipif(not settings.USING_POSTGRES, reason="needs PostgreSQL row locking")
@pytest.mark.django_db(transaction=True)
def test_concurrent_follows_keep_counters_exact():
    from social import services
    from social.tests.concurrency import run_in_threads

    star = UserFactory()
    fans = [UserFactory() for _ in range(10)]

    run_in_threads(10, lambda i: services.follow_user(follower=fans[i], following=star))
    # One fan tapping "follow" on five devices at once still follows once.
    run_in_threads(5, lambda i: services.follow_user(follower=fans[0], following=star))
    run_in_threads(4, lambda i: services.unfollow_user(follower=fans[i], following=star))

    star.refresh_from_db()
    assert star.followers_count == 6 == Follow.objects.filter(following=star).count()
    assert Notification.objects.filter(recipient=star, type="follow").count() == 10


def test_follow_requests_list_query_count_is_flat(client_for, django_assert_max_num_queries):
    private = UserFactory(username="priv", is_private=True)
    client = client_for(private)
    graph.follow_create(follower=UserFactory(), following=private)
    with django_assert_max_num_queries(2) as one:
        assert len(client.get("/api/v1/follow-requests").data["results"]) == 1
    for _ in range(19):
        graph.follow_create(follower=UserFactory(), following=private)
    with django_assert_max_num_queries(2) as twenty:
        assert len(client.get("/api/v1/follow-requests").data["results"]) == 20
    assert len(one.captured_queries) == len(twenty.captured_queries)
