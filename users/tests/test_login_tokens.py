from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from users.models import AccountEvent, User, UserSession
from users.services import user_ban, user_deactivate, user_suspend
from users.tests.conftest import PASSWORD, bearer
from users.ws_auth import authenticate_access_token

pytestmark = pytest.mark.django_db
ME = "/api/v1/users/me"


def test_login_with_username_or_email_returns_pair_and_user(api_client, user):
    for login in ("ana", "ANA@example.com"):
        r = api_client.post("/api/v1/auth/login", {"login": login, "password": PASSWORD})
        assert r.status_code == 200
        body = r.json()
        assert body["mfa_required"] is False
        assert body["user"]["username"] == "ana" and body["user"]["email"] == "ana@example.com"
        assert bearer(body["access"]).get(ME).json()["username"] == "ana"
    assert UserSession.objects.filter(user=user).count() == 2


def test_wrong_password_and_unknown_login_look_the_same(api_client, user):
    wrong = api_client.post("/api/v1/auth/login", {"login": "ana", "password": "nope-nope-nope"})
    unknown = api_client.post("/api/v1/auth/login", {"login": "ghost", "password": "nope-nope-nope"})
    assert wrong.status_code == unknown.status_code == 401
    strip = lambda r: {k: v for k, v in r.json().items() if k != "request_id"}  # noqa: E731
    assert strip(wrong) == strip(unknown)
    assert wrong.json()["type"] == "urn:socialflow:error:invalid_credentials"


def test_suspended_user_gets_403_naming_state_and_end(api_client, user, moderator):
    until = timezone.now() + timedelta(days=3)
    user_suspend(user=user, by=moderator, until=until, reason="spam")
    r = api_client.post("/api/v1/auth/login", {"login": "ana", "password": PASSWORD})
    assert r.status_code == 403
    body = r.json()
    assert body["type"] == "urn:socialflow:error:account_suspended"
    assert body["detail"] == f"This account is suspended until {until.isoformat()}."
    assert body["errors"]["suspended_until"] == [until.isoformat()]


@pytest.mark.parametrize(("sanction", "code"), [("ban", "account_banned"), ("deactivate", "account_deactivated")])
def test_banned_and_deactivated_users_get_403(api_client, user, moderator, sanction, code):
    if sanction == "ban":
        user_ban(user=user, by=moderator, reason="abuse")
    else:
        user_deactivate(user=user, by=moderator, reason="requested by support")
    r = api_client.post("/api/v1/auth/login", {"login": "ana", "password": PASSWORD})
    assert r.status_code == 403
    assert r.json()["type"] == f"urn:socialflow:error:{code}"


def test_expired_suspension_is_lifted_at_login(api_client, user, moderator):
    user_suspend(user=user, by=moderator, until=timezone.now() + timedelta(hours=1), reason="cool-off")
    User.objects.filter(pk=user.pk).update(suspended_until=timezone.now() - timedelta(seconds=1))
    r = api_client.post("/api/v1/auth/login", {"login": "ana", "password": PASSWORD})
    assert r.status_code == 200
    user.refresh_from_db()
    assert user.status == "active" and user.suspended_until is None
    lift = user.account_events.filter(kind="status").latest("created_at")
    assert (lift.from_value, lift.to_value, lift.actor, lift.reason) == (
        "suspended",
        "active",
        None,
        "suspension ended",
    )


def test_refresh_rotates_and_old_token_is_dead(api_client, login, user):
    _, body = login(user)
    r = api_client.post("/api/v1/auth/refresh", {"refresh": body["refresh"]})
    assert r.status_code == 200
    pair = r.json()
    assert set(pair) == {"access", "refresh"} and pair["refresh"] != body["refresh"]
    assert bearer(pair["access"]).get(ME).status_code == 200
    assert UserSession.objects.get(user=user).generation == 1


