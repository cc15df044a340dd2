import pytest

from users.models import Block, Follow, Mute
from users.services import block_create, follow_create, mute_create
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_block_and_unblock(client_for, user, other_user):
    follow_create(follower=user, following=other_user)
    follow_create(follower=other_user, following=user)
    client = client_for(user)
    r = client.post(f"/api/v1/users/{other_user.pk}/block")
    assert r.status_code == 201
    assert r.json()["user"]["username"] == "ben"
    assert client.post("/api/v1/users/ben/block").status_code == 200  # idempotent
    assert not Follow.objects.exists()
    user.refresh_from_db()
    assert (user.followers_count, user.following_count) == (0, 0)
    # The blocked account cannot see the blocker, and the blocker can still unblock it.
    assert client_for(other_user).get("/api/v1/users/ana").status_code == 404
    assert client.delete("/api/v1/users/ben/block").status_code == 204
    assert client.delete("/api/v1/users/ben/block").status_code == 404
    assert not Block.objects.exists()


def test_block_back_someone_who_blocked_you(client_for, user, other_user):
    block_create(blocker=other_user, blocked=user)
    assert client_for(user).post("/api/v1/users/ben/block").status_code == 201
    assert Block.objects.count() == 2


def test_self_block_refused(client_for, user):
    assert client_for(user).post("/api/v1/users/ana/block").status_code == 400


def test_block_requires_authentication(api_client, other_user):
    assert api_client.post("/api/v1/users/ben/block").status_code == 401


def test_block_list_is_own_only(client_for, user, other_user, creator):
    block_create(blocker=user, blocked=other_user)
    block_create(blocker=creator, blocked=user)
    mine = client_for(user).get("/api/v1/users/me/blocks").json()["results"]
    assert [b["user"]["username"] for b in mine] == ["ben"]
    assert client_for(other_user).get("/api/v1/users/me/blocks").json()["results"] == []
    # No route reads someone else's blocks or mutes.
    assert client_for(other_user).get(f"/api/v1/users/{user.pk}/blocks").status_code == 404
    assert client_for(other_user).get(f"/api/v1/users/{user.pk}/mutes").status_code == 404


def test_mute_with_duration_and_unmute(client_for, user, other_user):
    client = client_for(user)
    r = client.post("/api/v1/users/ben/mute", {"duration": 3600})
    assert r.status_code == 201
    assert r.json()["expires_at"] is not None
    again = client.post("/api/v1/users/ben/mute", {})
    assert again.status_code == 200 and again.json()["expires_at"] is None
    assert [m["user"]["username"] for m in client.get("/api/v1/users/me/mutes").json()["results"]] == ["ben"]
    assert client_for(other_user).get("/api/v1/users/me/mutes").json()["results"] == []
    assert client.delete("/api/v1/users/ben/mute").status_code == 204
    assert not Mute.objects.exists()
    assert client.post("/api/v1/users/ben/mute", {"duration": 5}).status_code == 400


def test_cannot_mute_hidden_account(client_for, user, other_user):
    block_create(blocker=other_user, blocked=user)
    assert client_for(user).post("/api/v1/users/ben/mute").status_code == 404


def test_blocks_and_mutes_lists_query_count(client_for, user, django_assert_max_num_queries):
    client = client_for(user)
    first = UserFactory()
    block_create(blocker=user, blocked=first)
    mute_create(muter=user, muted=first)
    with django_assert_max_num_queries(2):
        assert len(client.get("/api/v1/users/me/blocks").json()["results"]) == 1
    with django_assert_max_num_queries(2):
        assert len(client.get("/api/v1/users/me/mutes").json()["results"]) == 1
    for _ in range(19):
        other = UserFactory()
        block_create(blocker=user, blocked=other)
        mute_create(muter=user, muted=other)
    with django_assert_max_num_queries(2):
        assert len(client.get("/api/v1/users/me/blocks").json()["results"]) == 20
    with django_assert_max_num_queries(2):
        assert len(client.get("/api/v1/users/me/mutes").json()["results"]) == 20
