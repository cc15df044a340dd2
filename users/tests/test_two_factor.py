import time

import pytest
from django.core.cache import cache
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from users.models import BackupCode, UserSession
from users.services import session_start
from users.tests.conftest import PASSWORD, bearer

pytestmark = pytest.mark.django_db


def start_login(api_client, username="ana"):
    r = api_client.post("/api/v1/auth/login", {"login": username, "password": PASSWORD})
    assert r.status_code == 200
    return r.json()


def verify(api_client, mfa_token, code):
    return api_client.post("/api/v1/auth/2fa/verify", {"mfa_token": mfa_token, "code": code})


def test_setup_returns_secret_url_and_qr(login, user):
    client, _ = login(user)
    r = client.post("/api/v1/auth/2fa/setup")
    assert r.status_code == 200
    body = r.json()
    assert body["otpauth_url"].startswith("otpauth://totp/")
    assert f"secret={body['secret']}" in body["otpauth_url"]
    assert body["qr_svg"].lstrip().startswith("<?xml") and "<svg" in body["qr_svg"]
    assert not TOTPDevice.objects.get(user=user).confirmed


def test_confirm_enables_and_returns_ten_hashed_backup_codes(login, user, enable_2fa, commit, outbox):
    with commit():
        _, codes = enable_2fa(user)
    user.refresh_from_db()
    assert user.two_factor_enabled
    assert len(codes) == 10 and len(set(codes)) == 10
    stored = list(BackupCode.objects.filter(user=user).values_list("code_hash", flat=True))
    assert len(stored) == 10 and not set(codes) & set(stored)
    assert "Two-factor authentication turned on" in [m.subject for m in outbox]


def test_confirm_with_wrong_code_fails(login, user):
    client, _ = login(user)
    client.post("/api/v1/auth/2fa/setup")
    r = client.post("/api/v1/auth/2fa/confirm", {"code": "000000"})
    assert r.status_code == 400
    user.refresh_from_db()
    assert not user.two_factor_enabled


def test_login_with_2fa_requires_second_step(api_client, user, enable_2fa):
    totp, _ = enable_2fa(user)
    sessions_before = UserSession.objects.count()
    step = start_login(api_client)
    assert step["mfa_required"] is True and step["mfa_token"]
    assert "access" not in step
    assert UserSession.objects.count() == sessions_before
    # The TOTP used at enrolment is spent: wait for a fresh code by using the next time step.
    code = totp.at(time.time(), counter_offset=1)
    r = verify(api_client, step["mfa_token"], code)
    assert r.status_code == 200, r.json()
    assert r.json()["user"]["username"] == "ana" and r.json()["access"]
    # The mfa_token is single use.
    assert verify(api_client, step["mfa_token"], code).status_code == 401


def test_totp_replay_refused(api_client, user, enable_2fa):
    totp, _ = enable_2fa(user)
    code = totp.at(time.time(), counter_offset=1)
    first = start_login(api_client)
    assert verify(api_client, first["mfa_token"], code).status_code == 200
    second = start_login(api_client)
    r = verify(api_client, second["mfa_token"], code)
    assert r.status_code == 401
    assert r.json()["type"] == "urn:socialflow:error:mfa_code_invalid"


def test_backup_codes_are_single_use(api_client, user, enable_2fa):
    _, codes = enable_2fa(user)
    first = start_login(api_client)
    assert verify(api_client, first["mfa_token"], codes[0].upper()).status_code == 200
    second = start_login(api_client)
    assert verify(api_client, second["mfa_token"], codes[0]).status_code == 401
    assert verify(api_client, second["mfa_token"], codes[1]).status_code == 200
    assert BackupCode.objects.filter(user=user, used_at__isnull=False).count() == 2


def test_regenerating_backup_codes_invalidates_old_ones(api_client, login, user, enable_2fa):
    _, old = enable_2fa(user)
    step = start_login(api_client)
    client = APIClient()
    body = verify(api_client, step["mfa_token"], old[0]).json()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {body['access']}")
    new = client.post("/api/v1/auth/2fa/backup-codes").json()["backup_codes"]
    assert len(new) == 10
    step = start_login(api_client)
    assert verify(api_client, step["mfa_token"], old[1]).status_code == 401
    assert verify(api_client, step["mfa_token"], new[0]).status_code == 200


def test_mfa_verify_throttled_per_token(api_client, user, enable_2fa):
    enable_2fa(user)
    step = start_login(api_client)
    codes = [verify(api_client, step["mfa_token"], f"{i:06d}").status_code for i in range(6)]
    assert codes == [401] * 5 + [429]


def test_expired_mfa_token_refused(api_client, user, enable_2fa, settings):
    from datetime import timedelta

    from django.utils import timezone

    from users.models import MfaChallenge

    _, codes = enable_2fa(user)
    step = start_login(api_client)
    MfaChallenge.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    r = verify(api_client, step["mfa_token"], codes[0])
    assert r.status_code == 401
    assert r.json()["type"] == "urn:socialflow:error:mfa_token_invalid"


def test_disable_needs_password_and_code(api_client, user, enable_2fa):
    _, codes = enable_2fa(user)
    step = start_login(api_client)
    body = verify(api_client, step["mfa_token"], codes[0]).json()
    client = bearer(body["access"])
    assert client.post("/api/v1/auth/2fa/disable", {"password": "wrong", "code": codes[1]}).status_code == 400
    assert client.post("/api/v1/auth/2fa/disable", {"password": PASSWORD, "code": "bad-code"}).status_code == 400
    cache.clear()
    assert client.post("/api/v1/auth/2fa/disable", {"password": PASSWORD, "code": codes[2]}).status_code == 204
    user.refresh_from_db()
    assert not user.two_factor_enabled
    assert not TOTPDevice.objects.filter(user=user).exists() and not BackupCode.objects.filter(user=user).exists()
    assert start_login(api_client)["mfa_required"] is False


def test_setup_refused_when_already_enabled(login, user, enable_2fa):
    enable_2fa(user)
    user.refresh_from_db()
    _, pair = session_start(user=user)
    client = bearer(pair["access"])
    assert client.post("/api/v1/auth/2fa/setup").status_code == 409