def test_refresh_token_reuse_revokes_the_whole_family(api_client, login, user):
    _, first = login(user)
    second = api_client.post("/api/v1/auth/refresh", {"refresh": first["refresh"]}).json()
    _, other_device = login(user, ua="other-device")
    reuse = api_client.post("/api/v1/auth/refresh", {"refresh": first["refresh"]})
    assert reuse.status_code == 401
    assert reuse.json()["type"] == "urn:socialflow:error:token_reused"
    # The family's newest tokens are dead too: the thief and the victim both have to sign in again.
    assert api_client.post("/api/v1/auth/refresh", {"refresh": second["refresh"]}).status_code == 401
    assert bearer(second["access"]).get(ME).status_code == 401
    # Another login (another family) is untouched.
    assert bearer(other_device["access"]).get(ME).status_code == 200
    assert AccountEvent.objects.filter(user=user, kind="token_reuse").count() == 1


def test_garbage_and_access_token_refused_as_refresh(api_client, login, user):
    _, body = login(user)
    assert api_client.post("/api/v1/auth/refresh", {"refresh": "garbage"}).status_code == 401
    assert api_client.post("/api/v1/auth/refresh", {"refresh": body["access"]}).status_code == 401


def test_logout_revokes_that_session_only(login, user):
    client, body = login(user)
    other, other_body = login(user, ua="tablet")
    assert client.post("/api/v1/auth/logout", {"refresh": body["refresh"]}).status_code == 204
    assert client.get(ME).status_code == 401
    assert APIClient().post("/api/v1/auth/refresh", {"refresh": body["refresh"]}).status_code == 401
    assert other.get(ME).status_code == 200


def test_logout_with_someone_elses_refresh_is_404(login, user, other_user):
    client, _ = login(user)
    _, theirs = login(other_user)
    assert client.post("/api/v1/auth/logout", {"refresh": theirs["refresh"]}).status_code == 404
    assert bearer(theirs["access"]).get(ME).status_code == 200


def test_logout_all(login, user):
    client, _ = login(user)
    other, _ = login(user, ua="tablet")
    assert client.post("/api/v1/auth/logout-all").status_code == 204
    assert client.get(ME).status_code == 401
    assert other.get(ME).status_code == 401


def test_sessions_list_and_delete(login, user, other_user):
    client, _ = login(user, ua="phone/1")
    login(user, ua="tablet/2")
    _, theirs = login(other_user)
    r = client.get("/api/v1/auth/sessions")
    assert r.status_code == 200
    rows = r.json()["results"]
    assert [(s["user_agent"], s["current"]) for s in sorted(rows, key=lambda s: s["user_agent"])] == [
        ("phone/1", True),
        ("tablet/2", False),
    ]
    assert rows[0]["ip_address"] == "127.0.0.1"
    their_session = UserSession.objects.get(user=other_user)
    assert client.delete(f"/api/v1/auth/sessions/{their_session.pk}").status_code == 404
    assert bearer(theirs["access"]).get(ME).status_code == 200
    tablet = UserSession.objects.get(user=user, user_agent="tablet/2")
    assert client.delete(f"/api/v1/auth/sessions/{tablet.pk}").status_code == 204
    assert [s["user_agent"] for s in client.get("/api/v1/auth/sessions").json()["results"]] == ["phone/1"]


def test_deactivated_users_access_token_refused_immediately(login, user, moderator):
    client, body = login(user)
    User.objects.filter(pk=user.pk).update(status=User.Status.DEACTIVATED)  # even without revoking sessions
    r = client.get(ME)
    assert r.status_code == 403
    assert "deactivated" in r.json()["detail"]
    assert authenticate_access_token(body["access"]) is None


