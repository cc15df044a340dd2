import hashlib

import pytest
from rest_framework.test import APIClient

from users.models import ApiKey

pytestmark = pytest.mark.django_db
KEYS = "/api/v1/auth/api-keys"


def key_client(raw):
    c = APIClient()
    c.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    return c


def create(client, scopes, name="bot"):
    r = client.post(KEYS, {"name": name, "scopes": scopes})
    assert r.status_code == 201, r.json()
    return r.json()


def test_key_shown_once_and_stored_hashed(login, user):
    client, _ = login(user)
    body = create(client, ["read"])
    raw = body["key"]
    assert raw.startswith("sf_") and body["scopes"] == ["read"]
    stored = ApiKey.objects.get(pk=body["id"])
    assert stored.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in str(ApiKey.objects.values().get(pk=body["id"]))
    listed = client.get(KEYS).json()["results"]
    assert [k["name"] for k in listed] == ["bot"] and "key" not in listed[0]


def test_read_key_reads_but_cannot_write(login, user, other_user):
    client, _ = login(user)
    raw = create(client, ["read"])["key"]
    bot = key_client(raw)
    me = bot.get("/api/v1/users/me")
    assert me.status_code == 200 and me.json()["username"] == "ana"
    r = bot.post("/api/v1/users/ben/block")
    assert r.status_code == 403
    assert "lacks the 'write' scope" in r.json()["detail"]
    assert ApiKey.objects.get().last_used_at is not None


def test_write_key_can_write_but_not_manage_the_account(login, user, other_user):
    client, _ = login(user)
    body = create(client, ["write"])
    assert body["scopes"] == ["read", "write"]
    bot = key_client(body["key"])
    assert bot.post("/api/v1/users/ben/block").status_code == 201
    assert bot.post(KEYS, {"name": "x", "scopes": ["read"]}).status_code == 403
    assert bot.post("/api/v1/auth/logout-all").status_code == 403


def test_revoked_or_wrong_key_refused(login, user):
    client, _ = login(user)
    body = create(client, ["read"])
    assert key_client(body["key"] + "x").get("/api/v1/users/me").status_code == 401
    assert client.delete(f"{KEYS}/{body['id']}").status_code == 204
    assert key_client(body["key"]).get("/api/v1/users/me").status_code == 401
    assert client.get(KEYS).json()["results"] == []


def test_other_users_key_cannot_be_revoked(login, user, other_user):
    client, _ = login(user)
    body = create(client, ["read"])
    theirs, _ = login(other_user)
    assert theirs.delete(f"{KEYS}/{body['id']}").status_code == 404
    assert theirs.get(KEYS).json()["results"] == []
    assert key_client(body["key"]).get("/api/v1/users/me").status_code == 200


def test_key_of_banned_user_refused(login, user, moderator):
    from users.services import user_ban

    client, _ = login(user)
    raw = create(client, ["read"])["key"]
    user_ban(user=user, by=moderator, reason="spam bot")
    r = key_client(raw).get("/api/v1/users/me")
    assert r.status_code == 403 and "banned" in r.json()["detail"]


def test_invalid_scopes(login, user):
    client, _ = login(user)
    assert client.post(KEYS, {"name": "x", "scopes": ["admin"]}).status_code == 400
    assert client.post(KEYS, {"name": "x", "scopes": []}).status_code == 400
