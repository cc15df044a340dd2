from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIRequestFactory

from users.models import OneTimeToken, User
from users.permissions import IsVerified
from users.tests.conftest import token_from_mail

pytestmark = pytest.mark.django_db
URL = "/api/v1/auth/register"


def register(api_client, commit, **overrides):
    data = {"email": "nia@example.com", "username": "nia", "password": "quiet-river-1987", "display_name": "Nia"}
    data.update(overrides)
    with commit():
        return api_client.post(URL, data)


def test_register_creates_pending_account_and_sends_verification(api_client, commit, outbox):
    r = register(api_client, commit)
    assert r.status_code == 201
    body = r.json()
    assert {k: body[k] for k in ("email", "username", "display_name", "status", "is_verified")} == {
        "email": "nia@example.com",
        "username": "nia",
        "display_name": "Nia",
        "status": "pending_verification",
        "is_verified": False,
    }
    user = User.objects.get(username="nia")
    assert str(user.pk) == body["id"]
    assert user.check_password("quiet-river-1987")
    assert [m.subject for m in outbox] == ["Confirm your SocialFlow email address"]
    assert outbox[0].to == ["nia@example.com"]


def test_register_response_identical_for_taken_email(api_client, commit, outbox, user):
    new = register(api_client, commit, email="new@example.com", username="newbie").json()
    taken = register(api_client, commit, email=user.email.upper(), username="otherone").json()
    strip = lambda b: {k: v for k, v in b.items() if k not in ("id", "email", "username")}  # noqa: E731
    assert strip(new) == strip(taken)
    assert set(new) == set(taken)
    assert not User.objects.filter(username="otherone").exists()
    assert [m.subject for m in outbox][-1] == "Someone tried to sign up with your email"
    assert outbox[-1].to == [user.email]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("username", "admin", "This username is reserved."),
        ("username", "Ana", "This username is taken."),
        ("username", "9lives", "Use 3–30 letters, digits or underscores, starting with a letter."),
        ("username", "ab", "Use 3–30 letters, digits or underscores, starting with a letter."),
        ("password", "12345678", "This password is entirely numeric."),
        ("password", "short1", "This password is too short. It must contain at least 8 characters."),
        ("password", "password", "This password is too common."),
    ],
)
def test_register_validation(api_client, commit, user, field, value, message):
    r = register(api_client, commit, **{field: value})
    assert r.status_code == 400
    assert message in r.json()["errors"][field]


def test_password_similar_to_username_refused(api_client, commit):
    r = register(api_client, commit, username="marigold_sun", password="marigold_sun")
    assert r.status_code == 400
    assert any("too similar" in m for m in r.json()["errors"]["password"])


def test_verify_email_activates_once(api_client, commit, outbox):
    register(api_client, commit)
    token = token_from_mail(outbox[0])
    r = api_client.post("/api/v1/auth/verify-email", {"token": token})
    assert r.status_code == 200
    assert r.json()["status"] == "active"
    user = User.objects.get(username="nia")
    assert user.is_email_verified and user.status == "active"
    assert user.account_events.filter(kind="status", from_value="pending_verification", to_value="active").exists()
    again = api_client.post("/api/v1/auth/verify-email", {"token": token})
    assert again.status_code == 400
    assert again.json()["errors"]["token"] == ["Invalid or expired token."]


def test_verify_email_token_expires_after_24h(api_client, commit, outbox):
    register(api_client, commit)
    OneTimeToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    r = api_client.post("/api/v1/auth/verify-email", {"token": token_from_mail(outbox[0])})
    assert r.status_code == 400
    assert User.objects.get(username="nia").status == "pending_verification"


def test_resend_verification_replaces_the_old_link(api_client, commit, outbox, login):
    register(api_client, commit)
    first = token_from_mail(outbox[0])
    client, _ = login(User.objects.get(username="nia"), password="quiet-river-1987")
    with commit():
        r = client.post("/api/v1/auth/verify-email/resend")
    assert r.status_code == 202
    second = token_from_mail(outbox[-1])
    assert first != second
    assert api_client.post("/api/v1/auth/verify-email", {"token": first}).status_code == 400
    assert api_client.post("/api/v1/auth/verify-email", {"token": second}).status_code == 200


def test_resend_anonymous_is_identical_for_unknown_email(api_client, commit, outbox, unverified_user):
    with commit():
        known = api_client.post("/api/v1/auth/verify-email/resend", {"email": unverified_user.email})
        unknown = api_client.post("/api/v1/auth/verify-email/resend", {"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()
    assert len(outbox) == 1


def test_unverified_user_can_sign_in_but_is_not_verified_for_publishing(unverified_user, login):
    client, body = login(unverified_user)
    assert body["user"]["status"] == "pending_verification"
    request = APIRequestFactory().post("/x")
    request.user = unverified_user
    permission = IsVerified()
    assert permission.has_permission(request, None) is False
    assert permission.message == "Verify your email address before doing this."


def test_register_throttled_per_ip(api_client, commit):
    codes = [
        register(api_client, commit, email=f"p{i}@example.com", username=f"person{i}").status_code for i in range(6)
    ]
    assert codes == [201] * 5 + [429]
    r = register(api_client, commit, email="late@example.com", username="latecomer")
    assert r.status_code == 429 and int(r["Retry-After"]) > 0