def test_suspension_revokes_sessions_and_names_state(login, user, moderator):
    client, body = login(user)
    until = timezone.now() + timedelta(days=1)
    user_suspend(user=user, by=moderator, until=until, reason="spam")
    r = client.get(ME)
    assert r.status_code == 403
    assert r.json()["detail"] == f"This account is suspended until {until.isoformat()}."
    assert not UserSession.objects.live().filter(user=user).exists()
    assert APIClient().post("/api/v1/auth/refresh", {"refresh": body["refresh"]}).status_code in (401, 403)


def test_ws_auth_uses_the_same_checks(login, user):
    client, body = login(user)
    assert authenticate_access_token(body["access"]) == user
    client.post("/api/v1/auth/logout", {"refresh": body["refresh"]})
    assert authenticate_access_token(body["access"]) is None
    assert authenticate_access_token("nonsense") is None


def test_login_throttled_per_account_whatever_name_is_used(api_client, user):
    codes = []
    for i, login in enumerate(["ana", "ANA", "ana@example.com", "Ana@Example.com", "ana", "ana@example.com"]):
        client = APIClient(REMOTE_ADDR=f"10.0.0.{i + 1}")
        codes.append(client.post("/api/v1/auth/login", {"login": login, "password": "wrong-guess"}).status_code)
    assert codes == [401] * 5 + [429]


def test_login_throttled_per_ip(api_client, user):
    codes = [
        api_client.post("/api/v1/auth/login", {"login": f"someone{i}", "password": "x"}).status_code for i in range(11)
    ]
    assert codes == [401] * 10 + [429]
    r = api_client.post("/api/v1/auth/login", {"login": "ana", "password": PASSWORD})
    assert r.status_code == 429 and int(r["Retry-After"]) >= 1


def test_login_costs_exactly_one_password_hash(api_client, user, monkeypatch):
    """Known or unknown login: one hash each, so timing does not reveal which accounts exist."""
    from django.contrib.auth import hashers

    hasher_class = type(hashers.get_hasher("default"))
    calls, inside = [], []
    real_encode, real_verify = hasher_class.encode, hasher_class.verify

    def encode(self, *args, **kwargs):
        if not inside:  # some hashers' verify() re-encodes: that is still the one hash
            calls.append("encode")
        return real_encode(self, *args, **kwargs)

    def verify(self, *args, **kwargs):
        calls.append("verify")
        inside.append(1)
        try:
            return real_verify(self, *args, **kwargs)
        finally:
            inside.pop()

    monkeypatch.setattr(hasher_class, "encode", encode)
    monkeypatch.setattr(hasher_class, "verify", verify)
    assert api_client.post("/api/v1/auth/login", {"login": "ana", "password": PASSWORD}).status_code == 200
    assert calls == ["verify"]
    calls.clear()
    assert api_client.post("/api/v1/auth/login", {"login": "ghost", "password": PASSWORD}).status_code == 401
    assert calls == ["encode"]
    calls.clear()
    assert api_client.post("/api/v1/auth/login", {"login": "ana", "password": "wrong-one"}).status_code == 401
    assert calls == ["verify"]


def test_argon2_parameters_are_owasp():
    from django.contrib.auth.hashers import get_hashers_by_algorithm

    argon = get_hashers_by_algorithm()["argon2"]
    assert (argon.time_cost, argon.memory_cost, argon.parallelism) == (2, 19456, 1)


def test_new_device_login_sends_security_email(login, user, commit, outbox):
    with commit():
        login(user, ua="phone/1")  # first login: no alert
        login(user, ua="phone/1")  # known device: no alert
        login(user, ua="strange-browser/9")
    assert [m.subject for m in outbox] == ["New sign-in to your SocialFlow account"]
    assert "strange-browser/9" in outbox[0].body


def test_sanctions_switch_off_django_is_active_for_the_dashboard(user, moderator):
    from users.services import user_unban

    user_ban(user=user, by=moderator, reason="x")
    user.refresh_from_db()
    assert user.is_active is False
    user_unban(user=user, by=moderator, reason="appeal")
    user.refresh_from_db()
    assert user.is_active is True
