from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from users.models import OneTimeToken
from users.tests.conftest import PASSWORD, token_from_mail

pytestmark = pytest.mark.django_db
ME = "/api/v1/users/me"


def test_change_password_revokes_sessions_and_keeps_this_device(login, user, commit, outbox):
    client, old = login(user)
    other, _ = login(user, ua="tablet")
    with commit():
        r = client.post(
            "/api/v1/auth/password/change", {"current_password": PASSWORD, "new_password": "fresh-meadow-2031"}
        )
    assert r.status_code == 200
    assert other.get(ME).status_code == 401
    assert client.get(ME).status_code == 401  # the old access token belonged to a revoked session
    assert APIClient().post("/api/v1/auth/refresh", {"refresh": old["refresh"]}).status_code == 401
    fresh = APIClient()
    fresh.credentials(HTTP_AUTHORIZATION=f"Bearer {r.json()['access']}")
    assert fresh.get(ME).status_code == 200
    user.refresh_from_db()
    assert user.check_password("fresh-meadow-2031")
    assert "Your SocialFlow password was changed" in [m.subject for m in outbox]


def test_change_password_checks_current_and_strength(login, user):
    client, _ = login(user)
    wrong = client.post(
        "/api/v1/auth/password/change", {"current_password": "nope", "new_password": "fresh-meadow-2031"}
    )
    assert wrong.status_code == 400 and wrong.json()["errors"]["current_password"] == ["Wrong password."]
    weak = client.post("/api/v1/auth/password/change", {"current_password": PASSWORD, "new_password": "123456789"})
    assert weak.status_code == 400 and "This password is entirely numeric." in weak.json()["errors"]["new_password"]


def test_reset_request_is_identical_for_known_and_unknown(api_client, user, commit, outbox):
    with commit():
        known = api_client.post("/api/v1/auth/password/reset", {"email": "ANA@example.com"})
        unknown = api_client.post("/api/v1/auth/password/reset", {"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()
    assert known.content == unknown.content
    assert [m.to for m in outbox] == [["ana@example.com"]]


def test_reset_confirm_sets_password_once_and_revokes_sessions(api_client, login, user, commit, outbox):
    client, _ = login(user)
    with commit():
        api_client.post("/api/v1/auth/password/reset", {"email": user.email})
    token = token_from_mail(outbox[0])
    weak = api_client.post("/api/v1/auth/password/reset/confirm", {"token": token, "new_password": "password"})
    assert weak.status_code == 400  # and the link still works afterwards
    ok = api_client.post("/api/v1/auth/password/reset/confirm", {"token": token, "new_password": "harbor-lights-77"})
    assert ok.status_code == 200
    assert client.get(ME).status_code == 401
    user.refresh_from_db()
    assert user.check_password("harbor-lights-77")
    again = api_client.post("/api/v1/auth/password/reset/confirm", {"token": token, "new_password": "other-lights-88"})
    assert again.status_code == 400


def test_reset_link_expires_after_an_hour(api_client, user, commit, outbox):
    with commit():
        api_client.post("/api/v1/auth/password/reset", {"email": user.email})
    OneTimeToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    r = api_client.post(
        "/api/v1/auth/password/reset/confirm", {"token": token_from_mail(outbox[0]), "new_password": "harbor-lights-77"}
    )
    assert r.status_code == 400


def test_reset_throttled(api_client, user):
    codes = [
        api_client.post("/api/v1/auth/password/reset", {"email": f"x{i}@example.com"}).status_code for i in range(6)
    ]
    assert codes == [202] * 5 + [429]
